/**
 * An executor: one warm worker of the piscina pool that runs simulated
 * tasks, one at a time, for a whole campaign.
 *
 * The harness submits one long-running piscina task per worker. Inside it,
 * the executor parks on its mailbox word in the SAB; wake_up_new_task()
 * (called by clone() in another task, or by the harness for an iteration's
 * first tasks) writes a task slot there and notifies. The executor then runs
 * that task to completion: ret_from_fork (task_work and signals first, as
 * the kernel does), the thread body, do_exit(). No Worker is spawned per
 * iteration or per clone; the dispatch is one futex wake.
 */
import { Ev, FailKind } from './kernel/constants.js';
import { AbortIteration, KernelFailure, TaskExit } from './kernel/errors.js';
import { assertionFailure, bodyFault } from './bodyfault.js';
import { Kernel, L_USER_CHOOSE } from './kernel/kernel.js';
import { label, labelText } from './kernel/labels.js';
import {
  EXEC_IDLE,
  EXEC_QUIT,
  EXEC_WORDS,
  IterState,
  kBusy,
  kIdleExecutors,
  kIteration,
  kIterSeed,
  kExplore,
  kExploreExitAtomic,
  kMode,
  kStrategy,
  T_ARG,
  T_BODY,
  SIM_NR_CPUS,
  T_CPU,
  T_PARK,
  T_TGID,
  X_BUSY,
  X_MAILBOX,
  X_READY,
  X_RUNS,
  kIterState,
  type LayoutConfig,
} from './kernel/layout.js';
import { Footprint } from './kernel/footprint.js';
import { cmpxchg, fetchAdd, loadOnce, Order, storeOnce } from './kernel/access.js';
import { KernelMemory } from './kernel/memory.js';
import { deriveSeed, localRng } from './kernel/prng.js';
import { bindShared, isScenario, sharedAddr, type Scenario, type ThreadContext } from './kernel/scenario.js';
import { controlled, waitFirstTurn } from './explore/controlled.js';
import { strategyById, type Strategy } from './explore/index.js';
import { Sys } from './kernel/sys.js';
import { userTick } from './kernel/tick.js';
import { loadSubsystems } from './kernel/subsystem.js';
import { doExit } from './kernel/task.js';
import { markRunnable, markWaiting, SpinPolicy } from './kernel/sched.js';
import { exitToUserMode } from './kernel/signal.js';

export interface ExecutorArgs {
  readonly sab: SharedArrayBuffer;
  readonly layout: LayoutConfig;
  readonly scenarioUrl: string;
  readonly exec: number;
  readonly variant: string;
  readonly params: Record<string, number | boolean | string>;
  readonly threads: number;
}

export interface ExecutorResult {
  readonly exec: number;
  readonly runs: number;
}

const L_USER = label('user');
const L_EXIT = label('sys_exit');

const idlePolicy = new SpinPolicy();

const scenarios = new Map<string, Scenario>();

async function loadScenario(url: string): Promise<Scenario> {
  let sc = scenarios.get(url);
  if (!sc) {
    // Before the import: Node reads a module's source map when it loads it,
    // and only while maps are enabled. A compiled scenario file carries one
    // (harness/catalog.ts), so a body's stack names the user's own file.
    process.setSourceMapsEnabled(true);
    const mod = (await import(url)) as { default?: unknown };
    if (!isScenario(mod.default)) throw new Error(`${url}: default export is not a defineScenario(...) result`);
    sc = mod.default;
    scenarios.set(url, sc);
  }
  return sc;
}

