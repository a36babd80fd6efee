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
import { memoryLayout, weakMisfit, type MemoryModel } from './memorymodel.js';
import type { Mode } from '../runtime/kernel/constants.js';
import { join } from 'node:path';
import { fingerprint } from './fingerprint.js';
import { fnv1a } from '../runtime/kernel/layout.js';
import type { LayoutConfig } from '../runtime/kernel/layout.js';
import { deriveSeed, formatSeed } from '../runtime/kernel/prng.js';
import { runThreads, type Params, type VariantDef } from '../runtime/kernel/scenario.js';
import type { Strategy } from '../runtime/explore/types.js';
import type { WaitGraph } from '../runtime/kernel/waitgraph.js';
import { convertParallel, shrinkSchedule, type Conversion, type ShrinkOptions, type ShrinkResult } from './hunt.js';
import type { PctBound } from '../runtime/explore/types.js';
import { SEED_LOG_FORMAT, seedLogName, writeSeedLog, type SeedLog, type SeedLogSchedule } from './seedlog.js';
import type { LoadedScenario } from './catalog.js';
import type { IterationRequest, ReplayInput } from './request.js';
import { Session, type IterationResult } from './session.js';
import { INITIAL_STEPS, PctSteps } from '../runtime/explore/pct-steps.js';
import { ExploreDriver, type ExploreConfig, type ExplorationSummary } from './explore.js';

export interface StressOptions {
  readonly scenario: LoadedScenario;
  readonly variant: VariantDef;
  readonly threads: number;
  readonly params: Params;
  /** Stop after this many iterations (null: use `seconds`). */
  readonly iterations: number | null;
  readonly seconds: number | null;
  readonly seed: number;
  readonly shard: readonly [number, number] | null;
  readonly mode: Mode;
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
  /** `weak`: accesses go through the weak memory model (controlled mode only); default `sc`. */
  readonly memoryModel?: MemoryModel;
  /** Follow this schedule (strategy replay or replay-order). */
  readonly replay?: ReplayInput;
  /**
   * Convert parallel failures to controlled schedules and shrink controlled
   * ones. Default: for failures that get a seed log; false: never; true:
   * always (even without a log directory).
   */
  readonly hunt?: boolean;
  readonly shrink?: ShrinkOptions;
  /**
   * The one-line command that reproduces a failure, for its seed log and
   * `FailureRecord.repro`. The harness knows the facts (the log, and where
   * it was written) but not how the caller is invoked: the CLI passes its
   * command formatter. Without one, `repro` is empty.
   */
  readonly formatRepro?: (log: SeedLog, logPath: string | null) => string;
  /**
   * Strategy dfs: enumerate schedules with this tree (docs/EXPLORATION.md)
   * instead of drawing one per seed; the run ends when the space is
   * exhausted or the budget (iterations, seconds) is spent.
   */
  readonly explore?: ExploreConfig;
  /** PCT: use this step bound k instead of estimating it from the runs. */
  readonly pctSteps?: number;
}

export interface IterationInfo {
  readonly iteration: number;
  readonly failed: boolean;
  readonly kind: string | null;
  /** Controlled mode: hash of this iteration's event sequence. */
  readonly scheduleHash: string | null;
  readonly steps: number;
  readonly preemptions: number;
  /** Replay strategies: first step that could not be followed (-1: none). */
  readonly divergedAt: number;
  /** The scenario's shared words and the outcome at the end (see IterationResult.finalState). */
  readonly finalState: string;
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
  /** What `formatRepro` made of the failure ('' without it); also the log's `repro`. */
  readonly repro: string;
  readonly graph: WaitGraph | null;
  readonly log: SeedLog;
}

