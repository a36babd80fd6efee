/**
 * The one accessor layer for kernel memory. Every load, store, read-modify-
 * write and fence that subsystems and primitives make on the SAB's kernel
 * words goes through these functions, each with its kind in its signature, as
 * the Linux-kernel memory model (tools/memory-model/, linux-kernel.def)
 * distinguishes them:
 *
 *   plain C access ............ loadPlain / storePlain
 *   READ_ONCE / WRITE_ONCE .... loadOnce / storeOnce
 *   READ_ONCE, no dependency .. loadOnceNoDep (see there)
 *   smp_load_acquire .......... loadAcquire      smp_store_release ... storeRelease
 *   atomic RMW ................ fetchAdd / fetchOr / fetchAnd / xchg / cmpxchg, with an Order:
 *                               RELAXED (atomic_inc, *_relaxed), ACQUIRE, RELEASE, FULL
 *                               (value-returning atomic_*, xchg, successful cmpxchg)
 *   fences .................... smpMb, smpRmb, smpWmb, smpMbBeforeAtomic, smpMbAfterAtomic,
 *                               smpMbAfterSpinlock, smpMbAfterUnlockLock
 *
 * Two memories sit behind these functions:
 *  - sequentially consistent (`--memory-model sc`, the default): every access
 *    is one SC `Atomics` operation and every fence is free (it records nothing
 *    and is not a yield point, so adding a fence never changes a schedule);
 *  - weak (`--memory-model weak`, controlled mode): while a task holds the
 *    baton, `k.wm` is the weak memory model (runtime/memory/weak/,
 *    docs/MEMORY-MODEL.md). A load asks the model which stores it may read;
 *    when there is more than one, which it reads is a data choice
 *    (`Kernel.choose`: recorded in the seed log, replayed, branched by `dfs`).
 *    Stores, RMWs and fences update the model's histories and clocks. The SAB
 *    word always holds the coherence-latest value, so code outside the model
 *    (the scheduler, the harness, futex words) reads what SC would.
 *
 * Under exhaustive exploration (`dfs`) each access is also noted in the
 * running step's footprint (footprint.ts): the dependency relation that
 * partial-order reduction prunes by.
 *
 * None of these is a preemption point: where the kernel code can be
 * preempted, the caller says so with `k.yieldPoint(label)` (or uses a
 * primitive that does, such as `readOnce` in sync/atomic.ts).
 */
import type { Kernel } from './kernel.js';
import { Kind, RmwOp, type KindT, type RmwOpT } from '../memory/weak/model.js';
import type { WeakMemory } from '../memory/weak/model.js';
import { Ev } from './constants.js';
import { label } from './labels.js';
import { kAbort } from './layout.js';
import { VIEW_WORD } from './weakhooks.js';

/** Order of an atomic RMW and the fences: one definition, shared with the weak memory model. */
import { Fence, Order, type FenceT, type OrderT } from '../memory/orders.js';
export { Fence, Order, type FenceT, type OrderT };

// ----- the weak path --------------------------------------------------------------
/** The label of a load's choice among the stores it may read (seed logs name it). */
export const L_WEAK_LOAD = label('weak: load');
/** The trace mark of a load that read a store older than the latest. */
export const L_WEAK_STALE = label('weak: stale read');
/**
 * Exploration footprint of the model's per-thread clocks (VIEW_WORD): a full
 * fence (and a fully ordered or acquiring RMW) changes every thread's view,
 * so it writes this word, and every access whose outcome depends on the view
 * reads it. Word 0 is the layout's magic: no program access touches it.
 */

/** The weak model applies: a task holds the baton in a weak run and the iteration is live. */
function weakOf(k: Kernel): WeakMemory | null {
  const wm = k.wm;
  // An aborted iteration's tasks unwind concurrently: none of them may touch the model any more.
  if (wm === null || Atomics.load(k.i32, kAbort) !== 0) return null;
  return wm;
}

function weakLoad(k: Kernel, wm: WeakMemory, a: number, kind: KindT): number {
  // A load whose latest store this task has already seen reads it in every
  // order of the other tasks' fences: independent of them (fewer races for dfs).
  // (What the load does to this task's clocks are joins, which commute with a fence's joins.)
  if (k.fp !== null && wm.mayReadStale(k.cur, a)) k.fp.note(VIEW_WORD, false);
  const t = k.cur;
  const n = wm.loadCandidates(t, a, kind);
  const c = n > 1 ? k.choose(n, L_WEAK_LOAD, a) : 0;
  if (c > 0) {
    // Mark the stale read in the trace with the store it read: writer tid and its store number.
    const w = wm.candidateWriter(c);
    k.event(Ev.STALE, L_WEAK_STALE, a, ((w + 1) << 20) | (wm.candidateEvent(c) & 0xfffff));
  }
  return wm.load(t, a, kind, c);
}

function weakStore(k: Kernel, wm: WeakMemory, a: number, v: number, kind: KindT): void {
  // A release store's message clock is the thread's view: others' full fences change it.
  if (k.fp !== null && kind === Kind.RELEASE) k.fp.note(VIEW_WORD, false);
  wm.store(k.cur, a, v, kind);
}

function weakRmw(k: Kernel, wm: WeakMemory, a: number, op: RmwOpT, operand: number, order: OrderT, expected = 0): number {
  // An RMW reads the latest store whatever the view; a relaxed one's message
  // clock is the thread's own WM. The others may be full fences (FULL, and
  // ACQUIRE after a release): they change every view and read their own.
  if (k.fp !== null && order !== Order.RELAXED) k.fp.note(VIEW_WORD, true);
  return wm.rmw(k.cur, a, op, operand, order, expected);
}

