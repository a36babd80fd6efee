/**
 * Seed logs (`format: "lockstep-seed-log/1"`, docs/ARCHITECTURE.md §12):
 * one JSON file per failure with everything needed to run the failing
 * iteration again. Written to a temporary name and renamed, so a log is
 * never half-written.
 */
import type { ExplorationSummary } from './explore.js';
import type { Mode } from '../runtime/kernel/constants.js';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailKindName } from '../runtime/kernel/constants.js';
import type { Fingerprint } from './fingerprint.js';
import type { Trace } from '../runtime/kernel/trace.js';
import type { CycleEntry, WaitNode } from '../runtime/kernel/waitgraph.js';

export const SEED_LOG_FORMAT = 'lockstep-seed-log/1';

export interface SeedLogFailure {
  readonly kind: FailKindName;
  readonly message: string;
  readonly spec?: string;
  readonly cycle?: readonly CycleEntry[];
  /** Tid that reported it (0: the harness). */
  readonly tid?: number;
  /** Label of the yield point where it was detected. */
  readonly label?: string;
}

/**
 * The wait-for graph at the moment of the failure (from the breadcrumbs):
 * every blocked task, who can release it, the runnable tasks and the cycle.
 * Optional: older logs carry only `failure.cycle`.
 */
export interface SeedLogGraph {
  readonly kind: 'deadlock' | 'hang';
  readonly nodes: readonly WaitNode[];
  readonly runnable: readonly number[];
  readonly cycle: readonly CycleEntry[] | null;
}

export interface SeedLogSchedule {
  /** `decisions`: controlled mode, the task chosen at each scheduling decision. `global-order`: parallel mode, the task that took each yield-point ticket. */
  readonly kind: 'decisions' | 'global-order';
  readonly length: number;
  /** True if the run had more steps than the log holds (replay cannot be exact). */
  readonly overflow: boolean;
  /** Tid per entry (0: a non-yield event in the global order; negative, controlled mode: a data choice, -1 - choice). */
  readonly tids: readonly number[];
  /** Label per entry, as an index into `labels`. */
  readonly at: readonly number[];
  readonly labels: readonly string[];
  readonly preemptions?: number;
  /** Controlled mode: the steps whose decision preempted a runnable task. */
  readonly preemptAt?: readonly number[];
}

/** A shrunk schedule (fewest preemptions, then steps) and the bug depth it shows. */
export interface MinimizedSchedule {
  readonly schedule: SeedLogSchedule;
  readonly scheduleHash: string | null;
  readonly preemptions: number;
  readonly steps: number;
  /** Preemptions and steps of the schedule shrinking started from. */
  readonly fromPreemptions: number;
  readonly fromSteps: number;
  readonly attempts: number;
  /** Bug depth measured: preemptions needed by the minimal schedule found. */
  readonly depth: number;
}

export interface SeedLogParams {
  readonly threads: number;
  readonly depth: number;
  readonly maxSteps: number;
  readonly perturbPermille: number;
  readonly stepLimit: number;
  readonly hangMs: number;
  readonly iterationTimeoutMs?: number;
  readonly scenarioParams: Readonly<Record<string, number | boolean | string>>;
  readonly shard: readonly [number, number] | null;
  /** The memory model of the run (absent: `sc`). A weak log's data choices include which store each load read. */
  readonly memoryModel?: 'sc' | 'weak';
}

