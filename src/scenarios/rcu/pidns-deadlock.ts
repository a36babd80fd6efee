/**
 * The seed's deadlock (spec 3c3), step by step:
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
import { CLONE_NEWPID, defineScenario, EXIT_DEAD } from '../../runtime/index.js';
import { T_EXIT_STATE } from '../../runtime/layout.js';
import { unshare } from '../../subsystems/pidns/user.js';
import { trampolineUpdate } from '../../subsystems/rcu-tasks/user.js';
import { waitFor, wakeAll } from '../userwait.js';
import { FIX_2023, LISTS_2024, mutant, setupRcuTasks, SRCU_2022 } from './kit.js';

export default defineScenario({
  name: 'rcu-tasks-pidns-deadlock',
  description: "The seed's A/B/C: a PID namespace's init exits while its creator waits for an RCU Tasks grace period.",
  threads: { default: 3, min: 3, max: 3 },
  maxTasks: () => 3,
  variants: [
    LISTS_2024,
    FIX_2023,
    SRCU_2022,
    mutant('R1', 'the SRCU design without exit_tasks_rcu_stop()/start() around schedule() in zap_pid_ns_processes', ['tasks-srcu']),
    mutant('R2', 'list design, but every exit-list task is a holdout whatever its on_rq/nvcsw'),
  ],
  shared: { go: 1, exiting: 1, never: 1, unshared: 1, synced: 1, reaped: 2, b: 1, c: 1 },
  bodies: {
    A(ctx) {
      ctx.store('unshared', unshare(ctx, CLONE_NEWPID) === 0 ? 1 : -1);
      ctx.store('b', ctx.sys.fork('B'));
      ctx.store('c', ctx.sys.fork('C'));
      wakeAll(ctx, 'go');
      waitFor(ctx, 'exiting');
      ctx.store('synced', trampolineUpdate(ctx) === 0 ? 1 : -1);
      for (let i = 0; i < 2; i++) {
        const r = ctx.sys.wait(-1);
        ctx.store('reaped', typeof r === 'number' ? r : r.pid, i);
      }
    },
    B(ctx) {
      waitFor(ctx, 'go');
      wakeAll(ctx, 'exiting');
      ctx.sys.exit(0);
    },
    C(ctx) {
      // Sleeps until zap_pid_ns_processes() kills it.
      for (;;) ctx.sys.futexWait(ctx.addr('never'), 0);
    },
  },
  setup(s) {
    setupRcuTasks(s);
    s.spawn('A');
  },
  check(c) {
    if (c.get('unshared') !== 1) return c.fail('unshare(CLONE_NEWPID) failed');
    if (c.get('synced') !== 1) return c.fail('synchronize_rcu_tasks() did not return', 'I-RT1');
    const b = c.get('b');
    const cc = c.get('c');
    const reaped = [c.get('reaped', 0), c.get('reaped', 1)].sort((x, y) => x - y);
    if (reaped[0] !== Math.min(b, cc) || reaped[1] !== Math.max(b, cc)) {
      return c.fail(`A reaped ${reaped.join(', ')}, expected B (${b}) and C (${cc})`, 'I-PN1');
    }
    for (const t of [b, cc]) {
      if (c.k.tget(c.k.slotOf(t), T_EXIT_STATE) !== EXIT_DEAD) return c.fail(`tid ${t} was not released`, 'I-PN1');
    }
  },
});
