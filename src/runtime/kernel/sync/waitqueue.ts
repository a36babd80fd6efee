/**
 * wait_queue_head_t and the wait_event*() family: sleep until a condition,
 * re-checked after every wake-up (wake-ups may be spurious, as in the kernel).
 */
import {
  ERESTARTSYS,
  TASK_INTERRUPTIBLE,
  TASK_KILLABLE,
  TASK_NORMAL,
  TASK_UNINTERRUPTIBLE,
  WaitKind,
} from '../constants.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';
import { WAITQ_WAITERS } from '../layout.js';
import { finishWait, prepareToWait, schedule, scheduleTimeout, wakeUp } from '../sched.js';
import { fatalSignalPending, signalPending } from '../sigpending.js';

const L_WAIT = label('wait_event');
const L_WAKE = label('wake_up');

export interface WaitOptions {
  /** Wait-for kind recorded in the breadcrumb (default WAITQUEUE). */
  readonly kind?: number;
  /** Extra breadcrumb word: a tid or object the watchdog can resolve. */
  readonly aux?: number;
}

/**
 * wait_event / wait_event_interruptible / wait_event_killable, by `state`.
 * Returns 0 when `cond()` holds, -ERESTARTSYS when interrupted.
 */
export function waitEvent(
  k: Kernel,
  wq: number,
  state: number,
  cond: () => boolean,
  lbl = L_WAIT,
  opts: WaitOptions = {},
): number {
  k.yieldPoint(lbl, wq);
  if (cond()) return 0;
  const kind = opts.kind ?? WaitKind.WAITQUEUE;
  for (;;) {
    prepareToWait(k, kind, wq, wq + WAITQ_WAITERS, state, lbl, opts.aux ?? 0);
    if (cond()) break;
    if ((state === TASK_INTERRUPTIBLE && signalPending(k)) || (state === TASK_KILLABLE && fatalSignalPending(k))) {
      finishWait(k, wq + WAITQ_WAITERS);
      return -ERESTARTSYS;
    }
    schedule(k, lbl);
    finishWait(k, wq + WAITQ_WAITERS);
  }
  finishWait(k, wq + WAITQ_WAITERS);
  return 0;
}

export function waitEventUninterruptible(k: Kernel, wq: number, cond: () => boolean, lbl = L_WAIT): void {
  waitEvent(k, wq, TASK_UNINTERRUPTIBLE, cond, lbl);
}

/**
 * wait_event_timeout(): returns true if the condition became true, false if
 * `ms` passed (in controlled mode: when nothing else could run).
 */
export function waitEventTimeout(k: Kernel, wq: number, cond: () => boolean, ms: number, lbl = L_WAIT): boolean {
  k.yieldPoint(lbl, wq);
  if (cond()) return true;
  prepareToWait(k, WaitKind.TIMEOUT, wq, wq + WAITQ_WAITERS, TASK_UNINTERRUPTIBLE, lbl);
  if (cond()) {
    finishWait(k, wq + WAITQ_WAITERS);
    return true;
  }
  scheduleTimeout(k, ms, lbl);
  finishWait(k, wq + WAITQ_WAITERS);
  return cond();
}

export function wakeUpAll(k: Kernel, wq: number, lbl = L_WAKE): number {
  k.yieldPoint(lbl, wq);
  return wakeUp(k, wq, wq + WAITQ_WAITERS, 0, TASK_NORMAL);
}

export function wakeUpOne(k: Kernel, wq: number, lbl = L_WAKE): number {
  k.yieldPoint(lbl, wq);
  return wakeUp(k, wq, wq + WAITQ_WAITERS, 1, TASK_NORMAL);
}

/** Sleep for `ms` (msleep / schedule_timeout_uninterruptible). */
export function msleep(k: Kernel, ms: number, lbl = label('msleep')): void {
  k.yieldPoint(lbl);
  prepareToWait(k, WaitKind.TIMEOUT, 0, 0, TASK_UNINTERRUPTIBLE, lbl);
  scheduleTimeout(k, ms, lbl);
  finishWait(k, 0);
}
