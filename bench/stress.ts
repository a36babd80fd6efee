/**
 * Stress throughput: iterations per second of a built-in scenario's correct
 * variant on the warm pool, steady state (the first iteration, which starts
 * the workers, is excluded). Each tinybench sample is one whole run of a
 * fixed number of iterations; its reported duration is the steady time per
 * iteration. Parallel mode gives stress iterations/s, controlled mode
 * schedules/s.
 */
import type { Mode } from '../src/runtime/kernel/constants.js';
import { Bench } from 'tinybench';
import { runStress } from '../src/harness/campaign.js';
import type { Scenario } from '../src/runtime/kernel/scenario.js';
import { strategyByName } from '../src/runtime/explore/index.js';
import { BUILTIN_SCENARIOS, builtinByName } from '../src/scenarios/index.js';
import type { BenchOptions } from './types.js';

export interface StressCase {
  readonly scenario: string;
  /** Default: the scenario's first correct variant. */
  readonly variant?: string;
  /** Default: the scenario's default thread count. */
  readonly threads?: number;
  readonly mode: Mode;
  readonly strategy: 'none' | 'random' | 'pct';
  /**
   * Issue 16's cases: with full sampling, each sample is a run of
   * LONG_SECONDS from a fresh pool, as the issue measured them (`stress
   * --seconds 8`). A fresh pool's code warms up for seconds (each worker's
   * isolate compiles lockstep's code on its own, and V8 optimizes a function
   * only after it has run enough there): controlled tw-barrier random ran
   * 314, 374, 457, 593, 627, 648, 659 schedules/s in the first seven seconds
   * of one run, so a sample of 1,000 schedules (about 3 s) timed mostly the
   * warm-up.
   */
  readonly long?: boolean;
}

/** Seconds per sample of a `long` case with full sampling. */
export const LONG_SECONDS = 8;
/** Samples per `long` case with full sampling (each one a run of LONG_SECONDS). */
export const LONG_SAMPLES = 3;

/** Scenarios of the quick subset: the runtime self-test, a checker self-test, one Landlock and one seccomp race. */
const QUICK_SCENARIOS = ['tw-barrier', 'selftest-lost-update', 'landlock-multi-threaded', 'seccomp-clone-race'];
/** Scenarios whose schedules/s (controlled mode) are measured. */
const CONTROLLED_SCENARIOS = ['tw-barrier', 'selftest-lost-update', 'landlock-lockstep', 'seccomp-clone-race'];

/**
 * Every built-in scenario in parallel mode with random perturbation (the
 * quick subset with --quick), tw-barrier without perturbation as the
 * baseline of the perturbation cost, and schedules/s under random and PCT.
 */
export function stressCases(quick: boolean): StressCase[] {
  const parallel = quick ? QUICK_SCENARIOS : BUILTIN_SCENARIOS.map((b) => b.name);
  const controlled = quick ? CONTROLLED_SCENARIOS.slice(0, 2) : CONTROLLED_SCENARIOS;
  return [
    { scenario: 'tw-barrier', mode: 'parallel', strategy: 'none' },
    ...parallel.map((scenario) => ({ scenario, mode: 'parallel' as const, strategy: 'random' as const })),
    // Issue 16's case, `stress --scenario landlock-multi-threaded --threads 4`, beside the same run without perturbation.
    { scenario: 'landlock-multi-threaded', threads: 4, mode: 'parallel', strategy: 'none', long: true },
    { scenario: 'landlock-multi-threaded', threads: 4, mode: 'parallel', strategy: 'random', long: true },
    ...controlled.flatMap((scenario) => [
      { scenario, mode: 'controlled' as const, strategy: 'random' as const, long: scenario === 'tw-barrier' },
      { scenario, mode: 'controlled' as const, strategy: 'pct' as const, long: scenario === 'tw-barrier' },
    ]),
  ];
}

export interface ResolvedStressCase {
  readonly name: string;
  readonly scenario: Scenario;
  readonly url: string;
  readonly variant: Scenario['variants'][number];
  readonly threads: number;
  readonly mode: Mode;
  readonly strategy: 'none' | 'random' | 'pct';
  readonly long: boolean;
}

