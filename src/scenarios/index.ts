/**
 * The table of built-in scenarios (rcutorture's torture_ops table, in
 * spirit): each entry names the module the executors import.
 */
export interface BuiltinScenario {
  readonly name: string;
  /** Module URL, relative to this file once compiled. */
  readonly url: string;
}

function entry(name: string, file: string): BuiltinScenario {
  return { name, url: new URL(`./${file}.js`, import.meta.url).href };
}

export const BUILTIN_SCENARIOS: readonly BuiltinScenario[] = [
  entry('tw-barrier', 'tw-barrier'),
  entry('selftest-abba', 'selftest-abba'),
  entry('selftest-lost-update', 'selftest-lost-update'),
  // Landlock TSYNC (spec §1): the kernel's tsync_test.c, then the extra races of 1f.
  entry('landlock-single-threaded', 'landlock/single-threaded'),
  entry('landlock-multi-threaded', 'landlock/multi-threaded'),
  entry('landlock-multi-threaded-no-new-privs', 'landlock/multi-threaded-nnp'),
  entry('landlock-multi-threaded-max-layers', 'landlock/multi-threaded-max-layers'),
  entry('landlock-diverging-domains', 'landlock/diverging-domains'),
  entry('landlock-competing-enablement', 'landlock/competing-enablement'),
  entry('landlock-tsync-interrupt', 'landlock/tsync-interrupt'),
  entry('landlock-without-ruleset', 'landlock/without-ruleset'),
  entry('landlock-clone-race', 'landlock/clone-race'),
  entry('landlock-exit-race', 'landlock/exit-race'),
  entry('landlock-enomem', 'landlock/enomem'),
  entry('landlock-lockstep', 'landlock/lockstep'),
  entry('landlock-scope-signal', 'landlock/scope-signal'),
  entry('landlock-errors', 'landlock/errors'),
];

export function builtinByName(name: string): BuiltinScenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
