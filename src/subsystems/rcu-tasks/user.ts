/**
 * A syscall that waits for an RCU Tasks grace period, as a trampoline
 * update does (ftrace, kprobes, BPF trampolines: unhook, then
 * synchronize_rcu_tasks() before freeing the old trampoline). It holds a
 * subsystem mutex ("event_mutex", rcuTasks.global.event_mutex) across the
 * wait, as those paths hold theirs: harmless unless the exit path takes the
 * same mutex (R13, docs/RCU.md).
 */
import { label, mutexLock, mutexUnlock, type ThreadContext } from '../../runtime/index.js';
import './index.js'; // the do_exit hooks and the wait-for resolver come with the syscall
import { synchronizeRcuTasks } from './gp.js';
import { rcuTasks } from './layout.js';

const L = {
  call: label('sys_trampoline_update'),
  mutex: label('rcu_tasks:event_mutex'),
};

export function trampolineUpdate(ctx: ThreadContext): number {
  const k = ctx.k;
  return ctx.sys.call(L.call, () => {
    mutexLock(k, rcuTasks.global.event_mutex, L.mutex);
    try {
      synchronizeRcuTasks(k);
    } finally {
      if (!k.aborted) mutexUnlock(k, rcuTasks.global.event_mutex, L.mutex);
    }
    return 0;
  });
}
