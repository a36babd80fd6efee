/**
 * What one iteration is asked to do. A single type from `runStress` through
 * `Session.run` (and the hunt's re-runs, which spread a failed request and
 * change mode and strategy) down to `beginIteration`, so a new per-iteration
 * setting is added once and cannot be dropped by a field-by-field copy.
 * Settings fixed for a whole session (watchdog times, the step limit) are in
 * `SessionConfig` instead.
 */
import type { Mode } from '../runtime/kernel/constants.js';
import type { Strategy } from '../runtime/explore/types.js';

/** A schedule to follow: the `replay` strategy reads decisions, `replay-order` a global order. */
export interface ReplayInput {
  readonly tids: readonly number[];
  readonly labels: readonly string[];
  readonly at: readonly number[];
}

export interface IterationRequest {
  readonly iteration: number;
  readonly iterSeed: number;
  readonly mode: Mode;
  readonly strategy: Strategy;
  readonly depth: number;
  /** PCT's step bound k (change points are drawn in [1, k]). */
  readonly maxSteps: number;
  readonly perturbPermille: number;
  readonly replay?: ReplayInput;
}
