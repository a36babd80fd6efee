/**
 * Where one Landlock TSYNC call with 8 siblings spends its time, read from
 * the trace of the call (the event rings' µs timestamps), one call per
 * iteration (the last of the scenario's calls, the path warm):
 *
 * - queue: the caller from its first S2 step (count the threads, grow the
 *   works, queue each task_work and wake its sibling) to its wait on
 *   all_prepared;
 * - sibling wake: from the first task_work_add to a sibling's first step in
 *   the work (T1), median over the siblings, and the last sibling's;
 * - prepare_creds: a sibling's T1 to its num_preparing-- (T2), median;
 * - all_prepared: the last sibling's T2 to the caller running again;
 * - ready_to_commit: the caller's complete_all (S3) to a sibling running
 *   again after its wait (T3), median and last;
 * - commit: a sibling back from T3 to its num_unfinished-- (OUT), median;
 * - all_finished: the last sibling's OUT to the caller running again;
 * - the whole call, from S0 to the caller's last step (S6 or S7).
 *
 * The protocol is the kernel's, two rounds of wake-and-acknowledge; each
 * figure stands beside the whole call (the ratio is its share), and the
 * whole call beside the raw broadcast-ack floor to 8 waiters in the suite.
 */
import { Bench } from 'tinybench';
import type { Trace, TraceEvent } from '../src/runtime/kernel/trace.js';
import type { Scenario } from '../src/runtime/kernel/scenario.js';
import { BenchSessions, runQuiet, warmFor } from './sessions.js';
import { steadyWarmMs, type BenchOptions } from './types.js';

export const TSYNC_BREAKDOWN_GROUP = 'tsync-breakdown';
const SCENARIO_URL = new URL('./scenarios/tsync-latency.js', import.meta.url).href;
export const BREAKDOWN_SIBLINGS = 8;

export const TSYNC_PARTS = [
  'queue (caller: count, grow, task_work_add and wake each sibling)',
  'sibling wake (task_work_add to the sibling in T1), median sibling',
  'sibling wake, last sibling',
  'prepare_creds (T1 to num_preparing--), median sibling',
  'all_prepared (last num_preparing-- to the caller running)',
  'ready_to_commit (complete_all to the sibling running), median sibling',
  'ready_to_commit, last sibling',
  'commit (T3 to num_unfinished--), median sibling',
  'all_finished (last num_unfinished-- to the caller running)',
] as const;
export const TSYNC_WHOLE = 'whole call (S0 to S6)';

export function breakdownName(part: string): string {
  return `TSYNC ${BREAKDOWN_SIBLINGS} siblings: ${part}`;
}

export function breakdownBaselines(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of TSYNC_PARTS) out[breakdownName(p)] = breakdownName(TSYNC_WHOLE);
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[s.length >> 1]! : NaN;
};

