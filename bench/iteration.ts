/**
 * Where one parallel stress iteration's time goes, on a warm pool: the
 * phases Session.run measures (setup, start, the run with the spawn of the
 * first tasks inside it, check, teardown) and what is left between two
 * iterations, for `landlock-multi-threaded --threads 4` under the random
 * strategy (issue 16's case). Each sample is one batch of iterations; each
 * figure is µs per iteration, beside the whole iteration as its baseline
 * (the ratio is the phase's share). The same scenario without perturbation
 * (strategy none) runs on a second warm pool, its batches alternating with
 * the random ones, as the baseline of the random whole iteration.
 *
 * Both pools are warmed by an untimed batch first: each worker's isolate
 * compiles lockstep's code on its own, and the first ~40 iterations of a
 * fresh pool take 2-10 ms each (the stress group's rows, one fresh pool per
 * sample, include that warm-up; these are the steady state).
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

export function iterationName(c: IterationCase, part: string, strategy: 'random' | 'none' = 'random'): string {
  return `${c.scenario} ${c.threads} threads parallel ${strategy}: ${part}`;
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
  out[iterationName(c, WHOLE)] = iterationName(c, WHOLE, 'none');
  return out;
}

export async function iterationBench(o: BenchOptions, c: IterationCase = ITERATION_CASE): Promise<Bench> {
  const r = await resolveStressCase({ scenario: c.scenario, threads: c.threads, mode: 'parallel', strategy: 'random' });
  const samples = o.quick ? 3 : 9;
  const perSample = o.quick ? 200 : 500;
  const warm = o.quick ? 100 : 300;
  const open = (): Session =>
    new Session({
      scenario: { scenario: r.scenario, url: r.url },
      variant: r.variant,
      threads: r.threads,
      params: r.scenario.params ?? {},
      hangMs: r.scenario.hangMs ?? 2000,
      iterationTimeoutMs: 10_000,
      stepLimit: r.scenario.stepLimit ?? 200_000,
    });
  const sessions = { random: open(), none: open() };
  let j = 0;
  const batch = async (which: 'random' | 'none', n: number): Promise<{ whole: number; cost: IterationCost }> => {
    const session = sessions[which];
    const strategy = strategyByName(which)!;
    const before = { ...session.cost };
    const t0 = performance.now();
    for (let i = 0; i < n; i++, j++) {
      const res = await session.run({ iteration: j, iterSeed: deriveSeed(1, j), mode: 'parallel', strategy, depth: 3, maxSteps: 1, perturbPermille: which === 'random' ? 50 : 0 });
      if (res.failure) throw new Error(`${c.scenario} (${which}): the correct variant failed: ${res.failure.kind}: ${res.failure.message}`);
    }
    const whole = performance.now() - t0;
    const cost = { ...session.cost };
    for (const k of Object.keys(cost) as (keyof IterationCost)[]) cost[k] -= before[k];
    return { whole, cost };
  };
  // The samples run first (the pools started and warmed by an untimed batch);
  // the Bench then reads them back, one task per figure, all from the same runs.
  const measured: Record<string, number[]> = {};
  const put = (name: string, ms: number, n: number): void => {
    (measured[name] ??= []).push(ms / n);
  };
  try {
    await batch('none', warm);
    await batch('random', warm);
    for (let s = 0; s < samples; s++) {
      const base = await batch('none', perSample);
      put(iterationName(c, WHOLE, 'none'), base.whole, base.cost.iterations);
      const { whole, cost } = await batch('random', perSample);
      const n = cost.iterations;
      put(iterationName(c, WHOLE), whole, n);
      let inside = 0;
      for (const p of PHASES) {
        put(iterationName(c, PART[p]), cost[p], n);
        if (p !== 'spawn') inside += cost[p];
      }
      put(iterationName(c, PART.between), whole - inside, n);
    }
  } finally {
    await sessions.random.close();
    await sessions.none.close();
  }
  const bench = new Bench({ name: ITERATION_GROUP, iterations: samples, time: 0, warmup: false, retainSamples: true });
  for (const [name, xs] of Object.entries(measured)) {
    let i = 0;
    bench.add(name, () => ({ overriddenDuration: xs[i++ % xs.length]! }));
  }
  await bench.run();
  return bench;
}
