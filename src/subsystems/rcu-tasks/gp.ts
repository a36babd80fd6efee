/**
 * The classic RCU Tasks grace period (kernel/rcu/tasks.h: rcu_tasks_one_gp()
 * around rcu_tasks_wait_gp()), run by synchronize_rcu_tasks() in the
 * caller's context under tasks_gp_mutex:
 *
 *   rcu_seq_start(&tasks_gp_seq)
 *   pregp     synchronize_rcu()                   (rcu_tasks_pregp_step())
 *   scan      for_each_process_thread: rcu_tasks_pertask(t)
 *   postscan  SRCU design: synchronize_srcu(&tasks_rcu_exit_srcu)
 *             list design: rcu_tasks_pertask() for every task on an exit list
 *   holdouts  sleep fract jiffies, check_all_holdout_tasks(), until none is left
 *   postgp    synchronize_rcu()                   (rcu_tasks_postgp())
 *   rcu_seq_end(&tasks_gp_seq)
 *
 * Quiescent states: a voluntary context switch (nvcsw changes), blocking
 * (on_rq = 0), cond_resched_tasks_rcu_qs() and user-mode execution (both
 * clear t->rcu_tasks_holdout). Preemption is *not* quiescent.
 *
 * pregp's and postgp's synchronize_rcu() are real RCU grace periods
 * (subsystems/rcu). Both order every CPU's on_rq/nvcsw updates, which the
 * scheduler makes with interrupts disabled, against the grace period: that
 * half of their job shows only under a weak memory model. postgp's also
 * waits for exiting tasks to finish do_exit()'s final preempt-disabled
 * region (after exit_tasks_rcu_finish() took them off the exit list, until
 * their final schedule()), which neither the scan nor the postscan sees:
 * that half shows under sequentially consistent memory too (R9-postgp).
 *
 * Time is scaled: one jiffy is RT_JIFFY_MS; fract starts at 1 jiffy and
 * grows by one per pass up to HZ/10 jiffies. A grace period that has made
 * RT_STALL_PASSES passes is a stall (the kernel's rcu_task_stall_timeout,
 * scaled): reported as a deadlock when the wait-for graph has a cycle through
 * the updater, otherwise as a gp-stall. Jiffies are real time in parallel
 * mode, and on an oversubscribed host a runnable task can go without a CPU
 * for longer than that: while a runnable holdout has not passed a single
 * yield point during the last pass, the host is stalled, not RCU Tasks, and
 * the report waits (the harness's watchdog and iteration limit still bound
 * the wait).
 *
 * Planted bugs (docs/RCU.md, "Planted bugs"): R2 (list design, every
 * exit-list task a holdout until it leaves the list, asleep or not),
 * R7 (no postscan), R8 (preemption accepted as quiescent), R9-pregp and
 * R9-postgp (no synchronize_rcu() there), busted (synchronize_rcu_tasks()
 * returns at once).
 */
import {
  buildWaitGraph,
  FailKind,
  finishWait,
  KernelFailure,
  label,
  loadOnce,
  loadPlain,
  mutexLock,
  mutexUnlock,
  prepareToWait,
  registerUserTickHook,
  scheduleTimeout,
  smpMb,
  storeOnce,
  storePlain,
  TASK_UNINTERRUPTIBLE,
  type Kernel,
} from '../../runtime/index.js';
import { kNextSlot, SIM_NR_CPUS, SlotState, T_NIVCSW, T_NVCSW, T_ON_RQ, T_RING_HEAD, T_SLOT } from '../../runtime/kernel/layout.js';
import { synchronizeRcu } from '../rcu/index.js';
import { BUSTED, synchronizeSrcu } from '../srcu/index.js';
import { srcuDesign } from './design.js';
import { exitListTasks, lockExitList, unlockExitList } from './exitlist.js';
import { I_RT1 } from './invariants.js';
import { rcuTasks } from './layout.js';
import { R2, R7, R8, R9_POSTGP, R9_PREGP } from './mutants.js';
import { RCU_TASKS_GP_WAIT } from './waitgraph.js';

/** One simulated jiffy, in milliseconds of real time (parallel mode). */
export const RT_JIFFY_MS = 0.1;
/** HZ/10 jiffies: where fract stops growing (scaled down from HZ). */
export const RT_MAX_FRACT = 10;
/** Holdout passes before a grace period counts as stalled. */
export const RT_STALL_PASSES = 400;

const L = {
  sync: label('rcu_tasks:synchronize_rcu_tasks'),
  gpMutex: label('rcu_tasks:tasks_gp_mutex'),
  pregp: label('rcu_tasks:pregp synchronize_rcu()'),
  pertask: label('rcu_tasks:rcu_tasks_pertask'),
  postscan: label('rcu_tasks:rcu_tasks_postscan'),
  holdoutSleep: label('rcu_tasks:holdout sleep (schedule_timeout_idle)'),
  check: label('rcu_tasks:check_holdout_task'),
  postgp: label('rcu_tasks:postgp synchronize_rcu()'),
  qs: label('rcu_tasks:cond_resched_tasks_rcu_qs'),
};

