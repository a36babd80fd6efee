/**
 * A PID namespace whose init is multi-threaded (spec 3c2, rule 1 of
 * zap_pid_ns_processes): the init's leader exits first, a sibling thread
 * takes over as child_reaper (find_child_reaper's find_alive_thread), and
 * when that last thread exits, the leader's pid is still allocated (a
 * zombie leader waits for its group), so zap_pid_ns_processes() must wait
 * for pid_allocated == 2, not 1.
 *
 * R10 (spec 3g) uses init_pids = 1: the last thread sleeps forever, and the
 * run is reported as a deadlock.
 */
import { CLONE_NEWPID, CLONE_SIGHAND, CLONE_THREAD, CLONE_VM, defineScenario, EXIT_DEAD } from '../../runtime/index.js';
import { T_EXIT_STATE } from '../../runtime/layout.js';
import { unshare } from '../../subsystems/pidns/user.js';
import { waitFor, wakeAll } from '../userwait.js';
import { LISTS_2024, mutant, setupRcuTasks } from './kit.js';

export default defineScenario({
  name: 'pidns-reaper-thread',
  description: "A PID namespace's init has two threads; the leader exits first, then the last thread tears the namespace down.",
  threads: { default: 4, min: 4, max: 4 },
  maxTasks: () => 4,
  variants: [LISTS_2024, mutant('R10', 'zap_pid_ns_processes() computes init_pids as 1 for a non-leader last thread')],
  shared: { go: 1, leaderGone: 1, never: 1, reaped: 2, b: 1, c: 1, unshared: 1 },
  bodies: {
    A(ctx) {
      ctx.store('unshared', unshare(ctx, CLONE_NEWPID) === 0 ? 1 : -1);
      ctx.store('b', ctx.sys.fork('B'));
      ctx.store('c', ctx.sys.fork('C'));
      wakeAll(ctx, 'go');
      for (let i = 0; i < 2; i++) {
        const r = ctx.sys.wait(-1);
        ctx.store('reaped', typeof r === 'number' ? r : r.pid, i);
      }
    },
    B(ctx) {
      // The namespace's init: a second thread, then the leader leaves.
      ctx.sys.clone('B2', 0, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
      waitFor(ctx, 'go');
      ctx.sys.exit(0);
    },
    B2(ctx) {
      waitFor(ctx, 'go');
      for (let i = ctx.rng.below(4); i > 0; i--) ctx.yield();
      ctx.sys.exit(0);
    },
    C(ctx) {
      for (;;) ctx.sys.futexWait(ctx.addr('never'), 0);
    },
  },
  setup(s) {
    setupRcuTasks(s);
    s.spawn('A');
  },
  check(c) {
    if (c.get('unshared') !== 1) return c.fail('unshare(CLONE_NEWPID) failed');
    const want = [c.get('b'), c.get('c')].sort((x, y) => x - y);
    const got = [c.get('reaped', 0), c.get('reaped', 1)].sort((x, y) => x - y);
    if (got[0] !== want[0] || got[1] !== want[1]) return c.fail(`A reaped ${got.join(', ')}, expected ${want.join(', ')}`, 'I-PN1');
    for (const t of want) if (c.k.tget(c.k.slotOf(t), T_EXIT_STATE) !== EXIT_DEAD) return c.fail(`tid ${t} was not released`, 'I-PN1');
  },
});
