/**
 * A PID namespace whose init is multi-threaded (rule 1 of
 * zap_pid_ns_processes() in kernel/pid_namespace.c): the init's leader exits first, a sibling thread
 * takes over as child_reaper (find_child_reaper's find_alive_thread), and
 * when that last thread exits, the leader's pid is still allocated (a
 * zombie leader waits for its group), so zap_pid_ns_processes() must wait
 * for pid_allocated == 2, not 1.
 *
 * R10 (docs/RCU.md, "Planted bugs") uses init_pids = 1: the last thread sleeps forever, and the
 * run is reported as a deadlock.
 */
import { CLONE_SIGHAND, CLONE_THREAD, CLONE_VM, defineScenario, mutantVariant } from '../../runtime/index.js';
import { R10 } from '../../subsystems/pidns/index.js';
import { waitFor, wakeAll } from '../userwait.js';
import { checkNamespaceGone, LISTS_2024, NAMESPACE_SHARED, reapBC, setupRcuTasks, sleepUntilKilled, unshareAndForkBC } from './kit.js';

export default defineScenario({
  name: 'pidns-reaper-thread',
  description: "A PID namespace's init has two threads; the leader exits first, then the last thread tears the namespace down.",
  threads: { default: 4, min: 4, max: 4 },
  maxTasks: () => 4,
  variants: [LISTS_2024, mutantVariant(R10)],
  shared: NAMESPACE_SHARED,
  bodies: {
    A(ctx) {
      unshareAndForkBC(ctx);
      wakeAll(ctx, 'go');
      reapBC(ctx);
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
    C: sleepUntilKilled,
  },
  setup(s) {
    setupRcuTasks(s);
    s.spawn('A');
  },
  check: checkNamespaceGone,
});