/** Address of task `t`'s field at offset `field`. */
function tf(k: Kernel, t: number, field: number): number {
  return k.base(t) + field;
}

/** READ_ONCE(t->nvcsw), the context-switch count check_holdout_task() compares (R8: nvcsw + nivcsw). */
function switchCount(k: Kernel, t: number): number {
  const v = loadOnce(k, tf(k, t, T_NVCSW));
  // R8: preemption taken as quiescent: an involuntary switch changes the
  // count check_holdout_task() compares, so a reader preempted inside its
  // critical section is released from the holdout list.
  return k.mutant(R8) ? v + loadOnce(k, tf(k, t, T_NIVCSW)) : v;
}

/**
 * rcu_tasks_pertask(t, hop): a runnable task other than the caller becomes
 * a holdout, with a snapshot of its voluntary switch count. R2 makes every
 * exit-list task a holdout whatever its state (`force`).
 */
function rcuTasksPertask(k: Kernel, t: number, holdouts: number[], force = false): void {
  if (t === k.cur) return;
  if (!force && loadOnce(k, tf(k, t, T_ON_RQ)) === 0) return;
  storePlain(k, tf(k, t, rcuTasks.task.rcu_tasks_nvcsw), switchCount(k, t));
  storeOnce(k, tf(k, t, rcuTasks.task.rcu_tasks_holdout), 1);
  holdouts.push(t);
}

/** The scan: for_each_process_thread() under rcu_read_lock(). */
function scanTasks(k: Kernel, holdouts: number[]): void {
  const n = loadOnce(k, kNextSlot);
  for (let t = 1; t < n; t++) {
    k.yieldPoint(L.pertask);
    if (k.tget(t, T_SLOT) !== SlotState.LINKED) continue;
    rcuTasksPertask(k, t, holdouts);
  }
}

/** rcu_tasks_postscan(): the tasks that already left the task list but not the CPU. */
function postscan(k: Kernel, holdouts: number[]): void {
  k.yieldPoint(L.postscan);
  if (srcuDesign(k)) {
    // Wait for every task between exit_tasks_rcu_start() and _finish().
    synchronizeSrcu(k, loadPlain(k, rcuTasks.global.tasks_rcu_exit_srcu));
    return;
  }
  for (let cpu = 0; cpu < SIM_NR_CPUS; cpu++) {
    lockExitList(k, cpu);
    try {
      for (const t of exitListTasks(k, cpu)) {
        // list_empty(&t->rcu_tasks_holdout_list): not a holdout yet.
        if (loadOnce(k, tf(k, t, rcuTasks.task.rcu_tasks_holdout)) !== 0) continue;
        rcuTasksPertask(k, t, holdouts, k.mutant(R2));
      }
    } finally {
      if (!k.aborted) unlockExitList(k, cpu);
    }
  }
}

/** check_holdout_task(): is `t` still a holdout? */
function checkHoldoutTask(k: Kernel, t: number): boolean {
  k.yieldPoint(L.check);
  const holdout = tf(k, t, rcuTasks.task.rcu_tasks_holdout);
  // R2: an exiting task stays a holdout for as long as it is on an exit
  // list, asleep or not (the SRCU design's semantics on the list design).
  if (k.mutant(R2) && !srcuDesign(k) && k.tget(t, rcuTasks.task.rcu_tasks_exit_cpu) !== 0 && loadOnce(k, holdout) !== 0) return true;
  if (
    loadOnce(k, holdout) === 0 ||
    loadPlain(k, tf(k, t, rcuTasks.task.rcu_tasks_nvcsw)) !== switchCount(k, t) ||
    loadOnce(k, tf(k, t, T_ON_RQ)) === 0
  ) {
    storeOnce(k, holdout, 0);
    return false;
  }
  return true;
}

/** The holdout loop's sleep: a timed wait whose breadcrumb names the holdouts (wait-for graph). */
function holdoutSleep(k: Kernel, fract: number): void {
  prepareToWait(k, RCU_TASKS_GP_WAIT, rcuTasks.global.holdouts, 0, TASK_UNINTERRUPTIBLE, L.holdoutSleep);
  scheduleTimeout(k, fract * RT_JIFFY_MS, L.holdoutSleep, true);
  finishWait(k, 0);
}

/**
 * How far each task has got: the events it has recorded, one per yield point
 * (lockstep's instrumentation, not kernel state; see the header).
 */
function progressOf(k: Kernel, tasks: readonly number[]): Map<number, number> {
  return new Map(tasks.map((t) => [t, k.tget(t, T_RING_HEAD)]));
}

/** A holdout that is runnable but passed no yield point since the last pass: the host did not run it. */
function hostStarved(k: Kernel, holdouts: readonly number[], seen: ReadonlyMap<number, number>): boolean {
  return holdouts.some((t) => k.isRunnable(t) && k.tget(t, T_RING_HEAD) === seen.get(t));
}

