/**
 * pthread_cond_t: a condition variable used with a mutex, as POSIX defines
 * pthread_cond_wait/signal/broadcast, built the way the classic futex
 * condition variable is (a sequence counter that every signal bumps, and a
 * FUTEX_WAIT on it that sleeps only while the counter is unchanged).
 *
 *  - condWait() reads the sequence while it still holds the mutex, releases
 *    the mutex, and sleeps only if the sequence has not moved since. A signal
 *    that lands between the unlock and the sleep has bumped the sequence, so
 *    the waiter does not sleep: no wake-up is lost in that window. The sleep
 *    itself is the kernel's prepareToWait/re-check/schedule loop (sched.ts),
 *    so a waker that changes the sequence either is seen by the re-check or
 *    sees the breadcrumb. The mutex is re-acquired before returning.
 *  - condSignal() bumps the sequence and wakes the oldest sleeper; a waiter
 *    that read the old sequence and has not slept yet will not sleep. So a
 *    signal releases at least one waiter that was waiting when it was sent,
 *    if there is one.
 *  - condBroadcast() bumps the sequence and wakes every sleeper.
 *
 * Spurious wake-ups are allowed, as POSIX allows them ("spurious wakeups from
 * the pthread_cond_timedwait() or pthread_cond_wait() functions may occur"):
 * a signal may release more than one waiter, and a fatal signal ends the
 * sleep as one. Callers re-check their predicate in a `while` loop; code that
 * uses `if` is the classic bug lockstep can find.
 *
 * The breadcrumb is WaitKind.CONDVAR on the condition variable, so wait-for
 * reports say "condvar 'name' (sync#N)" for a task that nobody signals.
 */
import { Order, fetchAdd, loadOnce, storeOnce } from '../access.js';
import { TASK_KILLABLE, WaitKind } from '../constants.js';
import { bug } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';
import { COND_SEQ, COND_WAITERS, MUTEX_OWNER } from '../layout.js';
import { finishWait, prepareToWait, schedule, wakeUp } from '../sched.js';
import { fatalSignalPending } from '../sigpending.js';
import { mutexLock, mutexUnlock } from './mutex.js';

const L_WAIT = label('pthread_cond_wait');
const L_SIGNAL = label('pthread_cond_signal');
const L_BROADCAST = label('pthread_cond_broadcast');

/** pthread_cond_init(): for a condition variable embedded in a struct (s.condvar(name) returns one ready to use). */
export function condInit(k: Kernel, cv: number): void {
  storeOnce(k, cv + COND_SEQ, 0);
  storeOnce(k, cv + COND_WAITERS, 0);
}

/**
 * pthread_cond_wait(cv, m): the caller must hold `m` (POSIX makes anything
 * else undefined; here it is a crash failure). Returns 0 with `m` held again,
 * after a signal, a broadcast or a spurious wake-up.
 */
export function condWait(k: Kernel, cv: number, m: number, lbl = L_WAIT): number {
  k.yieldPoint(lbl, cv);
  const owner = loadOnce(k, m + MUTEX_OWNER);
  if (owner !== k.curTid) throw k.fail(bug(`pthread_cond_wait by tid ${k.curTid} without holding its mutex (owner ${owner})`));
  const seq = loadOnce(k, cv + COND_SEQ);
  mutexUnlock(k, m, lbl);
  // A preemption point between the unlock and the sleep: controlled mode can
  // run a signaller in this window, which the sequence check must survive.
  k.yieldPoint(lbl, cv);
  // Killable, not uninterruptible: a group exit must be able to end the wait.
  prepareToWait(k, WaitKind.CONDVAR, cv, cv + COND_WAITERS, TASK_KILLABLE, lbl);
  if (loadOnce(k, cv + COND_SEQ) === seq && !fatalSignalPending(k)) schedule(k, lbl);
  finishWait(k, cv + COND_WAITERS);
  mutexLock(k, m, lbl);
  return 0;
}

/** pthread_cond_signal(): release at least one waiter, if any is waiting. */
export function condSignal(k: Kernel, cv: number, lbl = L_SIGNAL): number {
  k.yieldPoint(lbl, cv);
  fetchAdd(k, cv + COND_SEQ, 1, Order.FULL);
  wakeUp(k, cv, cv + COND_WAITERS, 1);
  return 0;
}

/** pthread_cond_broadcast(): release every waiter. */
export function condBroadcast(k: Kernel, cv: number, lbl = L_BROADCAST): number {
  k.yieldPoint(lbl, cv);
  fetchAdd(k, cv + COND_SEQ, 1, Order.FULL);
  wakeUp(k, cv, cv + COND_WAITERS, 0);
  return 0;
}

/** Tasks asleep on the condition variable now (diagnostics and tests). */
export function condWaiters(k: Kernel, cv: number): number {
  return loadOnce(k, cv + COND_WAITERS);
}
