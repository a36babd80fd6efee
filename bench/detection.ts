/**
 * Time to first detection, SCTBench-style: for a set of planted bugs, run
 * each under controlled/random, controlled/pct and parallel/random (real
 * cores, random perturbation delays) for several seeds, stop at the first
 * failure or at the budget, and report the median time and iterations to
 * the first failure and the detection rate. Each run is one `runStress`
 * call with a fresh pool, as `lockstep stress --stop-on-failure` does it,
 * without seed logs or shrinking (they cost iterations after the find).
 */
import type { Mode } from '../src/runtime/kernel/constants.js';
import { runStress } from '../src/harness/campaign.js';
import type { Scenario } from '../src/runtime/kernel/scenario.js';
import { strategyByName } from '../src/runtime/explore/index.js';
import { builtinByName } from '../src/scenarios/index.js';
import { quantile, ratioOf, round, type BenchError } from './stats.js';
import type { BenchOptions, DetectionResult, DetectionRun } from './types.js';

export interface PlantedBug {
  readonly scenario: string;
  readonly variant: string;
  /** Why this one is in the set. */
  readonly why: string;
}

/** The planted bugs: the two checker calibrations, four Landlock and two seccomp mutants of different kinds. */
export const PLANTED_BUGS: readonly PlantedBug[] = [
  { scenario: 'selftest-abba', variant: 'abba', why: 'ABBA lock order: a deadlock with its wait-for cycle' },
  { scenario: 'selftest-lost-update', variant: 'racy', why: 'load-then-store counter: an update lost under one preemption' },
  { scenario: 'landlock-multi-threaded', variant: 'L2', why: 'no caller token in num_preparing: the caller commits before every sibling prepared' },
  { scenario: 'landlock-competing-enablement', variant: 'L8', why: 'killable lock between competing TSYNC callers: deadlock' },
  { scenario: 'landlock-exit-race', variant: 'L4', why: 'task_work_add failure on an exiting thread recorded as an error: spurious -ESRCH, narrow window' },
  { scenario: 'landlock-lockstep', variant: 'L18', why: 'interruptible sibling waits: a sibling leaves the lockstep early' },
  { scenario: 'seccomp-clone-race', variant: 'S2', why: 'siglock dropped between can_sync and sync: a clone slips into the gap' },
  { scenario: 'seccomp-exec-race', variant: 'S3', why: 'no cred_guard_mutex: a sibling execve escapes NNP' },
];

const QUICK_BUGS = ['abba', 'racy', 'L2', 'S3'];

export interface DetectionStrategy {
  readonly mode: Mode;
  readonly strategy: 'random' | 'pct';
}

export const DETECTION_STRATEGIES: readonly DetectionStrategy[] = [
  { mode: 'controlled', strategy: 'random' },
  { mode: 'controlled', strategy: 'pct' },
  { mode: 'parallel', strategy: 'random' },
];

/** The baseline strategy of the ratios: a uniformly random walk over the schedules (SCTBench's Rand). */
export const DETECTION_BASELINE: DetectionStrategy = DETECTION_STRATEGIES[0]!;

export interface DetectionPlan {
  readonly bugs: readonly PlantedBug[];
  readonly seeds: readonly number[];
  readonly budget: { readonly iterations: number; readonly seconds: number };
}

export function detectionPlan(quick: boolean): DetectionPlan {
  return quick
    ? { bugs: PLANTED_BUGS.filter((b) => QUICK_BUGS.includes(b.variant)), seeds: [1], budget: { iterations: 300, seconds: 3 } }
    : { bugs: PLANTED_BUGS, seeds: [1, 2, 3, 4, 5], budget: { iterations: 10_000, seconds: 20 } };
}

export function detectionName(scenario: string, variant: string, s: DetectionStrategy): string {
  return `detect ${scenario}/${variant} ${s.mode} ${s.strategy}`;
}

async function hunt(sc: Scenario, url: string, variant: Scenario['variants'][number], s: DetectionStrategy, seed: number, budget: DetectionPlan['budget']): Promise<DetectionRun> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), budget.seconds * 1000);
  let iterations = 0;
  let foundAt: number | null = null;
  let kind: string | null = null;
  const t0 = performance.now();
  try {
    await runStress({
      scenario: { scenario: sc, url },
      variant,
      threads: sc.threads.default,
      params: sc.params ?? {},
      iterations: budget.iterations,
      seconds: null,
      seed,
      shard: null,
      mode: s.mode,
      strategy: strategyByName(s.strategy)!,
      depth: 3,
      perturbPermille: 50,
      stopOnFailure: true,
      logDir: null,
      hunt: false,
      hangMs: sc.hangMs ?? 2000,
      stepLimit: sc.stepLimit ?? 200_000,
      stop: stop.signal,
      onIteration: (it) => {
        iterations++;
        if (it.failed && foundAt === null) {
          foundAt = performance.now();
          kind = it.kind;
        }
      },
    });
  } finally {
    clearTimeout(timer);
  }
  const end = foundAt ?? performance.now();
  return { seed, found: foundAt !== null, seconds: round((end - t0) / 1000), iterations, kind };
}

