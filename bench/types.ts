/** Shared shapes of the benchmark suite. */
export interface BenchOptions {
  /** CI smoke mode: short sampling, under a minute in all. */
  readonly quick: boolean;
}

/** One measured figure, as written to the --json file. */
export interface BenchResult {
  readonly group: string;
  readonly name: string;
  /** Unit of the latency fields. */
  readonly unit: 'us' | 'ms';
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
}
