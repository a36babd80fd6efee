/**
 * Landlock TSYNC latency for 1..64 parked siblings, beside the libpsx
 * broadcast and seccomp TSYNC for the same thread counts. The raw
 * broadcast-ack floor for the same N is measured in the same run
 * (broadcast.ts); suite.ts takes the ratios. Each case's pool runs untimed
 * for steadyWarmMs() before its samples, so that the executors' code is
 * optimized (sessions.ts: warmFor), as in a stress run's steady state.
 */
import { Bench } from 'tinybench';
import type { Session } from '../src/harness/session.js';
import type { Scenario } from '../src/runtime/kernel/scenario.js';
import { CALLS } from './scenarios/tsync-latency.js';
import { BenchSessions, runQuiet, warmFor } from './sessions.js';
import { steadyWarmMs, type BenchOptions } from './types.js';

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
  // One warm pool per case, closed before the next case starts (up to 65 executors each).
  const sessions = new BenchSessions();
  for (const c of cases) {
    let seed = 1;
    const iterate = (s: Session): Promise<unknown> => runQuiet(s, seed++, tsyncCaseName(c));
    const t = sessions.task(
      () => ({
        scenario: { scenario: sc, url: SCENARIO_URL },
        variant: sc.variants.find((v) => v.name === (c.forceAdd ? 'force-add-2014' : 'mainline'))!,
        threads: c.siblings + 1,
        params: { how: c.how, ownCreds: c.ownCreds },
        hangMs: 10_000,
        iterationTimeoutMs: 60_000,
        stepLimit: 0,
      }),
      (s) => warmFor(steadyWarmMs(o.quick), () => iterate(s)),
    );
    bench.add(
      tsyncCaseName(c),
      async () => {
        const s = t.get();
        await iterate(s);
        const i32 = s.mem.i32;
        const base = s.mem.L.scenario + sc.sharedOffsets['ns']!.at;
        const allocs = s.mem.L.scenario + sc.sharedOffsets['credAllocs']!.at;
        const ns: number[] = [];
        // The first call warms the path up; the rest are the sample.
        for (let i = 1; i < CALLS; i++) ns.push(i32[base + i]!);
        ns.sort((a, b) => a - b);
        if (c.how === 'tsync' && !creds.some((x) => x.name === tsyncCaseName(c))) {
          creds.push({ name: tsyncCaseName(c), siblings: c.siblings, credsPerCall: i32[allocs + 1]! });
        }
        return { overriddenDuration: ns[Math.floor(ns.length / 2)]! / 1e6 };
      },
      t.hooks,
    );
  }
  return sessions.run(bench);
}
