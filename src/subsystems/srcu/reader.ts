/**
 * SRCU readers (spec 3c5, Tree SRCU before srcu_ctrp):
 *
 *   __srcu_read_lock:   idx = READ_ONCE(srcu_idx) & 1; this_cpu_inc(lock_count[idx]); smp_mb() B; return idx
 *   __srcu_read_unlock: smp_mb() C; this_cpu_inc(unlock_count[idx])
 *
 * Readers may sleep and nest, and the unlock must use the idx its lock
 * returned (I-SRCU3). There is a preemption point between fetching srcu_idx
 * and incrementing the count: that window is what SCAN1 exists for (R4).
 *
 * One departure from srcutree.c: a waiting updater sleeps on the
 * srcu_struct's wait queue instead of re-polling from delayed work
 * (SRCU_INTERVAL), and the unlock wakes it. Safety still rests only on the
 * counter check; the wake-up makes a blocked grace period a sleeping task
 * the watchdog can see (a cycle through an SRCU reader is a certain
 * deadlock, not a busy poll).
 */
import { deref, label, wakeUpAll, type Kernel } from '../../runtime/index.js';
import { SS_IDX, SS_WQ, T_SRCU_HELD, T_SRCU_NESTING, WAITQ_WAITERS } from '../../runtime/kernel/layout.js';
import { smpMb } from './barriers.js';
import { lockCount, thisCpu, unlockCount } from './struct.js';

const L = {
  fetch: label('srcu:read_lock:READ_ONCE(srcu_idx)'),
  inc: label('srcu:read_lock:this_cpu_inc(lock_count)'),
  unlock: label('srcu:read_unlock:this_cpu_inc(unlock_count)'),
  wake: label('srcu:read_unlock:wake updater'),
};

/** srcu_read_lock(ssp): returns the index to pass to srcu_read_unlock(). */
export function srcuReadLock(k: Kernel, h: number): number {
  const i32 = k.i32;
  const ss = deref(k, h);
  k.yieldPoint(L.fetch, ss + SS_IDX);
  const idx = Atomics.load(i32, ss + SS_IDX) & 1;
  // ⟂ A reader preempted here holds a stale idx; it increments that rank
  // after the updater may have flipped away from it (spec 3g R4).
  k.yieldPoint(L.inc);
  Atomics.add(i32, lockCount(ss, idx, thisCpu(k)), 1);
  smpMb(k, 'B');
  noteHeld(k, h, 1);
  return idx;
}

/** srcu_read_unlock(ssp, idx). */
export function srcuReadUnlock(k: Kernel, h: number, idx: number): void {
  const i32 = k.i32;
  const ss = deref(k, h);
  // R6 (spec 3g): unlock with the current srcu_idx instead of the returned
  // idx. After a flip the unlock lands on the other rank: the old rank never
  // drains, or the new one drains early (I-SRCU2/3).
  const rank = k.mutant('R6') ? Atomics.load(i32, ss + SS_IDX) & 1 : idx;
  smpMb(k, 'C');
  k.yieldPoint(L.unlock);
  Atomics.add(i32, unlockCount(ss, rank, thisCpu(k)), 1);
  noteHeld(k, h, -1);
  if (Atomics.load(i32, ss + SS_WQ + WAITQ_WAITERS) > 0) wakeUpAll(k, ss + SS_WQ, L.wake);
}

/** Who holds which srcu_struct, for the wait-for graph only (not part of the algorithm). */
function noteHeld(k: Kernel, h: number, d: number): void {
  const n = k.tget(k.cur, T_SRCU_NESTING) + d;
  k.tset(k.cur, T_SRCU_NESTING, n);
  k.tset(k.cur, T_SRCU_HELD, n > 0 ? h : 0);
}
