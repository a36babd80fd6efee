/**
 * The suite's groups, which of them a `--group` list selects, and how the
 * figures of several runs (`--repeat`) are summarised. Pure: no worker, no
 * timing.
 *
 * A group is run with the groups its ratios are taken against, since every
 * figure stands beside a baseline measured in the same run: TSYNC against
 * the broadcast-ack floor (`floor`), synchronize_srcu() against the raw futex
 * round trip (`handoff`). The other groups carry their baselines themselves.
 *
 * Why repeat: on these 2-core machines one run's ratio moves with where the
 * OS places the threads and with the host (the one-core-busy handoff has read
 * 1.01-1.86x across full runs of the same code, issue 16). Whether a figure
 * meets its goal "in every run" is a question about the spread of the ratio
 * over runs, which one run cannot answer.
 */
import { UsageError } from '../src/runtime/kernel/errors.js';
import { fmt, quantile, table } from './stats.js';
import type { BenchResult, BenchUnit, DetectionResult } from './types.js';

/** The groups, in the order the suite runs them. */
export const GROUPS = [
  'atomics',
  'handoff',
  'stress',
  'iteration',
  'controlled',
  'floor',
  'tsync',
  'tsync-breakdown',
  'srcu-sync',
  'rcu-tasks',
  'gp-rate',
  'detection',
] as const;
export type GroupName = (typeof GROUPS)[number];

/** The groups whose results some of a group's figures are compared with. */
const NEEDS: Partial<Record<GroupName, readonly GroupName[]>> = {
  tsync: ['floor'],
  'srcu-sync': ['handoff'],
};

/** The longest `--repeat` accepted (a full run takes ~16 minutes here). */
export const MAX_REPEAT = 100;

/**
 * The groups a comma-separated `--group` list runs: the named ones and those
 * their baselines come from, in suite order. A name that is not a group is a
 * usage error naming the groups.
 */
export function selectGroups(list: string): GroupName[] {
  const names = list.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--group: "${list}" has an empty name; the groups are ${GROUPS.join(', ')}`);
  const want = new Set<GroupName>();
  const add = (g: GroupName): void => {
    if (want.has(g)) return;
    want.add(g);
    for (const n of NEEDS[g] ?? []) add(n);
  };
  for (const n of names) {
    if (!(GROUPS as readonly string[]).includes(n)) throw new UsageError(`--group: "${n}" is not a group; the groups are ${GROUPS.join(', ')}`);
    add(n as GroupName);
  }
  return GROUPS.filter((g) => want.has(g));
}

/** One figure over the runs of a repeated suite: its medians and its ratios to its baseline. */
export interface RepeatRow {
  readonly group: string;
  readonly name: string;
  readonly unit: BenchUnit;
  /** Runs that measured it. */
  readonly runs: number;
  /** The median, lowest and highest of the runs' medians. */
  readonly median: number;
  readonly medianMin: number;
  readonly medianMax: number;
  /** Its baseline, and the median, lowest and highest of the runs' ratios to it (when it has one). */
  readonly baseline?: string;
  readonly ratio?: number;
  readonly ratioMin?: number;
  readonly ratioMax?: number;
}

function summary(xs: number[]): { mid: number; lo: number; hi: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { mid: quantile(s, 0.5), lo: s[0]!, hi: s[s.length - 1]! };
}

/** A figure read against a second baseline of the same run (the handoff against the raw spin as well as the futex). */
export interface SecondRatio {
  readonly name: string;
  readonly baseline: string;
}

/**
 * Each figure over the runs, in the order of the first run that measured it,
 * each followed by its `second` ratios (a row of the same name against
 * another baseline). A detection row's median is its median time to first
 * failure; a run in which fewer than half of the seeds found the bug has
 * none, and that run is not one of the row's `runs`.
 */
export function summarizeRuns(
  runs: readonly { readonly results: readonly BenchResult[]; readonly detection: readonly DetectionResult[] }[],
  second: readonly SecondRatio[] = [],
): RepeatRow[] {
  interface Acc {
    group: string;
    name: string;
    unit: BenchUnit;
    medians: number[];
    ratios: number[];
    baseline?: string;
  }
  const rows = new Map<string, Acc>();
  const note = (group: string, name: string, unit: BenchUnit, median: number, baseline?: string, ratio?: number, key = name): void => {
    let e = rows.get(key);
    if (!e) {
      e = { group, name, unit, medians: [], ratios: [] };
      rows.set(key, e);
    }
    e.medians.push(median);
    if (baseline !== undefined && ratio !== undefined) {
      e.baseline = baseline;
      e.ratios.push(ratio);
    }
  };
  for (const r of runs) {
    for (const x of r.results) {
      note(x.group, x.name, x.unit, x.median, x.baseline, x.ratio);
      if (x.pairedRatio !== undefined && x.baseline !== undefined) {
        const b = `${x.baseline}, block by block`;
        note(x.group, x.name, x.unit, x.median, b, x.pairedRatio, `${x.name}\u0000${b}`);
      }
      for (const s of second.filter((y) => y.name === x.name)) {
        const b = r.results.find((y) => y.name === s.baseline);
        if (b && b.median > 0) note(x.group, x.name, x.unit, x.median, b.name, x.median / b.median, `${x.name}\u0000${b.name}`);
      }
    }
    for (const d of r.detection) if (d.median !== null) note(d.group, d.name, d.unit, d.median, d.baseline, d.ratio);
  }
  return [...rows.values()].map((e) => {
    const m = summary(e.medians);
    const row: RepeatRow = { group: e.group, name: e.name, unit: e.unit, runs: e.medians.length, median: m.mid, medianMin: m.lo, medianMax: m.hi };
    if (e.ratios.length === 0) return row;
    const q = summary(e.ratios);
    return { ...row, baseline: e.baseline!, ratio: q.mid, ratioMin: q.lo, ratioMax: q.hi };
  });
}

/** The summary of `n` runs as a text table: each figure's medians and ratios, lowest, median and highest. */
export function formatRuns(rows: readonly RepeatRow[], n: number): string {
  const range = (lo: number, hi: number): string => `${fmt(lo)} – ${fmt(hi)}`;
  const cells = rows.map((r) => [
    r.name,
    `${r.runs}/${n}`,
    `${fmt(r.median)} ${r.unit}`,
    range(r.medianMin, r.medianMax),
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
    r.ratioMin !== undefined ? `${r.ratioMin.toFixed(2)}x – ${r.ratioMax!.toFixed(2)}x` : '',
    r.baseline ?? '',
  ]);
  return [`across ${n} runs (median of the runs' medians and of their ratios, with the lowest and highest run):`, ...table(['benchmark', 'runs', 'median', 'runs from – to', 'ratio', 'ratio from – to', 'vs baseline'], cells)].join('\n');
}
