/**
 * The one accessor layer for kernel memory. Every load, store, read-modify-
 * write and fence that subsystems and primitives make on the SAB's kernel
 * words goes through these functions, each with its kind in its signature, as
 * the Linux-kernel memory model (tools/memory-model/, linux-kernel.def)
 * distinguishes them:
 *
 *   plain C access ............ loadPlain / storePlain
 *   READ_ONCE / WRITE_ONCE .... loadOnce / storeOnce
 *   smp_load_acquire .......... loadAcquire      smp_store_release ... storeRelease
 *   atomic RMW ................ fetchAdd / fetchOr / fetchAnd / xchg / cmpxchg, with an Order:
 *                               RELAXED (atomic_inc, *_relaxed), ACQUIRE, RELEASE, FULL
 *                               (value-returning atomic_*, xchg, successful cmpxchg)
 *   fences .................... smpMb, smpRmb, smpWmb, smpMbBeforeAtomic, smpMbAfterAtomic,
 *                               smpMbAfterSpinlock, smpMbAfterUnlockLock
 *
 * Today the memory is sequentially consistent: every access is one SC
 * `Atomics` operation and every fence is free (it records nothing and is not a
 * yield point, so adding a fence never changes a schedule). The kinds are what
 * a weaker model needs: with all accesses here, one backend can decide which
 * store a load reads and when a store propagates.
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

/** Order of an atomic RMW and the fences: one definition, shared with the weak memory model. */
import { Fence, Order, type FenceT, type OrderT } from '../memory/orders.js';
export { Fence, Order, type FenceT, type OrderT };

// ----- loads and stores ---------------------------------------------------------
/** A plain C load (a field read under a lock, or data the caller owns). */
export function loadPlain(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  return Atomics.load(k.i32, a);
}
/** A plain C store. */
export function storePlain(k: Kernel, a: number, v: number): void {
  if (k.fp !== null) k.fp.note(a, true);
  Atomics.store(k.i32, a, v);
}
/** READ_ONCE(). */
export function loadOnce(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  return Atomics.load(k.i32, a);
}
/** WRITE_ONCE(). */
export function storeOnce(k: Kernel, a: number, v: number): void {
  if (k.fp !== null) k.fp.note(a, true);
  Atomics.store(k.i32, a, v);
}
/** smp_load_acquire(); also rcu_dereference() for lockstep (no dependency tracking). */
export function loadAcquire(k: Kernel, a: number): number {
  if (k.fp !== null) k.fp.note(a, false);
  return Atomics.load(k.i32, a);
}
/** smp_store_release(); also rcu_assign_pointer(). */
export function storeRelease(k: Kernel, a: number, v: number): void {
  if (k.fp !== null) k.fp.note(a, true);
  Atomics.store(k.i32, a, v);
}

// ----- read-modify-writes (each returns the old value) ------------------------------
export function fetchAdd(k: Kernel, a: number, d: number, _order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  return Atomics.add(k.i32, a, d);
}
export function fetchOr(k: Kernel, a: number, bits: number, _order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  return Atomics.or(k.i32, a, bits);
}
export function fetchAnd(k: Kernel, a: number, bits: number, _order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  return Atomics.and(k.i32, a, bits);
}
export function xchg(k: Kernel, a: number, v: number, _order: OrderT): number {
  if (k.fp !== null) k.fp.note(a, true);
  return Atomics.exchange(k.i32, a, v);
}
/** cmpxchg(): the old value; `order` applies when it succeeds (a failed cmpxchg is a relaxed load). */
export function cmpxchg(k: Kernel, a: number, old: number, v: number, _order: OrderT): number {
  // Even a failed cmpxchg counts as a write: whether it fails depends on the order.
  if (k.fp !== null) k.fp.note(a, true);
  return Atomics.compareExchange(k.i32, a, old, v);
}

// ----- fences: free under sequential consistency ----------------------------------------
export function fence(_k: Kernel, _f: FenceT): void {}
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
