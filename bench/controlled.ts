/**
 * Controlled mode's cost per scheduling step, beside what one step cannot
 * beat: one raw futex wake (half a raw Atomics.wait/notify round trip) and
 * one raw spin handoff (half a spin round trip), measured in the same Bench.
 *
 * A step is one decision of the controlled scheduler; its cost is the
 * schedules' wall time divided by their decisions, on a warm pool (harness
 * setup, check and teardown included, as a user running `stress --mode
 * controlled` pays them). tw-barrier at 4 threads under random and PCT is the issue's case;
 * bench-steps (every thread passes the same yield points) gives the curve
 * by thread count; with `active` 4 it gives the step among 4 switching tasks
 * beside 0, 12, 60 or 124 parked ones, timed over the active phase only
 * (bench/scenarios/steps.ts): waking the chosen task must not cost more
 * because more tasks are parked. That phase is long (parkedPhase() yield
 * points a task): its first steps after the parked tasks ran cost more for
 * tens of milliseconds, whatever the cause (docs/bench/issue-16.md), and the
 * short-phase rows report that transient apart: with none parked, with 124,
 * and with none after a cache sweep (how much of it an eviction alone makes).
 */
import { Worker } from 'node:worker_threads';
import { Bench } from 'tinybench';
import type { Session } from '../src/harness/session.js';
import { PctSteps } from '../src/runtime/explore/pct-steps.js';
import { deriveSeed } from '../src/runtime/kernel/prng.js';
import { strategyByName } from '../src/runtime/explore/index.js';
import type { Scenario } from '../src/runtime/kernel/scenario.js';
import { builtinByName } from '../src/scenarios/index.js';
import { addDecideRows, decideBaselines } from './decide.js';
import { rawPartner, type Partner } from './handoff.js';
import { PHASE_WORDS, STEPS } from './scenarios/steps.js';
import { BenchSessions, warmFor } from './sessions.js';
import { steadyWarmMs, type BenchOptions } from './types.js';

export const CONTROLLED_GROUP = 'controlled';
export const RAW_WAKE = 'one raw futex wake (half a wait/notify round trip)';
export const RAW_SPIN_HANDOFF = 'one raw spin handoff (half a spin round trip)';
const STEPS_URL = new URL('./scenarios/steps.js', import.meta.url).href;

export interface StepCase {
  /** A built-in scenario, or 'bench-steps' (bench/scenarios/steps.ts). */
  readonly scenario: string;
  readonly threads: number;
  readonly strategy: 'random' | 'pct';
  /** bench-steps only: this many tasks switch, the others stay parked; µs per step of the active phase. */
  readonly active?: number;
  /** With `active`: yield points per active task (bench-steps' `phase`; STEPS if absent). */
  readonly phase?: number;
  /** With `active`: MB swept from the caches just before the phase (bench-steps' `sweep`). */
  readonly sweepMb?: number;
}

/** Tasks that switch in the parked curve. */
export const ACTIVE = 4;

/**
 * Yield points per active task in the parked curve (bench-steps' `phase`):
 * 40,000 steps a phase (~0.5 s), the steady step. The steps right after the
 * parked tasks ran cost more (the short-phase rows report that transient
 * apart), and a shorter phase keeps part of it: over runs of the controlled
 * group, the 124-parked point read 1.27–1.58× the point with none parked with
 * 8,000-step phases (three runs; 1.69× in a full run) and 1.11–1.36× with
 * 40,000-step phases (two runs), the parked cases alone after the thread
 * curve 0.85–0.96× (docs/bench/issue-16.md, tenth session).
 */
export function parkedPhase(quick: boolean): number {
  return quick ? 100 : 10_000;
}

/** The cache sweep of the transient's control row, in MB (32 times the 1 MB L2 these machines report). */
export const SWEEP_MB = 32;

/** A parked case whose phase is the default STEPS yields a task: one of the transient rows. */
function shortPhase(c: StepCase): c is StepCase & { readonly active: number } {
  return c.active !== undefined && (c.phase ?? STEPS) === STEPS;
}

export function stepCaseName(c: StepCase): string {
  if (shortPhase(c)) {
    const sweep = c.sweepMb ? `, after a ${c.sweepMb} MB cache sweep` : '';
    return `µs per controlled step in the first ${c.active * STEPS} steps of the phase${sweep}, ${c.active} active among ${c.threads} threads (${c.threads - c.active} parked) ${c.strategy}`;
  }
  if (c.active !== undefined) return `µs per controlled step, ${c.active} active among ${c.threads} threads (${c.threads - c.active} parked) ${c.strategy}`;
  return `µs per controlled step ${c.scenario} ${c.threads} threads ${c.strategy}`;
}

/**
 * tw-barrier at 4 threads under both strategies, the thread-count curve (4,
 * 16 with --quick), the parked curve over it (long phases), and the short
 * phase's transient: at the widest point, with none parked, and with none
 * parked after a cache sweep.
 */
