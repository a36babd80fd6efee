/**
 * synchronize_rcu() (kernel/rcu/tree.c), run in the caller's context: the
 * caller is its own grace-period kthread (rcu_gp_kthread()), one grace
 * period at a time under gp_mutex.
 *
 *   rcu_seq_start(&gp_seq)
 *   rcu_gp_init / rcu_gp_fqs: snapshot every task inside a read-side
 *                critical section (odd rcu_reader_seq), as
 *                rcu_watching_snap_save() snapshots each CPU's counter
 *   wait until every snapshotted task's counter has moved
 *                (rcu_watching_snap_recheck(): it passed through a quiescent state)
 *   rcu_seq_end(&gp_seq)
 *
 * The guarantee (I-RCU1): a reader whose critical section began before
 * synchronize_rcu() started has ended before it returns. A task outside
 * every read-side critical section is quiescent at every instant, which is
 * what a context switch (rcu_note_context_switch() -> rcu_qs()) or a tick in
 * user mode (rcu_sched_clock_irq(user)) reports for its CPU in the kernel; a
 * reader preempted inside rcu_read_lock() keeps the grace period waiting, as
 * rcu_preempt_note_context_switch() queues it on rnp->blkd_tasks.
 *
 * The waiting caller sleeps and the outermost unlock wakes it (reader.ts),
 * so a grace period blocked on a reader is a sleeping task with a
 * breadcrumb and shows up in the wait-for graph.
 *
 * Planted bugs (docs/RCU.md, "Planted bugs"): rcu-gp-early (stop waiting
 * once one reader has left), rcu-preempt-only (ignore preempt-disabled
 * regions, the pre-v4.20 RCU-preempt flavour).
 */
import {
  bug,
  finishWait,
  label,
  loadOnce,
  loadPlain,
  mutexLock,
  mutexUnlock,
  prepareToWait,
  schedule,
  smpMb,
  storeOnce,
  TASK_UNINTERRUPTIBLE,
  type Kernel,
} from '../../runtime/index.js';
import { settleCurrent } from '../../runtime/kernel/weakhooks.js';
import { rcu } from './layout.js';
import { RCU_GP_EARLY, RCU_PREEMPT_ONLY } from './mutants.js';
import { rcuReadLockAnyHeld } from './reader.js';
import { RCU_GP_WAIT } from './waitgraph.js';

const L = {
  gpMutex: label('rcu:synchronize_rcu: gp_mutex (rcu_gp_kthread)'),
  wait: label('rcu:wait for pre-existing readers'),
};

function snapAddr(k: Kernel, t: number): number {
  return k.base(t) + rcu.task.rcu_gp_snap;
}
function seqAddr(k: Kernel, t: number): number {
  return k.base(t) + rcu.task.rcu_reader_seq;
}

/**
 * The tasks this grace period must wait for: every task (the caller
 * excepted: it is not a reader, checked above) whose counter is odd now,
 * with the value recorded in its rcu_gp_snap.
 */
function snapshotReaders(k: Kernel): number[] {
  const out: number[] = [];
  const n = k.nrSlots();
  for (let t = 1; t < n; t++) {
    if (t === k.cur) continue;
    const s = loadOnce(k, seqAddr(k, t));
    if ((s & 1) === 0) continue;
    // rcu-preempt-only: a task in a preempt-disabled region but not in
    // rcu_read_lock() is taken for quiescent.
    if (k.mutant(RCU_PREEMPT_ONLY) && loadOnce(k, k.base(t) + rcu.task.rcu_read_lock_nesting) === 0) continue;
    storeOnce(k, snapAddr(k, t), s);
    out.push(t);
  }
  return out;
}

/** Has task `t` passed through a quiescent state since the snapshot? Clears its snapshot if so. */
function passedQs(k: Kernel, t: number): boolean {
  if (loadOnce(k, seqAddr(k, t)) === loadOnce(k, snapAddr(k, t))) return false;
  storeOnce(k, snapAddr(k, t), 0);
  return true;
}

/**
 * synchronize_rcu(). Its preemption points are gp_mutex's lock and unlock
 * and the sleep: the snapshot follows the lock's, and a grace period with no
 * reader to wait for costs two steps (every RCU Tasks grace period runs two).
 */
export function synchronizeRcu(k: Kernel): void {
  const g = rcu.global;
  // RCU_LOCKDEP_WARN(lock_is_held(&rcu_lock_map) || ...): a reader that
  // waits for a grace period waits for itself.
  if (rcuReadLockAnyHeld(k)) throw k.fail(bug(`Illegal synchronize_rcu() in RCU read-side critical section (tid ${k.curTid})`));
  mutexLock(k, g.gp_mutex, L.gpMutex);
  try {
    // rcu_seq_start() (kernel/rcu/rcu.h): WRITE_ONCE, then smp_mb().
    storeOnce(k, g.gp_seq, loadPlain(k, g.gp_seq) + 1);
    smpMb(k);
    let waiting = snapshotReaders(k);
    const before = waiting.length;
    if (waiting.length > 0) {
      for (;;) {
        prepareToWait(k, RCU_GP_WAIT, g.gp_wait, g.gp_waiters, TASK_UNINTERRUPTIBLE, L.wait);
        waiting = waiting.filter((t) => !passedQs(k, t));
        // rcu-gp-early: the first reader to leave ends the grace period.
        if (waiting.length === 0 || (k.mutant(RCU_GP_EARLY) && waiting.length < before)) break;
        schedule(k, L.wait);
        finishWait(k, g.gp_waiters);
      }
      finishWait(k, g.gp_waiters);
      for (const t of waiting) storeOnce(k, snapAddr(k, t), 0);
    }
    // The grace period's memory-ordering guarantee for every CPU, readers or
    // not (kernel/rcu/tree.c, synchronize_rcu()'s comment): "when
    // synchronize_rcu() returns, each CPU is guaranteed to have executed a
    // full memory barrier since the end of its last RCU read-side critical
    // section whose beginning preceded the call". A task outside every
    // read-side critical section is quiescent here without executing
    // anything, so that barrier is not in its code; and the caller sleeps in
    // wait_rcu_gp() until the grace period ends, which lockstep's scheduler
    // turns into settle() for a task back from a sleep. So: every store made
    // so far has reached the caller (stronger than the kernel, which only
    // promises the stores made before each CPU's quiescent state; it only
    // removes behaviours). This is what RCU Tasks' pregp and postgp
    // synchronize_rcu() rely on to order the scheduler's on_rq/nvcsw updates
    // (kernel/rcu/tasks.h: rcu_tasks_pregp_step(), rcu_tasks_postgp()).
    settleCurrent(k);
    // rcu_seq_end(): smp_mb(), then WRITE_ONCE.
    smpMb(k);
    storeOnce(k, g.gp_seq, loadPlain(k, g.gp_seq) + 1);
  } finally {
    if (!k.aborted) mutexUnlock(k, g.gp_mutex, L.gpMutex);
  }
}

/** Completed grace periods (rcu_seq_ctr() of a READ_ONCE of gp_seq). */
export function rcuCompleted(k: Kernel): number {
  return loadOnce(k, rcu.global.gp_seq) >> 1;
}
