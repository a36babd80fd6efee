/**
 * Sleeping and waking: the one spin-then-park mechanism every primitive uses.
 *
 * The kernel pattern is kept literally:
 *
 *     for (;;) {
 *         prepareToWait(...)            // publish the breadcrumb, set_current_state()
 *         if (condition) break;
 *         if (signal_pending_state(state, current)) { ret = -EINTR; break; }
 *         schedule();
 *     }
 *     finishWait(...)
 *
 * A waiter publishes *what it waits on* (its breadcrumb: kind, object
 * address, label, sleep state) before it re-checks the condition; a waker
 * changes the condition before it scans the breadcrumbs. All of these are
 * sequentially consistent Atomics, so either the waiter sees the new
 * condition or the waker sees the breadcrumb: no lost wake-up (the Dekker
 * argument the kernel makes with set_current_state()'s barrier).
 *
 * The breadcrumb is also the only "stack" a parked worker has: a thread in
 * Atomics.wait cannot answer messages, so the watchdog reads breadcrumbs to
 * build the wait-for graph.
 *
 * Parallel mode parks on the task's own park word (1 while the task runs
 * or has been woken, 0 while it waits): it spins only where spinning can
 * win, then Atomics.wait. Spinning wins when the waker is on a CPU and the
 * spinner has a core of its own; otherwise the spinner steals the core its
 * waker needs (146 µs handoffs against a 10 µs futex, issue 16; ~100
 * handoffs/s with 4 runnable threads on 2 cores, docs/ARCHITECTURE.md §5).
 * So, as the kernel's optimistic spinning spins only while the lock owner
 * runs, park() reads the state first: kNrRunning (tasks not waiting,
 * counting the woken ones the OS has not run yet) and kSpinners. What the
 * state cannot show (other processes on the cores) comes from the kernel's
 * count of runnable threads (cpuload.ts) and from the thread's own failed
 * spins (SpinPolicy).
 */
import { performance } from 'node:perf_hooks'; // not the global accessor (kernel.ts)
import { Order, cmpxchg, fetchAdd, loadOnce, smpMb, smpMbAfterSpinlock, storeOnce } from './access.js';
import { CORES, coresFor } from './cpuload.js';
import {
  Ev,
  TASK_NORMAL,
  TASK_RUNNING,
  WaitKind,
} from './constants.js';
import { bug } from './errors.js';
import {
  kDelayWaiters,
  kDelayWake,
  kNrRunning,
  kSpinners,
  kWaitTicket,
  SIM_NR_CPUS,
  T_CPU,
  T_NVCSW,
  T_ON_RQ,
  T_PARK,
  T_SPINS_HELD,
  T_STATE,
  T_TIMED,
  T_WAIT_AUX,
  T_WAIT_KIND,
  T_WAIT_LABEL,
  T_WAIT_OBJ,
  T_WAIT_TICKET,
  T_YIELDING,
  YIELD_POLL,
  YIELD_TIMED,
} from './layout.js';
import type { Kernel } from './kernel.js';
import { enqueueTask } from './runqueue.js';
import { settleCurrent } from './weakhooks.js';

/**
 * Longest spin before parking, in µs: about one futex wake-up of a thread
 * whose core is idle on these machines (30-50 µs: the idle vCPU must be
 * woken). A shorter spin (15 µs before) runs out whenever the waker itself
 * had been parked and has to be woken first, backs off, and the pair never
 * settles into spinning: a 57 µs handoff on free cores where spinning takes
 * 1.4-2.2 µs (issue 16). Spins happen only when the cores are free, so the
 * longer window costs nobody else's CPU.
 */
export const SPIN_US = 50;
/** After failed spins, skip spinning for 1, 2, 4 ... up to this many parks. */
const MAX_SPIN_SKIP = 64;

