/**
 * Grace periods per second in the rcutorture scenarios (srcu-torture
 * mainline, rcu-tasks-torture lists-2024), parallel mode, strategy none,
 * as sustained runs (bench/scenarios/torture-rate.ts: the scenario's own
 * bodies, with readers that read until the writer has spent its budget of
 * `gps` grace periods). One sample per iteration: the writer's wall time,
 * timed inside its task, divided by the grace periods it completed
 * (`writerGps`). The result is in ms per GP, so its rate is GP/s. The
 * torture check runs after every iteration: a failed one is an error, not
 * a sample.
 *
 * rcutorture's published GP/s (Documentation/RCU/torture.rst) are printed beside these as
 * context only: another machine (12 CPUs), kernel v5.4, 30-minute runs, and
 * real jiffies (RCU Tasks' first holdout sleep is HZ/10 = 100 ms there,
 * 1 jiffy = 0.1 ms here).
 */
import { Bench } from 'tinybench';
import type { Session } from '../src/harness/session.js';
import type { Params, Scenario } from '../src/runtime/kernel/scenario.js';
import { BenchSessions, runQuiet } from './sessions.js';
import type { BenchOptions } from './types.js';

export interface GpRateCase {
  readonly scenario: 'srcu-torture' | 'rcu-tasks-torture';
  readonly variant: string;
  /** The sustained-run module of the scenario (bench/scenarios). */
  readonly url: string;
  readonly params: Params;
  /** rcutorture's published figures of the same flavour, for context (Documentation/RCU/torture.rst). */
  readonly published: readonly PublishedGpRate[];
}

export interface PublishedGpRate {
  readonly config: string;
  readonly gps: number;
  readonly perSecond: number;
}

/** rcutorture on v5.4, 12 CPUs, 30-minute runs (the run summary in Documentation/RCU/torture.rst). */
export const RCUTORTURE_SRCU: readonly PublishedGpRate[] = [
  { config: 'SRCU-N', gps: 804_233, perSecond: 148.9 },
  { config: 'SRCU-P', gps: 202_320, perSecond: 37.5 },
  { config: 'SRCU-t (Tiny)', gps: 1_122_086, perSecond: 207.8 },
  { config: 'SRCU-u', gps: 1_111_285, perSecond: 205.8 },
];
export const RCUTORTURE_TASKS: readonly PublishedGpRate[] = [
  { config: 'TASKS01', gps: 19_666, perSecond: 3.64 },
  { config: 'TASKS02', gps: 20_541, perSecond: 3.8 },
  { config: 'TASKS03', gps: 19_416, perSecond: 3.6 },
];
export const RCUTORTURE_CONTEXT = 'rcutorture, Linux v5.4, 12 CPUs, 30-minute runs';

/** Grace periods per iteration (the writer's budget). */
export function gpRateBudget(quick: boolean): { srcu: number; tasks: number } {
  return quick ? { srcu: 60, tasks: 30 } : { srcu: 500, tasks: 300 };
}

export function gpRateCases(quick: boolean): GpRateCase[] {
  const gps = gpRateBudget(quick);
  return [
    {
      scenario: 'srcu-torture',
      variant: 'mainline',
      url: new URL('./scenarios/srcu-torture-rate.js', import.meta.url).href,
      // The chain reader keeps its overlapping sections going for the whole run.
      params: { gps: gps.srcu, chainMax: 1_000_000_000 },
      published: RCUTORTURE_SRCU,
    },
    { scenario: 'rcu-tasks-torture', variant: 'lists-2024', url: new URL('./scenarios/tasks-torture-rate.js', import.meta.url).href, params: { gps: gps.tasks }, published: RCUTORTURE_TASKS },
  ];
}

/** Threads of every case: the scenarios' default (writer, chain or spawner, two readers). */
const THREADS = 4;

export function gpRateName(c: Pick<GpRateCase, 'scenario' | 'variant'>): string {
  return `GP/s ${c.scenario}/${c.variant} ${THREADS} threads parallel none`;
}

/** Iterations (samples) per case. */
export function gpRateSamples(quick: boolean): number {
  return quick ? 2 : 10;
}

export async function gpRateBench(o: BenchOptions, cases: readonly GpRateCase[]): Promise<Bench> {
  const bench = new Bench({ name: 'gp-rate', iterations: gpRateSamples(o.quick), time: 0, warmup: false, retainSamples: true });
  const sessions = new BenchSessions();
  for (const c of cases) {
    const sc = ((await import(c.url)) as { default: Scenario }).default;
    const variant = sc.variants.find((v) => v.name === c.variant);
    if (!variant) throw new Error(`bench: ${c.scenario} has no variant ${c.variant}`);
    const gpsAt = sc.sharedOffsets['writerGps']!.at;
    const usAt = sc.sharedOffsets['writerUs']!.at;
    let seed = 1;
    /** One iteration: the writer's wall ms per completed grace period. */
    const iterate = async (s: Session): Promise<number> => {
      await runQuiet(s, seed++, gpRateName(c));
      const gps = s.mem.i32[s.mem.L.scenario + gpsAt]!;
      if (gps <= 0) throw new Error(`${gpRateName(c)}: the writer completed no grace period`);
      return s.mem.i32[s.mem.L.scenario + usAt]! / 1000 / gps;
    };
    const t = sessions.task(
      () => ({
        scenario: { scenario: sc, url: c.url },
        variant,
        threads: THREADS,
        params: { ...(sc.params ?? {}), ...c.params },
        hangMs: 10_000,
        iterationTimeoutMs: 120_000,
        stepLimit: 0,
      }),
      iterate,
    );
    bench.add(gpRateName(c), async () => ({ overriddenDuration: await iterate(t.get()) }), t.hooks);
  }
  return sessions.run(bench);
}
