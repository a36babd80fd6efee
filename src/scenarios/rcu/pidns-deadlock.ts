/**
 * The seed's deadlock (docs/RCU.md, "The seed's deadlock"), step by step:
 *
 *   1. A: unshare(CLONE_NEWPID); A stays in PID_NS1
 *   2. A: fork() B, the first task of PID_NS2: its child_reaper
 *   3. A: fork() C into PID_NS2; C's parent is A
 *   4. B exits: exit_tasks_rcu_start(), then exit_notify() -> find_child_reaper()
 *      -> zap_pid_ns_processes(): SIGKILL to C, sleep until C is *reaped*
 *   5. A: synchronize_rcu_tasks() (a trampoline update) -> postscan
 *   6. C dies of the SIGKILL and waits, a zombie, for its parent A
 *   7. A returns from the grace period and reaps C; free_pid() wakes B
 *   8. B finishes exiting; A reaps B
 *
 * With srcu-2022 step 5 waits for B's tasks_rcu_exit_srcu read side while B
 * waits for C and C for A: the run is a deadlock with the cycle
 * A -> B (SRCU grace period) -> C (namespace not empty) -> A (zombie).
 * fix-2023 drops the read side around B's sleep; lists-2024 counts the
 * sleeping B as quiescent. R2 brings the cycle back on the list design.
 */
import { defineScenario, mutantVariant } from '../../runtime/index.js';
import { I_RT1, R1, R2, TASKS_SRCU } from '../../subsystems/rcu-tasks/index.js';
import { trampolineUpdate } from '../../subsystems/rcu-tasks/user.js';
import { waitFor, wakeAll } from '../userwait.js';
import { checkNamespaceGone, FIX_2023, LISTS_2024, NAMESPACE_SHARED, reapBC, setupRcuTasks, sleepUntilKilled, SRCU_2022, unshareAndForkBC } from './kit.js';

export default defineScenario({
  name: 'rcu-tasks-pidns-deadlock',
  description: "The seed's A/B/C: a PID namespace's init exits while its creator waits for an RCU Tasks grace period.",
  threads: { default: 3, min: 3, max: 3 },
  maxTasks: () => 3,
  variants: [
    LISTS_2024,
    FIX_2023,
    SRCU_2022,
    mutantVariant(R1, { design: [TASKS_SRCU] }),
    mutantVariant(R2),
  ],
  shared: { ...NAMESPACE_SHARED, exiting: 1, synced: 1 },
  bodies: {
    A(ctx) {
      unshareAndForkBC(ctx);
      wakeAll(ctx, 'go');
      waitFor(ctx, 'exiting');
      ctx.store('synced', trampolineUpdate(ctx) === 0 ? 1 : -1);
      reapBC(ctx);
    },
    B(ctx) {
      waitFor(ctx, 'go');
      wakeAll(ctx, 'exiting');
      ctx.sys.exit(0);
    },
    C: sleepUntilKilled,
  },
  setup(s) {
    setupRcuTasks(s);
    s.spawn('A');
  },
  check(c) {
    if (c.get('synced') !== 1) return c.fail('synchronize_rcu_tasks() did not return', I_RT1);
    checkNamespaceGone(c);
  },
});