/**
 * What a thread has learnt from its own spins. A spin that runs out (the
 * waker did not come within SPIN_US), or that wins only after `slowUs` (the
 * waker got a core late: other work shares the cores, and the spin itself
 * may have been what kept the waker off), means the cores are busier than
 * the counters show: skip the next spins, twice as many after each such
 * spin; one quick win resets it. Wasted spins are then at most one park in
 * MAX_SPIN_SKIP under steady load.
 */
export class SpinPolicy {
  private skip = 0;
  private backoff = 0;
  /** The clock (performance.now()) when the last spin that won saw the word change. */
  wonAt = 0;
  constructor(private readonly slowUs = SPIN_US / 2) {}

  /**
   * Spin on word `w` while it holds `idle` (0: a park word), unless inside
   * the backoff of earlier spins or unless `ours` (this session's threads
   * that want a core while we spin, ourselves and the other spinners
   * included) and the machine's other runnable threads (cpuload.ts) do not
   * fit on the cores; true if it changed meanwhile (no need to block).
   * `t0`: the clock now, if the caller has just read it.
   */
  spin(i32: Int32Array, w: number, idle: number, ours: number, t0?: number): boolean {
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    const start = t0 ?? performance.now();
    if (!coresFor(ours, start)) return false;
    const end = spinWhile(i32, w, idle, start);
    if (end >= 0 && (end - start) * 1000 <= this.slowUs) this.backoff = 0;
    else {
      this.backoff = Math.min(MAX_SPIN_SKIP, Math.max(1, this.backoff * 2));
      this.skip = this.backoff;
    }
    if (end < 0) return false;
    this.wonAt = end;
    return true;
  }

  /**
   * spin() on word `w` only if some task of the run is running, so that
   * somebody can change the word (the kernel's optimistic spinning spins
   * only while the owner runs), counting the running tasks, the spinners and
   * ourselves as the threads that want a core meanwhile.
   */
  spinWhileRunning(i32: Int32Array, w: number, idle: number, t0?: number): boolean {
    const running = Atomics.load(i32, kNrRunning); // lockstep-internal
    return running >= 1 && this.spin(i32, w, idle, running + Atomics.load(i32, kSpinners) + 1, t0); // lockstep-internal
  }
}

/**
 * Spin until word `w` no longer holds `idle`, for at most SPIN_US from the
 * clock reading `t0`; the clock (performance.now()) when it saw the change,
 * -1 if it ran out. Counted in kSpinners meanwhile, so that no more threads
 * spin than there are cores to spare.
 */
export function spinWhile(i32: Int32Array, w: number, idle = 0, t0 = performance.now()): number {
  Atomics.add(i32, kSpinners, 1); // lockstep-internal
  let t = t0;
  let won = false;
  // The clock costs ~50 ns, one load ~8: read the clock every 64 loads.
  for (;;) {
    for (let i = 0; i < 64; i++) {
      if (Atomics.load(i32, w) !== idle) { // lockstep-internal
        won = true;
        break;
      }
    }
    t = performance.now();
    if (won || t - t0 > SPIN_US / 1000) break;
  }
  Atomics.sub(i32, kSpinners, 1); // lockstep-internal
  return won ? t : -1;
}

/**
 * Parallel mode's runnable count (kNrRunning): the task stops waiting (its
 * park word goes 0 -> 1). The exchange makes exactly one of the racing
 * parties (a waker, the task's own timeout or finishWait) count it back.
 * A count that drifts (an abort wakes without counting; beginIteration
 * resets it) only changes whether a later park spins, never correctness.
 */
export function markRunnable(i32: Int32Array, pw: number): void {
  if (Atomics.exchange(i32, pw, 1) === 0) Atomics.add(i32, kNrRunning, 1); // lockstep-internal
}

/**
 * A task stopped running and `running` tasks remain (markWaiting):
 * a core is free for a yielding thread, and a sleeping one may now be alone.
 * Both re-check (explore/delay.ts); a sleep that is not over and not alone blocks again.
 */