export interface SeedLog {
  readonly format: typeof SEED_LOG_FORMAT;
  readonly fingerprint: Fingerprint;
  readonly scenario: string;
  /** Path of a user scenario file (absent for built-in scenarios). */
  readonly scenarioFile?: string;
  readonly variant: string;
  readonly params: SeedLogParams;
  readonly mode: Mode;
  readonly strategy: string;
  readonly seed: string;
  readonly iteration: number;
  readonly iterSeed: number;
  readonly failure: SeedLogFailure;
  /** The wait-for graph when the failure left tasks blocked (`lockstep trace LOG --dot`). */
  readonly graph?: SeedLogGraph;
  readonly scheduleHash?: string;
  readonly schedule: SeedLogSchedule;
  /** Parallel failures: the controlled replay of the recorded global order. */
  readonly conversion?: {
    readonly reproduced: boolean;
    readonly kind: string | null;
    readonly misses: number;
    readonly divergedAt: number;
    readonly scheduleHash: string | null;
    readonly schedule: SeedLogSchedule;
  };
  /** The shrunk schedule (fewest preemptions, then steps) and the bug depth it shows. */
  readonly minimized?: MinimizedSchedule;
  /** Strategy dfs: the exploration when this failure was found (bound, schedules so far, depth). */
  readonly exploration?: ExplorationSummary;
  readonly trace: Trace;
  readonly repro: string;
  readonly recordedAt: string;
}

export function seedLogName(log: Pick<SeedLog, 'scenario' | 'variant' | 'seed' | 'iteration' | 'mode'> & { params?: Pick<SeedLogParams, 'shard'> }): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
  // Shards of one seed share iteration numbers: the shard keeps their logs apart.
  const shard = log.params?.shard ? `-s${log.params.shard[0] + 1}of${log.params.shard[1]}` : '';
  return `${safe(log.scenario)}-${safe(log.variant)}-${log.mode}-${log.seed}${shard}-i${log.iteration}.json`;
}

export function writeSeedLog(dir: string, log: SeedLog): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, seedLogName(log));
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(log, null, 1)}\n`);
  renameSync(tmp, path);
  return path;
}

/** Why a file is not a usable seed log (one line each); an empty list means it is one. */
function problems(x: unknown): string[] {
  const out: string[] = [];
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return ['not a JSON object'];
  const o = x as Record<string, unknown>;
  if (o['format'] !== SEED_LOG_FORMAT) {
    return [`format is ${JSON.stringify(o['format'] ?? null)}, expected "${SEED_LOG_FORMAT}"`];
  }
  const need: [string, string][] = [
    ['fingerprint', 'object'],
    ['scenario', 'string'],
    ['variant', 'string'],
    ['params', 'object'],
    ['mode', 'string'],
    ['strategy', 'string'],
    ['seed', 'string'],
    ['iteration', 'number'],
    ['failure', 'object'],
    ['schedule', 'object'],
  ];
  for (const [k, t] of need) if (typeof o[k] !== t || o[k] === null) out.push(`field "${k}" missing or not a ${t}`);
  if (o['mode'] !== undefined && o['mode'] !== 'parallel' && o['mode'] !== 'controlled') out.push(`mode "${String(o['mode'])}" unknown`);
  const fp = o['fingerprint'] as Record<string, unknown> | undefined;
  if (fp && typeof fp === 'object' && typeof fp['layoutHash'] !== 'number') out.push('fingerprint.layoutHash missing');
  const sch = o['schedule'] as Record<string, unknown> | undefined;
  if (sch && typeof sch === 'object' && (!Array.isArray(sch['tids']) || !Array.isArray(sch['at']) || !Array.isArray(sch['labels'])))
    out.push('schedule is malformed (tids/at/labels)');
  const p = o['params'] as Record<string, unknown> | undefined;
  if (p && typeof p === 'object' && typeof p['threads'] !== 'number') out.push('params.threads missing');
  return out;
}

export class SeedLogError extends Error {}

export function parseSeedLog(text: string, path: string): SeedLog {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch (e) {
    const t = text.trim();
    const why = t.length === 0 ? 'the file is empty' : t.startsWith('{') && !t.endsWith('}') ? 'it is truncated' : 'it is not JSON';
    void e;
    throw new SeedLogError(`${path} is not a seed log: ${why}`);
  }
  const p = problems(x);
  if (p.length) throw new SeedLogError(`${path} is not a usable seed log: ${p.join('; ')}`);
  return x as SeedLog;
}
