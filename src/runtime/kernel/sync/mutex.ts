/** struct mutex: sleeping lock with an owner (for the wait-for graph) and FIFO hand-off of wake-ups. */
import { Order, cmpxchg, loadOnce, storeRelease } from '../access.js';
import { EINTR, TASK_KILLABLE, TASK_UNINTERRUPTIBLE, WaitKind } from '../constants.js';
import { bug } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';
import { MUTEX_OWNER, MUTEX_WAITERS } from '../layout.js';
import { finishWait, prepareToWait, schedule, wakeUp } from '../sched.js';
import { fatalSignalPending } from '../sigpending.js';

const L_LOCK = label('mutex_lock');
const L_UNLOCK = label('mutex_unlock');

function lockCommon(k: Kernel, m: number, state: number, lbl: number): number {
  const me = k.curTid;
  k.yieldPoint(lbl, m);
  for (;;) {
    if (cmpxchg(k, m + MUTEX_OWNER, 0, me, Order.ACQUIRE) === 0) return 0;
    prepareToWait(k, WaitKind.MUTEX, m, m + MUTEX_WAITERS, state, lbl);
    if (cmpxchg(k, m + MUTEX_OWNER, 0, me, Order.ACQUIRE) === 0) {
      finishWait(k, m + MUTEX_WAITERS);
      return 0;
    }
    if (state === TASK_KILLABLE && fatalSignalPending(k)) {
      finishWait(k, m + MUTEX_WAITERS);
      return -EINTR;
    }
    schedule(k, lbl);
    finishWait(k, m + MUTEX_WAITERS);
  }
}

export function mutexLock(k: Kernel, m: number, lbl = L_LOCK): void {
  lockCommon(k, m, TASK_UNINTERRUPTIBLE, lbl);
}

/** mutex_lock_killable(): 0, or -EINTR if a fatal signal arrives while waiting. */
export function mutexLockKillable(k: Kernel, m: number, lbl = L_LOCK): number {
  return lockCommon(k, m, TASK_KILLABLE, lbl);
}

/** mutex_trylock(): 1 on success, 0 if contended (kernel convention). */
export function mutexTrylock(k: Kernel, m: number, lbl = L_LOCK): boolean {
  k.yieldPoint(lbl, m);
  return cmpxchg(k, m + MUTEX_OWNER, 0, k.curTid, Order.ACQUIRE) === 0;
}

export function mutexUnlock(k: Kernel, m: number, lbl = L_UNLOCK): void {
  k.yieldPoint(lbl, m);
  const owner = loadOnce(k, m + MUTEX_OWNER);
  if (owner !== k.curTid) throw k.fail(bug(`mutex_unlock by tid ${k.curTid}, owner is ${owner}`));
  // __mutex_unlock_fast(): atomic_long_try_cmpxchg_release on the owner word.
  storeRelease(k, m + MUTEX_OWNER, 0);
  wakeUp(k, m, m + MUTEX_WAITERS, 1);
}

export function mutexOwner(k: Kernel, m: number): number {
  return loadOnce(k, m + MUTEX_OWNER);
}

export function mutexIsLocked(k: Kernel, m: number): boolean {
  return loadOnce(k, m + MUTEX_OWNER) !== 0;
}

export function assertMutexHeld(k: Kernel, m: number, what: string): void {
  if (loadOnce(k, m + MUTEX_OWNER) !== k.curTid) throw k.fail(bug(`lockdep_assert_held(${what}) failed`));
}
