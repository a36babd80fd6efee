/**
 * The smp_mb() sites of Tree SRCU, named as in kernel/rcu/srcutree.c
 * (spec 3c5):
 *
 *   A  srcu_readers_active_idx_check(), between the unlock sum and the lock sum
 *   B  __srcu_read_lock(), after the lock-count increment
 *   C  __srcu_read_unlock(), before the unlock-count increment
 *   D  srcu_flip(), after the srcu_idx update
 *   E  srcu_flip(), before the srcu_idx update
 *
 * lockstep's memory is sequentially consistent Atomics, so on their own these
 * barriers change nothing observable (spec §0): removing one is invisible.
 * Each is a labelled preemption point and a hook, so that a later
 * store-buffer model (spec §0: per-worker store buffers flushed at smp_mb)
 * can flush here. R3 and R9 need that model; see docs/SRCU.md.
 */
import { label, type Kernel } from '../../runtime/index.js';

export type BarrierSite = 'A' | 'B' | 'C' | 'D' | 'E';

const LABELS: Record<BarrierSite, number> = {
  A: label('srcu:smp_mb(A) readers_active_idx_check'),
  B: label('srcu:smp_mb(B) read_lock'),
  C: label('srcu:smp_mb(C) read_unlock'),
  D: label('srcu:smp_mb(D) flip'),
  E: label('srcu:smp_mb(E) flip'),
};

/** Called at every barrier site; a memory model registers here to flush its buffers. */
export const barrierHooks: ((k: Kernel, site: BarrierSite) => void)[] = [];

export function smpMb(k: Kernel, site: BarrierSite): void {
  k.yieldPoint(LABELS[site]);
  for (const h of barrierHooks) h(k, site);
}
