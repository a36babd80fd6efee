/**
 * RCU's invariant ID (docs/RCU.md, "Invariants"), named at module load in
 * every thread so that the harness can print an ID a worker reported.
 */
import { label } from '../../runtime/index.js';

/** A reader whose critical section began before synchronize_rcu() started has ended before it returns. */
export const I_RCU1 = 'I-RCU1';
label(I_RCU1);
