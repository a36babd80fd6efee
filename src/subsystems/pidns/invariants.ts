/**
 * PID namespaces' invariant IDs (docs/RCU.md, "Invariants"), named at module
 * load in every thread so that the harness can print an ID a worker reported.
 */
import { label } from '../../runtime/index.js';

/** A namespace's tasks are all reaped and released once its init is gone. */
export const I_PN1 = 'I-PN1';
label(I_PN1);
