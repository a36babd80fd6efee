/**
 * A session: one SAB and one warm pool for a scenario, variant and thread
 * count, running one iteration at a time. Each iteration may use a
 * different mode and strategy (the executors read both from the header when
 * a task starts), which is what lets a parallel failure be converted into a
 * controlled replay, and a controlled schedule be shrunk, on the same warm
 * workers right after the failure is found.
 *
 * Per iteration: reset the SAB, create init and the scenario's tasks, start
 * them, then wait (Atomics.waitAsync: the main event loop stays free for
 * progress output and Ctrl-C) until the last task is done, a task reports a
 * failure, or the watchdog fires. A stalled or failed iteration is analysed
 * from the breadcrumbs *before* it is torn down, then aborted: every parked
 * task is woken and unwinds; an executor stuck in code without yield
 * points is replaced.
 */
import type { Mode } from '../runtime/kernel/constants.js';
import { Ev, FAIL_KIND_NAMES, FailKind, type FailKindName } from '../runtime/kernel/constants.js';
import { KernelFailure } from '../runtime/kernel/errors.js';
import { Kernel } from '../runtime/kernel/kernel.js';
import { label, labelText } from '../runtime/kernel/labels.js';
import {
  IterState,
  EX_FP_MAX,
  EXF_ALL,
  EXPLORE_DB,
  EXPLORE_PB,
  kAbort,
  kBusy,
  kExplore,
  kExploreExitAtomic,
  kExploreSleepLen,
  SLEEP_WORDS,
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
  kProgramSteps,
  kReplayDiverged,
  kReplayLen,
  kReplayMisses,
  kReplayPos,
  kSchedHash,
  kSchedOverflow,
  kSchedPreemptions,
  kSchedStep,
  kSeq,
  kDelayWaiters,
  kSpinners,
  kStrategy,
  SCHED_ENTRY_WORDS,
  SL_LABEL,
  SL_PREEMPT,
  SL_WHO,
  EV_KIND,
  EV_TIME,
  T_PARK,
  T_RING_HEAD,
  type LayoutConfig,
} from '../runtime/kernel/layout.js';
import { KernelMemory } from '../runtime/kernel/memory.js';
import { mutantWords } from '../runtime/kernel/mutants.js';
import { bindShared, sharedLayout, variantMutants, type Params, type VariantDef } from '../runtime/kernel/scenario.js';
import { collectTrace, type Trace } from '../runtime/kernel/trace.js';
import { allParked, buildWaitGraph, nameSharedWords, onlyWaitingForCpu, type WaitGraph } from '../runtime/kernel/waitgraph.js';
import type { LoadedScenario } from './catalog.js';
import { beginIteration, checkIteration, startIteration, teardownIteration, type RunShape } from './iteration.js';
import { layoutFor } from './layoutfor.js';
import { ExecutorPool } from './pool.js';
import type { ExploreInput, IterationRequest, ReplayInput } from './request.js';
import { Footprint } from '../runtime/kernel/footprint.js';
import type { SeedLogSchedule } from './seedlog.js';

const TICK_MS = 25;
/**
 * The first part of an iteration's wait blocks the harness thread in
 * Atomics.wait: a short iteration's end then wakes it directly, where
 * Atomics.waitAsync's wake goes through the event loop (a task posted to
 * the main isolate, an epoll wake-up and a promise job: ~10 % of a
 * landlock-multi-threaded parallel iteration, issue 16). Nothing the
 * iteration needs runs on the event loop; a worker's error event waits
 * this long at most.
 */
const SYNC_WAIT_MS = 2;
/** A deadlock where every task is parked is declared after this much quiet. */
const QUIET_MS = 60;

/** How long aborted tasks get to unwind before their workers are replaced. */
const UNWIND_MS = 1500;
/**
 * ...and how many polls at least (2 ms apart): a harness descheduled past the
 * deadline in one sleep (a loaded machine) still gives the tasks time to run.
 */
const UNWIND_POLLS = 50;

