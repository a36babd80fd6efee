/**
 * The smp_mb() sites of Tree SRCU, named as in kernel/rcu/srcutree.c:
 *
 *   A  srcu_readers_active_idx_check(), between the unlock sum and the lock sum
 *   B  __srcu_read_lock(), after the lock-count increment
 *   C  __srcu_read_unlock(), before the unlock-count increment
 *   D  srcu_flip(), after the srcu_idx update
 *   E  srcu_flip(), before the srcu_idx update
 *
 * Each site is the accessor layer's smpMb() (runtime/kernel/access.ts), free
 * under `--memory-model sc` and a full fence under `weak`, plus what the site
 * was before the accessor layer existed: a labelled preemption point
 * (schedules, and so seeds and replays, depend on it) and `barrierHooks`.
 * Each site has a mutant that drops its fence and keeps its preemption
 * point (mutants.ts): R3-no-mb-A (R3's barrier half; its other half,
 * R3-locks-first, needs no weak memory), srcu-no-mb-B, -C, and the negative
 * controls srcu-no-mb-D and -E (docs/RCU.md, "Barriers A–E").
 */
import { label, smpMb, type Kernel, type Mutant } from '../../runtime/index.js';
import { R3_NO_MB_A, SRCU_NO_MB_B, SRCU_NO_MB_C, SRCU_NO_MB_D, SRCU_NO_MB_E } from './mutants.js';

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

/** The mutant that drops each site's fence. */
const DROPPED: Record<BarrierSite, Mutant> = { A: R3_NO_MB_A, B: SRCU_NO_MB_B, C: SRCU_NO_MB_C, D: SRCU_NO_MB_D, E: SRCU_NO_MB_E };

/** The smp_mb() of lettered site `site` in srcutree.c (unless its mutant drops it). */
export function srcuMb(k: Kernel, site: BarrierSite): void {
  k.yieldPoint(LABELS[site]);
  if (k.mutant(DROPPED[site])) return;
  smpMb(k);
  for (const h of barrierHooks) h(k, site);
}
