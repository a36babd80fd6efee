/**
 * struct completion (kernel/sched/completion.c): a `done` counter.
 * complete() adds one and wakes one waiter; complete_all() stores UINT_MAX
 * and wakes every waiter, after which every wait returns at once until
 * reinit_completion(). wait_for_completion() sleeps uninterruptibly (D state);
 * the interruptible variant returns -ERESTARTSYS when a signal is pending,
 * including TIF_NOTIFY_SIGNAL from task_work_add(TWA_SIGNAL) (kernel/task_work.c,
 * include/linux/sched/signal.h: signal_pending()).
 */
import { Order, cmpxchg, loadAcquire, loadOnce, storeOnce, storeRelease } from '../access.js';
import { ERESTARTSYS, TASK_INTERRUPTIBLE, TASK_KILLABLE, TASK_UNINTERRUPTIBLE, WaitKind } from '../constants.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';
import { COMPLETION_ALL, COMPLETION_DONE, COMPLETION_WAITERS } from '../layout.js';
import { finishWait, prepareToWait, schedule, wakeUp } from '../sched.js';
import { fatalSignalPending, signalPending } from '../sigpending.js';

const L_COMPLETE = label('complete');
const L_COMPLETE_ALL = label('complete_all');
const L_WAIT = label('wait_for_completion');
const L_REINIT = label('reinit_completion');

export function initCompletion(k: Kernel, c: number): void {
  storeOnce(k, c + COMPLETION_DONE, 0);
  storeOnce(k, c + COMPLETION_WAITERS, 0);
}

export function reinitCompletion(k: Kernel, c: number, lbl = L_REINIT): void {
  k.yieldPoint(lbl, c);
  storeOnce(k, c + COMPLETION_DONE, 0);
}

export function complete(k: Kernel, c: number, lbl = L_COMPLETE): void {
  k.yieldPoint(lbl, c);
  for (;;) {
    const d = loadOnce(k, c + COMPLETION_DONE);
    if (d === COMPLETION_ALL) break;
    if (cmpxchg(k, c + COMPLETION_DONE, d, d + 1, Order.FULL) === d) break;
  }
  wakeUp(k, c, c + COMPLETION_WAITERS, 1);
}

export function completeAll(k: Kernel, c: number, lbl = L_COMPLETE_ALL): void {
  k.yieldPoint(lbl, c);
  // done is written and read under x->wait.lock (kernel/sched/completion.c):
  // what the completer wrote before is visible to whoever sees it complete.
  storeRelease(k, c + COMPLETION_DONE, COMPLETION_ALL);
  wakeUp(k, c, c + COMPLETION_WAITERS, 0);
}

/** try_wait_for_completion(): consume one `done` if available. */
function tryConsume(k: Kernel, c: number): boolean {
  for (;;) {
    const d = loadAcquire(k, c + COMPLETION_DONE);
    if (d === 0) return false;
    if (d === COMPLETION_ALL) return true;
    if (cmpxchg(k, c + COMPLETION_DONE, d, d - 1, Order.FULL) === d) return true;
  }
}

function waitCommon(k: Kernel, c: number, state: number, lbl: number): number {
  k.yieldPoint(lbl, c);
  for (;;) {
    if (tryConsume(k, c)) return 0;
    prepareToWait(k, WaitKind.COMPLETION, c, c + COMPLETION_WAITERS, state, lbl);
    if (tryConsume(k, c)) {
      finishWait(k, c + COMPLETION_WAITERS);
      return 0;
    }
    if ((state === TASK_INTERRUPTIBLE && signalPending(k)) || (state === TASK_KILLABLE && fatalSignalPending(k))) {
      finishWait(k, c + COMPLETION_WAITERS);
      return -ERESTARTSYS;
    }
    schedule(k, lbl);
    finishWait(k, c + COMPLETION_WAITERS);
  }
}

/** wait_for_completion(): uninterruptible; signals cannot end it. */
export function waitForCompletion(k: Kernel, c: number, lbl = L_WAIT): void {
  waitCommon(k, c, TASK_UNINTERRUPTIBLE, lbl);
}

/** wait_for_completion_interruptible(): 0, or -ERESTARTSYS if a signal (or notify-signal) is pending. */
export function waitForCompletionInterruptible(k: Kernel, c: number, lbl = L_WAIT): number {
  return waitCommon(k, c, TASK_INTERRUPTIBLE, lbl);
}

export function waitForCompletionKillable(k: Kernel, c: number, lbl = L_WAIT): number {
  return waitCommon(k, c, TASK_KILLABLE, lbl);
}

export function completionDone(k: Kernel, c: number): boolean {
  return loadAcquire(k, c + COMPLETION_DONE) !== 0;
}
