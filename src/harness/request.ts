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
import type { StepFootprint } from '../runtime/explore/dependence.js';
import type { Policy } from '../runtime/explore/policy.js';

/** A schedule to follow: the `replay` strategy reads decisions, `replay-order` a global order. */
export interface ReplayInput {
  readonly tids: readonly number[];
  readonly labels: readonly string[];
  readonly at: readonly number[];
}

/** Exhaustive exploration (strategy dfs): the scheduler past the prefix, and the sleep set at its end. */
export interface ExploreInput {
  readonly policy: Policy;
  /** Each task's exit is one step, neither branched nor recorded (scenario `explore.exit: 'atomic'`). */
  readonly exitAtomic: boolean;
  readonly sleep: readonly { readonly slot: number; readonly fp: StepFootprint }[];
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
  /** Record footprints and follow `replay` as a prefix (strategy dfs). */
  readonly explore?: ExploreInput;
}
