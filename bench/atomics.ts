/**
 * Per-operation baselines: the cost of one bare Atomics.add on a
 * SharedArrayBuffer word, timed as a loop of OPS_PER_SAMPLE adds divided by
 * the count (one add is far below the timer's resolution). Read-side
 * primitives built on atomics (SRCU's srcu_read_lock/unlock, say) are
 * measured with `perOp` in the same Bench and compared with this baseline.
 */
import { Bench } from 'tinybench';
import type { BenchOptions } from './types.js';

/** Group of the per-operation figures in the report (unit: ns per operation). */
export const ATOMICS_GROUP = 'atomics';
/** Name of the bare Atomics.add baseline: per-op figures name it as their baseline. */
export const ATOMICS_ADD_BASELINE = 'bare Atomics.add on a SAB word';
/** Operations timed per sample. */
export const OPS_PER_SAMPLE = 10_000;

export function atomicsBenchOptions(o: BenchOptions): ConstructorParameters<typeof Bench>[0] {
  return { name: ATOMICS_GROUP, iterations: o.quick ? 200 : 2000, time: 0, warmup: false, retainSamples: true };
}

/**
 * Add a per-operation task: `loop(n)` performs the operation n times; each
 * sample is the duration of one loop divided by n. The loop runs a few
 * times untimed first so that the sample measures optimised code.
 */
export function perOp(bench: Bench, name: string, loop: (n: number) => void): void {
  for (let i = 0; i < 20; i++) loop(OPS_PER_SAMPLE);
  bench.add(name, () => {
    const t0 = performance.now();
    loop(OPS_PER_SAMPLE);
    return { overriddenDuration: (performance.now() - t0) / OPS_PER_SAMPLE };
  });
}

/**
 * The baseline, then each of `more` (functions that add per-operation tasks
 * to the same Bench and return their teardown), all in one run.
 */
export async function atomicsBench(o: BenchOptions, more: readonly ((bench: Bench) => () => void)[] = []): Promise<Bench> {
  const bench = new Bench(atomicsBenchOptions(o));
  const i32 = new Int32Array(new SharedArrayBuffer(64));
  perOp(bench, ATOMICS_ADD_BASELINE, (n) => {
    for (let i = 0; i < n; i++) Atomics.add(i32, 0, 1);
  });
  const teardowns = more.map((add) => add(bench));
  try {
    await bench.run();
  } finally {
    for (const t of teardowns) t();
  }
  return bench;
}
