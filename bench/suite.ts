/**
 * The benchmark suite behind `lockstep bench`: one tinybench run per group,
 * baselines measured in the same run, every runtime figure printed beside
 * its baseline as a ratio (these 2-core machines are too noisy for absolute
 * numbers to mean much; docs/PLATFORM.md §1), and the time to first detection
 * of planted bugs per strategy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fingerprint } from '../src/harness/fingerprint.js';
import { computeLayout, DEFAULT_LAYOUT_CONFIG } from '../src/runtime/kernel/layout.js';
import { ATOMICS_ADD_BASELINE, ATOMICS_GROUP, atomicsBench } from './atomics.js';
import { BROADCAST_WAITERS, broadcastAckName, broadcastBench, TWO_ROUND_WAITERS, twoRoundName } from './broadcast.js';
import { detectionBench, detectionPlan } from './detection.js';
import { QUICK_SRCU_READERS, rcuTasksBaselines, rcuTasksBench, rcuTasksCases, SRCU_READERS, srcuSyncBench, srcuSyncName } from './gp-latency.js';
import { gpRateBench, gpRateCases, gpRateName, RCUTORTURE_CONTEXT, type PublishedGpRate } from './gp-rate.js';
import { CONTROLLED_GROUP, controlledBench, stepBaselines, stepCases } from './controlled.js';
import { handoffBench, handoffName } from './handoff.js';
import { ITERATION_CASE, ITERATION_GROUP, iterationBaselines, iterationBench } from './iteration.js';
import { lineChart } from './plot.js';
import { SRCU_READ_NAMES, addSrcuReadSide } from './srcu-read.js';
import { GROUPS, summarizeRuns, type GroupName, type RepeatRow, type SecondRatio } from './groups.js';
import { ratioOf, results, round, table, type BenchError } from './stats.js';
import { stressBench, stressCases } from './stress.js';
import { tsyncBench, tsyncCaseName, type CredCount, type TsyncCase } from './tsync.js';
import { breakdownBaselines, tsyncBreakdownBench, TSYNC_BREAKDOWN_GROUP } from './tsync-breakdown.js';
import type { BenchOptions, BenchResult, DetectionResult } from './types.js';

const TSYNC_SIBLINGS = BROADCAST_WAITERS;
const QUICK_SIBLINGS = [1, 8, 32];
const QUICK_TWO_ROUND = [1, 8];
/** The baseline of the synchronize_srcu() series (see fixedBaselines). */
export const SRCU_SYNC_BASELINE = 'raw Atomics.wait/notify ping-pong';

/** Which baseline each figure is compared with (the stress group adds its own). */
function fixedBaselines(): Record<string, string> {
  const b: Record<string, string> = {
    [handoffName('runtime')]: handoffName('raw'),
    [handoffName('spin')]: handoffName('raw'),
    // The completion protocol alone against one line passed back and forth (completion-floor.ts).
    [handoffName('floor')]: handoffName('spin'),
    [handoffName('floor-ordered')]: handoffName('spin'),
    // The same pair with one core taken by a spinning thread: spinning cannot win there.
    [handoffName('runtime', true)]: handoffName('raw', true),
  };
  for (const n of TSYNC_SIBLINGS) {
    // Each TSYNC point against the broadcast-ack floor with as many waiters as it has siblings.
    b[tsyncCaseName({ siblings: n, how: 'tsync', ownCreds: false })] = broadcastAckName(n);
    b[tsyncCaseName({ siblings: n, how: 'libpsx', ownCreds: false })] = tsyncCaseName({ siblings: n, how: 'tsync', ownCreds: false });
    // One siglock pass (seccomp) against the task_work lockstep (Landlock), same thread count.
    b[tsyncCaseName({ siblings: n, how: 'seccomp', ownCreds: false })] = tsyncCaseName({ siblings: n, how: 'tsync', ownCreds: false });
    b[tsyncCaseName({ siblings: n, how: 'seccomp', ownCreds: false, forceAdd: true })] = tsyncCaseName({ siblings: n, how: 'seccomp', ownCreds: false });
  }
  // The protocol's shape with no work (two rounds of per-thread wake-ups) against one broadcast round.
  for (const n of TWO_ROUND_WAITERS) b[twoRoundName(n)] = broadcastAckName(n);
  b[tsyncCaseName({ siblings: 8, how: 'tsync', ownCreds: true })] = tsyncCaseName({ siblings: 8, how: 'tsync', ownCreds: false });
  // The SRCU read side against one bare Atomics.add.
  for (const name of SRCU_READ_NAMES) b[name] = ATOMICS_ADD_BASELINE;
  // synchronize_srcu() against one futex round trip, not the broadcast-ack
  // floor: its readers are never woken nor asked to ack; with readers in
  // flight the updater sleeps until an unlock wakes it, one futex handoff
  // however many readers there are.
  for (const n of SRCU_READERS) b[srcuSyncName(n)] = SRCU_SYNC_BASELINE;
  return b;
}

