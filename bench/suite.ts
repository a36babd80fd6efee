/**
 * The benchmark suite behind `lockstep bench`: one tinybench run per group,
 * baselines measured in the same run, every runtime figure printed beside
 * its baseline as a ratio (these 2-core machines are too noisy for absolute
 * numbers to mean much; node-platform §6).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Bench } from 'tinybench';
import { fingerprint } from '../src/runtime/fingerprint.js';
import { computeLayout, DEFAULT_LAYOUT_CONFIG } from '../src/runtime/layout.js';
import { handoffBench } from './handoff.js';
import { lineChart } from './plot.js';
import { stressBench, type StressCase } from './stress.js';
import { tsyncBench, tsyncCaseName, type CredCount, type TsyncCase } from './tsync.js';
import type { BenchOptions, BenchResult } from './types.js';

const TSYNC_SIBLINGS = [1, 2, 4, 8, 16, 32, 64];

/** Which baseline each figure is compared with. */
const BASELINES: Record<string, string> = {
  'runtime park/unpark (completion ping-pong)': 'raw Atomics.wait/notify ping-pong',
  'raw spin ping-pong': 'raw Atomics.wait/notify ping-pong',
};
for (const n of TSYNC_SIBLINGS) {
  BASELINES[tsyncCaseName({ siblings: n, how: 'tsync', ownCreds: false })] = 'raw broadcast-ack to 8 waiters';
  BASELINES[tsyncCaseName({ siblings: n, how: 'libpsx', ownCreds: false })] = tsyncCaseName({ siblings: n, how: 'tsync', ownCreds: false });
}
BASELINES[tsyncCaseName({ siblings: 8, how: 'tsync', ownCreds: true })] = tsyncCaseName({ siblings: 8, how: 'tsync', ownCreds: false });
for (const n of TSYNC_SIBLINGS) {
  // One siglock pass (seccomp) against the task_work lockstep (Landlock), same thread count.
  BASELINES[tsyncCaseName({ siblings: n, how: 'seccomp', ownCreds: false })] = tsyncCaseName({ siblings: n, how: 'tsync', ownCreds: false });
  BASELINES[tsyncCaseName({ siblings: n, how: 'seccomp', ownCreds: false, forceAdd: true })] = tsyncCaseName({ siblings: n, how: 'seccomp', ownCreds: false });
}

const credCounts: CredCount[] = [];

function tsyncCases(quick: boolean): TsyncCase[] {
  const ns = quick ? [1, 8, 32] : TSYNC_SIBLINGS;
  return [
    ...ns.map((siblings) => ({ siblings, how: 'tsync' as const, ownCreds: false })),
    { siblings: 8, how: 'tsync' as const, ownCreds: true },
    ...ns.map((siblings) => ({ siblings, how: 'libpsx' as const, ownCreds: false })),
    ...ns.map((siblings) => ({ siblings, how: 'seccomp' as const, ownCreds: false })),
    ...[8, 32].map((siblings) => ({ siblings, how: 'seccomp' as const, ownCreds: false, forceAdd: true })),
  ];
}

const STRESS_CASES: readonly StressCase[] = [
  { scenario: 'tw-barrier', threads: 4, mode: 'parallel', strategy: 'none' },
  { scenario: 'tw-barrier', threads: 4, mode: 'parallel', strategy: 'random' },
  { scenario: 'tw-barrier', threads: 4, mode: 'controlled', strategy: 'random' },
  { scenario: 'tw-barrier', threads: 4, mode: 'controlled', strategy: 'pct' },
];

function results(group: string, bench: Bench, unit: 'us' | 'ms'): BenchResult[] {
  const scale = unit === 'us' ? 1000 : 1;
  const out: BenchResult[] = [];
  for (const t of bench.tasks) {
    const r = t.result as { state?: string; latency?: { p50?: number; p75?: number; p99?: number; mean?: number; samplesCount?: number; samples?: number[] }; error?: unknown };
    if (r.state !== 'completed' || !r.latency) throw new Error(`benchmark "${t.name}" did not complete: ${String(r.error ?? r.state)}`);
    const lat = r.latency;
    const sorted = [...(lat.samples ?? [])].sort((a, b) => a - b);
    const q = (f: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))]! : 0);
    const median = (lat.p50 ?? q(0.5)) * scale;
    const p25 = q(0.25) * scale;
    const p75 = (lat.p75 ?? q(0.75)) * scale;
    out.push({
      group,
      name: t.name,
      unit,
      median: round(median),
      p25: round(p25),
      p75: round(p75),
      p99: round((lat.p99 ?? q(0.99)) * scale),
      mean: round((lat.mean ?? 0) * scale),
      samples: lat.samplesCount ?? sorted.length,
      spread: round(median > 0 ? (p75 - p25) / median : 0),
      opsPerSec: round(median > 0 ? (unit === 'us' ? 1e6 : 1e3) / median : 0),
    });
  }
  return out;
}

