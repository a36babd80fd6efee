/**
 * Planted bugs in Tree SRCU (docs/RCU.md, "Planted bugs"), and rcutorture's
 * rcu_busted calibration (kernel/rcu/rcutorture.c), which breaks every
 * flavour's grace-period primitive: it is defined here, in the lowest RCU
 * flavour, and rcu-tasks imports it.
 */
import { defineMutant } from '../../runtime/index.js';

/**
 * R3's first half: srcu_readers_active_idx_check() sums the locks first. It
 * fails under sequentially consistent memory already (docs/RCU.md); R3's
 * other half, dropping barrier A, is R3-no-mb-A (below), which needs
 * `--memory-model weak`.
 */
export const R3_LOCKS_FIRST = defineMutant('R3-locks-first', 'srcu_readers_active_idx_check() sums locks before unlocks: a stale-index reader that locks and unlocks between the sums cancels a reader still inside');
export const R4 = defineMutant('R4', 'skip SCAN1: flip at once, then check the old rank');
export const R5 = defineMutant('R5', 'no flip: the GP waits on the rank readers keep using (I-SRCU4)');
export const R6 = defineMutant('R6', 'srcu_read_unlock() uses the current srcu_idx, not the returned idx');
export const BUSTED = defineMutant('busted', 'rcu_busted: the grace-period primitive (synchronize_srcu(), synchronize_rcu_tasks()) returns at once (calibration)');

/*
 * The smp_mb() sites A–E of srcutree.c (barriers.ts), one mutant each: the
 * site keeps its preemption point and loses only its fence, so a mutant's
 * schedules are mainline's. Under `--memory-model sc` a fence is free and
 * none of these can fail; under `weak` A, B and C must (docs/RCU.md,
 * "Barriers A–E"), D and E are negative controls (the kernel's comments call
 * D an optimisation and E redundant).
 */
export const R3_NO_MB_A = defineMutant(
  'R3-no-mb-A',
  'R3\'s barrier half: no smp_mb() A between the unlock sum and the lock sum in srcu_readers_active_idx_check(). A pairs with B ("a lock is always counted if the corresponding unlock is counted") and with C (post-GP accesses after the unlock sum): the lock-count loads may be satisfied before the unlock-count loads, so a reader that locked and unlocked in between is counted unlocked but not locked and cancels a reader still inside',
);
export const SRCU_NO_MB_B = defineMutant(
  'srcu-no-mb-B',
  'no smp_mb() B after the lock-count increment in __srcu_read_lock() ("avoid leaking the critical section"; pairs with A as store buffering, and with E): the critical section\'s loads may run before the increment reaches the updater, whose sums miss a reader that read the old pointer',
);
export const SRCU_NO_MB_C = defineMutant(
  'srcu-no-mb-C',
  'no smp_mb() C before the unlock-count increment in __srcu_read_unlock() ("avoid leaking the critical section"; pairs with A, D and E): the critical section\'s stores may reach the updater after the increment it counted, so they are not visible when synchronize_srcu() returns',
);
export const SRCU_NO_MB_D = defineMutant(
  'srcu-no-mb-D',
  'no smp_mb() D after the srcu_idx update in srcu_flip() (pairs with C; an optimisation: A of the next check gives __srcu_read_lock() the same guarantee) — negative control, must not fail',
);
export const SRCU_NO_MB_E = defineMutant(
  'srcu-no-mb-E',
  'no smp_mb() E before the srcu_idx update in srcu_flip() (pairs with B and C; redundant: the flip is control-dependent on the sums that let it happen) — negative control, must not fail',
);
