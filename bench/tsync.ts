/**
 * Landlock TSYNC latency for 1..64 parked siblings, the libpsx broadcast
 * baseline, and the raw broadcast-ack floor (one Atomics.notify to N
 * waiters, each acks, the last notifies back) measured in the same run.
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import { Session } from '../src/runtime/harness/session.js';
import type { Scenario } from '../src/runtime/scenario.js';
import { strategyByName } from '../src/runtime/scheduler/index.js';
import { CALLS } from './scenarios/tsync-latency.js';
import type { BenchOptions } from './types.js';

const SCENARIO_URL = new URL('./scenarios/tsync-latency.js', import.meta.url).href;

export interface TsyncCase {
  readonly siblings: number;
  readonly how: 'tsync' | 'libpsx' | 'seccomp';
  readonly ownCreds: boolean;
  /** seccomp only: the 2014 force-add design instead of the ancestry check. */
  readonly forceAdd?: boolean;
}

export function tsyncCaseName(c: TsyncCase): string {
  if (c.how === 'seccomp') return `seccomp TSYNC${c.forceAdd ? ' force-add-2014' : ''} ${c.siblings} siblings`;
  return `${c.how === 'tsync' ? 'Landlock TSYNC' : 'libpsx broadcast'} ${c.siblings} siblings${c.ownCreds ? ' (own creds)' : ''}`;
}

export interface CredCount {
  readonly name: string;
  readonly siblings: number;
  readonly credsPerCall: number;
}

export async function tsyncBench(o: BenchOptions, cases: readonly TsyncCase[], creds: CredCount[]): Promise<Bench> {
  const bench = new Bench({ name: 'tsync', iterations: o.quick ? 3 : 12, time: 0, warmup: false, retainSamples: true });
  const sc = ((await import(SCENARIO_URL)) as { default: Scenario }).default;
  const sessions: Session[] = [];
  for (const c of cases) {
    let session: Session | null = null;
    let seed = 1;
    bench.add(tsyncCaseName(c), async () => {
      if (!session) {
        session = new Session({
          scenario: sc,
          scenarioUrl: SCENARIO_URL,
          variant: sc.variants.find((v) => v.name === (c.forceAdd ? 'force-add-2014' : 'mainline'))!,
          threads: c.siblings + 1,
          params: { how: c.how, ownCreds: c.ownCreds },
          hangMs: 10_000,
          iterationTimeoutMs: 60_000,
          stepLimit: 0,
        });
        sessions.push(session);
      }
      const r = await session.run({ iteration: seed++, iterSeed: seed, mode: 'parallel', strategy: strategyByName('none')!, depth: 1, maxSteps: 1, perturbPermille: 0 });
      if (r.failure) throw new Error(`${tsyncCaseName(c)}: ${r.failure.kind}: ${r.failure.message}`);
      const i32 = session.mem.i32;
      const base = session.mem.L.scenario + sc.sharedOffsets['ns']!.at;
      const allocs = session.mem.L.scenario + sc.sharedOffsets['credAllocs']!.at;
      const ns: number[] = [];
      // The first call warms the path up; the rest are the sample.
      for (let i = 1; i < CALLS; i++) ns.push(i32[base + i]!);
      ns.sort((a, b) => a - b);
      if (c.how === 'tsync' && !creds.some((x) => x.name === tsyncCaseName(c))) {
        creds.push({ name: tsyncCaseName(c), siblings: c.siblings, credsPerCall: i32[allocs + 1]! });
      }
      return { overriddenDuration: ns[Math.floor(ns.length / 2)]! / 1e6 };
    });
  }
  // The floor: raw broadcast to 8 waiters and their acks.
  for (const n of [8]) {
    const sab = new SharedArrayBuffer(12);
    const i32 = new Int32Array(sab);
    const workers = Array.from({ length: n }, () => new Worker(new URL('./workers/broadcast.js', import.meta.url), { workerData: { sab, n } }));
    let gen = 0;
    const round = (): void => {
      Atomics.store(i32, 1, 0);
      Atomics.store(i32, 0, ++gen);
      Atomics.notify(i32, 0);
      while (Atomics.load(i32, 1) < n) Atomics.wait(i32, 1, Atomics.load(i32, 1), 50);
    };
    for (let i = 0; i < 50; i++) round();
    bench.add(`raw broadcast-ack to ${n} waiters`, () => {
      const t0 = performance.now();
      for (let i = 0; i < 200; i++) round();
      return { overriddenDuration: (performance.now() - t0) / 200 };
    });
    try {
      await bench.run();
    } finally {
      Atomics.store(i32, 2, 1);
      Atomics.store(i32, 0, ++gen);
      Atomics.notify(i32, 0);
      await Promise.all(workers.map((w) => w.terminate()));
      for (const s of sessions) await s.close();
    }
  }
  return bench;
}