/**
 * The watchdog's scans of the task table (allParked, onlyWaitingForCpu) read
 * one task after another while the tasks run: a task woken just after its
 * record was read, by a waker that then parks before the scan reaches it,
 * looks parked with everyone else. Every such waker passed a yield point and
 * its block event on its way, so a verdict stands only if the global
 * sequence read before the scan has not moved.
 */
function unchanged(i32: Int32Array, seq: number): boolean {
  return Atomics.load(i32, kSeq) === seq;
}

export interface SessionConfig {
  readonly scenario: LoadedScenario;
  readonly variant: VariantDef;
  readonly threads: number;
  readonly params: Params;
  readonly hangMs: number;
  readonly iterationTimeoutMs: number;
  readonly stepLimit: number;
  readonly layout?: Partial<LayoutConfig>;
}

export interface Failure {
  readonly kind: FailKindName;
  readonly message: string;
  readonly spec: string | null;
  readonly tid: number;
  readonly label: string;
}

export interface IterationResult {
  readonly request: IterationRequest;
  readonly failure: Failure | null;
  readonly graph: WaitGraph | null;
  /** Controlled: scheduling decisions; parallel: yield-point tickets. */
  readonly steps: number;
  readonly preemptions: number;
  /** Digest of the scenario's shared words and the failure kind at the end (distinct outcomes, docs/EXPLORATION.md). */
  readonly finalState: string;
  /** Controlled: decisions up to the last one that ran a task outside do_exit() (PCT's k counts these). */
  readonly programSteps: number;
  readonly scheduleHash: string | null;
  /** Replay strategies: first step where the schedule could not be followed (-1: none), and how many steps missed. */
  readonly divergedAt: number;
  readonly replayMisses: number;
  /** Read the schedule log; valid until the next iteration starts (eager for failures). */
  schedule(): SeedLogSchedule;
  trace(): Trace;
}

/**
 * Where an iteration's wall time goes, summed over the session's iterations
 * (ms): `setup` (reset the memory, create init and the scenario's tasks),
 * `start` (hand the first tasks to idle executors: one futex wake each),
 * `run` (from then until the last task is done or a failure), `check` (the
 * scenario's invariants), `teardown` (reaping, frees, the leak and poison
 * scans). `spawn` is part of `run`: from the start to the last first task
 * on its executor (its START event). bench/stress.ts reports it.
 */
export interface IterationCost {
  iterations: number;
  setup: number;
  start: number;
  spawn: number;
  run: number;
  check: number;
  teardown: number;
}

export class Session {
  readonly mem: KernelMemory;
  readonly cost: IterationCost = { iterations: 0, setup: 0, start: 0, spawn: 0, run: 0, check: 0, teardown: 0 };
  readonly hk: Kernel;
  readonly pool: ExecutorPool;
  private readonly shape: RunShape;

  constructor(readonly cfg: SessionConfig) {
    const sc = cfg.scenario.scenario;
    // Register every body and handler name so reports can print them.
    for (const name of Object.keys(sc.bodies)) label(name);
    for (const name of Object.keys(sc.handlers ?? {})) label(`handler:${name}`);
    const layout = layoutFor(sc, cfg.threads, cfg.params, cfg.layout);
    this.mem = KernelMemory.create(layout);
    this.hk = new Kernel(this.mem, true);
    bindShared(this.hk, sc, cfg.params);
    // Reports and traces made here name the scenario's shared words (at this run's sizes).
    nameSharedWords(this.hk, sharedLayout(sc, cfg.params).offsets);
    this.mem.i32.set(mutantWords(variantMutants(cfg.variant)), kMutants);
    this.pool = new ExecutorPool(
      this.mem,
      {
        sab: this.mem.sab,
        layout,
        scenarioUrl: cfg.scenario.url,
        variant: cfg.variant.name,
        params: { ...cfg.params },
        threads: cfg.threads,
      },
      layout.maxExecutors,
    );
    this.pool.start();
    this.shape = { scenario: sc, variant: cfg.variant.name, params: cfg.params, threads: cfg.threads, stepLimit: cfg.stepLimit };
  }

