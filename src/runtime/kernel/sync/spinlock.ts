/**
 * spinlock_t. In the kernel a spinlock waiter burns its CPU; here a waiter
 * spins only as long as the shared park policy allows and then sleeps on the
 * lock word, so a long hold on an oversubscribed machine does not starve the
 * holder. A task must not sleep while it holds one (might_sleep() check in
 * schedule paths).
 */
import { Order, cmpxchg, loadOnce, storeRelease } from '../access.js';
import { TASK_UNINTERRUPTIBLE, WaitKind } from '../constants.js';
import { bug } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';
import { SPIN_OWNER, SPIN_WAITERS, T_SPINS_HELD } from '../layout.js';
import { finishWait, prepareToWait, schedule, wakeUp } from '../sched.js';

const L_LOCK = label('spin_lock');
const L_UNLOCK = label('spin_unlock');

export function spinLock(k: Kernel, lock: number, lbl = L_LOCK): void {
  const me = k.curTid;
  k.yieldPoint(lbl, lock);
  for (;;) {
    if (cmpxchg(k, lock + SPIN_OWNER, 0, me, Order.ACQUIRE) === 0) break;
    if (loadOnce(k, lock + SPIN_OWNER) === me) throw k.fail(bug(`spin_lock: recursive acquisition by tid ${me}`));
    // The kernel's waiter spins (queued_spin_lock_slowpath()); lockstep's
    // sleeps until the unlock wakes it. That sleep is the runtime's, not the
    // kernel's: under the weak memory model it runs outside the model, so
    // its barriers (set_current_state()'s smp_mb()) order nothing the
    // kernel's spinning waiter would not. Only the cmpxchg above is the lock.
    const wm = k.wm;
    k.wm = null;
    try {
      prepareToWait(k, WaitKind.SPINLOCK, lock, lock + SPIN_WAITERS, TASK_UNINTERRUPTIBLE, lbl);
      if (loadOnce(k, lock + SPIN_OWNER) === 0) {
        finishWait(k, lock + SPIN_WAITERS);
        continue;
      }
      schedule(k, lbl);
      finishWait(k, lock + SPIN_WAITERS);
    } finally {
      k.wm = wm;
    }
  }
  if (k.cur >= 0) k.tset(k.cur, T_SPINS_HELD, k.tget(k.cur, T_SPINS_HELD) + 1);
}

export function spinTrylock(k: Kernel, lock: number, lbl = L_LOCK): boolean {
  k.yieldPoint(lbl, lock);
  const ok = cmpxchg(k, lock + SPIN_OWNER, 0, k.curTid, Order.ACQUIRE) === 0;
  if (ok && k.cur >= 0) k.tset(k.cur, T_SPINS_HELD, k.tget(k.cur, T_SPINS_HELD) + 1);
  return ok;
}

export function spinUnlock(k: Kernel, lock: number, lbl = L_UNLOCK): void {
  k.yieldPoint(lbl, lock);
  const owner = loadOnce(k, lock + SPIN_OWNER);
  if (owner !== k.curTid) throw k.fail(bug(`spin_unlock by tid ${k.curTid}, held by ${owner}`));
  if (k.cur >= 0) k.tset(k.cur, T_SPINS_HELD, k.tget(k.cur, T_SPINS_HELD) - 1);
  // spin_unlock(): a release store (queued_spin_unlock: smp_store_release).
  storeRelease(k, lock + SPIN_OWNER, 0);
  // Waking a sleeping waiter is the runtime's (see spinLock): outside the
  // weak model, so spin_unlock() stays a release store, without the smp_mb()
  // of wakeUp() that a real spin_unlock() does not have.
  const wm = k.wm;
  k.wm = null;
  try {
    wakeUp(k, lock, lock + SPIN_WAITERS, 1);
  } finally {
    k.wm = wm;
  }
}

export function spinIsLocked(k: Kernel, lock: number): boolean {
  return loadOnce(k, lock + SPIN_OWNER) !== 0;
}

export function assertSpinLocked(k: Kernel, lock: number, what: string): void {
  if (loadOnce(k, lock + SPIN_OWNER) !== k.curTid) throw k.fail(bug(`assert_spin_locked(${what}) failed`));
}
