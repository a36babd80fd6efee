/** Turning tinybench samples (and plain sample lists) into BenchResults: median, quartiles, p99, spread. */
import type { Bench } from 'tinybench';
import type { BenchResult, BenchUnit } from './types.js';

/** tinybench reports milliseconds; this many of `unit` in one. */
const PER_MS: Record<BenchUnit, number> = { ns: 1e6, us: 1e3, ms: 1, s: 1e-3 };
const PER_S: Record<BenchUnit, number> = { ns: 1e9, us: 1e6, ms: 1e3, s: 1 };

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * a / b to four significant digits. A ratio of two positive figures stays
 * positive however small: rounded to three decimals, a completion floor of
 * ~1 µs against a raw spin ping-pong whose partner had lost its core (~ms,
 * `bench --quick` beside other tests) read 0.
 */
export function ratioOf(a: number, b: number): number {
  return Number((a / b).toPrecision(4));
}

/** A figure for the reports: three significant digits up to 100, whole numbers above. */
export function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** A plain-text table: the header, a rule, the rows; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The `f` quantile of an ascending list (nearest rank, as tinybench's samples are read). */
export function quantile(sorted: readonly number[], f: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]! : 0;
}

/** A benchmark that did not complete (a correct variant failed, a worker died): reported, not measured. */
export interface BenchError {
  readonly group: string;
  readonly name: string;
  readonly message: string;
}

/** The completed tasks of `bench` as results; the others go to `errors`, so one broken case does not void a long run. */
export function results(group: string, bench: Bench, unit: BenchUnit, errors: BenchError[]): BenchResult[] {
  const scale = PER_MS[unit];
  const out: BenchResult[] = [];
  for (const t of bench.tasks) {
    const r = t.result as { state?: string; latency?: { p50?: number; p75?: number; p99?: number; mean?: number; samplesCount?: number; samples?: number[] }; error?: unknown };
    if (r.state !== 'completed' || !r.latency) {
      const e = r.error;
      errors.push({ group, name: t.name, message: e instanceof Error ? e.message : String(e ?? r.state) });
      continue;
    }
    const lat = r.latency;
    const sorted = [...(lat.samples ?? [])].sort((a, b) => a - b);
    const median = (lat.p50 ?? quantile(sorted, 0.5)) * scale;
    const p25 = quantile(sorted, 0.25) * scale;
    const p75 = (lat.p75 ?? quantile(sorted, 0.75)) * scale;
    out.push({
      group,
      name: t.name,
      unit,
      median: round(median),
      p25: round(p25),
      p75: round(p75),
      p99: round((lat.p99 ?? quantile(sorted, 0.99)) * scale),
      mean: round((lat.mean ?? 0) * scale),
      samples: lat.samplesCount ?? sorted.length,
      spread: round(median > 0 ? (p75 - p25) / median : 0),
      opsPerSec: round(median > 0 ? PER_S[unit] / median : 0),
    });
  }
  return out;
}
