/**
 * The harness's main loop: run a scenario for K iterations or T seconds on
 * a warm pool, with a watchdog, and turn every failure into a seed log.
 *
 * Per iteration: reset the SAB, create init and the scenario's tasks, start
 * them (one futex wake per task), then wait (Atomics.waitAsync, so the main
 * event loop stays free for progress output and Ctrl-C) until the last task
 * is done, a task reports a failure, or nothing makes progress for
 * `hangMs`. A stalled or failed iteration is analysed from the breadcrumbs
 * *before* it is torn down, then aborted: every parked task is woken and
 * unwinds; an executor stuck in code without yield points is replaced.
 */
import { FAIL_KIND_NAMES, FailKind, TASK_DEAD } from '../constants.js';
import { KernelFailure } from '../errors.js';
import { fingerprint } from '../fingerprint.js';
import { Kernel } from '../kernel.js';
import { label, labelText } from '../labels.js';
import {
  DEFAULT_LAYOUT_CONFIG,
  fnv1a,
  IterState,
  kAbort,
  kBusy,
  kFailKind,
  kFailLabel,
  kFailMsgLen,
  kFailSet,
  kFailSpec,
  kFailTid,
  kIterState,
  kMode,
  kMutants,
  kNextSlot,
  kSchedDecisions,
  kSchedHash,
  kSchedOverflow,
  kSchedPreemptions,
  kSchedStep,
  kSeq,
  kStrategy,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
  SL_WHO,
  T_PARK,
  type LayoutConfig,
} from '../layout.js';
import { KernelMemory } from '../memory.js';
import { mutantMask } from '../mutants.js';
import { deriveSeed, formatSeed } from '../prng.js';
import { variantMutants, type Params, type Scenario, type VariantDef } from '../scenario.js';
import type { Strategy } from '../scheduler/types.js';
import { collectTrace } from '../trace.js';
import { allParked, buildWaitGraph, type WaitGraph } from '../waitgraph.js';
import { beginIteration, checkIteration, startIteration, teardownIteration, type RunShape } from './iteration.js';
import { ExecutorPool } from './pool.js';
import { SEED_LOG_FORMAT, writeSeedLog, type SeedLog, type SeedLogSchedule } from './seedlog.js';

export interface StressOptions {
  readonly scenario: Scenario;
  /** URL of the module the executors import (the same module as `scenario`). */
  readonly scenarioUrl: string;
  /** For user scenario files: the path given on the command line (goes into the log). */
  readonly scenarioFile?: string;
  readonly variant: VariantDef;
  readonly threads: number;
  readonly params: Params;
  /** Stop after this many iterations (null: use `seconds`). */
  readonly iterations: number | null;
  readonly seconds: number | null;
  readonly seed: number;
  readonly shard: readonly [number, number] | null;
  readonly mode: 'parallel' | 'controlled';
  readonly strategy: Strategy;
  readonly depth: number;
  readonly perturbPermille: number;
  readonly stopOnFailure: boolean;
  readonly logDir: string | null;
  readonly hangMs: number;
  /** Longest an iteration may run even while it makes progress (livelock); default max(10 s, 5 x hangMs). */
  readonly iterationTimeoutMs?: number;
  readonly stepLimit: number;
  /** First iteration number (replay runs exactly one iteration from a log). */
  readonly firstIteration?: number;
  /** Run this iteration number every time (replay: the same seed K times). */
  readonly fixedIteration?: number;
  /** Called after every iteration; `schedule()` reads the iteration's schedule log. */
  readonly onIteration?: (info: IterationInfo) => void;
  /** PCT step bound to use from the start (replay takes it from the log). */
  readonly maxSteps?: number;
  /** Keep at most this many seed logs (default 20); later failures are counted only. */
  readonly maxLogs?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly onFailure?: (f: FailureRecord) => void;
  /** Aborting it stops the run after the current iteration (Ctrl-C). */
  readonly stop?: AbortSignal;
  /** Extra layout settings (tests shrink the rings). */
  readonly layout?: Partial<LayoutConfig>;
}

export interface IterationInfo {
  readonly iteration: number;
  readonly failed: boolean;
  readonly kind: string | null;
  /** Controlled mode: hash of this iteration's event sequence. */
  readonly scheduleHash: string | null;
  readonly steps: number;
  readonly preemptions: number;
  schedule(): SeedLogSchedule;
}