export interface StressSummary {
  readonly type: 'summary';
  readonly scenario: string;
  readonly variant: string;
  readonly mode: Mode;
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
  /** Parallel failures turned into controlled replays, and how many reproduced. */
  readonly conversions?: { readonly tried: number; readonly reproduced: number };
  /** `--memory-model weak`: loads that read a store older than the latest (all iterations), and the most words modelled in one iteration. */
  readonly memoryModel?: 'weak';
  readonly weak?: { readonly staleReads: number; readonly maxLocations: number };
  /** PCT: the step bound k at the end of the run (estimated from the runs, or --pct-steps). */
  readonly pctSteps?: number;
  /** Clean controlled PCT runs: the miss-probability bound for the depth used. */
  readonly pctBound?: PctBound;
  /** `--shard I/N` of this run (1-based), for `lockstep merge`. */
  readonly shard?: string;
  /** Strategy dfs: what was explored and whether the space was exhausted. */
  readonly exploration?: ExplorationSummary;
  /** Why the run ended early, when not the budget or a failure (nondeterministic scenario under dfs). */
  readonly error?: string;
}

export async function runStress(o: StressOptions): Promise<StressSummary> {
  const sc = o.scenario.scenario;
  // A scenario that derives its thread count from its parameters sizes the
  // pool, the layout and the PCT bound from it: a different count is a mistake.
  if (sc.threads.fromParams && o.threads !== runThreads(sc, o.params)) {
    throw new Error(`${sc.name}: ${o.threads} threads, but its parameters give ${runThreads(sc, o.params)}`);
  }
  const iterationTimeoutMs = o.iterationTimeoutMs ?? Math.max(10_000, 5 * o.hangMs);
  if (o.memoryModel === 'weak') {
    if (o.mode !== 'controlled') throw new Error('--memory-model weak runs in controlled mode only (one task at a time decides what each load reads)');
    const misfit = weakMisfit(sc, o.threads, o.params);
    if (misfit) throw new Error(misfit);
  }
  const layout = { ...(o.layout ?? {}), ...memoryLayout(o.memoryModel) };
  const session = new Session({
    scenario: o.scenario,
    variant: o.variant,
    threads: o.threads,
    params: o.params,
    hangMs: o.hangMs,
    iterationTimeoutMs,
    stepLimit: o.stepLimit,
    layout,
  });
  const seedText = formatSeed(o.seed);
  const [shardIndex, shardCount] = o.shard ?? [0, 1];
  const logs: string[] = [];
  const kinds: Record<string, number> = {};
  let failures = 0;
  let iterations = 0;
  let steps = 0;
  let staleReads = 0;
  let weakLocations = 0;
  // Running one iteration K times must run it the same way K times: k does not learn then.
  const pctSteps = new PctSteps(o.maxSteps ?? o.pctSteps ?? (o.fixedIteration !== undefined ? INITIAL_STEPS : null));
  let maxSteps = pctSteps.current;
  let runHash = fnv1a(`${sc.name}/${o.variant.name}/${seedText}`);
  let firstFailureSeconds: number | null = null;
  let firstFailureIteration: number | null = null;
  const t0 = performance.now();
  let lastProgress = t0;
  let interrupted = false;
  let tWarm = t0;
  let converted = 0;
  let conversions = 0;
  const first = o.firstIteration ?? 0;
  const driver = o.explore ? new ExploreDriver(o.explore) : null;
  let error: string | undefined;
  try {
    for (let j = first; ; j++) {
      const elapsed = (performance.now() - t0) / 1000;
      if (o.iterations !== null && iterations >= o.iterations) {
        driver?.stop('budget');
        break;
      }
      if (o.iterations === null && o.seconds !== null && elapsed >= o.seconds) {
        driver?.stop('time');
        break;
      }
      if (o.stop?.aborted) {
        interrupted = true;
        driver?.stop('interrupted');
        break;
      }
      const plan = driver ? driver.next() : null;
      if (driver && plan === null) break; // every schedule (within the bound) has run
      const jj = o.fixedIteration ?? j;
      // An exploration runs one input (the scenario's draws from the seed) under every schedule.
      const seedOf = (x: number): number => (o.shard ? deriveSeed(o.seed, shardIndex, shardCount, x) : deriveSeed(o.seed, x));
      const iterSeed = seedOf(driver ? first : jj);
      const req: IterationRequest = {
        iteration: jj,
        iterSeed,
        mode: o.mode,
        strategy: o.strategy,
        depth: o.depth,
        maxSteps,
        perturbPermille: o.perturbPermille,
        ...(plan ? { replay: plan.replay, explore: plan.explore } : o.replay ? { replay: o.replay } : {}),
      };
      const res = await session.run(req);
      iterations++;
      if (driver) {
        // Read the exploration log now: shrinking a failure reruns on the same SAB.
        try {
          driver.record(session.hk, res.failure !== null, res.divergedAt);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
          break;
        }
      }
      steps = res.steps;
      if (session.mem.weak !== null) {
        const ws = session.mem.weak.stats();
        staleReads += ws.staleReads;
        weakLocations = Math.max(weakLocations, ws.locations);
      }
      // A run that hit the step limit (a livelock) is not a length of the program.
      maxSteps = pctSteps.observe(res.programSteps, res.failure?.kind === 'hang' && res.steps >= o.stepLimit);
      if (res.scheduleHash !== null) runHash = fnv1a(res.scheduleHash, runHash);
      o.onIteration?.({
        iteration: jj,
        failed: res.failure !== null,
        kind: res.failure?.kind ?? null,
        scheduleHash: res.scheduleHash,
        steps,
        preemptions: res.preemptions,
        divergedAt: res.divergedAt,
        finalState: res.finalState,
        schedule: res.schedule,
      });
      if (res.failure) {
        const failure = res.failure;
        failures++;
        kinds[failure.kind] = (kinds[failure.kind] ?? 0) + 1;
        if (firstFailureSeconds === null) {
          firstFailureSeconds = (performance.now() - t0) / 1000;
          firstFailureIteration = jj;
        }
        const wantLog = o.logDir !== null && logs.length < (o.maxLogs ?? 20);
        // Conversion and shrinking cost extra iterations: done for failures that get a log.
        let conversion: Conversion | null = null;
        let shrunk: ShrinkResult | null = null;
        if (wantLog || o.hunt === true) {
          if (o.mode === 'parallel' && o.hunt !== false) {
            conversion = await convertParallel(session, res);
            conversions++;
            if (conversion.reproduced) converted++;
          }
          const controlledRun = o.mode === 'controlled' ? res : conversion?.reproduced ? conversion.result : null;
          if (controlledRun && o.hunt !== false && !controlledRun.schedule().overflow) {
            shrunk = await shrinkSchedule(session, { ...req, mode: 'controlled' }, controlledRun, o.shrink ?? {});
          }
        }
        // The k this iteration drew its change points from (the estimate has moved on since).
        const log = buildLog(o, res, req.maxSteps, seedText, session, conversion, shrunk, driver?.summary());
        let logPath: string | null = null;
        if (wantLog) {
          logPath = join(o.logDir!, seedLogName(log));
        }
        const repro = o.formatRepro?.(log, logPath) ?? '';
        const withRepro: SeedLog = { ...log, repro };
        if (wantLog) {
          writeSeedLog(o.logDir!, withRepro);
          logs.push(logPath!);
        }
        o.onFailure?.({
          iteration: jj,
          kind: failure.kind,
          message: failure.message,
          spec: failure.spec,
          logPath,
          repro,
          graph: res.graph,
          log: withRepro,
        });
        if (o.stopOnFailure) {
          driver?.stop('failure');
          break;
        }
      }
      const now = performance.now();
      if (iterations === 1) tWarm = now;
      if (o.onProgress && now - lastProgress > 100) {
        lastProgress = now;
        o.onProgress({ iterations, failures, elapsed: (now - t0) / 1000, target: { iterations: o.iterations, seconds: o.seconds } });
      }
    }
  } finally {
    await session.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  o.onProgress?.({ iterations, failures, elapsed: seconds, target: { iterations: o.iterations, seconds: o.seconds } });
  const bound =
    o.mode === 'controlled' && o.strategy.missBound && failures === 0 && iterations > 0
      ? o.strategy.missBound(o.threads, maxSteps, o.depth, iterations)
      : null;
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
    workersSpawned: session.workersSpawned,
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
    ...(conversions > 0 ? { conversions: { tried: conversions, reproduced: converted } } : {}),
    ...(bound ? { pctBound: bound } : {}),
    ...(o.strategy.name === 'pct' ? { pctSteps: maxSteps } : {}),
    ...(o.shard ? { shard: `${o.shard[0] + 1}/${o.shard[1]}` } : {}),
    ...(driver ? { exploration: driver.summary() } : {}),
    ...(session.mem.weak !== null ? { memoryModel: 'weak' as const, weak: { staleReads, maxLocations: weakLocations } } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

function buildLog(
  o: StressOptions,
  res: IterationResult,
  maxSteps: number,
  seedText: string,
  session: Session,
  conversion: Conversion | null,
  shrunk: ShrinkResult | null,
  exploration?: ExplorationSummary,
): SeedLog {
  const f = res.failure!;
  const cycle = res.graph?.cycle ?? null;
  return {
    format: SEED_LOG_FORMAT,
    fingerprint: fingerprint(session.mem.L.hash),
    scenario: o.scenario.scenario.name,
    ...(o.scenario.file ? { scenarioFile: o.scenario.file } : {}),
    variant: o.variant.name,
    params: {
      threads: o.threads,
      depth: o.depth,
      maxSteps,
      perturbPermille: o.perturbPermille,
      stepLimit: o.stepLimit,
      hangMs: o.hangMs,
      iterationTimeoutMs: session.cfg.iterationTimeoutMs,
      scenarioParams: { ...o.params },
      shard: o.shard,
      ...(o.memoryModel === 'weak' ? { memoryModel: 'weak' as const } : {}),
    },
    mode: o.mode,
    strategy: o.strategy.name,
    seed: seedText,
    iteration: res.request.iteration,
    iterSeed: res.request.iterSeed,
    failure: {
      kind: f.kind,
      message: f.message,
      ...(f.spec ? { spec: f.spec } : {}),
      ...(cycle && (f.kind === 'deadlock' || f.kind === 'hang') ? { cycle } : {}),
      ...(f.tid ? { tid: f.tid } : {}),
      ...(f.label ? { label: f.label } : {}),
    },
    ...(res.graph && (res.graph.nodes.length > 0 || res.graph.cycle || ['deadlock', 'hang', 'gp-stall'].includes(f.kind))
      ? { graph: { kind: res.graph.kind, nodes: res.graph.nodes, runnable: res.graph.runnable, cycle: res.graph.cycle } }
      : {}),
    ...(res.scheduleHash ? { scheduleHash: res.scheduleHash } : {}),
    schedule: res.schedule(),
    ...(conversion
      ? {
          conversion: {
            reproduced: conversion.reproduced,
            kind: conversion.kind,
            misses: conversion.misses,
            divergedAt: conversion.divergedAt,
            scheduleHash: conversion.scheduleHash,
            schedule: conversion.schedule,
          },
        }
      : {}),
    ...(shrunk
      ? {
          minimized: {
            schedule: shrunk.schedule,
            scheduleHash: shrunk.scheduleHash,
            preemptions: shrunk.preemptions,
            steps: shrunk.steps,
            fromPreemptions: shrunk.fromPreemptions,
            fromSteps: shrunk.fromSteps,
            attempts: shrunk.attempts,
            depth: shrunk.depth,
          },
        }
      : {}),
    ...(exploration ? { exploration } : {}),
    trace: res.trace(),
    repro: '',
    recordedAt: new Date().toISOString(),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