  get workersSpawned(): number {
    return this.pool.spawned;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private loadReplay(r: ReplayInput | undefined): void {
    const i32 = this.mem.i32;
    const L = this.mem.L;
    i32[kReplayPos] = 0;
    i32[kReplayDiverged] = 0;
    i32[kReplayMisses] = 0;
    if (!r) {
      i32[kReplayLen] = 0;
      return;
    }
    const n = Math.min(r.tids.length, L.config.schedLogSteps);
    const ids = r.labels.map((t) => label(t));
    for (let s = 0; s < n; s++) {
      const e = L.replayLog + s * SCHED_ENTRY_WORDS;
      i32[e + SL_WHO] = r.tids[s]!;
      i32[e + SL_LABEL] = ids[r.at[s]!] ?? 0;
    }
    i32[kReplayLen] = n;
  }

  /** Exhaustive exploration: the policy word and the sleep table (strategy dfs reads them). */
  private loadExplore(x: ExploreInput | undefined): void {
    const i32 = this.mem.i32;
    const L = this.mem.L;
    i32[kExplore] = x === undefined ? 0 : x.policy === 'db' ? EXPLORE_DB : EXPLORE_PB;
    i32[kExploreExitAtomic] = x?.exitAtomic ? 1 : 0;
    const sleep = x?.sleep ?? [];
    const n = Math.min(sleep.length, L.config.maxTasks);
    for (let i = 0; i < n; i++) {
      const { slot, fp } = sleep[i]!;
      const e = L.sleepTable + i * SLEEP_WORDS;
      const entries = [...fp.reads.map((a) => a << 1), ...fp.writes.map((a) => (a << 1) | 1)];
      const all = fp.all || entries.length > EX_FP_MAX;
      i32[e] = slot;
      i32[e + 1] = all ? EXF_ALL : 0;
      i32[e + 2] = all ? 0 : entries.length;
      if (!all) for (let j = 0; j < entries.length; j++) i32[e + 3 + j] = entries[j]!;
    }
    i32[kExploreSleepLen] = n;
  }

  private started = false;

  async run(req: IterationRequest): Promise<IterationResult> {
    const { mem, hk, cfg } = this;
    const i32 = mem.i32;
    if (!this.started) {
      await this.pool.ready();
      this.started = true;
    }
    if (this.pool.startError) throw this.pool.startError;
    i32[kMode] = req.mode === 'controlled' ? 1 : 0;
    i32[kStrategy] = req.strategy.id;
    hk.strategy = req.strategy;
    this.loadReplay(req.replay);
    this.loadExplore(req.explore);
    let st;
    const t0 = performance.now();
    try {
      st = beginIteration(hk, this.shape, req);
    } catch (e) {
      if (e instanceof KernelFailure) throw new Error(`scenario setup failed: ${e.message}`);
      throw e;
    }
    // The first decision is the harness's: under exploration it opens the log's first entry.
    hk.fp = req.explore && req.mode === 'controlled' ? new Footprint() : null;
    const t1 = performance.now();
    startIteration(hk, st, req.mode === 'controlled');
    hk.fp = null;
    const t2 = performance.now();
    const outcome = await this.wait();
    const t3 = performance.now();
    const cost = this.cost;
    cost.iterations++;
    cost.setup += t1 - t0;
    cost.start += t2 - t1;
    cost.run += t3 - t2;
    cost.spawn += lastStart(hk, st.pending, t1);
    let failure: Failure | null = null;
    let graph: WaitGraph | null = null;
    if (outcome === 'done' && Atomics.load(i32, kFailSet) === 0) {
      const bad = safeCheck(hk, this.shape, req.iteration);
      const t4 = performance.now();
      cost.check += t4 - t3;
      if (bad) failure = { kind: 'invariant', message: bad.message, spec: bad.spec, tid: 0, label: '' };
      else {
        const leak = teardownIteration(hk, st);
        cost.teardown += performance.now() - t4;
        if (leak) failure = { kind: FAIL_KIND_NAMES[leak.kind] ?? 'crash', message: leak.message, spec: leak.spec, tid: 0, label: '' };
      }
    } else {
      // Analyse before tearing anything down: the breadcrumbs are the evidence.
      graph = buildWaitGraph(hk);
      const stalled = outcome === 'stalled' || outcome === 'parked';
      if (stalled) {
        const kind = graph.kind === 'deadlock' ? FailKind.DEADLOCK : FailKind.HANG;
        const why =
          graph.kind === 'deadlock'
            ? 'every task is blocked and none can wake another'
            : outcome === 'parked'
              ? `every task has been parked for ${QUIET_MS} ms with nobody left to wake it`
              : `no progress for ${cfg.hangMs} ms`;
        hk.reportFailure(kind, `${why}\n${graph.report}`, null);
      } else if (outcome === 'timeout') {
        hk.reportFailure(
          FailKind.HANG,
          `livelock or hang: the iteration did not finish within ${cfg.iterationTimeoutMs} ms although ${i32[kSeq]} yield points were passed\n${graph.report}`,
          null,
        );
      }
      const kind = i32[kFailKind]!;
      let message = mem.readFailMessage(i32[kFailMsgLen]!);
      if (kind === FailKind.DEADLOCK && !stalled) message = `${message}\n${graph.report}`;
      const specId = i32[kFailSpec]!;
      failure = {
        kind: FAIL_KIND_NAMES[kind] ?? 'crash',
        message,
        spec: specId ? labelText(specId) : null,
        tid: i32[kFailTid]!,
        label: labelText(i32[kFailLabel]!),
      };
      await this.abort();
    }
    const controlled = req.mode === 'controlled';
    const steps = controlled ? i32[kSchedStep]! : i32[kSeq]!;
    const sharedWords = sharedLayout(cfg.scenario.scenario, cfg.params).words;
    const finalState = `${failure?.kind ?? 'pass'}:${Array.from(i32.subarray(mem.L.scenario, mem.L.scenario + sharedWords)).join(',')}`;
    const scheduleHash = controlled ? (i32[kSchedHash]! >>> 0).toString(16).padStart(8, '0') : null;
    const schedule = (): SeedLogSchedule => buildSchedule(hk, req.mode);
    const trace = (): Trace => collectTrace(hk);
    // Failures keep their evidence: read it now, before another iteration resets the SAB.
    const kept = failure ? { s: schedule(), t: trace() } : null;
    return {
      request: req,
      failure,
      graph,
      steps,
      preemptions: i32[kSchedPreemptions]!,
      finalState,
      programSteps: controlled ? i32[kProgramSteps]! : steps,
      scheduleHash,
      divergedAt: i32[kReplayDiverged]! - 1,
      replayMisses: i32[kReplayMisses]!,
      schedule: kept ? () => kept.s : schedule,
      trace: kept ? () => kept.t : trace,
    };
  }

  /**
   * Wait for the iteration to end. No change of the global sequence number
   * for `hangMs` is a stall; every task parked with nobody to wake it is a
   * stall after a short quiet period; an iteration longer than
   * `iterationTimeoutMs` is a livelock even if it makes progress.
   */
  private async wait(): Promise<'done' | 'failed' | 'stalled' | 'parked' | 'timeout'> {
    const { mem, hk, cfg, pool } = this;
    const i32 = mem.i32;
    let last = -1;
    const start = performance.now();
    let since = start;
    for (let left = SYNC_WAIT_MS; left > 0; left = SYNC_WAIT_MS - (performance.now() - start)) {
      const st = Atomics.load(i32, kIterState);
      if (st === IterState.DONE) return 'done';
      if (st === IterState.FAILED) return 'failed';
      Atomics.wait(i32, kIterState, st, left);
    }
    for (;;) {
      const st = Atomics.load(i32, kIterState);
      if (st === IterState.DONE) return 'done';
      if (st === IterState.FAILED) return 'failed';
      const r = Atomics.waitAsync(i32, kIterState, st, TICK_MS);
      if (r.async) await r.value;
      if (pool.startError) return 'failed';
      const seq = Atomics.load(i32, kSeq);
      const now = performance.now();
      if (now - start > cfg.iterationTimeoutMs) return 'timeout';
      if (seq !== last) {
        last = seq;
        since = now;
      } else if (now - since > cfg.hangMs) {
        // Woken tasks the OS has not scheduled yet are not a hang: wait on,
        // within the iteration time limit.
        if (!onlyWaitingForCpu(hk) && unchanged(i32, seq)) return 'stalled';
      } else if (now - since > QUIET_MS && allParked(hk) && unchanged(i32, seq)) {
        return 'parked';
      }
    }
  }

  /**
   * Stop the iteration: raise the abort flag and wake every task (each one
   * throws AbortIteration at its next yield point or wake-up and unwinds to
   * its executor's idle loop). Executors that do not come back in time run
   * code with no yield point: their workers are replaced.
   */
  private async abort(): Promise<void> {
    const { mem, hk, pool } = this;
    const i32 = mem.i32;
    Atomics.store(i32, kAbort, 1);
    const wakeAll = (): void => {
      const n = Math.min(Atomics.load(i32, kNextSlot), mem.L.config.maxTasks);
      for (let s = 0; s < n; s++) {
        const pw = hk.base(s) + T_PARK;
        Atomics.store(i32, pw, 1);
        Atomics.notify(i32, pw);
      }
    };
    wakeAll();
    const deadline = performance.now() + UNWIND_MS;
    for (let polls = 0; Atomics.load(i32, kBusy) > 0 && (performance.now() < deadline || polls < UNWIND_POLLS); polls++) {
      await new Promise((r) => setTimeout(r, 2));
      wakeAll();
    }
    if (Atomics.load(i32, kBusy) > 0) {
      await pool.replace(pool.busy());
      Atomics.store(i32, kBusy, 0);
      // A terminated worker may have died inside a spin or a perturbation
      // delay, counted in kSpinners or kDelayWaiters for good (sched.ts,
      // explore/delay.ts): start the counts afresh.
      Atomics.store(i32, kSpinners, 0);
      Atomics.store(i32, kDelayWaiters, 0);
    }
  }
}

/**
 * ms from `t` (a performance.now() of this thread) to the START event of the
 * last of `slots` to start; a ring that wrapped no longer holds it (0 then).
 */
function lastStart(hk: Kernel, slots: readonly number[], t: number): number {
  const { i32, L } = hk;
  const tUs = (performance.timeOrigin + t - hk.mem.epoch) * 1000;
  let last = tUs;
  for (const s of slots) {
    if (i32[hk.base(s) + T_RING_HEAD]! > L.config.ringEvents) continue;
    const e = L.rings + s * L.ringStride;
    if (i32[e + EV_KIND] === Ev.START) last = Math.max(last, i32[e + EV_TIME]!);
  }
  return (last - tUs) / 1000;
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

export function buildSchedule(hk: Kernel, mode: Mode): SeedLogSchedule {
  const i32 = hk.i32;
  const L = hk.L;
  const total = mode === 'controlled' ? i32[kSchedStep]! : i32[kSeq]!;
  const n = Math.min(total, L.config.schedLogSteps);
  const labels: string[] = [];
  const index = new Map<number, number>();
  const tids: number[] = [];
  const at: number[] = [];
  const preemptAt: number[] = [];
  for (let s = 0; s < n; s++) {
    const e = L.schedLog + s * SCHED_ENTRY_WORDS;
    let who = i32[e + SL_WHO]!;
    if (mode === 'controlled' && who >= 0 && (who & SL_PREEMPT) !== 0) {
      preemptAt.push(s);
      who &= ~SL_PREEMPT;
    }
    const lbl = i32[e + SL_LABEL]!;
    let li = index.get(lbl);
    if (li === undefined) {
      li = labels.length;
      labels.push(labelText(lbl));
      index.set(lbl, li);
    }
    // A data choice (negative) keeps its encoding, -1 - choice.
    tids.push(mode === 'controlled' && who >= 0 ? hk.tid(who) : who);
    at.push(li);
  }
  return {
    kind: mode === 'controlled' ? 'decisions' : 'global-order',
    length: n,
    overflow: total > L.config.schedLogSteps || i32[kSchedOverflow] !== 0,
    tids,
    at,
    labels,
    ...(mode === 'controlled' ? { preemptions: i32[kSchedPreemptions]!, preemptAt } : {}),
  };
}

