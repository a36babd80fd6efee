/**
 * One iteration, harness side: reset kernel memory, create init and the
 * scenario's first tasks, start them, and afterwards check invariants,
 * tear down and look for leaked objects.
 */
import { runTeardownHooks } from '../runtime/kernel/teardown.js';
import {
  EXIT_DEAD,
  FailKind,
  INIT_TID,
  PFA_NO_NEW_PRIVS,
  SIGCHLD,
  sigmask,
  TASK_INTERRUPTIBLE,
} from '../runtime/kernel/constants.js';
import { KernelFailure } from '../runtime/kernel/errors.js';
import type { Kernel } from '../runtime/kernel/kernel.js';
import { label } from '../runtime/kernel/labels.js';
import {
  CORE_HEADER_WORDS,
  CACHE,
  COMPLETION_WORDS,
  CRED_CAPS,
  CRED_EUID,
  CRED_UID,
  fnv1a,
  IterState,
  kAbort,
  kBusy,
  kFailSet,
  kIdleExecutors,
  kIteration,
  kIterSeed,
  kIterState,
  kLiveTasks,
  kNextSlot,
  kNrRunning,
  kProgramSteps,
  kSchedDecisions,
  kSchedHash,
  kSchedOverflow,
  kSchedPreemptions,
  kSchedStep,
  kSeq,
  kStepLimit,
  kTasklistLock,
  kWaitTicket,
  SH_IGNORED,
  SIG_LEADER,
  SIG_LIVE,
  SIG_NR_THREADS,
  SlotState,
  SYNC_NAME,
  SYNC_OBJ,
  T_ATOMIC_FLAGS,
  T_CRED,
  T_EXIT_CODE,
  T_EXIT_STATE,
  T_FLAGS,
  T_SIGHAND,
  T_SIGNAL,
  T_SLOT,
  T_STATE,
  T_TGID,
  T_TID,
} from '../runtime/kernel/layout.js';
import { mix32, localRng } from '../runtime/kernel/prng.js';
import { sharedAddr, type CheckContext, type Params, type Scenario, type SetupContext, type TaskInfo } from '../runtime/kernel/scenario.js';
import { decide, handoff } from '../runtime/explore/controlled.js';
import { deref, findLeaks, findPoisonOverwrites, kfree, kmemCacheAlloc, kput, peek } from '../runtime/kernel/slab.js';
import { copyProcess, reapOrphans, wakeUpNewTask } from '../runtime/kernel/task.js';
import { CLONE_SIGHAND, CLONE_THREAD, CLONE_VM } from '../runtime/kernel/constants.js';
import type { IterationRequest } from './request.js';

const L_SETUP = label('harness:setup');
const L_START = label('harness:start');

/** What stays the same for every iteration of a session. */
export interface RunShape {
  readonly scenario: Scenario;
  readonly variant: string;
  readonly params: Params;
  readonly threads: number;
  /** Controlled mode: scheduling decisions before a run counts as a livelock. */
  readonly stepLimit: number;
}

/** Objects the harness allocated for the iteration (freed at teardown). */
export interface IterationState {
  readonly syncObjects: number[];
  readonly creds: number[];
  readonly pending: number[];
}

function allocCred(hk: Kernel, uid: number, caps: number): number {
  const c = kmemCacheAlloc(hk, CACHE.cred, L_SETUP);
  const a = deref(hk, c);
  hk.i32[a + CRED_UID] = uid;
  hk.i32[a + CRED_EUID] = uid;
  hk.i32[a + CRED_CAPS] = caps;
  return c;
}