export function stressCaseName(c: { scenario: string; variant: string; threads: number; mode: string; strategy: string }): string {
  return `${c.mode === 'controlled' ? 'schedules/s' : 'stress it/s'} ${c.scenario}/${c.variant} ${c.threads} threads ${c.mode} ${c.strategy}`;
}

export async function resolveStressCase(c: StressCase): Promise<ResolvedStressCase> {
  const b = builtinByName(c.scenario);
  if (!b) throw new Error(`bench: no built-in scenario ${c.scenario}`);
  const sc = ((await import(b.url)) as { default: Scenario }).default;
  const variant = c.variant ? sc.variants.find((v) => v.name === c.variant) : sc.variants.find((v) => v.kind === 'correct');
  if (!variant) throw new Error(`bench: ${c.scenario} has no variant ${c.variant ?? '(correct)'}`);
  const threads = c.threads ?? sc.threads.default;
  return { name: stressCaseName({ scenario: sc.name, variant: variant.name, threads, mode: c.mode, strategy: c.strategy }), scenario: sc, url: b.url, variant, threads, mode: c.mode, strategy: c.strategy, long: c.long === true };
}

/**
 * Baselines within the group: perturbation delays against none (same
 * scenario), and controlled schedules against parallel iterations of the
 * same scenario, variant and threads (the cost of running one thread at a time).
 */
export function stressBaselines(cases: readonly ResolvedStressCase[]): Record<string, string> {
  const out: Record<string, string> = {};
  const same = (a: ResolvedStressCase, b: ResolvedStressCase): boolean => a.scenario.name === b.scenario.name && a.variant.name === b.variant.name && a.threads === b.threads;
  for (const c of cases) {
    const base =
      c.mode === 'controlled'
        ? cases.find((x) => same(x, c) && x.mode === 'parallel' && x.strategy === 'random')
        : c.strategy === 'random'
          ? cases.find((x) => same(x, c) && x.mode === 'parallel' && x.strategy === 'none')
          : undefined;
    if (base) out[c.name] = base.name;
  }
  return out;
}

/** Samples per case, and iterations per sample (one runStress call each). */
export function stressSampling(quick: boolean): { samples: number; iterations: number } {
  return quick ? { samples: 2, iterations: 100 } : { samples: 5, iterations: 200 };
}

/** The stress benches: the long cases (full sampling) in a bench of their own, with fewer, longer samples. */
export async function stressBench(o: BenchOptions, cases: readonly StressCase[]): Promise<{ benches: Bench[]; baselines: Record<string, string> }> {
  const { samples, iterations } = stressSampling(o.quick);
  const bench = new Bench({ name: 'stress', iterations: samples, time: 0, warmup: false, retainSamples: true });
  const longBench = new Bench({ name: 'stress', iterations: LONG_SAMPLES, time: 0, warmup: false, retainSamples: true });
  const resolved: ResolvedStressCase[] = [];
  for (const c of cases) resolved.push(await resolveStressCase(c));
  for (const r of resolved) {
    let seed = 1;
    const long = r.long && !o.quick;
    (long ? longBench : bench).add(r.name, async () => {
      let first = '';
      const s = await runStress({
        scenario: { scenario: r.scenario, url: r.url },
        variant: r.variant,
        threads: r.threads,
        params: r.scenario.params ?? {},
        iterations: long ? null : iterations,
        seconds: long ? LONG_SECONDS : null,
        seed: seed++,
        shard: null,
        mode: r.mode,
        strategy: strategyByName(r.strategy)!,
        depth: 3,
        perturbPermille: 50,
        stopOnFailure: true,
        logDir: null,
        hunt: false,
        hangMs: r.scenario.hangMs ?? 2000,
        stepLimit: r.scenario.stepLimit ?? 200_000,
        // No seed log is written here: the error carries the failure's first line.
        onFailure: (f) => void (first ||= `iteration ${f.iteration}: ${f.kind}: ${f.message.split('\n')[0]}`),
      });
      if (s.failures > 0) throw new Error(`${r.name}, seed ${s.seed}: the correct variant failed: ${JSON.stringify(s.failureKinds)} (${first})`);
      return { overriddenDuration: 1000 / s.steadyItersPerSec };
    });
  }
  await bench.run();
  const benches = [bench];
  if (longBench.tasks.length > 0) {
    await longBench.run();
    benches.push(longBench);
  }
  return { benches, baselines: stressBaselines(resolved) };
}
