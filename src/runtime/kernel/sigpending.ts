/** signal_pending() and friends: read the current task's TIF and pending words. */
import { SIGKILL, sigmask, TIF_NOTIFY_SIGNAL, TIF_SIGPENDING } from './constants.js';
import { T_SIGPENDING, T_TIF } from './layout.js';
import type { Kernel } from './kernel.js';

/** signal_pending(): TIF_SIGPENDING or TIF_NOTIFY_SIGNAL (task_work_add TWA_SIGNAL sets the latter). */
export function signalPending(k: Kernel, slot = k.cur): boolean {
  return (k.tget(slot, T_TIF) & (TIF_SIGPENDING | TIF_NOTIFY_SIGNAL)) !== 0;
}

export function fatalSignalPending(k: Kernel, slot = k.cur): boolean {
  return (k.tget(slot, T_SIGPENDING) & sigmask(SIGKILL)) !== 0;
}