function wakeDelayed(i32: Int32Array, running: number): void {
  if (running <= CORES && Atomics.load(i32, kDelayWaiters) !== 0) { // lockstep-internal
    Atomics.add(i32, kDelayWake, 1); // lockstep-internal
    Atomics.notify(i32, kDelayWake); // lockstep-internal
  }
}

/**
 * The task starts waiting (park word 1 -> 0), or leaves the CPU for good; a
 * perturbation delay waiting for a free core or for being alone re-checks.
 */
export function markWaiting(i32: Int32Array, pw: number): void {
  if (Atomics.exchange(i32, pw, 0) !== 0) wakeDelayed(i32, Atomics.sub(i32, kNrRunning, 1) - 1); // lockstep-internal
}

const parkPolicy = new SpinPolicy();

/** Publish the breadcrumb and enter sleep state `state` (set_current_state). */
export function prepareToWait(
  k: Kernel,
  kind: number,
  obj: number,
  waitersAddr: number,
  state: number,
  lbl: number,
  aux = 0,
): void {
  const i32 = k.i32;
  const b = k.curBase;
  if (kind !== WaitKind.SPINLOCK && loadOnce(k, b + T_SPINS_HELD) > 0) {
    // might_sleep(): sleeping with a spinlock held is a kernel bug.
    throw k.fail(bug(`BUG: sleeping function called from invalid context (tid ${k.curTid} holds a spinlock)`));
  }
  if (!k.controlled) markWaiting(i32, b + T_PARK);
  storeOnce(k, b + T_WAIT_KIND, kind);
  storeOnce(k, b + T_WAIT_LABEL, lbl);
  storeOnce(k, b + T_WAIT_AUX, aux);
  storeOnce(k, b + T_WAIT_TICKET, fetchAdd(k, kWaitTicket, 1, Order.RELAXED));
  if (waitersAddr > 0) fetchAdd(k, waitersAddr, 1, Order.RELAXED);
  storeOnce(k, b + T_STATE, state);
  storeOnce(k, b + T_WAIT_OBJ, obj);
  // set_current_state() is smp_store_mb() (include/linux/sched.h): the sleep
  // state and the breadcrumb are visible before the caller re-checks its
  // condition. This pairs with the waker's barrier in wakeUp().
  smpMb(k);
}

/** Back to TASK_RUNNING and clear the breadcrumb. */
export function finishWait(k: Kernel, waitersAddr: number): void {
  const i32 = k.i32;
  const b = k.curBase;
  storeOnce(k, b + T_STATE, TASK_RUNNING);
  storeOnce(k, b + T_WAIT_OBJ, 0);
  storeOnce(k, b + T_WAIT_KIND, 0);
  Atomics.store(i32, b + T_YIELDING, 0); // lockstep-internal
  // The condition held without a wake-up: the task counts itself runnable.
  if (!k.controlled) markRunnable(i32, b + T_PARK);
  if (waitersAddr > 0) fetchAdd(k, waitersAddr, -1, Order.RELAXED);
}

/**
 * Give up the CPU until woken. Returns at once if a waker already set the
 * task back to TASK_RUNNING. A voluntary switch: nvcsw++, on_rq = 0.
 */
export function schedule(k: Kernel, lbl: number): void {
  const b = k.curBase;
  if (loadOnce(k, b + T_STATE) === TASK_RUNNING) return;
  // One clock reading stamps the block event and starts park()'s spin; a
  // spin that wins stamps the wake: the clock costs ~50 ns here, and a
  // spinning handoff read it three times a side in this function (issue 16).
  const blocked = performance.now();
  k.event(Ev.BLOCK, lbl, loadOnce(k, b + T_WAIT_OBJ), loadOnce(k, b + T_WAIT_KIND), blocked);
  // __schedule(): rq_lock() + smp_mb__after_spinlock() before the switch is accounted.
  smpMbAfterSpinlock(k);
  fetchAdd(k, b + T_NVCSW, 1, Order.RELAXED);
  storeOnce(k, b + T_ON_RQ, 0);
  let woke: number | undefined;
  if (k.controlled) blockedControlled(k, lbl);
  else woke = park(k, b + T_PARK, blocked);
  migrateOnWake(k);
  storeOnce(k, b + T_ON_RQ, 1);
  k.checkAbort();
  k.event(Ev.WAKE, lbl, 0, 0, woke);
}

