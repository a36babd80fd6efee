/**
 * A syscall that waits for an RCU Tasks grace period, as a trampoline
 * update does (ftrace, kprobes, BPF trampolines: unhook, then
 * synchronize_rcu_tasks() before freeing the old trampoline), under a
 * subsystem mutex ("event_mutex", rcuTasks.global.event_mutex):
 *
 *   mutex_lock(); unhook; mutex_unlock();
 *   synchronize_rcu_tasks();
 *   mutex_lock(); free the old trampoline; mutex_unlock();
 *
 * R13 (docs/RCU.md, "Planted bugs"; the reports behind 1612160b9127) holds
 * the mutex across synchronize_rcu_tasks(). That deadlocks "by design" with
 * the SRCU exit tracking when the exit window takes the same mutex: the
 * grace period waits for the exiting task's tasks_rcu_exit_srcu read side,
 * and the exiting task waits for the mutex. With the v6.9 lists an exiting
 * task that blocks on the mutex is quiescent, so holding it is allowed.
 */
import { label, mutexLock, mutexUnlock, type ThreadContext } from '../../runtime/index.js';
import './index.js'; // the do_exit hooks and the wait-for resolver come with the syscall
import { synchronizeRcuTasks } from './gp.js';
import { rcuTasks } from './layout.js';
import { R13 } from './mutants.js';

const L = {
  call: label('sys_trampoline_update'),
  mutex: label('rcu_tasks:event_mutex'),
  unhook: label('trampoline:unhook the old trampoline'),
  free: label('trampoline:free the old trampoline'),
};

export function trampolineUpdate(ctx: ThreadContext): number {
  const k = ctx.k;
  const m = rcuTasks.global.event_mutex;
  return ctx.sys.call(L.call, () => {
    const holdAcross = k.mutant(R13);
    mutexLock(k, m, L.mutex);
    let held = true;
    try {
      k.yieldPoint(L.unhook, m);
      if (!holdAcross) {
        mutexUnlock(k, m, L.mutex);
        held = false;
      }
      synchronizeRcuTasks(k);
      if (!held) {
        mutexLock(k, m, L.mutex);
        held = true;
      }
      k.yieldPoint(L.free, m);
    } finally {
      if (held && !k.aborted) mutexUnlock(k, m, L.mutex);
    }
    return 0;
  });
}
