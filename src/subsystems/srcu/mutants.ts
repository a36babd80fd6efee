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
 * other half, dropping barrier A, needs a weaker memory model.
 */
export const R3_LOCKS_FIRST = defineMutant('R3-locks-first', 'srcu_readers_active_idx_check() sums locks before unlocks: a stale-index reader that locks and unlocks between the sums cancels a reader still inside');
export const R4 = defineMutant('R4', 'skip SCAN1: flip at once, then check the old rank');
export const R5 = defineMutant('R5', 'no flip: the GP waits on the rank readers keep using (I-SRCU4)');
export const R6 = defineMutant('R6', 'srcu_read_unlock() uses the current srcu_idx, not the returned idx');
export const BUSTED = defineMutant('busted', 'rcu_busted: the grace-period primitive (synchronize_srcu(), synchronize_rcu_tasks()) returns at once (calibration)');
