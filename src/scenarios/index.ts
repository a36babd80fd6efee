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
];

export function builtinByName(name: string): BuiltinScenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
