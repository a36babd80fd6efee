/**
 * task_work (kernel/task_work.c): callbacks queued on a task and run by that
 * task on its way back to user mode, in interrupted interruptible waits that
 * return to user, and in do_exit().
 *
 * The list is a lock-free LIFO stack at task->task_works. Two properties the
 * TSYNC protocols built on task_work depend on are kept exactly (kernel/task_work.c):
 *
 *  - task_work_run() detaches the *whole* list with one cmpxchg before it
 *    runs any entry, so an entry can be dequeued-but-not-started;
 *  - task_work_cancel() succeeds only while the entry is still on the list:
 *    once run() detached it, cancel fails even though it has not run yet
 *    (planted bug L6 needs this window).
 *
 * After exit_task_work() the head holds the work_exited sentinel and
 * task_work_add() fails with -ESRCH.
 *
 * A SAB holds numbers, not closures, so callbacks are named functions that
 * subsystems register at module load; a callback_head stores the id.
 */
import { cmpxchg, fetchOr, loadOnce, Order, storeOnce } from './access.js';
import { ESRCH, PF_EXITING, TASK_INTERRUPTIBLE, TIF_NOTIFY_RESUME, TIF_NOTIFY_SIGNAL, TWA_RESUME, TWA_SIGNAL } from './constants.js';
import { bug } from './errors.js';
import type { Kernel } from './kernel.js';
import { label, labelText } from './labels.js';
import { CACHE, CB_DATA, CB_FUNC, CB_NEXT, CB_QUEUED_ON, T_FLAGS, T_PI_LOCK, T_TASK_WORKS, T_TIF, TW_EXITED } from './layout.js';
import { tryToWakeUp } from './sched.js';
import { deref, kmemCacheAlloc } from './slab.js';
import { spinLock, spinUnlock } from './sync/spinlock.js';

export type TaskWorkFn = (k: Kernel, work: number, data: number) => void;

const callbacks = new Map<number, TaskWorkFn>();

/** Register a task_work callback under a unique name; returns its id. */
export function registerTaskWork(name: string, fn: TaskWorkFn): number {
  const id = label(`task_work:${name}`);
  callbacks.set(id, fn);
  return id;
}

const L_ADD = label('task_work_add');
const L_RUN = label('task_work_run');
const L_CANCEL = label('task_work_cancel');
const L_PI = label('task_work:pi_lock');

/**
 * Allocate a callback_head (init_task_work). `data` is the handle of the
 * object that embeds it (container_of). Returns 0 on allocation failure.
 */
export function initTaskWork(k: Kernel, func: number, data: number): number {
  const cb = kmemCacheAlloc(k, CACHE.callback_head, L_ADD);
  if (cb === 0) return 0;
  const a = deref(k, cb);
  storeOnce(k, a + CB_FUNC, func);
  storeOnce(k, a + CB_DATA, data);
  return cb;
}

/** task_work_add(t, work, notify): 0, or -ESRCH once t ran exit_task_work(). */
export function taskWorkAdd(k: Kernel, slot: number, cb: number, notify: number, lbl = L_ADD): number {
  const head = k.base(slot) + T_TASK_WORKS;
  const a = deref(k, cb, 'task_work_add');
  k.yieldPoint(lbl, head);
  for (;;) {
    const first = loadOnce(k, head);
    if (first === TW_EXITED) return -ESRCH;
    storeOnce(k, a + CB_NEXT, first);
    if (cmpxchg(k, head, first, cb, Order.FULL) === first) break;
  }
  storeOnce(k, a + CB_QUEUED_ON, k.tid(slot));
  if (notify === TWA_SIGNAL) setNotifySignal(k, slot);
  else if (notify === TWA_RESUME) k.tor(slot, T_TIF, TIF_NOTIFY_RESUME); // set_notify_resume()
  return 0;
}

/** set_notify_signal(): TIF_NOTIFY_SIGNAL, and wake the task if it sleeps interruptibly. */
export function setNotifySignal(k: Kernel, slot: number): void {
  // test_and_set_ti_thread_flag(): value-returning, so fully ordered.
  const old = fetchOr(k, k.base(slot) + T_TIF, TIF_NOTIFY_SIGNAL, Order.FULL);
  if ((old & TIF_NOTIFY_SIGNAL) === 0) tryToWakeUp(k, slot, TASK_INTERRUPTIBLE);
}

export function taskWorkPending(k: Kernel, slot = k.cur): boolean {
  const h = k.tget(slot, T_TASK_WORKS);
  return h !== 0 && h !== TW_EXITED;
}

/**
 * task_work_run(): detach the whole list, synchronise with a concurrent
 * cancel through pi_lock, then run every entry (newest first, as the
 * kernel's stack order gives). Loops until the list stays empty; an exiting
 * task installs work_exited so later adds fail.
 */
export function taskWorkRun(k: Kernel, lbl = L_RUN): void {
  const slot = k.cur;
  const head = k.base(slot) + T_TASK_WORKS;
  for (;;) {
    k.yieldPoint(lbl, head);
    let work = loadOnce(k, head);
    for (;;) {
      let next = 0;
      if (work === 0 || work === TW_EXITED) {
        if (work === TW_EXITED) return;
        if ((k.tget(slot, T_FLAGS) & PF_EXITING) !== 0) next = TW_EXITED;
        else return;
      }
      const seen = cmpxchg(k, head, work, next, Order.FULL);
      if (seen === work) break;
      work = seen;
    }
    if (work === 0) return; // installed work_exited on an empty list
    // Synchronise with task_work_cancel(), which walks the list under pi_lock.
    const pi = k.base(slot) + T_PI_LOCK;
    spinLock(k, pi, L_PI);
    spinUnlock(k, pi, L_PI);
    while (work !== 0) {
      const a = deref(k, work, 'task_work_run');
      const next = loadOnce(k, a + CB_NEXT);
      const func = loadOnce(k, a + CB_FUNC);
      const fn = callbacks.get(func);
      if (!fn) throw k.fail(bug(`task_work_run: unregistered callback ${labelText(func)}`));
      fn(k, work, loadOnce(k, a + CB_DATA));
      work = next;
    }
  }
}

/**
 * task_work_cancel(t, cb): remove `cb` if it is still queued on `t`.
 * Returns true if removed (it will not run), false if it was not found:
 * already detached by task_work_run() (running, about to run, or done).
 */
export function taskWorkCancel(k: Kernel, slot: number, cb: number, lbl = L_CANCEL): boolean {
  const pi = k.base(slot) + T_PI_LOCK;
  spinLock(k, pi, lbl);
  let ok = false;
  try {
    let pprev = k.base(slot) + T_TASK_WORKS;
    k.yieldPoint(lbl, pprev);
    let work = loadOnce(k, pprev);
    while (work !== 0 && work !== TW_EXITED) {
      const a = deref(k, work, 'task_work_cancel');
      if (work === cb) {
        const next = loadOnce(k, a + CB_NEXT);
        const seen = cmpxchg(k, pprev, work, next, Order.FULL);
        if (seen === work) {
          ok = true;
          break;
        }
        work = seen; // the head moved (a concurrent add): re-examine from here
        continue;
      }
      pprev = a + CB_NEXT;
      work = loadOnce(k, pprev);
    }
  } finally {
    if (!k.aborted) spinUnlock(k, pi, lbl);
  }
  return ok;
}