function tsyncCases(quick: boolean): TsyncCase[] {
  const ns = quick ? QUICK_SIBLINGS : TSYNC_SIBLINGS;
  return [
    ...ns.map((siblings) => ({ siblings, how: 'tsync' as const, ownCreds: false })),
    { siblings: 8, how: 'tsync' as const, ownCreds: true },
    ...ns.map((siblings) => ({ siblings, how: 'libpsx' as const, ownCreds: false })),
    ...ns.map((siblings) => ({ siblings, how: 'seccomp' as const, ownCreds: false })),
    ...[8, 32].map((siblings) => ({ siblings, how: 'seccomp' as const, ownCreds: false, forceAdd: true })),
  ];
}

function withRatios(all: readonly BenchResult[], baselines: Record<string, string>): BenchResult[] {
  return all.map((r) => {
    const base = baselines[r.name];
    const b = base ? all.find((x) => x.name === base) : undefined;
    return b && b.median > 0 ? { ...r, baseline: b.name, ratio: ratioOf(r.median, b.median) } : r;
  });
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine. */
  readonly loadAtStart: number;
  readonly loadAtEnd: number;
}

export interface SuiteReport {
  readonly fingerprint: ReturnType<typeof fingerprint>;
  readonly machine: Machine;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly seconds: number;
  readonly results: readonly BenchResult[];
  /** Creds allocated by one TSYNC call (1 with re-wiring; 1 + N when siblings have their own creds). */
  readonly credsPerCall: readonly CredCount[];
  /** Time to first detection of planted bugs, per strategy. */
  readonly detection: readonly DetectionResult[];
  readonly detectionPlan: { readonly seeds: readonly number[]; readonly budget: { readonly iterations: number; readonly seconds: number } };
  /** Benchmarks that did not complete, with why. */
  readonly errors: readonly BenchError[];
  /** The groups that ran, when not all of them did (`--group`). */
  readonly groups?: readonly string[];
}

/** rcutorture's published GP/s beside a measured GP/s figure: context, not a ratio (different machine, kernel and time scale). */
export interface GpRateContext {
  readonly name: string;
  readonly source: string;
  readonly published: readonly PublishedGpRate[];
}

/** The published rcutorture figures each GP/s result stands beside (Documentation/RCU/torture.rst). */
export function gpRateContext(quick: boolean): GpRateContext[] {
  return gpRateCases(quick).map((c) => ({ name: gpRateName(c), source: RCUTORTURE_CONTEXT, published: c.published }));
}

