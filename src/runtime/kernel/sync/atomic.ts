/**
 * atomic_t: every operation is a labelled yield point followed by one
 * sequentially consistent Atomics operation on a word of kernel memory.
 */
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';

const L_READ = label('atomic_read');
const L_SET = label('atomic_set');
const L_RMW = label('atomic_rmw');

export function atomicRead(k: Kernel, a: number, lbl = L_READ): number {
  k.yieldPoint(lbl, a);
  return Atomics.load(k.i32, a);
}
export function atomicSet(k: Kernel, a: number, v: number, lbl = L_SET): void {
  k.yieldPoint(lbl, a);
  Atomics.store(k.i32, a, v);
}
export function atomicAddReturn(k: Kernel, a: number, d: number, lbl = L_RMW): number {
  k.yieldPoint(lbl, a);
  return Atomics.add(k.i32, a, d) + d;
}
export function atomicIncReturn(k: Kernel, a: number, lbl = L_RMW): number {
  return atomicAddReturn(k, a, 1, lbl);
}
export function atomicDecReturn(k: Kernel, a: number, lbl = L_RMW): number {
  return atomicAddReturn(k, a, -1, lbl);
}
export function atomicInc(k: Kernel, a: number, lbl = L_RMW): void {
  atomicAddReturn(k, a, 1, lbl);
}
export function atomicDec(k: Kernel, a: number, lbl = L_RMW): void {
  atomicAddReturn(k, a, -1, lbl);
}
/** atomic_cmpxchg(): returns the old value. */
export function atomicCmpxchg(k: Kernel, a: number, old: number, v: number, lbl = L_RMW): number {
  k.yieldPoint(lbl, a);
  return Atomics.compareExchange(k.i32, a, old, v);
}
/** atomic_xchg(): returns the old value. */
export function atomicXchg(k: Kernel, a: number, v: number, lbl = L_RMW): number {
  k.yieldPoint(lbl, a);
  return Atomics.exchange(k.i32, a, v);
}
/** READ_ONCE / WRITE_ONCE on a plain kernel word (still a yield point). */
export function readOnce(k: Kernel, a: number, lbl = L_READ): number {
  return atomicRead(k, a, lbl);
}
export function writeOnce(k: Kernel, a: number, v: number, lbl = L_SET): void {
  atomicSet(k, a, v, lbl);
}