export function stepCases(quick: boolean): StepCase[] {
  const curve = quick ? [4, 16] : [4, 16, 64, 128];
  const phase = parkedPhase(quick);
  const widest = curve[curve.length - 1]!;
  const short = { scenario: 'bench-steps', strategy: 'random' as const, active: ACTIVE, phase: STEPS };
  return [
    { scenario: 'tw-barrier', threads: 4, strategy: 'random' },
    { scenario: 'tw-barrier', threads: 4, strategy: 'pct' },
    ...curve.map((threads) => ({ scenario: 'bench-steps', threads, strategy: 'random' as const })),
    ...curve.map((threads) => ({ scenario: 'bench-steps', threads, strategy: 'random' as const, active: ACTIVE, phase })),
    { ...short, threads: ACTIVE },
    { ...short, threads: widest },
    { ...short, threads: ACTIVE, sweepMb: SWEEP_MB },
  ];
}

/**
 * The raw floor of the thread-count curve: one futex handoff to a random
 * other thread among `n`, nothing else; with `active` < n, among the first
 * `active` of them while the rest sleep in Atomics.wait (the parked curve's
 * floor: what the platform charges for a handoff beside that many sleeping threads).
 */
export function rawRingName(n: number, active = n): string {
  if (active < n) return `raw random futex handoff among ${active} of ${n} threads (${n - active} asleep)`;
  return `raw random futex handoff among ${n} threads`;
}

/**
 * tw-barrier's steps against one raw futex wake; each point of the curve
 * against the raw random handoff among as many threads (what the platform
 * itself charges for waking one of n threads); the floors against the wake.
 */
export function stepBaselines(cases: readonly StepCase[]): Record<string, string> {
  const out: Record<string, string> = { [RAW_SPIN_HANDOFF]: RAW_WAKE };
  const activeOnly = cases.find((c) => c.active !== undefined && c.active === c.threads && !shortPhase(c));
  const shortAlone = cases.find((c) => shortPhase(c) && c.active === c.threads && !c.sweepMb);
  for (const c of cases) {
    if (shortPhase(c)) {
      // The transient rows against the short phase with nobody parked and no sweep, which stands beside the long one.
      out[stepCaseName(c)] = shortAlone && c !== shortAlone ? stepCaseName(shortAlone) : activeOnly ? stepCaseName(activeOnly) : rawRingName(c.threads);
      continue;
    }
    if (c.active !== undefined) {
      // The parked curve against its own first point (no task parked), which
      // stands beside the raw ring among as many threads.
      out[stepCaseName(c)] = activeOnly && c !== activeOnly ? stepCaseName(activeOnly) : rawRingName(c.threads);
      // Its raw floor beside as many sleeping threads, against the raw ring among the active ones alone.
      if (c.active < c.threads) out[rawRingName(c.threads, c.active)] = rawRingName(c.active);
      continue;
    }
    out[stepCaseName(c)] = c.scenario === 'bench-steps' ? rawRingName(c.threads) : RAW_WAKE;
    if (c.scenario === 'bench-steps') out[rawRingName(c.threads)] = RAW_WAKE;
  }
  // The decision alone (bench/decide.ts): by width against 4 tasks, and 4 tasks against the step it is part of.
  Object.assign(out, decideBaselines(activeOnly ? stepCaseName(activeOnly) : undefined));
  return out;
}

const RING = new URL('./workers/ring.js', import.meta.url);

/**
 * `n` raw threads, the first `active` of them handing one token to each
 * other at random (the rest asleep); returns µs per handoff over `ms`.
 */
async function rawRing(n: number, ms: number, active = n): Promise<{ sample(): Promise<number>; stop(): Promise<void> }> {
  const i32 = new Int32Array(new SharedArrayBuffer(4 * (n + 3)));
  i32[1] = 0x2545f491;
  const ws = Array.from({ length: n }, (_, id) => new Worker(RING, { workerData: { sab: i32.buffer, id, active } }));
  await Promise.all(ws.map((w) => new Promise((r) => w.once('online', r))));
  Atomics.store(i32, 3, 1);
  Atomics.notify(i32, 3, 1);
  await new Promise((r) => setTimeout(r, 100));
  return {
    async sample() {
      const c0 = Atomics.load(i32, 2);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, ms));
      return ((performance.now() - t0) * 1000) / Math.max(1, Atomics.load(i32, 2) - c0);
    },
    async stop() {
      Atomics.store(i32, 0, 1);
      for (let i = 0; i < n; i++) {
        Atomics.store(i32, 3 + i, 1);
        Atomics.notify(i32, 3 + i);
      }
      await Promise.all(ws.map((w) => w.terminate()));
    },
  };
}

async function load(name: string): Promise<{ scenario: Scenario; url: string }> {
  const url = name === 'bench-steps' ? STEPS_URL : builtinByName(name)?.url;
  if (!url) throw new Error(`bench: no scenario ${name}`);
  return { scenario: ((await import(url)) as { default: Scenario }).default, url };
}

/**
 * One sample: `iterations` schedules on the case's warm session; the wall
 * time of the batch over the decisions made in it (µs per step).
 */
