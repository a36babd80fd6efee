/**
 * One interface for every scheduling strategy (Shuttle's layout: one small
 * file per strategy). A strategy has two faces:
 *
 * - parallel mode: a `ParallelPerturber` per task, which may delay the task
 *   at a yield point (spin, yield the CPU, sleep). Its PRNG derives from
 *   (run seed, iteration, tid), so the *choices* are reproducible even though
 *   the interleaving they provoke on real cores is not.
 * - controlled mode: `pick`, called by the single running thread (the baton
 *   holder) at every scheduling decision to choose who runs next, and
 *   `pickTimer` when only a timeout can move things on. All of its state
 *   lives in the SAB, so whichever worker holds the baton makes the same
 *   choice the previous holder would have. The controlled core
 *   (controlled.ts) knows strategies only through this interface; it never
 *   asks which one it is.
 *
 * The strategy object itself is resolved once, from the id word kStrategy,
 * when a task starts (executor.ts), and kept in `Kernel.strategy`.
 */
import type { Kernel } from '../kernel/kernel.js';
import type { KernelMemory } from '../kernel/memory.js';

export type StrategyName = 'none' | 'random' | 'pct' | 'dfs' | 'replay' | 'replay-order';

export interface ParallelPerturber {
  perturb(k: Kernel, seq: number): void;
}

export interface IterationSchedParams {
  readonly iterSeed: number;
  /** PCT depth d (change points d - 1). */
  readonly depth: number;
  /** Step bound k for PCT change points (learned from earlier iterations). */
  readonly maxSteps: number;
  /** Parallel perturbation probability per yield point (per mille). */
  readonly perturbPermille: number;
}

/** What a clean run of a probabilistic strategy is worth (PCT's guarantee). */
export interface PctBound {
  readonly threads: number;
  readonly steps: number;
  readonly depth: number;
  readonly runs: number;
  /** Lower bound on the chance that one run finds a given depth-d bug: 1 / (n k^(d-1)). */
  readonly perRun: number;
  /** Upper bound on the chance that all `runs` runs miss it: (1 - perRun)^runs. */
  readonly miss: number;
}

export interface Strategy {
  readonly name: StrategyName;
  readonly id: number;
  /** Harness, before an iteration: seed the shared scheduler state. */
  beginIteration(mem: KernelMemory, p: IterationSchedParams): void;
  /** Parallel mode: the perturber for task `tid` (null: never delays). */
  perturber(iterSeed: number, tid: number): ParallelPerturber | null;
  /** Controlled mode: a task was created (PCT gives it a priority). */
  onCreate(k: Kernel, slot: number): void;
  /**
   * Controlled mode: choose the next slot among `runnable` (sorted, non-empty).
   * `cur` is the deciding task's slot (-1 when it is blocked or gone); `lbl`
   * the label of the decision point.
   */
  pick(k: Kernel, runnable: readonly number[], cur: number, step: number, lbl: number): number;
  /**
   * Controlled mode: whether `pick` is asked when only one task can run. A
   * strategy that only chooses has nothing to choose then and is not asked
   * (so a PCT change point on such a step passes unused). A strategy that
   * follows a log must see every step: replay checks it against the log,
   * replay-order consumes the log's entry.
   */
  readonly pickWhenAlone: boolean;
  /**
   * Controlled mode: nothing can run, but the tasks in `timed` (sorted,
   * non-empty) sleep with a timeout; return the one whose timeout fires.
   * Time passes only then, so which timer fires is part of the schedule,
   * decided at step `step` like any other.
   */
  pickTimer(k: Kernel, timed: readonly number[], step: number, lbl: number): number;
  /**
   * Controlled mode: a data choice of the running task (Kernel.choose), one
   * of `n` > 1 alternatives, at step `step`. Alternative 0 is the default
   * (what a run that chooses nothing does: for the weak memory model, the
   * latest store).
   */
  pickData(k: Kernel, n: number, step: number, lbl: number): number;
  /**
   * A clean controlled run's guarantee, for strategies that have one: the
   * chance that `runs` runs of `threads` tasks and at most `steps` steps all
   * missed a bug of depth `depth` (only PCT: Burckhardt et al.).
   */
  missBound?(threads: number, steps: number, depth: number, runs: number): PctBound;
}

/** What the controlled core exposes to Kernel.yieldPoint and to schedule(). */
export interface ControlledScheduler {
  yieldPoint(k: Kernel, lbl: number): void;
  /** schedule() of a task that is not runnable any more: pass the baton, wait for it back. */
  blocked(k: Kernel, lbl: number): void;
  /** The current task is dead: pass the baton on. */
  exit(k: Kernel, lbl: number): void;
  /** A data choice of the current task among `n` (> 1) alternatives: chosen by the strategy, recorded as a step. */
  choose(k: Kernel, n: number, lbl: number): number;
}
