/**
 * RCU's planted bugs (docs/RCU.md, "Planted bugs"), each defined once and
 * used where synchronize_rcu() changes (gp.ts).
 */
import { defineMutant } from '../../runtime/index.js';

/** A grace period that ends early: "any" where the kernel needs "all". */
export const RCU_GP_EARLY = defineMutant(
  'rcu-gp-early',
  'synchronize_rcu() returns as soon as one of the pre-existing readers it waits for has left its critical section',
);
/** RCU-preempt before the v4.20 flavour consolidation: synchronize_rcu() did not wait for preempt-disabled regions. */
export const RCU_PREEMPT_ONLY = defineMutant(
  'rcu-preempt-only',
  'synchronize_rcu() waits for rcu_read_lock() readers only, not for preempt-disabled regions (the pre-v4.20 RCU-preempt flavour)',
);
