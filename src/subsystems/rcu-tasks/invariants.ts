/**
 * RCU Tasks' invariant IDs (docs/RCU.md, "Invariants"). A failure's ID
 * travels from the worker that reports it to the harness as a label id;
 * naming the IDs here, at module load in every thread, lets the harness
 * print them.
 */
import { label } from '../../runtime/index.js';

/** synchronize_rcu_tasks() returns (no stall, no deadlock through the updater). */
export const I_RT1 = 'I-RT1';
/** No reader section spans a grace period; the exit lists are empty at quiescence. */
export const I_RT2 = 'I-RT2';

for (const id of [I_RT1, I_RT2]) label(id);
