/** signal_pending() and friends: read the current task's TIF and pending words. */
import { SIGKILL, sigmask, TIF_NOTIFY_SIGNAL, TIF_SIGPENDING } from './constants.js';
import { T_SIGPENDING, T_TIF } from './layout.js';
import type { Kernel } from './kernel.js';

/** signal_pending(): TIF_SIGPENDING or TIF_NOTIFY_SIGNAL (task_work_add TWA_SIGNAL sets the latter). */
export function signalPending(k: Kernel, slot = k.cur): boolean {
  return (k.tget(slot, T_TIF) & (TIF_SIGPENDING | TIF_NOTIFY_SIGNAL)) !== 0;
}

/**
 * fatal_signal_pending(): signal_pending() && __fatal_signal_pending()
 * (include/linux/sched/signal.h). A sender queues SIGKILL, then sets
 * TIF_SIGPENDING (signal_wake_up()); a task that looked at the queue alone
 * could see SIGKILL before the flag, give up a killable wait, and return to
 * user space past an exit path that finds no TIF_SIGPENDING, alive. The flag
 * is read first, so the SIGKILL queued before it is seen too.
 */
export function fatalSignalPending(k: Kernel, slot = k.cur): boolean {
  return signalPending(k, slot) && (k.tget(slot, T_SIGPENDING) & sigmask(SIGKILL)) !== 0;
}