export async function runSuite(o: BenchOptions, log: (line: string) => void, groups: readonly GroupName[] = GROUPS): Promise<SuiteReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const loadAtStart = loadavg()[0]!;
  const all: BenchResult[] = [];
  const errors: BenchError[] = [];
  const baselines = fixedBaselines();
  const run = (g: GroupName): boolean => groups.includes(g);
  if (run('atomics')) {
    log('atomics: one bare Atomics.add on a SAB word and one SRCU read-side pair, per operation ...');
    all.push(...results(ATOMICS_GROUP, await atomicsBench(o, [addSrcuReadSide]), 'ns', errors));
  }
  if (run('handoff')) {
    log('handoff: main thread <-> worker round trips ...');
    const h = await handoffBench(o);
    for (const b of h.benches) {
      for (const r of results('handoff', b, 'us', errors)) {
        const p = h.paired.find((x) => x.name === r.name);
        all.push(p ? { ...r, pairedRatio: round(p.ratio) } : r);
      }
    }
  }
  if (run('stress')) {
    log('stress: steady iterations per second on the warm pool, per scenario ...');
    const stress = await stressBench(o, stressCases(o.quick));
    Object.assign(baselines, stress.baselines);
    for (const b of stress.benches) all.push(...results('stress', b, 'ms', errors));
  }
  if (run('iteration')) {
    log(`iteration: where a parallel iteration of ${ITERATION_CASE.scenario} (${ITERATION_CASE.threads} threads) spends its time ...`);
    Object.assign(baselines, iterationBaselines(ITERATION_CASE));
    all.push(...results(ITERATION_GROUP, await iterationBench(o), 'us', errors));
  }
  if (run('controlled')) {
    log('controlled: µs per controlled scheduling step beside one raw futex wake, by strategy and thread count ...');
    const steps = stepCases(o.quick);
    Object.assign(baselines, stepBaselines(steps));
    all.push(...results(CONTROLLED_GROUP, await controlledBench(o, steps), 'us', errors));
  }
  if (run('floor')) {
    log('floor: raw broadcast-ack to N waiters, and two rounds of per-thread wake-ack ...');
    all.push(...results('floor', await broadcastBench(o, o.quick ? QUICK_SIBLINGS : TSYNC_SIBLINGS, o.quick ? QUICK_TWO_ROUND : TWO_ROUND_WAITERS), 'us', errors));
  }
  const creds: CredCount[] = [];
  if (run('tsync')) {
    log('tsync: Landlock TSYNC, libpsx and seccomp TSYNC latency by parked siblings ...');
    all.push(...results('tsync', await tsyncBench(o, tsyncCases(o.quick), creds), 'us', errors));
  }
  if (run('tsync-breakdown')) {
    log('tsync-breakdown: where one Landlock TSYNC call with 8 siblings spends its time, from its trace ...');
    Object.assign(baselines, breakdownBaselines());
    all.push(...results(TSYNC_BREAKDOWN_GROUP, await tsyncBreakdownBench(o), 'us', errors));
  }
  if (run('srcu-sync')) {
    log('srcu-sync: synchronize_srcu() latency by looping readers ...');
    all.push(...results('srcu-sync', await srcuSyncBench(o, o.quick ? QUICK_SRCU_READERS : SRCU_READERS), 'us', errors));
  }
  if (run('rcu-tasks')) {
    log('rcu-tasks: synchronize_rcu_tasks() latency per design, idle tasks and busy readers ...');
    const rt = rcuTasksCases(o.quick);
    Object.assign(baselines, rcuTasksBaselines(rt));
    all.push(...results('rcu-tasks', await rcuTasksBench(o, rt), 'us', errors));
  }
  if (run('gp-rate')) {
    log('gp-rate: grace periods per second in srcu-torture and rcu-tasks-torture ...');
    all.push(...results('gp-rate', await gpRateBench(o, gpRateCases(o.quick)), 'ms', errors));
  }
  const plan = detectionPlan(o.quick);
  let detection: DetectionResult[] = [];
  if (run('detection')) {
    log(`detection: time to first failure of ${plan.bugs.length} planted bugs, ${plan.seeds.length} seed(s) per strategy ...`);
    detection = await detectionBench(o, log, errors, plan);
  }
  const cpu = cpus();
  return {
    fingerprint: fingerprint(computeLayout(DEFAULT_LAYOUT_CONFIG).hash),
    machine: {
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.version,
      loadAtStart: round(loadAtStart),
      loadAtEnd: round(loadavg()[0]!),
    },
    quick: o.quick,
    startedAt,
    seconds: Math.round((performance.now() - t0) / 1000),
    results: withRatios(all, baselines),
    credsPerCall: creds,
    detection,
    detectionPlan: { seeds: plan.seeds, budget: plan.budget },
    errors,
    ...(groups.length < GROUPS.length ? { groups: [...groups] } : {}),
  };
}

/** "1.23 ms" or "> 20 s (2/5)": a detection cell. */
export function detectionCell(d: DetectionResult): string {
  if (d.median === null) return `not found in ${d.budget.seconds} s (${d.detected}/${d.samples})`;
  return `${d.median.toFixed(2)} s, ${d.iterations.median} it (${d.detected}/${d.samples})`;
}