function summarize(bug: PlantedBug, sc: Scenario, s: DetectionStrategy, plan: DetectionPlan, runs: DetectionRun[]): DetectionResult {
  // A seed that missed counts as slower than any find.
  const secs = runs.map((r) => (r.found ? r.seconds : Infinity)).sort((a, b) => a - b);
  const iters = runs.map((r) => (r.found ? r.iterations : Infinity)).sort((a, b) => a - b);
  const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const median = fin(quantile(secs, 0.5));
  const p25 = fin(quantile(secs, 0.25));
  const p75 = fin(quantile(secs, 0.75));
  const detected = runs.filter((r) => r.found).length;
  const variant = sc.variants.find((v) => v.name === bug.variant)!;
  return {
    group: 'detection',
    name: detectionName(sc.name, bug.variant, s),
    scenario: sc.name,
    variant: bug.variant,
    description: bug.why,
    spec: variant.spec,
    mode: s.mode,
    strategy: s.strategy,
    threads: sc.threads.default,
    unit: 's',
    median,
    p25,
    p75,
    p99: fin(quantile(secs, 0.99)),
    spread: median !== null && median > 0 && p25 !== null && p75 !== null ? round((p75 - p25) / median) : null,
    samples: runs.length,
    iterations: { median: fin(quantile(iters, 0.5)), p99: fin(quantile(iters, 0.99)) },
    detected,
    detectionRate: round(detected / runs.length),
    budget: plan.budget,
    runs,
  };
}

/** Ratios against the controlled/random result of the same bug, where both medians exist. */
function withRatios(all: DetectionResult[]): DetectionResult[] {
  return all.map((r) => {
    if (r.mode === DETECTION_BASELINE.mode && r.strategy === DETECTION_BASELINE.strategy) return r;
    const b = all.find((x) => x.name === detectionName(r.scenario, r.variant, DETECTION_BASELINE));
    if (!b) return r;
    const ratio = r.median !== null && b.median !== null && b.median > 0 ? { ratio: ratioOf(r.median, b.median) } : {};
    return { ...r, baseline: b.name, ...ratio };
  });
}

/**
 * Hunt every planned bug under every strategy. A run that throws (a worker
 * that failed to start, say) is reported in `errors` and left out of its
 * cell, which then has fewer samples, rather than voiding the whole suite.
 */
export async function detectionBench(o: BenchOptions, log: (line: string) => void, errors: BenchError[], plan = detectionPlan(o.quick)): Promise<DetectionResult[]> {
  const out: DetectionResult[] = [];
  for (const bug of plan.bugs) {
    const b = builtinByName(bug.scenario);
    if (!b) throw new Error(`bench: no built-in scenario ${bug.scenario}`);
    const sc = ((await import(b.url)) as { default: Scenario }).default;
    const variant = sc.variants.find((v) => v.name === bug.variant);
    if (!variant) throw new Error(`bench: ${bug.scenario} has no variant ${bug.variant}`);
    const runs = new Map<DetectionStrategy, DetectionRun[]>(DETECTION_STRATEGIES.map((s) => [s, []]));
    // Seed by seed, every strategy in turn, so that a noisy minute hits them all alike.
    for (const seed of plan.seeds) {
      for (const s of DETECTION_STRATEGIES) {
        try {
          runs.get(s)!.push(await hunt(sc, b.url, variant, s, seed, plan.budget));
        } catch (e) {
          const name = detectionName(sc.name, bug.variant, s);
          errors.push({ group: 'detection', name: `${name} seed ${seed}`, message: e instanceof Error ? e.message : String(e) });
          log(`  ${name} seed ${seed}: did not complete: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      }
    }
    for (const s of DETECTION_STRATEGIES) {
      if (runs.get(s)!.length === 0) continue;
      const r = summarize(bug, sc, s, plan, runs.get(s)!);
      out.push(r);
      log(`  ${r.name}: ${r.detected}/${r.samples} found, median ${r.median === null ? `> ${plan.budget.seconds} s` : `${r.median} s, ${r.iterations.median} iterations`}`);
    }
  }
  return withRatios(out);
}