/** The piscina task: run simulated tasks until the harness posts EXEC_QUIT. */
export default async function runExecutor(args: ExecutorArgs): Promise<ExecutorResult> {
  const sc = await loadScenario(args.scenarioUrl);
  // The layout names every subsystem that owns a slice of the memory; load
  // those this scenario does not import itself, so the views agree.
  await loadSubsystems(args.layout.subsystems);
  const mem = new KernelMemory(args.sab, args.layout);
  mem.verify();
  const k = new Kernel(mem, false);
  bindShared(k, sc, { ...(sc.params ?? {}), ...args.params });
  k.exec = args.exec;
  k.scheduler = controlled;
  const bodies = new Map<number, (ctx: ThreadContext) => void>();
  for (const [name, fn] of Object.entries(sc.bodies)) bodies.set(label(name), fn as (ctx: ThreadContext) => void);
  const handlers = new Map<number, (ctx: ThreadContext, sig: number) => void>();
  for (const [name, fn] of Object.entries(sc.handlers ?? {})) handlers.set(label(`handler:${name}`), fn as never);

  const i32 = mem.i32;
  const xb = mem.L.executors + args.exec * EXEC_WORDS;
  const mb = xb + X_MAILBOX;
  let runs = 0;
  Atomics.store(i32, xb + X_READY, 1);
  Atomics.notify(i32, xb + X_READY);
  for (;;) {
    let m = Atomics.load(i32, mb);
    if (m === EXEC_IDLE) {
      Atomics.add(i32, kIdleExecutors, 1);
      // Spin for the next task only while a running task (which may clone)
      // leaves a core to spare; between iterations nothing runs and the
      // harness needs the cores to check, tear down and set up (sched.ts).
      if (idlePolicy.spinWhileRunning(i32, mb, EXEC_IDLE)) m = Atomics.load(i32, mb);
      while (m === EXEC_IDLE) {
        Atomics.wait(i32, mb, EXEC_IDLE);
        m = Atomics.load(i32, mb);
      }
      Atomics.sub(i32, kIdleExecutors, 1);
    }
    if (m === EXEC_QUIT) break;
    Atomics.store(i32, xb + X_BUSY, 1);
    runTask(k, sc, args, m, bodies, handlers);
    runs++;
    i32[xb + X_RUNS] = runs;
    // Idle before the share of kBusy is given back: the harness starts the
    // next iteration once kBusy is 0 and must find every mailbox idle. X_BUSY
    // stays set until the share is given back: an abort that gives up waiting
    // replaces exactly the executors that still owe one (pool.ts busy()).
    Atomics.store(i32, mb, EXEC_IDLE);
    if (Atomics.sub(i32, kBusy, 1) === 1) {
      // The last task of the iteration is done: tell the harness.
      Atomics.compareExchange(i32, kIterState, IterState.RUNNING, IterState.DONE);
      Atomics.notify(i32, kIterState);
    }
    Atomics.store(i32, xb + X_BUSY, 0);
  }
  Atomics.store(i32, mb, EXEC_IDLE);
  return { exec: args.exec, runs };
}

/**
 * Resolve the iteration's strategy from its id word when a task starts, and
 * keep it on the Kernel: decide() and clone use `k.strategy`, never the id.
 * Keyed by the id, not by kIteration: a hunt reruns the same iteration number
 * on the same pool with replay-order and replay (harness/hunt.ts).
 */
function resolveStrategy(k: Kernel): Strategy {
  const id = Atomics.load(k.i32, kStrategy);
  if (k.strategy?.id !== id) k.strategy = strategyById(id);
  return k.strategy!;
}

function runTask(
  k: Kernel,
  sc: Scenario,
  args: ExecutorArgs,
  slot: number,
  bodies: Map<number, (ctx: ThreadContext) => void>,
  handlers: Map<number, (ctx: ThreadContext, sig: number) => void>,
): void {
  const i32 = k.i32;
  k.cur = slot;
  k.curBase = k.base(slot);
  k.controlled = Atomics.load(i32, kMode) === 1;
  k.syncClock();
  // Exhaustive exploration records each step's footprint (kernel/footprint.ts).
  k.fp = k.controlled && Atomics.load(i32, kExplore) !== 0 ? new Footprint() : null;
  const iterSeed = Atomics.load(i32, kIterSeed);
  const tid = k.tid(slot);
  const strategy = resolveStrategy(k);
  k.perturber = k.controlled ? null : strategy.perturber(iterSeed, tid);
  k.chooseRng = localRng(deriveSeed(iterSeed, tid, 0xc4005e));
  // A task starts on simulated CPU slot % SIM_NR_CPUS (fixed, so that
  // per-CPU state depends neither on the host nor on which executor
  // happened to be idle: controlled replays stay exact); it migrates on
  // wake-up (sched.ts).
  k.tset(slot, T_CPU, slot % SIM_NR_CPUS);
  // Parallel mode: the task is on a CPU now (kNrRunning, which decides spinning in sched.ts).
  if (!k.controlled) markRunnable(i32, k.curBase + T_PARK);
  const ctx = makeContext(k, sc, args, slot, iterSeed, handlers);
  try {
    k.event(Ev.START, k.tget(slot, T_BODY));
    if (k.controlled) {
      waitFirstTurn(k);
      // Holding the baton: from here on the task's accesses go through the weak model, if the run has one.
      k.wm = k.mem.weak;
    }
    try {
      // ret_from_fork: pending task_work and signals before user code.
      exitToUserMode(k, 0, ctx.runHandler);
      const body = bodies.get(k.tget(slot, T_BODY));
      if (!body) throw new Error(`no thread body ${labelText(k.tget(slot, T_BODY))} in scenario ${sc.name}`);
      body(ctx.ctx);
      enterExit(k);
      doExit(k, 0);
    } catch (e) {
      if (!(e instanceof TaskExit)) throw e;
      k.event(Ev.EXIT, L_EXIT, 0, e.code);
      enterExit(k);
      doExit(k, e.code);
    }
  } catch (e) {
    if (e instanceof AbortIteration) {
      // The harness stopped the iteration: unwind quietly.
    } else if (e instanceof KernelFailure) {
      k.reportFailure(e.kind, e.message, e.spec);
    } else if (e instanceof TaskExit) {
      k.reportFailure(FailKind.CRASH, `tid ${tid}: task exit raised inside do_exit()`, null);
    } else {
      // A failed node:assert is an invariant failure, anything else a crash (bodyfault.ts).
      const f = bodyFault(e, tid, labelText(k.tget(slot, T_BODY)) || '?');
      k.reportFailure(f.kind, f.message, null, f.kind === FailKind.CRASH ? L_USER : 0);
    }
  } finally {
    k.wm = null;
    if (!k.controlled) markWaiting(i32, k.curBase + T_PARK);
    k.cur = -1;
    k.perturber = null;
    k.chooseRng = null;
    k.fp = null;
  }
}