export function rateText(x: BenchResult): string {
  switch (x.group) {
    case 'stress':
      return `${x.opsPerSec.toFixed(0)}/s`;
    case 'tsync':
      return `${x.opsPerSec.toFixed(0)} calls/s`;
    case 'floor':
      return `${x.opsPerSec.toFixed(0)} ${x.name.startsWith('raw two rounds') ? 'pairs of rounds' : 'rounds'}/s`;
    case 'srcu-sync':
    case 'rcu-tasks':
    case 'gp-rate':
      return `${x.opsPerSec.toFixed(0)} GP/s`;
    case ATOMICS_GROUP:
      return `${(x.opsPerSec / 1e6).toFixed(1)} M ops/s`;
    case CONTROLLED_GROUP:
      return `${x.opsPerSec.toFixed(0)} steps/s`;
    case ITERATION_GROUP:
      return x.name.endsWith('whole iteration') ? `${x.opsPerSec.toFixed(0)} it/s` : '';
    default:
      return `${x.opsPerSec.toFixed(0)} rt/s`;
  }
}

export function formatReport(r: SuiteReport): string {
  const rows = r.results.map((x) => {
    const paired = x.pairedRatio !== undefined ? ` (${x.pairedRatio.toFixed(2)}x block by block)` : '';
    const ratio = x.ratio !== undefined ? `${x.ratio.toFixed(2)}x ${x.baseline}${paired}` : '';
    return [x.name, `${x.median.toFixed(2)} ${x.unit}`, `${x.p99.toFixed(2)} ${x.unit}`, `${(x.spread * 100).toFixed(0)}%`, String(x.samples), rateText(x), ratio];
  });
  const det = r.detection.map((d) => [d.name, detectionCell(d), d.p99 === null ? '-' : `${d.p99.toFixed(2)} s`, d.spread === null ? '-' : `${(d.spread * 100).toFixed(0)}%`, String(d.samples), d.ratio !== undefined ? `${d.ratio.toFixed(2)}x controlled random` : '']);
  const creds = r.credsPerCall.map((c) => `  ${c.name}: ${c.credsPerCall} cred(s) allocated per call`);
  const context = gpRateContext(r.quick).flatMap((c) => {
    const x = r.results.find((y) => y.name === c.name);
    return x ? [`  ${c.name}: ${x.opsPerSec.toFixed(0)} GP/s here; ${c.published.map((p) => `${p.config} ${p.perSecond}`).join(', ')} GP/s in ${c.source}`] : [];
  });
  const errors = r.errors.map((e) => `  ${e.group} / ${e.name}: ${e.message.split('\n')[0]}`);
  // The sections, one blank line apart; a run of some groups (--group) has no sections for the others.
  const sections: string[][] = [
    rows.length ? table(['benchmark', 'median', 'p99', 'IQR/med', 'samples', 'rate', 'vs baseline (median ratio)'], rows) : [],
    det.length ? table(['time to first detection', 'median (found/seeds)', 'p99', 'IQR/med', 'seeds', 'vs baseline (median ratio)'], det) : [],
    creds.length ? ['creds per TSYNC call:', ...creds] : [],
    context.length ? ['grace periods per second beside rcutorture (context only: another machine, kernel and time scale; not a ratio):', ...context] : [],
    errors.length ? ['did not complete:', ...errors] : [],
    [`machine: ${r.machine.cpu}, ${r.machine.cores} cores, node ${r.machine.node}, load ${r.machine.loadAtStart} -> ${r.machine.loadAtEnd}; lockstep ${r.fingerprint.version}; ${r.seconds} s${r.groups ? `; groups: ${r.groups.join(', ')}` : ''}`],
  ];
  return sections
    .filter((x) => x.length > 0)
    .map((x) => x.join('\n'))
    .join('\n\n');
}

/**
 * The ratios a reading of the suite takes beside each figure's own baseline
 * (markdown.ts): the handoff against the raw spin ping-pong (the goal for free
 * cores) and against the completion protocol alone with lockstep's counts and
 * order (lockstep's own share), Landlock TSYNC against the two-round floor
 * (the protocol's shape).
 */
const SECOND_RATIOS: readonly SecondRatio[] = [
  { name: handoffName('runtime'), baseline: handoffName('spin') },
  { name: handoffName('runtime'), baseline: handoffName('floor-ordered') },
  { name: tsyncCaseName({ siblings: 8, how: 'tsync', ownCreds: false }), baseline: twoRoundName(8) },
];

