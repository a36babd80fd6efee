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
  // Landlock TSYNC (docs/LANDLOCK.md): the kernel's tsync_test.c, then races beyond it.
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
  entry('landlock-log-subdomains-off-tsync', 'landlock/log-subdomains-off-tsync'),
  entry('landlock-tsync-override-log-subdomains-off', 'landlock/tsync-override-log-subdomains-off'),
  entry('landlock-exec-race', 'landlock/exec-race'),
  // seccomp TSYNC (docs/SECCOMP.md): the kernel's seccomp_bpf.c TSYNC tests, then races beyond them.
  entry('seccomp-tsync-first', 'seccomp/tsync-first'),
  entry('seccomp-siblings-fail-prctl', 'seccomp/siblings-fail-prctl'),
  entry('seccomp-two-siblings-with-ancestor', 'seccomp/two-siblings-with-ancestor'),
  entry('seccomp-two-sibling-want-nnp', 'seccomp/two-sibling-want-nnp'),
  entry('seccomp-two-siblings-with-no-filter', 'seccomp/two-siblings-with-no-filter'),
  entry('seccomp-two-siblings-with-one-divergence', 'seccomp/two-siblings-with-one-divergence'),
  entry('seccomp-two-siblings-with-one-divergence-no-tid-in-err', 'seccomp/two-siblings-with-one-divergence-no-tid-in-err'),
  entry('seccomp-two-siblings-not-under-filter', 'seccomp/two-siblings-not-under-filter'),
  entry('seccomp-detect-filter-flags', 'seccomp/detect-filter-flags'),
  entry('seccomp-user-notification-with-tsync', 'seccomp/user-notification-with-tsync'),
  entry('seccomp-tsync-vs-dead-thread-leader', 'seccomp/tsync-vs-dead-thread-leader'),
  entry('seccomp-clone-race', 'seccomp/clone-race'),
  entry('seccomp-exit-race', 'seccomp/exit-race'),
  entry('seccomp-force-add-race', 'seccomp/force-add-race'),
  entry('seccomp-exec-race', 'seccomp/exec-race'),
  entry('seccomp-listener-emfile', 'seccomp/listener-emfile'),
  entry('seccomp-publish-race', 'seccomp/publish-race'),
  // SRCU, RCU Tasks and PID-namespace teardown (docs/RCU.md).
  entry('rcu-tasks-pidns-deadlock', 'rcu/pidns-deadlock'),
  entry('srcu-torture', 'rcu/srcu-torture'),
  entry('srcu-down-up-read', 'rcu/srcu-down-up'),
  entry('rcu-tasks-torture', 'rcu/tasks-torture'),
  entry('rcu-tasks-exit-mutex', 'rcu/exit-mutex'),
  entry('pidns-reaper-thread', 'rcu/reaper-thread'),
  entry('rcu-sync', 'rcu/rcu-sync'),
];

export function builtinByName(name: string): BuiltinScenario | undefined {
  return BUILTIN_SCENARIOS.find((s) => s.name === name);
}