function withRatios(all: BenchResult[]): BenchResult[] {
  return all.map((r) => {
    const base = BASELINES[r.name];
    const b = base ? all.find((x) => x.name === base) : undefined;
    return b && b.median > 0 ? { ...r, baseline: b.name, ratio: round(r.median / b.median) } : r;
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export interface SuiteReport {
  readonly fingerprint: ReturnType<typeof fingerprint>;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly results: readonly BenchResult[];
  /** Creds allocated by one TSYNC call (1 with re-wiring; 1 + N when siblings have their own creds). */
  readonly credsPerCall: readonly CredCount[];
}

export async function runSuite(o: BenchOptions, log: (line: string) => void): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  const all: BenchResult[] = [];
  log('handoff: main thread <-> worker round trips ...');
  all.push(...results('handoff', await handoffBench(o), 'us'));
  log('stress: steady iterations per second on the warm pool ...');
  all.push(...results('stress', await stressBench(o, STRESS_CASES), 'ms'));
  log('tsync: Landlock TSYNC and libpsx latency by parked siblings, with the broadcast-ack floor ...');
  const creds: CredCount[] = [];
  all.push(...results('tsync', await tsyncBench(o, tsyncCases(o.quick), creds), 'us'));
  credCounts.push(...creds);
  return {
    fingerprint: fingerprint(computeLayout(DEFAULT_LAYOUT_CONFIG).hash),
    quick: o.quick,
    startedAt,
    results: withRatios(all),
    credsPerCall: [...credCounts],
  };
}

export function formatReport(r: SuiteReport): string {
  const rows = r.results.map((x) => {
    const rate = x.group === 'stress' ? `${x.opsPerSec.toFixed(0)}/s` : x.group === 'tsync' ? `${x.opsPerSec.toFixed(0)} calls/s` : `${x.opsPerSec.toFixed(0)} rt/s`;
    const ratio = x.ratio !== undefined ? `${x.ratio.toFixed(2)}x ${x.baseline}` : '';
    return [x.name, `${x.median.toFixed(2)} ${x.unit}`, `${x.p99.toFixed(2)} ${x.unit}`, `${(x.spread * 100).toFixed(0)}%`, String(x.samples), rate, ratio];
  });
  const header = ['benchmark', 'median', 'p99', 'IQR/med', 'samples', 'rate', 'vs baseline (median ratio)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const creds = r.credsPerCall.map((c) => `  ${c.name}: ${c.credsPerCall} cred(s) allocated per call`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', 'creds per TSYNC call:', ...creds, '', `machine: node ${r.fingerprint.node}, ${r.fingerprint.cores} cores, lockstep ${r.fingerprint.version}`].join('\n');
}

export function writeReport(path: string, r: SuiteReport): string[] {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(r, null, 1)}\n`);
  // The scaling series as SVG next to the JSON.
  const pick = (re: RegExp): { x: number; y: number }[] =>
    r.results
      .filter((x) => x.group === 'tsync' && re.test(x.name))
      .map((x) => ({ x: Number(/(\d+) siblings/.exec(x.name)?.[1] ?? 0), y: x.median }))
      .sort((a, b) => a.x - b.x);
  const floor = r.results.find((x) => x.name.startsWith('raw broadcast-ack'));
  const tsync = pick(/^Landlock TSYNC \d+ siblings$/);
  const series = [
    { name: 'Landlock TSYNC', points: tsync },
    { name: 'libpsx broadcast', points: pick(/^libpsx broadcast \d+ siblings$/) },
    ...(r.results.some((x) => /^seccomp TSYNC \d/.test(x.name)) ? [{ name: 'seccomp TSYNC', points: pick(/^seccomp TSYNC \d+ siblings$/) }] : []),
    ...(floor && tsync.length ? [{ name: 'broadcast-ack floor (8)', points: tsync.map((p) => ({ x: p.x, y: floor.median })), dashed: true }] : []),
  ];
  const svg = path.replace(/\.json$/, '') + '-tsync.svg';
  writeFileSync(svg, `${lineChart('TSYNC latency by parked siblings (median)', 'siblings', 'latency per call', series)}\n`);
  return [svg];
}
