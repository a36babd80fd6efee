/**
 * atomic_t: every operation is a labelled yield point followed by one access
 * of the accessor layer (access.ts) with the ordering the kernel's operation
 * has (Documentation/atomic_t.txt): atomic_read/atomic_set are ONCE accesses,
 * value-returning RMWs and xchg/cmpxchg are fully ordered, void RMWs relaxed.
 */
import { Order, cmpxchg, fetchAdd, loadOnce, storeOnce, xchg } from '../access.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';

const L_READ = label('atomic_read');
const L_SET = label('atomic_set');
const L_RMW = label('atomic_rmw');

export function atomicRead(k: Kernel, a: number, lbl = L_READ): number {
  k.yieldPoint(lbl, a);
  return loadOnce(k, a);
}
export function atomicSet(k: Kernel, a: number, v: number, lbl = L_SET): void {
  k.yieldPoint(lbl, a);
  storeOnce(k, a, v);
}
/** atomic_add_return(): value-returning, so fully ordered. */
export function atomicAddReturn(k: Kernel, a: number, d: number, lbl = L_RMW): number {
  k.yieldPoint(lbl, a);
  return fetchAdd(k, a, d, Order.FULL) + d;
}
/** atomic_add(): returns nothing, so relaxed (Documentation/atomic_t.txt). */
function atomicAdd(k: Kernel, a: number, d: number, lbl: number): void {
  k.yieldPoint(lbl, a);
  fetchAdd(k, a, d, Order.RELAXED);
}
export function atomicIncReturn(k: Kernel, a: number, lbl = L_RMW): number {
  return atomicAddReturn(k, a, 1, lbl);
}
export function atomicDecReturn(k: Kernel, a: number, lbl = L_RMW): number {
  return atomicAddReturn(k, a, -1, lbl);
}
export function atomicInc(k: Kernel, a: number, lbl = L_RMW): void {
  atomicAdd(k, a, 1, lbl);
}
export function atomicDec(k: Kernel, a: number, lbl = L_RMW): void {
  atomicAdd(k, a, -1, lbl);
}
/** atomic_cmpxchg(): returns the old value. */
export function atomicCmpxchg(k: Kernel, a: number, old: number, v: number, lbl = L_RMW): number {
  k.yieldPoint(lbl, a);
  return cmpxchg(k, a, old, v, Order.FULL);
}
/** atomic_xchg(): returns the old value. */
export function atomicXchg(k: Kernel, a: number, v: number, lbl = L_RMW): number {
  k.yieldPoint(lbl, a);
  return xchg(k, a, v, Order.FULL);
}
/** READ_ONCE / WRITE_ONCE on a plain kernel word (still a yield point). */
export function readOnce(k: Kernel, a: number, lbl = L_READ): number {
  return atomicRead(k, a, lbl);
}
export function writeOnce(k: Kernel, a: number, v: number, lbl = L_SET): void {
  atomicSet(k, a, v, lbl);
}