/**
 * select_task_rq() on wake-up: a task that slept resumes on the next
 * simulated CPU. Deterministic, so replays stay exact; it is what makes
 * per-CPU state recorded before a sleep differ from smp_processor_id()
 * after it, as on a real kernel (kernel/sched/core.c: select_task_rq()).
 */
function migrateOnWake(k: Kernel): void {
  const b = k.curBase;
  storeOnce(k, b + T_CPU, (loadOnce(k, b + T_CPU) + 1) % SIM_NR_CPUS);
}

/**
 * Controlled mode: the scheduler runs the others until this task is picked
 * again. Its reads of task states are the runtime's, outside the weak memory
 * model. Back on the CPU, every store made so far has propagated to this
 * task (WeakMemory.settle): a sleep is not where a stale value is produced,
 * and a task polling a flag across sleeps must eventually see it.
 */
function blockedControlled(k: Kernel, lbl: number): void {
  const wm = k.wm;
  k.wm = null;
  k.scheduler!.blocked(k, lbl);
  k.wm = wm;
  if (wm !== null) settleCurrent(k);
}

/**
 * Wait on park word `pw` until a waker sets it; `t0` is the clock when the
 * task blocked. Returns the clock when it saw the wake-up if it already read
 * it (woken at once: `t0`; a spin that won: its last reading), else
 * undefined.
 */
function park(k: Kernel, pw: number, t0: number): number | undefined {
  const i32 = k.i32;
  if (Atomics.load(i32, pw) !== 0) return t0; // lockstep-internal
  // Spin only if somebody runs who can wake us, and every runnable task,
  // every spinner, we ourselves and the machine's other work still fit on the cores.
  if (parkPolicy.spinWhileRunning(i32, pw, 0, t0)) return parkPolicy.wonAt;
  while (Atomics.load(i32, pw) === 0) Atomics.wait(i32, pw, 0); // lockstep-internal: park
  return undefined;
}

/**
 * schedule_timeout(): sleep until woken or until `ms` elapse. Returns true if
 * woken, false on timeout. In controlled mode time is not real: the timeout
 * fires only when nothing else can run, or, for a short polling sleep
 * (`poll`), whenever the strategy picks the sleeper.
 */
export function scheduleTimeout(k: Kernel, ms: number, lbl: number, poll = false): boolean {
  const i32 = k.i32;
  const b = k.curBase;
  const st = loadOnce(k, b + T_STATE);
  if (st === TASK_RUNNING) return true;
  k.event(Ev.BLOCK, lbl, loadOnce(k, b + T_WAIT_OBJ), loadOnce(k, b + T_WAIT_KIND));
  // schedule_timeout() sleeps in schedule(): __schedule()'s rq_lock() + smp_mb__after_spinlock(), as in schedule() above.
  smpMbAfterSpinlock(k);
  fetchAdd(k, b + T_NVCSW, 1, Order.RELAXED);
  storeOnce(k, b + T_ON_RQ, 0);
  let woken = true;
  migrateOnWake(k);
  if (k.controlled) {
    Atomics.store(i32, b + T_YIELDING, poll ? YIELD_POLL : YIELD_TIMED); // lockstep-internal
    Atomics.store(i32, b + T_TIMED, 0); // lockstep-internal
    blockedControlled(k, lbl);
    woken = Atomics.load(i32, b + T_TIMED) === 0; // lockstep-internal
    Atomics.store(i32, b + T_TIMED, 0); // lockstep-internal
  } else {
    const pw = b + T_PARK;
    if (Atomics.load(i32, pw) === 0) Atomics.wait(i32, pw, 0, ms); // lockstep-internal: park
    if (Atomics.load(i32, pw) === 0) { // lockstep-internal
      // Timed out, unless a waker wins the race to TASK_RUNNING first (then
      // the waker counts the task runnable).
      woken = cmpxchg(k, b + T_STATE, st, TASK_RUNNING, Order.FULL) !== st;
      if (!woken) markRunnable(i32, pw);
    }
  }
  Atomics.store(i32, b + T_YIELDING, 0); // lockstep-internal
  storeOnce(k, b + T_ON_RQ, 1);
  k.checkAbort();
  k.event(Ev.WAKE, lbl);
  return woken;
}