// ----- loads and stores ---------------------------------------------------------
/** A plain C load (a field read under a lock, or data the caller owns). */
export function loadPlain(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakLoad(k, wm, a, Kind.PLAIN);
  }
  return Atomics.load(k.i32, a);
}
/** A plain C store. */
export function storePlain(k: Kernel, a: number, v: number): void {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakStore(k, wm, a, v, Kind.PLAIN);
  }
  Atomics.store(k.i32, a, v);
}
/** READ_ONCE(). */
export function loadOnce(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakLoad(k, wm, a, Kind.ONCE);
  }
  return Atomics.load(k.i32, a);
}
/**
 * READ_ONCE() of a load that provably carries no address dependency: its
 * value is used by no later access's address, and its own address depends
 * on no earlier load (one per-CPU counter in a sum, as srcutree.c's
 * srcu_readers_lock_idx()). Under weak memory the model's addrDeps treats
 * every other load as the source of an address dependency to everything
 * after it, which would order the loads of a sum among themselves and
 * against the loads before them where LKMM does not (docs/MEMORY-MODEL.md
 * §2). Use it only where the kernel code has no such dependency; under sc
 * it is loadOnce().
 */
export function loadOnceNoDep(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakLoad(k, wm, a, Kind.ONCE_NODEP);
  }
  return Atomics.load(k.i32, a);
}
/** WRITE_ONCE(). */
export function storeOnce(k: Kernel, a: number, v: number): void {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakStore(k, wm, a, v, Kind.ONCE);
  }
  Atomics.store(k.i32, a, v);
}
/** smp_load_acquire(); also rcu_dereference() for lockstep (no dependency tracking). */
export function loadAcquire(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakLoad(k, wm, a, Kind.ACQUIRE);
  }
  return Atomics.load(k.i32, a);
}
/** smp_store_release(); also rcu_assign_pointer(). */
export function storeRelease(k: Kernel, a: number, v: number): void {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakStore(k, wm, a, v, Kind.RELEASE);
  }
  Atomics.store(k.i32, a, v);
}

// ----- read-modify-writes (each returns the old value) ------------------------------
export function fetchAdd(k: Kernel, a: number, d: number, order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakRmw(k, wm, a, RmwOp.ADD, d, order);
  }
  return Atomics.add(k.i32, a, d);
}
export function fetchOr(k: Kernel, a: number, bits: number, order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakRmw(k, wm, a, RmwOp.OR, bits, order);
  }
  return Atomics.or(k.i32, a, bits);
}
export function fetchAnd(k: Kernel, a: number, bits: number, order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakRmw(k, wm, a, RmwOp.AND, bits, order);
  }
  return Atomics.and(k.i32, a, bits);
}
export function xchg(k: Kernel, a: number, v: number, order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakRmw(k, wm, a, RmwOp.XCHG, v, order);
  }
  return Atomics.exchange(k.i32, a, v);
}
/** cmpxchg(): the old value; `order` applies when it succeeds (a failed cmpxchg is a relaxed load). */
export function cmpxchg(k: Kernel, a: number, old: number, v: number, order: OrderT): number {
  // Even a failed cmpxchg counts as a write: whether it fails depends on the order.
  if (k.fp !== null) k.fp.note(a, true);
  if (k.wm !== null) {
    const wm = weakOf(k);
    if (wm !== null) return weakRmw(k, wm, a, RmwOp.CMPXCHG, v, order, old);
  }
  return Atomics.compareExchange(k.i32, a, old, v);
}

// ----- fences: free under sequential consistency ----------------------------------------
export function fence(k: Kernel, f: FenceT): void {
  if (k.wm === null) return;
  const wm = weakOf(k);
  if (wm === null) return;
  // rmb and wmb change only the fencing thread's clocks; the full fences every thread's view.
  if (k.fp !== null) k.fp.note(VIEW_WORD, f !== Fence.RMB && f !== Fence.WMB);
  wm.fence(k.cur, f);
}
/** smp_mb(): full barrier, strong and cumulative. */
export function smpMb(k: Kernel): void {
  fence(k, Fence.MB);
}
/** smp_rmb(): orders earlier loads before later loads. */
export function smpRmb(k: Kernel): void {
  fence(k, Fence.RMB);
}
/** smp_wmb(): orders earlier stores before later stores. */
export function smpWmb(k: Kernel): void {
  fence(k, Fence.WMB);
}
/** smp_mb__before_atomic(): makes the following relaxed RMW fully ordered before it. */
export function smpMbBeforeAtomic(k: Kernel): void {
  fence(k, Fence.MB_BEFORE_ATOMIC);
}
/** smp_mb__after_atomic(). */
export function smpMbAfterAtomic(k: Kernel): void {
  fence(k, Fence.MB_AFTER_ATOMIC);
}
/** smp_mb__after_spinlock(): spin_lock() plus this is a full barrier. */
export function smpMbAfterSpinlock(k: Kernel): void {
  fence(k, Fence.MB_AFTER_SPINLOCK);
}
/** smp_mb__after_unlock_lock(): an unlock followed by a lock plus this is a full barrier. */
export function smpMbAfterUnlockLock(k: Kernel): void {
  fence(k, Fence.MB_AFTER_UNLOCK_LOCK);
}
