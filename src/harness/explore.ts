/**
 * Exhaustive exploration, harness side (docs/EXPLORATION.md): drive the
 * exploration tree (runtime/explore/tree.ts) one run at a time on a warm
 * session. Each run follows the tree's prefix (the replay log) with the
 * `dfs` strategy; afterwards the exploration log in the SAB tells the tree
 * what the run did. `runStress` asks this driver for each iteration's
 * request instead of drawing a seed, so failures, seed logs, shrinking and
 * progress are the same as for every other strategy.
 *
 * Iterative bounding (`--bound-mode iterative`, as CHESS and SCTBench's
 * IPB/IDB): the tree is explored with bound 0, then 1, 2 ... each from the
 * root again; schedules with fewer preemptions than the current bound are
 * run again (a stateless search keeps no states), and only the new ones are
 * counted. A bound at which no choice was ever left out means the whole
 * space has been explored.
 */
import type { Kernel } from '../runtime/kernel/kernel.js';
import { labelText } from '../runtime/kernel/labels.js';
import {
  EX_CHOSEN,
  EX_DECIDER,
  EX_FLAGS,
  EX_MASK_WORDS,
  EX_WORDS,
  EXF_CUR_RUNNABLE,
  EXF_CUR_YIELDING,
  EXF_DATA,
  EXF_TIMER,
  kSchedStep,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
} from '../runtime/kernel/layout.js';
import { ALL_FOOTPRINT, readFootprint } from '../runtime/explore/dependence.js';
import type { Policy } from '../runtime/explore/policy.js';
import { ExplorationTree, type ExecStep, type Execution, type Plan, type Reduction } from '../runtime/explore/tree.js';
import type { ExploreInput, ReplayInput } from './request.js';

export interface ExploreConfig {
  readonly reduction: Reduction;
  /** pb: preemption bounding; db: delay bounding (also the deterministic scheduler past the prefix). */
  readonly policy: Policy;
  /** The bound (fixed mode), or the largest bound to reach (iterative mode); null: unbounded. */
  readonly bound: number | null;
  readonly iterative: boolean;
  /** Every task's exit is one unexplored step (the scenario's `explore.exit`, or --explore-exit). */
  readonly exitAtomic: boolean;
}

export type StopReason = 'budget' | 'time' | 'interrupted' | 'failure' | 'depth' | 'nondeterminism';

/** What an exploration did, in the run's summary and in its seed logs. */
export interface ExplorationSummary {
  readonly reduction: Reduction;
  readonly boundKind: 'preemption' | 'delay' | null;
  /** The bound being explored when the run ended (iterative: the current one). */
  readonly bound: number | null;
  readonly boundMode: 'fixed' | 'iterative';
  /** Largest bound whose every schedule was run (null: none finished). */
  readonly boundCompleted: number | null;
  /** Distinct schedules run to their end (iterative mode counts each once). */
  readonly schedules: number;
  /** Runs in all, including re-runs of smaller bounds and sleep-set-blocked runs. */
  readonly runs: number;
  /** Runs cut short as redundant (every enabled task asleep). */
  readonly sleepBlocked: number;
  /** Enabled choices never run because the reduction showed them equivalent to explored ones. */
  readonly pruned: number;
  /** Most scheduling decisions in one run. */
  readonly maxDepth: number;
  /** Every schedule within the bound (or, with no bound hit, every schedule) was run. */
  readonly complete: boolean;
  /** Complete, and no choice was ever left out for the bound: the whole space was explored. */
  readonly exhaustive: boolean;
  readonly stoppedBy: StopReason | null;
  /** Time spent in the exploration, seconds. */
  readonly seconds: number;
}

export interface ExplorePlan {
  readonly replay: ReplayInput;
  readonly explore: ExploreInput;
}

export class ExploreDriver {
  private tree: ExplorationTree;
  private bound: number | null;
  private boundCompleted: number | null = null;
  private schedules = 0;
  private runs = 0;
  /** Pruned branches and blocked runs of the trees already finished (iterative mode). */
  private sleepBlockedBefore = 0;
  private prunedBefore = 0;
  private maxDepth = 0;
  private done = false;
  private exhaustive = false;
  private stopped: StopReason | null = null;
  private readonly t0 = performance.now();

  constructor(readonly cfg: ExploreConfig) {
    this.bound = cfg.iterative ? 0 : cfg.bound;
    this.tree = this.newTree();
    if (cfg.iterative && cfg.bound === null && cfg.reduction !== 'none') {
      throw new Error('iterative bounding enumerates every schedule of each bound: use it without a reduction');
    }
  }

  private newTree(): ExplorationTree {
    return new ExplorationTree({ reduction: this.cfg.reduction, policy: this.cfg.policy, bound: this.bound });
  }

  /** The next run's prefix and sleep set, or null when the space (within the bound) is exhausted. */
  next(): ExplorePlan | null {
    if (this.done) return null;
    // The first run of a tree follows no prefix.
    const plan = this.runs === 0 && this.tree.stats.executions === 0 ? EMPTY_PLAN : this.tree.next();
    if (plan !== null) return this.toRequest(plan);
    this.finishTree();
    if (this.exhaustive || !this.cfg.iterative || (this.cfg.bound !== null && this.bound! >= this.cfg.bound)) {
      this.done = true;
      return null;
    }
    this.bound = this.bound! + 1;
    this.sleepBlockedBefore += this.tree.stats.sleepBlocked;
    this.prunedBefore += this.tree.stats.pruned;
    this.tree = this.newTree();
    return this.toRequest(EMPTY_PLAN);
  }

