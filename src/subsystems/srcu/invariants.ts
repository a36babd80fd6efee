/**
 * SRCU's invariant IDs (docs/RCU.md, "Invariants"). A failure's ID travels
 * from the worker that reports it to the harness as a label id; naming the
 * IDs here, at module load in every thread, lets the harness print them.
 */
import { label } from '../../runtime/index.js';

/** A reader's critical section never spans a whole grace period (rcutorture's histograms). */
export const I_SRCU1 = 'I-SRCU1';
/** Every counted unlock has its counted lock; at quiescence locks and unlocks balance. */
export const I_SRCU2 = 'I-SRCU2';
/** A grace period is not starved by a continuous stream of overlapping readers. */
export const I_SRCU4 = 'I-SRCU4';

for (const id of [I_SRCU1, I_SRCU2, I_SRCU4]) label(id);
