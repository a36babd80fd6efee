/**
 * Grace-period latency, one sample per grace period: synchronize_srcu() by
 * number of looping readers, and synchronize_rcu_tasks() per design with
 * idle tasks and busy readers. Each case runs its bench scenario
 * (bench/scenarios/srcu-latency.ts, rcu-tasks-latency.ts) on one warm
 * session in parallel mode with strategy none (no perturbation); the writer
 * times each call inside its task and the samples are read back after the
 * iteration. The first call of each iteration warms the path up and is
 * dropped. suite.ts takes the ratios.
 */
import { Bench } from 'tinybench';
import type { Session } from '../src/harness/session.js';
import type { Params, Scenario } from '../src/runtime/kernel/scenario.js';
import { RCU_TASKS_CALLS } from './scenarios/rcu-tasks-latency.js';
import { SRCU_CALLS } from './scenarios/srcu-latency.js';
import { BenchSessions, runQuiet } from './sessions.js';
import type { BenchOptions } from './types.js';

const SRCU_URL = new URL('./scenarios/srcu-latency.js', import.meta.url).href;
const RCU_TASKS_URL = new URL('./scenarios/rcu-tasks-latency.js', import.meta.url).href;

/** Reader counts of the SRCU series. */
export const SRCU_READERS = [0, 1, 2, 4, 8] as const;
export const QUICK_SRCU_READERS = [0, 1, 4] as const;

export const RCU_TASKS_DESIGNS = ['lists-2024', 'fix-2023', 'srcu-2022'] as const;
export type RcuTasksDesign = (typeof RCU_TASKS_DESIGNS)[number];
/** Sleeping tasks in every RCU Tasks case. */
export const RCU_TASKS_IDLE = 4;
export const RCU_TASKS_BUSY = [0, 1, 4, 8] as const;
/** Quick mode: every design with 2 busy readers, and the list design idle (the baseline of its busy case). */
const QUICK_RCU_TASKS_BUSY = 2;

export function srcuSyncName(readers: number): string {
  return `synchronize_srcu with ${readers} looping reader${readers === 1 ? '' : 's'}`;
}

export interface RcuTasksCase {
  readonly design: RcuTasksDesign;
  readonly busy: number;
}

export function rcuTasksName(c: RcuTasksCase): string {
  return `synchronize_rcu_tasks ${c.design}, ${RCU_TASKS_IDLE} idle${c.busy ? ` + ${c.busy} busy reader${c.busy === 1 ? '' : 's'}` : ''}`;
}

export function rcuTasksCases(quick: boolean): RcuTasksCase[] {
  if (quick) return [{ design: 'lists-2024', busy: 0 }, ...RCU_TASKS_DESIGNS.map((design) => ({ design, busy: QUICK_RCU_TASKS_BUSY }))];
  return RCU_TASKS_DESIGNS.flatMap((design) => RCU_TASKS_BUSY.map((busy) => ({ design, busy })));
}

/**
 * Baselines of the RCU Tasks series: the list design (mainline) with busy
 * readers against itself with idle tasks only (the cost of the holdout
 * sleep), and the two SRCU-based designs against the list design under the
 * same load.
 */
export function rcuTasksBaselines(cases: readonly RcuTasksCase[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of cases) {
    const base = c.design !== 'lists-2024' ? { design: 'lists-2024' as const, busy: c.busy } : c.busy > 0 ? { design: c.design, busy: 0 } : null;
    if (base && cases.some((x) => x.design === base.design && x.busy === base.busy)) out[rcuTasksName(c)] = rcuTasksName(base);
  }
  return out;
}

interface GpCase {
  readonly name: string;
  readonly url: string;
  readonly variant: string;
  readonly threads: number;
  readonly params: Params;
  /** Shared word with the per-call durations (ns), and how many calls. */
  readonly calls: number;
  /** Checked after each iteration: throws if the iteration did not measure what it claims. */
  readonly verify?: (s: Session, sc: Scenario) => void;
}

/** Grace periods sampled per case: whole iterations of calls - 1 samples each. */
function samplesPerCase(quick: boolean, calls: number): number {
  return (calls - 1) * (quick ? 1 : 8);
}

async function gpBench(name: string, o: BenchOptions, cases: readonly GpCase[]): Promise<Bench> {
  const bench = new Bench({ name, iterations: samplesPerCase(o.quick, cases[0]?.calls ?? 2), time: 0, warmup: false, retainSamples: true });
  const sessions = new BenchSessions();
  for (const c of cases) {
    const sc = ((await import(c.url)) as { default: Scenario }).default;
    let seed = 1;
    const queue: number[] = [];
    const iterate = async (s: Session): Promise<void> => {
      await runQuiet(s, seed++, c.name);
      c.verify?.(s, sc);
    };
    const t = sessions.task(
      () => ({
        scenario: { scenario: sc, url: c.url },
        variant: sc.variants.find((v) => v.name === c.variant)!,
        threads: c.threads,
        params: { ...(sc.params ?? {}), ...c.params },
        hangMs: 10_000,
        iterationTimeoutMs: 60_000,
        stepLimit: 0,
      }),
      iterate,
      () => {
        queue.length = 0;
      },
    );
    bench.add(
      c.name,
      async () => {
        if (queue.length === 0) {
          const s = t.get();
          await iterate(s);
          const base = s.mem.L.scenario + sc.sharedOffsets['ns']!.at;
          for (let i = 1; i < c.calls; i++) queue.push(s.mem.i32[base + i]!);
        }
        return { overriddenDuration: queue.shift()! / 1e6 };
      },
      t.hooks,
    );
  }
  return sessions.run(bench);
}

export async function srcuSyncBench(o: BenchOptions, readers: readonly number[]): Promise<Bench> {
  return gpBench(
    'srcu-sync',
    o,
    readers.map((n) => ({
      name: srcuSyncName(n),
      url: SRCU_URL,
      variant: 'mainline',
      threads: n + 1,
      params: {},
      calls: SRCU_CALLS,
      verify(s, sc) {
        const sections = s.mem.i32[s.mem.L.scenario + sc.sharedOffsets['sections']!.at]!;
        if (n > 0 && sections === 0) throw new Error(`${srcuSyncName(n)}: the readers completed no read-side section`);
      },
    })),
  );
}

export async function rcuTasksBench(o: BenchOptions, cases: readonly RcuTasksCase[]): Promise<Bench> {
  return gpBench(
    'rcu-tasks',
    o,
    cases.map((c) => ({ name: rcuTasksName(c), url: RCU_TASKS_URL, variant: c.design, threads: 1 + RCU_TASKS_IDLE + c.busy, params: { idle: RCU_TASKS_IDLE }, calls: RCU_TASKS_CALLS })),
  );
}