export interface Progress {
  readonly iterations: number;
  readonly failures: number;
  readonly elapsed: number;
  readonly target: { readonly iterations: number | null; readonly seconds: number | null };
}

export interface FailureRecord {
  readonly iteration: number;
  readonly kind: string;
  readonly message: string;
  readonly spec: string | null;
  readonly logPath: string | null;
  readonly repro: string;
  readonly graph: WaitGraph | null;
  readonly log: SeedLog;
}

export interface StressSummary {
  readonly type: 'summary';
  readonly scenario: string;
  readonly variant: string;
  readonly mode: 'parallel' | 'controlled';
  readonly strategy: string;
  readonly seed: string;
  readonly iterations: number;
  readonly failures: number;
  readonly seconds: number;
  readonly itersPerSec: number;
  readonly workersSpawned: number;
  readonly scheduleHash?: string;
  readonly logs: readonly string[];
  /** Failure kinds seen, with counts. */
  readonly failureKinds: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
  readonly expect: 'pass' | 'fail';
  readonly threads: number;
  /** Per iteration schedule hashes are folded into scheduleHash; this is the last iteration's step count. */
  readonly steps: number;
  readonly firstFailureSeconds: number | null;
  readonly firstFailureIteration: number | null;
  /** Iterations per second after the first iteration (which includes warming the pool). */
  readonly steadyItersPerSec: number;
}

const TICK_MS = 25;
/** A deadlock where every task is parked is declared after this much quiet. */
const QUIET_MS = 60;
/** How long aborted tasks get to unwind before their workers are replaced. */
const UNWIND_MS = 1500;

export function layoutFor(sc: Scenario, threads: number, params: Params, extra: Partial<LayoutConfig> = {}): LayoutConfig {
  const maxTasks = sc.maxTasks ? sc.maxTasks(threads, params) : threads + 1;
  return {
    ...DEFAULT_LAYOUT_CONFIG,
    maxTasks: Math.max(DEFAULT_LAYOUT_CONFIG.maxTasks, maxTasks + 2),
    maxExecutors: maxTasks,
    scenarioWords: Math.max(DEFAULT_LAYOUT_CONFIG.scenarioWords, sc.sharedWords),
    ...extra,
  };
}

export function reproCommand(o: {
  logPath: string | null;
  scenario: string;
  scenarioFile?: string | undefined;
  variant: string;
  threads: number;
  seed: string;
  mode: string;
  strategy: string;
}): string {
  if (o.logPath) return `npx lockstep replay ${o.logPath}`;
  const which = o.scenarioFile ? `--scenario-file ${o.scenarioFile}` : `--scenario ${o.scenario}`;
  return `npx lockstep stress ${which} --variant ${o.variant} --threads ${o.threads} --seed ${o.seed} --mode ${o.mode} --strategy ${o.strategy}`;
}

