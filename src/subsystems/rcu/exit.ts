/**
 * The end of do_exit() after exit_notify() (kernel/exit.c), in the kernel's
 * order, because its last stretch is an RCU reader:
 *
 *   exit_notify()
 *   proc_exit_connector(), mpol_put_task_policy(), ...   beforeFinalRegion hooks
 *   preempt_disable()                                    the final region begins
 *   exit_rcu()
 *   exit_tasks_rcu_finish(), lockdep_free_task()          inFinalRegion hooks
 *   do_task_dead(): __schedule()                          the final region ends
 *
 * The final preempt-disabled region is what rcu_tasks_postgp()'s
 * synchronize_rcu() waits out (kernel/rcu/tasks.h: rcu_tasks_postscan()'s
 * comment, "2) An _RCU_ read side starting with the final preempt_disable()
 * call in do_exit() and ending with the final call to schedule() with
 * TASK_DEAD state"). RCU Tasks hangs its exit tracking on these hooks
 * (rcu-tasks/exit.ts).
 *
 * The runtime calls this right before do_task_dead(), whose first yield
 * point is the only step between the end of the region here and the final
 * switch; no reader code runs there.
 */
import { exitHooks, type Kernel } from '../../runtime/index.js';
import { exitRcu, preemptDisable, rcuNoteFinalSwitch } from './reader.js';

type ExitHook = (k: Kernel) => void;

export const doExitTail: { readonly beforeFinalRegion: ExitHook[]; readonly inFinalRegion: ExitHook[] } = {
  beforeFinalRegion: [],
  inFinalRegion: [],
};

exitHooks.afterExitNotify.push((k) => {
  for (const h of doExitTail.beforeFinalRegion) h(k);
  preemptDisable(k);
  exitRcu(k);
  for (const h of doExitTail.inFinalRegion) h(k);
  rcuNoteFinalSwitch(k);
});