/**
 * try_to_wake_up(): if task `slot` sleeps in a state matching `stateMask`,
 * make it runnable. Parallel mode also unparks it; in controlled mode it
 * runs when the strategy picks it.
 */
export function tryToWakeUp(k: Kernel, slot: number, stateMask: number): boolean {
  const i32 = k.i32;
  const b = k.base(slot);
  // raw_spin_lock_irqsave(&p->pi_lock) + smp_mb__after_spinlock() before reading
  // p->__state (kernel/sched/core.c: try_to_wake_up()): the waker's half of the
  // pairing with set_current_state(), for callers that do not go through wakeUp().
  smpMbAfterSpinlock(k);
  const st = loadOnce(k, b + T_STATE);
  if ((st & stateMask) === 0) return false;
  if (cmpxchg(k, b + T_STATE, st, TASK_RUNNING, Order.FULL) !== st) return false;
  // ttwu_do_activate() -> enqueue_task(): the next decision looks at it again.
  enqueueTask(k, slot);
  if (!k.controlled) {
    markRunnable(i32, b + T_PARK);
    Atomics.notify(i32, b + T_PARK, 1);
  }
  return true;
}

export function wakeUpProcess(k: Kernel, slot: number): boolean {
  return tryToWakeUp(k, slot, TASK_NORMAL);
}

/**
 * __wake_up(): wake tasks sleeping on `obj`. `nrExclusive` 0 wakes all,
 * n wakes the n oldest (FIFO by wait ticket). The waiter count at
 * `waitersAddr` lets the common no-waiter case skip the scan.
 */
export function wakeUp(k: Kernel, obj: number, waitersAddr: number, nrExclusive: number, mask = TASK_NORMAL): number {
  // The waker changed the condition before calling here; wq_has_sleeper()
  // (include/linux/wait.h) puts smp_mb() between that store and the read of
  // the waiter count, pairing with set_current_state() in prepareToWait().
  smpMb(k);
  if (waitersAddr > 0 && loadOnce(k, waitersAddr) === 0) return 0;
  const n = k.nrSlots();
  const L = k.L;
  if (nrExclusive === 0) {
    let woken = 0;
    for (let s = 1; s < n; s++) {
      if (loadOnce(k, L.tasks + s * L.taskWords + T_WAIT_OBJ) === obj && tryToWakeUp(k, s, mask)) woken++;
    }
    return woken;
  }
  let woken = 0;
  while (woken < nrExclusive) {
    let best = -1;
    let bestTicket = 0;
    for (let s = 1; s < n; s++) {
      const b = L.tasks + s * L.taskWords;
      if (loadOnce(k, b + T_WAIT_OBJ) !== obj) continue;
      if ((loadOnce(k, b + T_STATE) & mask) === 0) continue;
      const t = loadOnce(k, b + T_WAIT_TICKET);
      if (best < 0 || t - bestTicket < 0) {
        best = s;
        bestTicket = t;
      }
    }
    if (best < 0) break;
    if (tryToWakeUp(k, best, mask)) woken++;
  }
  return woken;
}

