/**
 * Vector clocks over the model's threads, stored in the arena (arena.ts).
 * Entry u of a clock is a count of thread u's stores: the clock covers u's
 * stores numbered 1..c[u]. A thread holds five (docs/MEMORY-MODEL.md §2):
 *
 * - CUR: stores that have propagated to the thread. A load may not read a
 *   store of x that is modification-order-before a covered store of x
 *   (that store has reached this CPU; explanation.txt "propagation").
 * - PORD: message clocks of the stores it has read, not yet applied to CUR:
 *   what smp_rmb()/acquire make visible (linux-kernel.cat: rmb, acq-po in ppo,
 *   with prop's cumul-fence* chain carried by the message clocks).
 * - PCUM: PORD plus the stores read themselves: what A-cumulative fences
 *   (strong fences, release; linux-kernel.cat A-cumul) must propagate.
 * - WM: the message clock this thread's relaxed stores carry: what was made
 *   to propagate before them by smp_wmb() / strong fences / lock acquisition
 *   (cumul-fence's wmb, A-cumul(strong-fence), po-unlock-lock-po).
 * - SJ: join of the message clocks of the thread's own stores, which smp_wmb()
 *   folds into WM (cumul-fence* through its own earlier stores).
 *
 * Coverage is per writer prefix: covering u's store n covers all of u's
 * earlier stores. That is stronger than LKMM (which lets u's unordered stores
 * propagate in any order), so it only removes behaviours.
 */

/** dst[i] = max(dst[i], src[i]) for n words. */
export function join(a: Int32Array, dst: number, src: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = a[src + i]!;
    if (v > a[dst + i]!) a[dst + i] = v;
  }
}

/** dst[u] = max(dst[u], v): one entry. */
export function joinOne(a: Int32Array, dst: number, u: number, v: number): void {
  if (v > a[dst + u]!) a[dst + u] = v;
}

export function copy(a: Int32Array, dst: number, src: number, n: number): void {
  a.copyWithin(dst, src, src + n);
}

export function zero(a: Int32Array, dst: number, n: number): void {
  a.fill(0, dst, dst + n);
}

/** Does the clock at c cover store number ev of thread u? */
export function covers(a: Int32Array, c: number, u: number, ev: number): boolean {
  return u >= 0 && a[c + u]! >= ev;
}