/** Reset memory, create init (slot 0) and run the scenario's setup. Tasks are created but not started. */
export function beginIteration(hk: Kernel, shape: RunShape, p: IterationRequest): IterationState {
  const mem = hk.mem;
  const i32 = hk.i32;
  mem.resetIteration();
  i32[kIteration] = p.iteration;
  i32[kIterSeed] = p.iterSeed;
  for (const w of [kSeq, kBusy, kLiveTasks, kAbort, kFailSet, kSchedStep, kSchedDecisions, kSchedPreemptions, kWaitTicket, kSchedOverflow, kIdleExecutors, kProgramSteps, kNrRunning])
    i32[w] = 0;
  // kSpinners is not reset: every spin counts itself in and out (sched.ts), also an idle executor's between iterations.
  i32[kTasklistLock] = 0;
  i32[kTasklistLock + 1] = 0;
  i32[kSchedHash] = fnv1a('');
  // Kernel-wide subsystem state (the subsystems' global slices) starts afresh too.
  i32.fill(0, CORE_HEADER_WORDS, hk.L.headerWords);
  i32[kStepLimit] = shape.stepLimit;
  i32[kNextSlot] = 1;
  Atomics.store(i32, kIterState, IterState.IDLE);
  p.strategy.beginIteration(mem, {
    iterSeed: p.iterSeed,
    depth: p.depth,
    maxSteps: p.maxSteps,
    perturbPermille: p.perturbPermille,
  });
  mem.epoch = performance.timeOrigin + performance.now();

  // init: tid 1, never scheduled; its SIGCHLD is ignored so orphans autoreap.
  const b = hk.base(0);
  i32[b + T_TID] = INIT_TID;
  i32[b + T_TGID] = INIT_TID;
  i32[b + T_SLOT] = SlotState.LINKED;
  i32[b + T_STATE] = TASK_INTERRUPTIBLE;
  const st: IterationState = { syncObjects: [], creds: [], pending: [] };
  i32[b + T_CRED] = allocCred(hk, 0, -1);
  const sig = kmemCacheAlloc(hk, CACHE.signal_struct, L_SETUP);
  const sh = kmemCacheAlloc(hk, CACHE.sighand_struct, L_SETUP);
  i32[b + T_SIGNAL] = sig;
  i32[b + T_SIGHAND] = sh;
  const sa = deref(hk, sig);
  i32[sa + SIG_NR_THREADS] = 1;
  i32[sa + SIG_LIVE] = 1;
  i32[sa + SIG_LEADER] = INIT_TID;
  i32[deref(hk, sh) + SH_IGNORED] = sigmask(SIGCHLD);

  const rng = localRng(mix32(p.iterSeed ^ 0x5e7));
  const sc = shape.scenario;
  const syncObj = (name: string): number => {
    const h = kmemCacheAlloc(hk, CACHE.sync, L_SETUP);
    st.syncObjects.push(h);
    const a = deref(hk, h);
    i32[a + SYNC_NAME] = label(name);
    i32.fill(0, a + SYNC_OBJ, a + SYNC_OBJ + COMPLETION_WORDS + 2);
    return a + SYNC_OBJ;
  };
  const ctx: SetupContext = {
    k: hk,
    params: shape.params,
    variant: shape.variant,
    threads: shape.threads,
    iteration: p.iteration,
    rng,
    spawn(body, arg = 0, opts = {}) {
      if (!sc.bodies[body]) throw new Error(`setup: no thread body "${body}" in scenario ${sc.name}`);
      const tid = copyProcess(hk, 0, { flags: 0, body: label(body), arg }, true);
      if (tid < 0) throw new Error(`setup: spawn failed (${tid}): more tasks than the SAB holds`);
      const s = hk.slotOf(tid);
      if (opts.uid !== undefined || opts.caps !== undefined) {
        kput(hk, hk.tget(s, T_CRED));
        hk.tset(s, T_CRED, allocCred(hk, opts.uid ?? 0, opts.caps ?? -1));
      }
      if (opts.noNewPrivs) hk.tor(s, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
      st.pending.push(s);
      return tid;
    },
    spawnThread(leaderTid, body, arg = 0) {
      if (!sc.bodies[body]) throw new Error(`setup: no thread body "${body}" in scenario ${sc.name}`);
      const tid = copyProcess(hk, hk.slotOf(leaderTid), { flags: CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, body: label(body), arg }, true);
      if (tid < 0) throw new Error(`setup: spawnThread failed (${tid}): more tasks than the SAB holds`);
      st.pending.push(hk.slotOf(tid));
      return tid;
    },
    mutex: syncObj,
    completion: syncObj,
    waitqueue: syncObj,
    spinlock: syncObj,
    rwsem: syncObj,
    condvar: syncObj,
    addr: (name, i = 0) => sharedAddr(hk, sc, name, i),
    set(name, v, i = 0) {
      Atomics.store(i32, sharedAddr(hk, sc, name, i), v);
    },
    get: (name, i = 0) => Atomics.load(i32, sharedAddr(hk, sc, name, i)),
  };
  sc.setup(ctx);
  return st;
}

/** Start the tasks setup created; in controlled mode hand the baton to the first. */
export function startIteration(hk: Kernel, st: IterationState, controlled: boolean): void {
  const i32 = hk.i32;
  Atomics.store(i32, kIterState, IterState.RUNNING);
  if (st.pending.length === 0) {
    Atomics.store(i32, kIterState, IterState.DONE);
    return;
  }
  // The harness holds its own busy token while it starts the tasks (as
  // TSYNC's caller holds one in num_preparing): otherwise the first task
  // could finish and declare the iteration done before the last is started.
  Atomics.add(i32, kBusy, 1);
  for (const s of st.pending) wakeUpNewTask(hk, s);
  if (controlled) {
    const first = decide(hk, L_START);
    if (first >= 0) handoff(hk, first);
  }
  if (Atomics.sub(i32, kBusy, 1) === 1) {
    Atomics.compareExchange(i32, kIterState, IterState.RUNNING, IterState.DONE);
    Atomics.notify(i32, kIterState);
  }
}

function taskInfo(hk: Kernel, slot: number): TaskInfo {
  const cred = hk.tget(slot, T_CRED);
  return {
    tid: hk.tid(slot),
    tgid: hk.tget(slot, T_TGID),
    exitCode: hk.tget(slot, T_EXIT_CODE),
    exited: hk.tget(slot, T_EXIT_STATE) !== 0,
    flags: hk.tget(slot, T_FLAGS),
    cred,
    noNewPrivs: (hk.tget(slot, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0,
  };
}

export interface CheckFailure {
  readonly message: string;
  readonly spec: string | null;
}

/** Run the scenario's invariants; returns the first violation, if any. */
export function checkIteration(hk: Kernel, shape: RunShape, iteration: number): CheckFailure | null {
  const sc = shape.scenario;
  if (!sc.check) return null;
  let first: CheckFailure | null = null;
  const ctx: CheckContext = {
    k: hk,
    params: shape.params,
    variant: shape.variant,
    threads: shape.threads,
    iteration,
    get: (name, i = 0) => Atomics.load(hk.i32, sharedAddr(hk, sc, name, i)),
    task(tid) {
      const s = hk.slotOf(tid);
      if (s < 1 || s >= Atomics.load(hk.i32, kNextSlot)) throw new Error(`check: no task ${tid}`);
      return taskInfo(hk, s);
    },
    tasks() {
      const out: TaskInfo[] = [];
      const n = Atomics.load(hk.i32, kNextSlot);
      for (let s = 1; s < n; s++) out.push(taskInfo(hk, s));
      return out;
    },
    fail(message, spec) {
      if (!first) first = { message, spec: spec ?? null };
    },
  };
  sc.check(ctx);
  return first;
}

/**
 * After a completed iteration: reap what init inherited, drop the harness's
 * own references, and report any object still allocated (a leak).
 */
export function teardownIteration(hk: Kernel, st: IterationState): KernelFailure | null {
  try {
    reapOrphans(hk);
    const n = Atomics.load(hk.i32, kNextSlot);
    const live: number[] = [];
    for (let s = 1; s < n; s++) if (hk.tget(s, T_EXIT_STATE) !== EXIT_DEAD) live.push(hk.tid(s));
    if (live.length > 0) return new KernelFailure(FailKind.CRASH, `tasks not released at the end of the iteration: ${live.join(', ')}`);
    const b = hk.base(0);
    kput(hk, hk.i32[b + T_CRED]!);
    kput(hk, hk.i32[b + T_SIGNAL]!);
    kput(hk, hk.i32[b + T_SIGHAND]!);
    for (const h of st.syncObjects) kfree(hk, h);
    for (const h of st.creds) kput(hk, h);
    const sub = runTeardownHooks(hk);
    if (sub) return sub;
    const overwritten = findPoisonOverwrites(hk);
    if (overwritten.length > 0) {
      return new KernelFailure(FailKind.KASAN, `use-after-free write: freed object(s) modified after their free: ${overwritten.slice(0, 8).join(', ')}`);
    }
    const leaks = findLeaks(hk);
    if (leaks.length > 0) {
      const list = leaks
        .slice(0, 8)
        .map((l) => `${l.cache}#${l.handle & 0xfff} (refs ${l.refs}, allocated at ${l.site})`)
        .join('; ');
      return new KernelFailure(FailKind.KASAN, `memory leak: ${leaks.length} object(s) still allocated: ${list}`);
    }
    return null;
  } catch (e) {
    if (e instanceof KernelFailure) return e;
    throw e;
  }
}

export { peek };
