/**
 * The smp_mb() sites of Tree SRCU, named as in kernel/rcu/srcutree.c:
 *
 *   A  srcu_readers_active_idx_check(), between the unlock sum and the lock sum
 *   B  __srcu_read_lock(), after the lock-count increment
 *   C  __srcu_read_unlock(), before the unlock-count increment
 *   D  srcu_flip(), after the srcu_idx update
 *   E  srcu_flip(), before the srcu_idx update
 *
 * Each site is the accessor layer's smpMb() (runtime/kernel/access.ts), which
 * is free while lockstep's memory is sequentially consistent, plus what the
 * site was before the accessor layer existed: a labelled preemption point
 * (schedules, and so seeds and replays, depend on it) and `barrierHooks`, for
 * a store-buffer model to flush at. R3's barrier half (no barrier A) needs
 * that model; its other half (locks summed first, R3-locks-first) does not
 * (docs/RCU.md, "Modelling decisions").
 */
import { label, smpMb, type Kernel } from '../../runtime/index.js';

export type BarrierSite = 'A' | 'B' | 'C' | 'D' | 'E';

const LABELS: Record<BarrierSite, number> = {
  A: label('srcu:smp_mb(A) readers_active_idx_check'),
  B: label('srcu:smp_mb(B) read_lock'),
  C: label('srcu:smp_mb(C) read_unlock'),
  D: label('srcu:smp_mb(D) flip'),
  E: label('srcu:smp_mb(E) flip'),
};

/** Called at every lettered barrier site; a memory model registers here to flush its buffers. */
export const barrierHooks: ((k: Kernel, site: BarrierSite) => void)[] = [];

/** The smp_mb() of lettered site `site` in srcutree.c. */
export function srcuMb(k: Kernel, site: BarrierSite): void {
  k.yieldPoint(LABELS[site]);
  smpMb(k);
  for (const h of barrierHooks) h(k, site);
}
