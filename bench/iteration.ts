/**
 * Where one parallel stress iteration's time goes, on a warm pool: the
 * phases Session.run measures (setup, start, the run with the spawn of the
 * first tasks inside it, check, teardown) and what is left between two
 * iterations, for `landlock-multi-threaded --threads 4` under the random
 * strategy (issue 16's case). Each sample is one batch of iterations; each
 * figure is µs per iteration, beside the whole iteration as its baseline
 * (the ratio is the phase's share).
 */
import { Bench } from 'tinybench';
import { Session, type IterationCost } from '../src/harness/session.js';
import { strategyByName } from '../src/runtime/explore/index.js';
import { deriveSeed } from '../src/runtime/kernel/prng.js';
import { resolveStressCase } from './stress.js';
import type { BenchOptions } from './types.js';

export const ITERATION_GROUP = 'iteration';
const PHASES = ['setup', 'start', 'spawn', 'run', 'check', 'teardown'] as const;

export interface IterationCase {
  readonly scenario: string;
  readonly threads: number;
}

export const ITERATION_CASE: IterationCase = { scenario: 'landlock-multi-threaded', threads: 4 };

export function iterationName(c: IterationCase, part: string): string {
  return `${c.scenario} ${c.threads} threads parallel random: ${part}`;
}

const WHOLE = 'whole iteration';
const PART: Record<(typeof PHASES)[number] | 'between', string> = {
  setup: 'setup (reset, init, tasks)',
  start: 'start (hand tasks to executors)',
  spawn: 'spawn (start to the last first task running; inside run)',
  run: 'run (start to the last task done)',
  check: 'check (invariants)',
  teardown: 'teardown (reap, free, leak scan)',
  between: 'harness between iterations',
};

/** Each phase against the whole iteration. */
export function iterationBaselines(c: IterationCase): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of Object.values(PART)) out[iterationName(c, p)] = iterationName(c, WHOLE);
  return out;
}

export async function iterationBench(o: BenchOptions, c: IterationCase = ITERATION_CASE): Promise<Bench> {
  const r = await resolveStressCase({ scenario: c.scenario, threads: c.threads, mode: 'parallel', strategy: 'random' });
  const samples = o.quick ? 3 : 9;
  const perSample = o.quick ? 200 : 500;
  const session = new Session({
    scenario: { scenario: r.scenario, url: r.url },
    variant: r.variant,
    threads: r.threads,
    params: r.scenario.params ?? {},
    hangMs: r.scenario.hangMs ?? 2000,
    iterationTimeoutMs: 10_000,
    stepLimit: r.scenario.stepLimit ?? 200_000,
  });
  const strategy = strategyByName('random')!;
  let j = 0;
  const batch = async (n: number): Promise<{ whole: number; cost: IterationCost }> => {
    const before = { ...session.cost };
    const t0 = performance.now();
    for (let i = 0; i < n; i++, j++) {
      const res = await session.run({ iteration: j, iterSeed: deriveSeed(1, j), mode: 'parallel', strategy, depth: 3, maxSteps: 1, perturbPermille: 50 });
      if (res.failure) throw new Error(`${c.scenario}: the correct variant failed: ${res.failure.kind}: ${res.failure.message}`);
    }
    const whole = performance.now() - t0;
    const cost = { ...session.cost };
    for (const k of Object.keys(cost) as (keyof IterationCost)[]) cost[k] -= before[k];
    return { whole, cost };
  };
  // The samples run first (the pool started and warmed by an untimed batch);
  // the Bench then reads them back, one task per figure, all from the same runs.
  const measured: Record<string, number[]> = {};
  const put = (part: string, ms: number, n: number): void => {
    (measured[iterationName(c, part)] ??= []).push(ms / n);
  };
  try {
    await batch(20);
    for (let s = 0; s < samples; s++) {
      const { whole, cost } = await batch(perSample);
      const n = cost.iterations;
      put(WHOLE, whole, n);
      let inside = 0;
      for (const p of PHASES) {
        put(PART[p], cost[p], n);
        if (p !== 'spawn') inside += cost[p];
      }
      put(PART.between, whole - inside, n);
    }
  } finally {
    await session.close();
  }
  const bench = new Bench({ name: ITERATION_GROUP, iterations: samples, time: 0, warmup: false, retainSamples: true });
  for (const [name, xs] of Object.entries(measured)) {
    let i = 0;
    bench.add(name, () => ({ overriddenDuration: xs[i++ % xs.length]! }));
  }
  await bench.run();
  return bench;
}