function stall(k: Kernel, holdouts: readonly number[], passes: number): never {
  // Report while still "asleep" in the holdout loop, so that the graph has
  // the updater's edge to its holdouts.
  prepareToWait(k, RCU_TASKS_GP_WAIT, rcuTasks.global.holdouts, 0, TASK_UNINTERRUPTIBLE, L.holdoutSleep);
  const g = buildWaitGraph(k);
  const inCycle = g.cycle?.some((c) => c.tid === k.curTid) ?? false;
  const who = holdouts.map((t) => k.tid(t)).join(', ');
  const msg = `INFO: rcu_tasks detected stalls on tasks: ${who} (grace period ${rcuTasksCompleted(k) + 1}, ${passes} holdout passes)`;
  if (inCycle) throw k.fail(new KernelFailure(FailKind.DEADLOCK, `${msg}; the holdouts wait, directly or not, for the updater`, I_RT1));
  throw k.fail(new KernelFailure(FailKind.GP_STALL, `${msg}\n${g.report}`, I_RT1));
}

/** synchronize_rcu_tasks(). */
export function synchronizeRcuTasks(k: Kernel): void {
  const g = rcuTasks.global;
  k.yieldPoint(L.sync);
  if (k.mutant(BUSTED)) return;
  mutexLock(k, g.tasks_gp_mutex, L.gpMutex);
  try {
    // rcu_seq_start(&rtp->tasks_gp_seq) (kernel/rcu/rcu.h): WRITE_ONCE, then
    // smp_mb() "Ensure update-side operation after counter increment."
    storeOnce(k, g.gp_started, loadPlain(k, g.gp_started) + 1);
    smpMb(k);
    k.yieldPoint(L.pregp);
    // rcu_tasks_pregp_step(): "Wait for all pre-existing t->on_rq and
    // t->nvcsw transitions to complete."
    if (!k.mutant(R9_PREGP)) synchronizeRcu(k);
    const holdouts: number[] = [];
    scanTasks(k, holdouts);
    // R7: no postscan: a task preempted in the exit window, off the task
    // list, is not waited for.
    if (!k.mutant(R7)) postscan(k, holdouts);
    let fract = 1;
    let passes = 0;
    let left = holdouts;
    let seen = progressOf(k, left);
    while (left.length > 0) {
      storeOnce(k, g.holdouts, left.length);
      holdoutSleep(k, fract);
      passes++;
      storeOnce(k, g.holdout_passes, passes);
      left = left.filter((t) => checkHoldoutTask(k, t));
      if (left.length > 0 && passes >= RT_STALL_PASSES && !hostStarved(k, left, seen)) stall(k, left, passes);
      seen = progressOf(k, left);
      if (fract < RT_MAX_FRACT) fract++;
    }
    storeOnce(k, g.holdouts, 0);
    k.yieldPoint(L.postgp);
    // rcu_tasks_postgp(): besides ordering, "this synchronize_rcu() waits for
    // exiting tasks to complete their final preempt_disable() region of
    // execution". R9-postgp: a task still in that region, off the task list
    // and off its exit list, is not waited for.
    if (!k.mutant(R9_POSTGP)) synchronizeRcu(k);
    // rcu_seq_end(&rtp->tasks_gp_seq): smp_mb() "Ensure update-side
    // operation before counter increment.", then WRITE_ONCE.
    smpMb(k);
    storeOnce(k, g.tasks_gp_seq, loadPlain(k, g.tasks_gp_seq) + 1);
  } finally {
    if (!k.aborted) mutexUnlock(k, g.tasks_gp_mutex, L.gpMutex);
  }
}

/** Completed RCU Tasks grace periods (rcu_seq_current(&tasks_gp_seq): a READ_ONCE). */
export function rcuTasksCompleted(k: Kernel): number {
  return loadOnce(k, rcuTasks.global.tasks_gp_seq);
}

/**
 * rcu_tasks_qs(t, false) (include/linux/rcupdate.h):
 * `if (READ_ONCE(t->rcu_tasks_holdout)) WRITE_ONCE(t->rcu_tasks_holdout, false)`.
 */
function rcuTasksQs(k: Kernel, slot: number): void {
  const holdout = tf(k, slot, rcuTasks.task.rcu_tasks_holdout);
  if (loadOnce(k, holdout) !== 0) storeOnce(k, holdout, 0);
}

/** cond_resched_tasks_rcu_qs(): a voluntary quiescent state without blocking. */
export function condReschedTasksRcuQs(k: Kernel): void {
  k.yieldPoint(L.qs);
  rcuTasksQs(k, k.cur);
}

// The scheduler tick in user mode (rcu_sched_clock_irq -> rcu_tasks_qs()):
// user-mode execution is an RCU Tasks quiescent state.
registerUserTickHook(rcuTasksQs);