/** The phases of the last TSYNC call in `trace` (µs), or null if the rings no longer hold it. */
export function tsyncPhases(trace: Trace, callerTid: number): Record<string, number> | null {
  const ev = trace.events;
  const isCaller = (e: TraceEvent): boolean => e.tid === callerTid;
  let s0 = -1;
  for (let i = ev.length - 1; i >= 0; i--) {
    if (isCaller(ev[i]!) && ev[i]!.label === 'tsync:S0:init shared') {
      s0 = i;
      break;
    }
  }
  if (s0 < 0) return null;
  const call = ev.slice(s0);
  const caller = call.filter(isCaller);
  const end = [...caller].reverse().find((e) => /^tsync:S[67]:/.test(e.label));
  if (!end) return null;
  const within = call.filter((e) => e.t <= end.t && e.seq <= end.seq);
  const firstCaller = (re: RegExp, from = 0): TraceEvent | undefined => within.find((e) => isCaller(e) && e.seq >= from && re.test(e.label));
  const s2 = firstCaller(/^tsync:S2:/);
  const add = firstCaller(/^tsync:S2:task_work_add$/);
  const s2wait = firstCaller(/^tsync:S2:wait all_prepared$/);
  const s3 = firstCaller(/^tsync:S3:/);
  const s4 = firstCaller(/^tsync:S4:/);
  if (!s2 || !add || !s2wait || !s3 || !s4) return null;
  // The caller running again after a wait: its next event after the wait's own.
  const after = (e: TraceEvent): TraceEvent | undefined => within.find((x) => isCaller(x) && x.seq > e.seq && !(x.kind === 'block' && x.label === e.label) && !(x.kind === 'yield' && x.label === e.label));
  const sibs = new Map<number, TraceEvent[]>();
  for (const e of within) if (!isCaller(e) && e.label.startsWith('tsync:')) (sibs.get(e.tid) ?? sibs.set(e.tid, []).get(e.tid)!).push(e);
  const wake: number[] = [];
  const prep: number[] = [];
  const rtc: number[] = [];
  const commit: number[] = [];
  let lastT2 = 0;
  let lastOut = 0;
  for (const es of sibs.values()) {
    const t1 = es.find((e) => e.label === 'tsync:T1:prepare cred');
    const t2 = es.find((e) => e.label === 'tsync:T2:num_preparing--');
    const t3 = [...es].reverse().find((e) => e.label === 'tsync:T3:wait ready_to_commit');
    const back = t3 ? es.find((e) => e.seq > t3.seq && e.label !== 'tsync:T3:wait ready_to_commit') ?? t3 : undefined;
    const out = es.find((e) => e.label === 'tsync:OUT:num_unfinished--');
    if (!t1 || !t2 || !back || !out) return null;
    wake.push(t1.t - add.t);
    prep.push(t2.t - t1.t);
    rtc.push(back.t - s3.t);
    commit.push(out.t - back.t);
    lastT2 = Math.max(lastT2, t2.t);
    lastOut = Math.max(lastOut, out.t);
  }
  if (sibs.size === 0) return null;
  const preparedBack = after(s2wait);
  const finishedBack = after(s4);
  const p: Record<string, number> = {
    [TSYNC_PARTS[0]]: s2wait.t - s2.t,
    [TSYNC_PARTS[1]]: median(wake),
    [TSYNC_PARTS[2]]: Math.max(...wake),
    [TSYNC_PARTS[3]]: median(prep),
    [TSYNC_PARTS[4]]: Math.max(0, (preparedBack?.t ?? lastT2) - lastT2),
    [TSYNC_PARTS[5]]: median(rtc),
    [TSYNC_PARTS[6]]: Math.max(...rtc),
    [TSYNC_PARTS[7]]: median(commit),
    [TSYNC_PARTS[8]]: Math.max(0, (finishedBack?.t ?? lastOut) - lastOut),
    [TSYNC_WHOLE]: end.t - ev[s0]!.t,
  };
  return p;
}

export async function tsyncBreakdownBench(o: BenchOptions): Promise<Bench> {
  const sc = ((await import(SCENARIO_URL)) as { default: Scenario }).default;
  const samples = o.quick ? 5 : 15;
  const measured = new Map<string, number[]>();
  const sessions = new BenchSessions();
  let seed = 1;
  const t = sessions.task(
    () => ({
      scenario: { scenario: sc, url: SCENARIO_URL },
      variant: sc.variants.find((v) => v.name === 'mainline')!,
      threads: BREAKDOWN_SIBLINGS + 1,
      params: { how: 'tsync', ownCreds: false },
      hangMs: 10_000,
      iterationTimeoutMs: 60_000,
      stepLimit: 0,
    }),
    (s) => warmFor(steadyWarmMs(o.quick), () => runQuiet(s, seed++, 'TSYNC breakdown')),
  );
  // One bench task collects the samples (one iteration each); the figures are read back after.
  const collect = new Bench({ name: TSYNC_BREAKDOWN_GROUP, iterations: samples, time: 0, warmup: false });
  collect.add(
    'collect',
    async () => {
      const r = await runQuiet(t.get(), seed++, 'TSYNC breakdown');
      // The caller is the scenario's first task (tid 2: init is tid 1).
      const p = tsyncPhases(r.trace(), 2);
      if (p) for (const [k, v] of Object.entries(p)) (measured.get(k) ?? measured.set(k, []).get(k)!).push(v);
    },
    t.hooks,
  );
  await sessions.run(collect);
  const n = Math.max(1, ...[...measured.values()].map((xs) => xs.length));
  const bench = new Bench({ name: TSYNC_BREAKDOWN_GROUP, iterations: n, time: 0, warmup: false, retainSamples: true });
  for (const [k, xs] of measured) {
    let i = 0;
    bench.add(breakdownName(k), () => ({ overriddenDuration: xs[i++ % xs.length]! / 1000 }));
  }
  await bench.run();
  return bench;
}