/** Each figure across the runs of a --repeat (groups.ts), with the second ratios above. */
export function runsSummary(runs: readonly SuiteReport[]): RepeatRow[] {
  return summarizeRuns(runs, SECOND_RATIOS);
}

/** The --json file of a repeated run (--repeat): every run's report and the summary over them. */
export interface RunsReport {
  readonly format: typeof RUNS_FORMAT;
  readonly runs: readonly SuiteReport[];
  readonly summary: readonly RepeatRow[];
}
export const RUNS_FORMAT = 'lockstep-bench-runs/1';

/** Write the runs so far and their summary (after each run, so that an interrupted repeat keeps what it measured). */
export function writeRunsReport(path: string, runs: readonly SuiteReport[]): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const r: RunsReport = { format: RUNS_FORMAT, runs, summary: runsSummary(runs) };
  writeFileSync(path, `${JSON.stringify(r, null, 1)}\n`);
}

/** Write the JSON report and the SVG plots beside it; returns the plot paths. */
export function writeReport(path: string, r: SuiteReport): string[] {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(r, null, 1)}\n`);
  return writePlots(path, r);
}

/** The SVG plots of a report, beside its JSON file (`full.json` -> `full-tsync.svg`, `full-srcu.svg`); returns their paths. */
export function writePlots(path: string, r: SuiteReport): string[] {
  const out: string[] = [];
  const tsync = writeTsyncPlot(path, r);
  if (tsync) out.push(tsync);
  const srcu = writeSrcuPlot(path, r);
  if (srcu) out.push(srcu);
  return out;
}

/** The TSYNC latency plot, or null for a report without its series (a run of other groups). */
function writeTsyncPlot(path: string, r: SuiteReport): string | null {
  const pick = (group: string, re: RegExp): { x: number; y: number }[] =>
    r.results
      .filter((x) => x.group === group && re.test(x.name))
      .map((x) => ({ x: Number(/(\d+) (?:siblings|waiters?)/.exec(x.name)?.[1] ?? 0), y: x.median }))
      .sort((a, b) => a.x - b.x);
  const series = [
    { name: 'Landlock TSYNC', points: pick('tsync', /^Landlock TSYNC \d+ siblings$/) },
    { name: 'libpsx broadcast', points: pick('tsync', /^libpsx broadcast \d+ siblings$/) },
    { name: 'seccomp TSYNC', points: pick('tsync', /^seccomp TSYNC \d+ siblings$/) },
    { name: 'broadcast-ack floor', points: pick('floor', /^raw broadcast-ack to \d+ waiters?$/), dashed: true },
  ].filter((s) => s.points.length > 0);
  if (series.length === 0) return null;
  const svg = path.replace(/\.json$/, '') + '-tsync.svg';
  writeFileSync(svg, `${lineChart('TSYNC latency by parked siblings (median)', 'siblings (floor: waiters)', 'latency per call', series)}\n`);
  return svg;
}

/** synchronize_srcu() latency by looping readers (median and p99), with the futex round trip as a flat dashed line; null for a report without the series. */
function writeSrcuPlot(path: string, r: SuiteReport): string | null {
  const sync = r.results
    .filter((x) => x.group === 'srcu-sync')
    .map((x) => ({ x: Number(/with (\d+) looping/.exec(x.name)?.[1] ?? -1), r: x }))
    .filter((p) => p.x >= 0)
    .sort((a, b) => a.x - b.x);
  if (sync.length === 0) return null;
  const base = r.results.find((x) => x.name === SRCU_SYNC_BASELINE);
  const series = [
    { name: 'synchronize_srcu median', points: sync.map((p) => ({ x: p.x, y: p.r.median })) },
    { name: 'synchronize_srcu p99', points: sync.map((p) => ({ x: p.x, y: p.r.p99 })) },
    ...(base ? [{ name: 'futex round trip', points: sync.map((p) => ({ x: p.x, y: base.median })), dashed: true }] : []),
  ];
  const svg = path.replace(/\.json$/, '') + '-srcu.svg';
  writeFileSync(svg, `${lineChart('synchronize_srcu latency by looping readers', 'readers looping srcu_read_lock/unlock', 'latency per grace period', series, { linearX: true })}\n`);
  return svg;
}