/**
 * The body is done: under exploration with `explore.exit: 'atomic'` the
 * rest is one step, neither recorded nor branched (dfs.ts keeps running
 * the exiting task while it can).
 */
function enterExit(k: Kernel): void {
  if (k.fp !== null && Atomics.load(k.i32, kExploreExitAtomic) === 1) {
    k.fp.muted = true;
    // An unrecorded step must not change what other tasks' loads may read:
    // do_exit()'s barriers would make this task's stores visible everywhere,
    // an effect the exploration could not order. The exit runs outside the
    // weak memory model (sequentially consistent, like the scheduler).
    k.wm = null;
  }
}

interface BuiltContext {
  readonly ctx: ThreadContext;
  readonly runHandler: (handlerId: number, sig: number) => void;
}

function makeContext(
  k: Kernel,
  sc: Scenario,
  args: ExecutorArgs,
  slot: number,
  iterSeed: number,
  handlers: Map<number, (ctx: ThreadContext, sig: number) => void>,
): BuiltContext {
  const i32 = k.i32;
  const tid = k.tid(slot);
  let ctx: ThreadContext;
  const runHandler = (id: number, sig: number): void => {
    const h = handlers.get(id);
    if (!h) throw new KernelFailure(FailKind.CRASH, `signal ${sig}: no handler ${labelText(id)} in scenario ${sc.name}`);
    h(ctx, sig);
  };
  const sys = new Sys({
    k,
    runHandler,
    bodyId(name) {
      if (!sc.bodies[name]) throw new Error(`clone: no thread body "${name}" in scenario ${sc.name}`);
      return label(name);
    },
    handlerId(name) {
      if (!sc.handlers?.[name]) throw new Error(`sigaction: no handler "${name}" in scenario ${sc.name}`);
      return label(`handler:${name}`);
    },
  });
  const userPoint = (addr: number): void => {
    k.yieldPoint(L_USER, addr);
    // The scheduler tick in user mode (rcu_sched_clock_irq): subsystems that
    // count user-mode execution as quiescent hook it (kernel/tick.ts).
    userTick(k, slot);
    sys.interruptReturn();
  };
  const assert = (cond: unknown, message: string): void => {
    if (!cond) throw assertionFailure(message, assert);
  };
  ctx = {
    assert,
    tid,
    tgid: k.tget(slot, T_TGID),
    arg: k.tget(slot, T_ARG),
    params: sc.params ? { ...sc.params, ...args.params } : args.params,
    variant: args.variant,
    threads: args.threads,
    iteration: Atomics.load(i32, kIteration),
    sys,
    k,
    rng: localRng(deriveSeed(iterSeed, tid, 0x05e4)),
    addr: (name, i = 0) => sharedAddr(k, sc, name, i),
    load(name, i = 0) {
      const a = sharedAddr(k, sc, name, i);
      userPoint(a);
      return loadOnce(k, a);
    },
    store(name, v, i = 0) {
      const a = sharedAddr(k, sc, name, i);
      userPoint(a);
      storeOnce(k, a, v);
    },
    add(name, d, i = 0) {
      const a = sharedAddr(k, sc, name, i);
      userPoint(a);
      return fetchAdd(k, a, d, Order.FULL);
    },
    cas(name, expect, v, i = 0) {
      const a = sharedAddr(k, sc, name, i);
      userPoint(a);
      return cmpxchg(k, a, expect, v, Order.FULL);
    },
    yield() {
      userPoint(0);
    },
    choose(n) {
      return k.choose(n, L_USER_CHOOSE);
    },
  };
  return { ctx, runHandler };
}

export { EXEC_QUIT };
