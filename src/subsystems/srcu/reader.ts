/**
 * SRCU readers, kernel/rcu/srcutree.c (atomic_long_t counters, before srcu_ctrp):
 *
 *   __srcu_read_lock:   idx = READ_ONCE(ssp->srcu_idx) & 0x1; this_cpu_inc(lock_count[idx]); smp_mb() B
 *   __srcu_read_unlock: smp_mb() C; this_cpu_inc(unlock_count[idx])
 *
 * and their two wrappers in include/linux/srcu.h: srcu_read_lock() /
 * srcu_read_unlock(), a section that begins and ends in one task (lockdep
 * tracks it), and srcu_down_read() / srcu_up_read(), a semaphore-like
 * section that may end in another task than the one that began it (lockdep
 * does not track it). Readers may sleep and nest, and the unlock must use
 * the idx its lock returned (I-SRCU3). There is a preemption point between
 * fetching srcu_idx and incrementing the count: that window is what SCAN1
 * exists for (R4). The increment goes to the CPU the task runs on at that
 * moment (struct.ts).
 *
 * One departure from srcutree.c: a waiting updater sleeps on the
 * srcu_struct's wait queue instead of re-polling from delayed work
 * (SRCU_INTERVAL), and the unlock wakes it. Safety still rests only on the
 * counter check; the wake-up makes a blocked grace period a sleeping task
 * the watchdog can see (a cycle through an SRCU reader is a certain
 * deadlock, not a busy poll; docs/RCU.md, "Modelling decisions"). The
 * wake-up adds no ordering of its own (wakeUpdater()).
 */
import { deref, fetchAdd, label, loadOnce, Order, wakeUpAll, type Kernel } from '../../runtime/index.js';
import { WAITQ_WAITERS } from '../../runtime/kernel/layout.js';
import { srcuMb } from './barriers.js';
import { SS_DOWN_READERS, SS_IDX, SS_WQ, srcu } from './layout.js';
import { R6 } from './mutants.js';
import { lockCount, thisCpu, unlockCount } from './struct.js';

const L = {
  fetch: label('srcu:read_lock:READ_ONCE(srcu_idx)'),
  inc: label('srcu:read_lock:this_cpu_inc(lock_count)'),
  unlock: label('srcu:read_unlock:this_cpu_inc(unlock_count)'),
  wake: label('srcu:read_unlock:wake updater'),
};

/** __srcu_read_lock(ssp): count a new reader on this CPU; returns its idx. */
function srcuReadLockCount(k: Kernel, ss: number): number {
  k.yieldPoint(L.fetch, ss + SS_IDX);
  const idx = loadOnce(k, ss + SS_IDX) & 1;
  // ⟂ A reader preempted here holds a stale idx; it increments that rank
  // after the updater may have flipped away from it, even after the updater
  // checked that rank (R4, R3-locks-first; docs/RCU.md).
  k.yieldPoint(L.inc);
  // this_cpu_inc(): a relaxed RMW on the counter of the CPU we run on now
  // (preemption-safe: the CPU is read and the counter incremented at once).
  fetchAdd(k, lockCount(ss, idx, thisCpu(k, ss)), 1, Order.RELAXED);
  srcuMb(k, 'B');
  return idx;
}

/** __srcu_read_unlock(ssp, idx): count the reader's exit on this CPU, which may differ from its lock's. */
function srcuReadUnlockCount(k: Kernel, ss: number, idx: number): void {
  // R6: unlock with the current srcu_idx instead of the returned idx. After
  // a flip the unlock lands on the other rank: the old rank never drains, or
  // the new one drains early (I-SRCU2/3).
  const rank = k.mutant(R6) ? loadOnce(k, ss + SS_IDX) & 1 : idx;
  srcuMb(k, 'C');
  k.yieldPoint(L.unlock);
  fetchAdd(k, unlockCount(ss, rank, thisCpu(k, ss)), 1, Order.RELAXED);
}

/**
 * lockstep's wake-up of a sleeping updater (see the header), which the
 * kernel does not have: __srcu_read_unlock() ends with the increment, and
 * the reader runs on with no barrier until its next one. A lockless check
 * for a sleeper would be wq_has_sleeper() (include/linux/wait.h), an
 * smp_mb() after the increment; under `--memory-model weak` that fence would
 * publish the critical section's stores right after the increment and hide
 * a missing barrier C. So the waiter count is read outside the model (the
 * SAB word holds its latest value; free under sc), no fence, and the updater
 * settles before the check it sleeps on (tree.ts, waitForReadersOf()): if
 * the count read here is 0, the updater's increment of it comes later, so
 * its settled check sees this unlock. No wake-up is lost, and no ordering
 * is added that the kernel's polling updater would not have.
 */
function wakeUpdater(k: Kernel, ss: number): void {
  const wm = k.wm;
  k.wm = null;
  const waiters = loadOnce(k, ss + SS_WQ + WAITQ_WAITERS);
  k.wm = wm;
  if (waiters > 0) wakeUpAll(k, ss + SS_WQ, L.wake);
}

/** srcu_read_lock(ssp): returns the index to pass to srcu_read_unlock() in this same task. */
export function srcuReadLock(k: Kernel, h: number): number {
  const idx = srcuReadLockCount(k, deref(k, h));
  noteHeld(k, h, 1);
  return idx;
}

/** srcu_read_unlock(ssp, idx), in the task that called srcu_read_lock(). */
export function srcuReadUnlock(k: Kernel, h: number, idx: number): void {
  const ss = deref(k, h);
  srcuReadUnlockCount(k, ss, idx);
  noteHeld(k, h, -1);
  wakeUpdater(k, ss);
}

/**
 * srcu_down_read(ssp): enter a semaphore-like read-side critical section
 * whose srcu_up_read() may run in another task (include/linux/srcu.h: "the
 * matching srcu_up_read() can be invoked from some other context"). The
 * counters are those of srcu_read_lock(); only the ownership differs: no
 * task holds the section (lockdep's srcu_lock_acquire() is not called), so
 * the returned idx must travel with whatever carries the section to the
 * task that ends it.
 */
export function srcuDownRead(k: Kernel, h: number): number {
  const ss = deref(k, h);
  const idx = srcuReadLockCount(k, ss);
  fetchAdd(k, ss + SS_DOWN_READERS, 1, Order.RELAXED);
  return idx;
}

/** srcu_up_read(ssp, idx): end an srcu_down_read() section, from any task. */
export function srcuUpRead(k: Kernel, h: number, idx: number): void {
  const ss = deref(k, h);
  srcuReadUnlockCount(k, ss, idx);
  fetchAdd(k, ss + SS_DOWN_READERS, -1, Order.RELAXED);
  wakeUpdater(k, ss);
}

/** Who holds which srcu_struct, for the wait-for graph only (not part of the algorithm). */
function noteHeld(k: Kernel, h: number, d: number): void {
  const n = k.tget(k.cur, srcu.task.srcu_nesting) + d;
  k.tset(k.cur, srcu.task.srcu_nesting, n);
  k.tset(k.cur, srcu.task.srcu_held, n > 0 ? h : 0);
}