export async function runStress(o: StressOptions): Promise<StressSummary> {
  const sc = o.scenario;
  // Register every body and handler name so reports can print them.
  for (const name of Object.keys(sc.bodies)) label(name);
  for (const name of Object.keys(sc.handlers ?? {})) label(`handler:${name}`);
  const layout = layoutFor(sc, o.threads, o.params, o.layout);
  const mem = KernelMemory.create(layout);
  const i32 = mem.i32;
  const hk = new Kernel(mem, true);
  i32[kMode] = o.mode === 'controlled' ? 1 : 0;
  i32[kStrategy] = o.strategy.id;
  const mask = mutantMask(variantMutants(o.variant));
  for (let w = 0; w < 4; w++) i32[kMutants + w] = mask[w]!;
  const pool = new ExecutorPool(
    mem,
    {
      sab: mem.sab,
      layout,
      scenarioUrl: o.scenarioUrl,
      variant: o.variant.name,
      params: { ...o.params },
      threads: o.threads,
    },
    layout.maxExecutors,
  );
  pool.start();
  const shape: RunShape = { scenario: sc, variant: o.variant.name, params: o.params, threads: o.threads };
  const seedText = formatSeed(o.seed);
  const [shardIndex, shardCount] = o.shard ?? [0, 1];
  const logs: string[] = [];
  const kinds: Record<string, number> = {};
  let failures = 0;
  let iterations = 0;
  let steps = 0;
  let maxSteps = o.maxSteps ?? 256;
  let runHash = fnv1a(`${sc.name}/${o.variant.name}/${seedText}`);
  let firstFailureSeconds: number | null = null;
  let firstFailureIteration: number | null = null;
  const t0 = performance.now();
  let lastProgress = t0;
  let interrupted = false;
  let tWarm = t0;
  const first = o.firstIteration ?? 0;
  const iterLimit = o.iterationTimeoutMs ?? Math.max(10_000, 5 * o.hangMs);
  try {
    for (let j = first; ; j++) {
      const elapsed = (performance.now() - t0) / 1000;
      if (o.iterations !== null && iterations >= o.iterations) break;
      if (o.iterations === null && o.seconds !== null && elapsed >= o.seconds) break;
      if (o.stop?.aborted) {
        interrupted = true;
        break;
      }
      if (pool.startError) throw pool.startError;
      const jj = o.fixedIteration ?? j;
      const iterSeed = o.shard ? deriveSeed(o.seed, shardIndex, shardCount, jj) : deriveSeed(o.seed, jj);
      const p = {
        iteration: jj,
        iterSeed,
        mode: o.mode,
        strategy: o.strategy,
        depth: o.depth,
        maxSteps,
        perturbPermille: o.perturbPermille,
        stepLimit: o.stepLimit,
      };
      let st;
      try {
        st = beginIteration(hk, shape, p);
      } catch (e) {
        if (e instanceof KernelFailure) throw new Error(`scenario setup failed: ${e.message}`);
        throw e;
      }
      startIteration(hk, st, o.mode === 'controlled');
      const outcome = await waitIteration(mem, hk, o.hangMs, iterLimit, pool);
      iterations++;
      let failure: { kind: number; message: string; spec: string | null; tid: number; label: string } | null = null;
      let graph: WaitGraph | null = null;
      if (outcome === 'done' && Atomics.load(i32, kFailSet) === 0) {
        const bad = safeCheck(hk, shape, jj);
        if (bad) failure = { kind: FailKind.INVARIANT, message: bad.message, spec: bad.spec, tid: 0, label: '' };
        else {
          const leak = teardownIteration(hk, st);
          if (leak) failure = { kind: leak.kind, message: leak.message, spec: leak.spec, tid: 0, label: '' };
        }
      } else {
        // Analyse before tearing anything down: the breadcrumbs are the evidence.
        graph = buildWaitGraph(hk);
        if (outcome === 'stalled') {
          const kind = graph.kind === 'deadlock' ? FailKind.DEADLOCK : FailKind.HANG;
          const why = graph.kind === 'deadlock' ? 'every task is blocked and none can wake another' : `no progress for ${o.hangMs} ms`;
          hk.reportFailure(kind, `${why}\n${graph.report}`, null);
        } else if (outcome === 'timeout') {
          hk.reportFailure(
            FailKind.HANG,
            `livelock or hang: the iteration did not finish within ${iterLimit} ms although ${i32[kSeq]} yield points were passed\n${graph.report}`,
            null,
          );
        }
        const kind = i32[kFailKind]!;
        let message = mem.readFailMessage(i32[kFailMsgLen]!);
        if (kind === FailKind.DEADLOCK && outcome !== 'stalled') message = `${message}\n${graph.report}`;
        const specId = i32[kFailSpec]!;
        failure = {
          kind,
          message,
          spec: specId ? labelText(specId) : null,
          tid: i32[kFailTid]!,
          label: labelText(i32[kFailLabel]!),
        };
        await abortIteration(mem, hk, pool);
      }
      steps = o.mode === 'controlled' ? i32[kSchedStep]! : i32[kSeq]!;
      if (steps > maxSteps && o.maxSteps === undefined) maxSteps = steps;
      const iterHash = o.mode === 'controlled' ? (i32[kSchedHash]! >>> 0).toString(16).padStart(8, '0') : null;
      if (iterHash !== null) runHash = fnv1a(iterHash, runHash);
      o.onIteration?.({
        iteration: jj,
        failed: failure !== null,
        kind: failure ? (FAIL_KIND_NAMES[failure.kind] ?? 'crash') : null,
        scheduleHash: iterHash,
        steps,
        preemptions: i32[kSchedPreemptions]!,
        schedule: () => buildSchedule(hk, o.mode),
      });
      if (failure) {
        failures++;
        const kindName = FAIL_KIND_NAMES[failure.kind] ?? 'crash';
        kinds[kindName] = (kinds[kindName] ?? 0) + 1;
        if (firstFailureSeconds === null) {
          firstFailureSeconds = (performance.now() - t0) / 1000;
          firstFailureIteration = jj;
        }
        const log = buildLog(hk, o, failure, graph, jj, iterSeed, maxSteps, seedText);
        let logPath: string | null = null;
        if (o.logDir && logs.length < (o.maxLogs ?? 20)) {
          logPath = writeSeedLog(o.logDir, log);
          logs.push(logPath);
        }
        const repro = reproCommand({
          logPath,
          scenario: sc.name,
          scenarioFile: o.scenarioFile,
          variant: o.variant.name,
          threads: o.threads,
          seed: seedText,
          mode: o.mode,
          strategy: o.strategy.name,
        });
        const withRepro = { ...log, repro };
        if (logPath) writeSeedLog(o.logDir!, withRepro);
        o.onFailure?.({
          iteration: jj,
          kind: kindName,
          message: failure.message,
          spec: failure.spec,
          logPath,
          repro,
          graph,
          log: withRepro,
        });
        if (o.stopOnFailure) break;
      }
      const now = performance.now();
      if (iterations === 1) tWarm = now;
      if (o.onProgress && now - lastProgress > 100) {
        lastProgress = now;
        o.onProgress({ iterations, failures, elapsed: (now - t0) / 1000, target: { iterations: o.iterations, seconds: o.seconds } });
      }
    }
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  o.onProgress?.({ iterations, failures, elapsed: seconds, target: { iterations: o.iterations, seconds: o.seconds } });
  return {
    type: 'summary',
    scenario: sc.name,
    variant: o.variant.name,
    mode: o.mode,
    strategy: o.strategy.name,
    seed: seedText,
    iterations,
    failures,
    seconds: round3(seconds),
    itersPerSec: round3(iterations / Math.max(seconds, 1e-9)),
    workersSpawned: pool.spawned,
    ...(o.mode === 'controlled' ? { scheduleHash: (runHash >>> 0).toString(16).padStart(8, '0') } : {}),
    logs,
    failureKinds: kinds,
    interrupted,
    expect: o.variant.expect,
    threads: o.threads,
    steps,
    firstFailureSeconds: firstFailureSeconds === null ? null : round3(firstFailureSeconds),
    firstFailureIteration,
    steadyItersPerSec:
      iterations > 1 ? round3((iterations - 1) / Math.max((performance.now() - tWarm) / 1000, 1e-9)) : round3(iterations / Math.max(seconds, 1e-9)),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function safeCheck(hk: Kernel, shape: RunShape, j: number): { message: string; spec: string | null } | null {
  try {
    return checkIteration(hk, shape, j);
  } catch (e) {
    if (e instanceof KernelFailure) return { message: e.message, spec: e.spec };
    const err = e instanceof Error ? e : new Error(String(e));
    return { message: `invariant check threw: ${err.stack ?? err.message}`, spec: null };
  }
}

type Outcome = 'done' | 'failed' | 'stalled' | 'timeout';

/**
 * Wait for the iteration to end. The watchdog counts progress as the global
 * sequence number plus every executor's heartbeat: no change for `hangMs`
 * is a stall.
 */
async function waitIteration(mem: KernelMemory, hk: Kernel, hangMs: number, limitMs: number, pool: ExecutorPool): Promise<Outcome> {
  const i32 = mem.i32;
  let last = -1;
  const start = performance.now();
  let since = start;
  for (;;) {
    const st = Atomics.load(i32, kIterState);
    if (st === IterState.DONE) return 'done';
    if (st === IterState.FAILED) return 'failed';
    const r = Atomics.waitAsync(i32, kIterState, st, TICK_MS);
    if (r.async) await r.value;
    if (pool.startError) return 'failed';
    const seq = Atomics.load(i32, kSeq);
    const now = performance.now();
    if (now - start > limitMs) return 'timeout';
    if (seq !== last) {
      last = seq;
      since = now;
    } else if (now - since > hangMs) {
      return 'stalled';
    } else if (now - since > QUIET_MS && allParked(hk)) {
      // Every live task is parked and nobody can wake it: no need to wait
      // out the whole hang budget.
      return 'stalled';
    }
  }
}

/**
 * Stop the iteration: raise the abort flag and wake every task (each one
 * throws AbortIteration at its next yield point or wake-up and unwinds to
 * its executor's idle loop). Executors that do not come back in time run
 * code with no yield point: their workers are replaced.
 */
async function abortIteration(mem: KernelMemory, hk: Kernel, pool: ExecutorPool): Promise<void> {
  const i32 = mem.i32;
  Atomics.store(i32, kAbort, 1);
  const wakeAll = (): void => {
    const n = Atomics.load(i32, kNextSlot);
    for (let s = 0; s < n && s < mem.L.config.maxTasks; s++) {
      const pw = hk.base(s) + T_PARK;
      Atomics.store(i32, pw, 1);
      Atomics.notify(i32, pw);
    }
  };
  wakeAll();
  const deadline = performance.now() + UNWIND_MS;
  while (Atomics.load(i32, kBusy) > 0 && performance.now() < deadline) {
    wakeAll();
    await new Promise((r) => setTimeout(r, 2));
  }
  if (Atomics.load(i32, kBusy) > 0) {
    const stuck = pool.busy();
    await pool.replace(stuck);
    Atomics.store(i32, kBusy, 0);
  }
  // A task that died mid-exit leaves its slot inconsistent; the next
  // iteration resets all of it.
  void TASK_DEAD;
}

export function buildSchedule(hk: Kernel, mode: 'parallel' | 'controlled'): SeedLogSchedule {
  const i32 = hk.i32;
  const L = hk.L;
  const total = mode === 'controlled' ? i32[kSchedStep]! : i32[kSeq]!;
  const n = Math.min(total, L.config.schedLogSteps);
  const labels: string[] = [];
  const index = new Map<number, number>();
  const tids: number[] = [];
  const at: number[] = [];
  for (let s = 0; s < n; s++) {
    const e = L.schedLog + s * SCHED_ENTRY_WORDS;
    const who = i32[e + SL_WHO]!;
    const lbl = i32[e + SL_LABEL]!;
    let li = index.get(lbl);
    if (li === undefined) {
      li = labels.length;
      labels.push(labelText(lbl));
      index.set(lbl, li);
    }
    tids.push(mode === 'controlled' ? hk.tid(who) : who);
    at.push(li);
  }
  return {
    kind: mode === 'controlled' ? 'decisions' : 'global-order',
    length: n,
    overflow: total > L.config.schedLogSteps || i32[kSchedOverflow] !== 0,
    tids,
    at,
    labels,
    ...(mode === 'controlled' ? { preemptions: i32[kSchedPreemptions]! } : {}),
  };
}

function buildLog(
  hk: Kernel,
  o: StressOptions,
  f: { kind: number; message: string; spec: string | null; tid: number; label: string },
  graph: WaitGraph | null,
  iteration: number,
  iterSeed: number,
  maxSteps: number,
  seedText: string,
): SeedLog {
  const kind = FAIL_KIND_NAMES[f.kind] ?? 'crash';
  const cycle = graph?.cycle ?? null;
  return {
    format: SEED_LOG_FORMAT,
    fingerprint: fingerprint(hk.L.hash),
    scenario: o.scenario.name,
    ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}),
    variant: o.variant.name,
    params: {
      threads: o.threads,
      depth: o.depth,
      maxSteps,
      perturbPermille: o.perturbPermille,
      stepLimit: o.stepLimit,
      hangMs: o.hangMs,
      iterationTimeoutMs: o.iterationTimeoutMs ?? Math.max(10_000, 5 * o.hangMs),
      scenarioParams: { ...o.params },
      shard: o.shard,
    },
    mode: o.mode,
    strategy: o.strategy.name,
    seed: seedText,
    iteration,
    iterSeed,
    failure: {
      kind,
      message: f.message,
      ...(f.spec ? { spec: f.spec } : {}),
      ...(cycle && (kind === 'deadlock' || kind === 'hang') ? { cycle } : {}),
      ...(f.tid ? { tid: f.tid } : {}),
      ...(f.label ? { label: f.label } : {}),
    },
    ...(o.mode === 'controlled'
      ? { scheduleHash: ((hk.i32[kSchedHash]! >>> 0).toString(16).padStart(8, '0')) }
      : {}),
    schedule: buildSchedule(hk, o.mode),
    trace: collectTrace(hk),
    repro: '',
    recordedAt: new Date().toISOString(),
  };
}

export { kSchedDecisions };