async function usPerStep(c: StepCase, s: Session, pct: PctSteps, iterations: number, first: number): Promise<number> {
  const strategy = strategyByName(c.strategy)!;
  let steps = 0;
  let phaseUs = 0;
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const j = first + i;
    const res = await s.run({ iteration: j, iterSeed: deriveSeed(1, j), mode: 'controlled', strategy, depth: 3, maxSteps: pct.current, perturbPermille: 0 });
    if (res.failure) throw new Error(`${stepCaseName(c)}, iteration ${j}: the correct variant failed: ${res.failure.kind}: ${res.failure.message}`);
    pct.observe(res.programSteps, false);
    if (c.active === undefined) steps += res.steps;
    else {
      const [s0, s1, u0, u1] = PHASE_WORDS.map((w) => s.mem.i32[s.mem.L.scenario + s.cfg.scenario.scenario.sharedOffsets[w]!.at]!);
      steps += s1! - s0!;
      phaseUs += u1! - u0!;
    }
  }
  if (c.active !== undefined) return phaseUs / Math.max(1, steps);
  return ((performance.now() - t0) * 1000) / Math.max(1, steps);
}

/**
 * Schedules a sample of a parked-curve case: ~20,000 active steps (~6,000
 * with --quick); of a transient case 20 (8), each of which times one transient.
 */
function phaseSchedules(c: StepCase, quick: boolean): number {
  if (shortPhase(c)) return quick ? 8 : 20;
  const steps = (c.active ?? 1) * (c.phase ?? STEPS);
  return Math.max(quick ? 3 : 5, Math.round((quick ? 6000 : 20_000) / steps));
}

export async function controlledBench(o: BenchOptions, cases: readonly StepCase[]): Promise<Bench> {
  const bench = new Bench({ name: CONTROLLED_GROUP, iterations: o.quick ? 3 : 7, time: 0, warmup: false, retainSamples: true });
  // The floors: each partner lives only while its own task runs (a spinning
  // partner left alive would take a core from everything measured after it).
  const rounds = o.quick ? 2000 : 5000;
  for (const [name, kind] of [[RAW_WAKE, 'raw'], [RAW_SPIN_HANDOFF, 'spin']] as const) {
    let p: Partner | null = null;
    bench.add(
      name,
      () => {
        const t0 = performance.now();
        for (let i = 0; i < rounds; i++) p!.roundTrip();
        // Half a round trip: one wake (or one spin handoff) each way.
        return { overriddenDuration: (performance.now() - t0) / rounds / 2 };
      },
      {
        beforeAll() {
          p = rawPartner(kind);
          for (let i = 0; i < 200; i++) p.roundTrip();
        },
        async afterAll() {
          await p?.close();
          p = null;
        },
      },
    );
  }
  addDecideRows(bench);
  // The raw ring for each thread count of the curve, and for each width of
  // the parked curve its active threads beside as many asleep, measured
  // before the lockstep points.
  const rings = new Map<string, [number, number]>();
  for (const c of cases) {
    if (c.scenario !== 'bench-steps') continue;
    rings.set(rawRingName(c.threads), [c.threads, c.threads]);
    if (c.active !== undefined && c.active < c.threads) rings.set(rawRingName(c.threads, c.active), [c.threads, c.active]);
  }
  for (const [name, [n, active]] of rings) {
    let ring: Awaited<ReturnType<typeof rawRing>> | null = null;
    bench.add(name, async () => ({ overriddenDuration: (await ring!.sample()) / 1000 }), {
      async beforeAll() {
        ring = await rawRing(n, o.quick ? 100 : 250, active);
      },
      async afterAll() {
        await ring?.stop();
        ring = null;
      },
    });
  }
  const iterations = o.quick ? 30 : 100;
  const sessions = new BenchSessions();
  for (const c of cases) {
    const sc = await load(c.scenario);
    // Fewer schedules for the wide programs: a 128-thread schedule is ~5,000
    // steps. The parked cases time only their active phase, the same length
    // at every width: as many schedules at every width (phaseSchedules).
    const its = c.active !== undefined ? phaseSchedules(c, o.quick) : Math.max(4, Math.round((iterations * 4) / c.threads));
    const pct = new PctSteps(null);
    let first = 0;
    const t = sessions.task(
      () => ({
        scenario: sc,
        variant: sc.scenario.variants.find((v) => v.kind === 'correct')!,
        threads: c.threads,
        params: c.active === undefined ? sc.scenario.params ?? {} : { ...sc.scenario.params, active: c.active, phase: c.phase ?? STEPS, sweep: c.sweepMb ?? 0 },
        hangMs: 5000,
        iterationTimeoutMs: 60_000,
        stepLimit: 200_000,
      }),
      // Untimed batches start the workers, let PCT learn k, and run until
      // V8 has optimized lockstep's code in every worker (types.ts: steadyWarmMs).
      (s) =>
        warmFor(steadyWarmMs(o.quick), async () => {
          await usPerStep(c, s, pct, 3, first);
          first += 3;
        }),
    );
    bench.add(
      stepCaseName(c),
      async () => {
        const us = await usPerStep(c, t.get(), pct, its, first);
        first += its;
        return { overriddenDuration: us / 1000 };
      },
      t.hooks,
    );
  }
  await sessions.run(bench);
  return bench;
}
