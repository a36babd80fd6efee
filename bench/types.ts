import type { Mode } from '../src/runtime/kernel/constants.js';
/** Shared shapes of the benchmark suite. */
export interface BenchOptions {
  /** CI smoke mode: short sampling, under a minute in all. */
  readonly quick: boolean;
}

/**
 * How long a benchmark that times a warm pool runs it untimed first
 * (sessions.ts: warmFor): long enough for V8 to optimize lockstep's code in
 * every worker (Landlock TSYNC with 8 siblings reached its steady call time
 * after ~150 iterations, 2.5-3 s, in issue 16's measurements).
 */
export function steadyWarmMs(quick: boolean): number {
  return quick ? 300 : 3000;
}

/** Unit of the latency fields: per operation (ns), per round trip or call (us), per iteration (ms), per detection (s). */
export type BenchUnit = 'ns' | 'us' | 'ms' | 's';

/** One measured figure, as written to the --json file. */
export interface BenchResult {
  readonly group: string;
  readonly name: string;
  readonly unit: BenchUnit;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly p99: number;
  readonly mean: number;
  readonly samples: number;
  /** (p75 - p25) / median: the relative spread. */
  readonly spread: number;
  /** Operations per second derived from the median (1 / median). */
  readonly opsPerSec: number;
  /** Name of the baseline this figure is compared with, and the ratio median / baseline median. */
  readonly baseline?: string;
  readonly ratio?: number;
  /**
   * Rows timed in alternating blocks beside their baseline (the one-core-busy
   * handoff): the median over the blocks of this row's block median over the
   * median of the baseline's block timed next to it. It compares round trips
   * made under the same placement of the threads, where `ratio` compares two
   * pooled mixtures of placements.
   */
  readonly pairedRatio?: number;
}

/** One seeded hunt for a planted bug: stop at the first failure or at the budget. */
export interface DetectionRun {
  readonly seed: number;
  readonly found: boolean;
  /** Wall time from starting the run (pool start included) to the end of the failing iteration, or to the budget. */
  readonly seconds: number;
  /** Iterations run up to and including the failing one (all of them when not found). */
  readonly iterations: number;
  /** Failure kind of the first failure (invariant, deadlock, kasan, ...). */
  readonly kind: string | null;
}

/**
 * Time to first detection of one planted bug under one mode/strategy, over
 * several seeds (SCTBench-style). The latency fields are seconds to the
 * first failure; a seed that did not find the bug within the budget counts
 * as infinitely slow, so `median` is null when fewer than half of the seeds
 * found it (and `p99` when any seed missed).
 */
export interface DetectionResult {
  readonly group: 'detection';
  readonly name: string;
  readonly scenario: string;
  readonly variant: string;
  /** What the planted bug breaks. */
  readonly description: string;
  /** Spec ID of the planted bug (L4, S3, ...), or null for the checker self-tests. */
  readonly spec: string | null;
  readonly mode: Mode;
  readonly strategy: 'random' | 'pct';
  readonly threads: number;
  readonly unit: 's';
  readonly median: number | null;
  readonly p25: number | null;
  readonly p75: number | null;
  readonly p99: number | null;
  /** (p75 - p25) / median, or null with the median. */
  readonly spread: number | null;
  /** Seeds run. */
  readonly samples: number;
  /** Iterations to the first failure: median and p99 over the seeds, null as above. */
  readonly iterations: { readonly median: number | null; readonly p99: number | null };
  readonly detected: number;
  /** detected / samples. */
  readonly detectionRate: number;
  readonly budget: { readonly iterations: number; readonly seconds: number };
  readonly runs: readonly DetectionRun[];
  /** The same bug under controlled/random (SCTBench's Rand), and median / baseline median. */
  readonly baseline?: string;
  readonly ratio?: number;
}
