/**
 * Stress throughput: iterations per second of a built-in scenario on the
 * warm pool, steady state (the first iteration, which starts the workers,
 * is excluded). Each tinybench sample is one whole run; its reported
 * duration is the steady time per iteration.
 */
import { Bench } from 'tinybench';
import { runStress } from '../src/runtime/harness/campaign.js';
import type { Scenario } from '../src/runtime/scenario.js';
import { strategyByName } from '../src/runtime/scheduler/index.js';
import { builtinByName } from '../src/scenarios/index.js';
import type { BenchOptions } from './types.js';

export interface StressCase {
  readonly scenario: string;
  readonly variant?: string;
  readonly threads: number;
  readonly mode: 'parallel' | 'controlled';
  readonly strategy: 'none' | 'random' | 'pct';
}

export function stressCaseName(c: StressCase): string {
  return `${c.mode === 'controlled' ? 'schedules/s' : 'stress it/s'} ${c.scenario}${c.variant ? `/${c.variant}` : ''} ${c.threads} threads ${c.mode} ${c.strategy}`;
}

export async function stressBench(o: BenchOptions, cases: readonly StressCase[]): Promise<Bench> {
  const samples = o.quick ? 2 : 5;
  const iterations = o.quick ? 400 : 2000;
  const bench = new Bench({ name: 'stress', iterations: samples, time: 0, warmup: false, retainSamples: true });
  for (const c of cases) {
    const b = builtinByName(c.scenario);
    if (!b) throw new Error(`bench: no built-in scenario ${c.scenario}`);
    const sc = ((await import(b.url)) as { default: Scenario }).default;
    const variant = sc.variants.find((v) => v.name === (c.variant ?? v.name)) ?? sc.variants[0]!;
    let seed = 1;
    bench.add(stressCaseName(c), async () => {
      const s = await runStress({
        scenario: sc,
        scenarioUrl: b.url,
        variant,
        threads: c.threads,
        params: sc.params ?? {},
        iterations,
        seconds: null,
        seed: seed++,
        shard: null,
        mode: c.mode,
        strategy: strategyByName(c.strategy)!,
        depth: 3,
        perturbPermille: 50,
        stopOnFailure: false,
        logDir: null,
        hangMs: 5000,
        stepLimit: 200_000,
      });
      if (s.failures > 0) throw new Error(`bench run of ${stressCaseName(c)} failed: ${JSON.stringify(s.failureKinds)}`);
      return { overriddenDuration: 1000 / s.steadyItersPerSec };
    });
  }
  await bench.run();
  return bench;
}