  private finishTree(): void {
    const st = this.tree.stats;
    this.boundCompleted = this.bound;
    this.exhaustive = !st.boundHit && !st.depthLimited;
    if (st.depthLimited) this.stopped = 'depth';
  }

  private toRequest(plan: Plan): ExplorePlan {
    const labels: string[] = [];
    const index = new Map<number, number>();
    const at = plan.labels.map((l) => {
      let i = index.get(l);
      if (i === undefined) {
        i = labels.length;
        labels.push(labelText(l));
        index.set(l, i);
      }
      return i;
    });
    return {
      // Slots become tids; a data choice keeps its encoding (-1 - c).
      replay: { tids: plan.prefix.map((s) => (s >= 0 ? s + 1 : s)), labels, at },
      explore: { policy: this.cfg.policy, exitAtomic: this.cfg.exitAtomic, sleep: plan.sleep },
    };
  }

  /** Take in the run that followed the last plan (read from the SAB before the next run resets it). */
  record(hk: Kernel, failed: boolean, divergedAt: number): void {
    this.runs++;
    if (divergedAt >= 0) {
      this.stopped = 'nondeterminism';
      this.done = true;
      throw new Error(
        `the run did not follow its ${this.tree.stats.executions > 0 ? '' : 'own '}prefix at decision ${divergedAt}: the scenario does not behave the same under the same schedule (it reads time, randomness or state kept between iterations), so it cannot be explored exhaustively`,
      );
    }
    const ex = readExecution(hk, failed);
    const byCostBefore = this.tree.stats.byCost.get(this.bound ?? 0) ?? 0;
    const allBefore = [...this.tree.stats.byCost.values()].reduce((a, b) => a + b, 0);
    this.tree.record(ex);
    this.maxDepth = Math.max(this.maxDepth, ex.total);
    if (this.cfg.iterative && this.bound !== null) {
      // Only schedules that use the whole current bound are new at this bound.
      const now = this.tree.stats.byCost.get(this.bound) ?? 0;
      if (this.bound === 0) this.schedules += [...this.tree.stats.byCost.values()].reduce((a, b) => a + b, 0) - allBefore;
      else this.schedules += now - byCostBefore;
    } else {
      this.schedules += [...this.tree.stats.byCost.values()].reduce((a, b) => a + b, 0) - allBefore;
    }
  }

  /** The run stopped before the space was exhausted. */
  stop(reason: StopReason): void {
    if (!this.done && this.stopped === null) this.stopped = reason;
  }

  summary(): ExplorationSummary {
    const complete = this.done && this.stopped !== 'nondeterminism' && this.stopped !== 'depth';
    return {
      reduction: this.cfg.reduction,
      boundKind: this.bound === null ? null : this.cfg.policy === 'db' ? 'delay' : 'preemption',
      bound: this.bound,
      boundMode: this.cfg.iterative ? 'iterative' : 'fixed',
      boundCompleted: this.done ? this.boundCompleted : this.cfg.iterative && this.bound !== null && this.bound > 0 ? this.bound - 1 : null,
      schedules: this.schedules,
      runs: this.runs,
      sleepBlocked: this.sleepBlockedBefore + this.tree.stats.sleepBlocked,
      // Counted as nodes are left for good: a finished tree has left them all.
      pruned: this.prunedBefore + this.tree.stats.pruned,
      maxDepth: this.maxDepth,
      complete,
      exhaustive: complete && this.exhaustive,
      stoppedBy: complete ? null : (this.stopped ?? 'budget'),
      seconds: Math.round((performance.now() - this.t0)) / 1000,
    };
  }
}

const EMPTY_PLAN: Plan = { prefix: [], labels: [], sleep: [] };

/** The run's steps from the exploration log. A failed run's last step was cut short: its footprint is unknown. */
export function readExecution(hk: Kernel, failed: boolean): Execution {
  const i32 = hk.i32;
  const L = hk.L;
  const total = i32[kSchedStep]!;
  const n = Math.min(total, L.config.exploreSteps, L.config.schedLogSteps);
  const steps: ExecStep[] = [];
  for (let s = 0; s < n; s++) {
    const e = L.exploreLog + s * EX_WORDS;
    const enabled: number[] = [];
    for (let w = 0; w < EX_MASK_WORDS; w++) {
      let bits = i32[e + w]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        enabled.push(w * 32 + b);
        bits &= bits - 1;
      }
    }
    const flags = i32[e + EX_FLAGS]!;
    steps.push({
      enabled,
      chosen: i32[e + EX_CHOSEN]!,
      decider: i32[e + EX_DECIDER]!,
      curRunnable: (flags & EXF_CUR_RUNNABLE) !== 0,
      curYielding: (flags & EXF_CUR_YIELDING) !== 0,
      timer: (flags & EXF_TIMER) !== 0,
      data: (flags & EXF_DATA) !== 0,
      fp: failed && s === n - 1 && n === total ? ALL_FOOTPRINT : readFootprint(i32, e),
      label: i32[L.schedLog + s * SCHED_ENTRY_WORDS + SL_LABEL]!,
    });
  }
  return { steps, total };
}
