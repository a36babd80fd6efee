/**
 * RCU readers (include/linux/rcupdate.h, kernel/rcu/tree_plugin.h,
 * include/linux/preempt.h): rcu_read_lock()/rcu_read_unlock() of
 * CONFIG_PREEMPT_RCU, and preempt_disable()/preempt_enable(), which since
 * the v4.20 flavour consolidation synchronize_rcu() waits for as well (the
 * old RCU-sched readers).
 *
 * A reader may be preempted (any of its yield points); it may not sleep.
 * The kernel catches a voluntary sleep inside a read-side critical section
 * only with debugging on (RCU_LOCKDEP_WARN "Illegal context switch in RCU
 * read-side critical section", "BUG: scheduling while atomic"); lockstep has
 * no hook in schedule() for a subsystem, so it does not check this, and a
 * reader that sleeps on the updater shows up as a deadlock instead.
 *
 * The kernel's read side executes no memory barrier: a grace period learns
 * of a CPU's quiescent state through the scheduler, the scheduling-clock
 * interrupt and IPIs (rcu_qs(), rcu_report_qs_rdp() under the rcu_node
 * lock). lockstep has none of these, so the outermost entry and exit carry
 * one smp_mb() each, standing in for that path: with synchronize_rcu()'s
 * barriers they make the store-buffering pairs the weak memory model needs
 * (--memory-model weak; under sequential consistency a fence is free).
 */
import { bug, label, loadOnce, loadPlain, smpMb, storeOnce, wakeUp, type Kernel } from '../../runtime/index.js';
import { rcu } from './layout.js';

const L = {
  lock: label('rcu:rcu_read_lock'),
  unlock: label('rcu:rcu_read_unlock'),
};

function field(k: Kernel, slot: number, f: number): number {
  return k.base(slot) + f;
}

/** Read-side depth of task `slot`: rcu_read_lock() nesting plus preemption-disable depth (the task's own words). */
function depth(k: Kernel, slot: number): number {
  return loadPlain(k, field(k, slot, rcu.task.rcu_read_lock_nesting)) + loadPlain(k, field(k, slot, rcu.task.preempt_count));
}

/** One level deeper in `counter`; the outermost entry starts a read-side critical section. */
function enter(k: Kernel, counter: number): void {
  const me = k.cur;
  const outer = depth(k, me) === 0;
  const c = field(k, me, counter);
  // The task's own counters, READ_ONCE/WRITE_ONCE so that a grace period
  // (and the rcu-preempt-only mutant) may look at them from another CPU.
  storeOnce(k, c, loadPlain(k, c) + 1);
  if (!outer) return;
  const seq = field(k, me, rcu.task.rcu_reader_seq);
  storeOnce(k, seq, loadPlain(k, seq) + 1);
  // Stands in for the quiescent-state reporting path (see the header): the
  // entry is ordered before the critical section's accesses.
  smpMb(k);
}

/** One level shallower; the outermost exit ends the section and wakes a waiting grace period. */
function exit(k: Kernel, counter: number, what: string): void {
  const me = k.cur;
  const c = field(k, me, counter);
  const v = loadPlain(k, c);
  // WARN_ON_ONCE(rrln < 0) in __rcu_read_unlock(); preempt_count_sub()'s
  // DEBUG_PREEMPT underflow check.
  if (v <= 0) throw k.fail(bug(`${what} without a matching lock/disable (tid ${k.curTid})`));
  storeOnce(k, c, v - 1);
  if (depth(k, me) === 0) endSection(k, me);
}

/**
 * The end of task `slot`'s read-side critical section: the critical
 * section's accesses are ordered before the quiescent state, then a waiting
 * synchronize_rcu() is woken (wakeUp() does wq_has_sleeper()'s smp_mb()).
 */
function endSection(k: Kernel, slot: number): void {
  smpMb(k);
  const seq = field(k, slot, rcu.task.rcu_reader_seq);
  storeOnce(k, seq, loadPlain(k, seq) + 1);
  wakeUp(k, rcu.global.gp_wait, rcu.global.gp_waiters, 0);
}

/** rcu_read_lock(). A preemption point, then the nesting count. */
export function rcuReadLock(k: Kernel): void {
  k.yieldPoint(L.lock);
  enter(k, rcu.task.rcu_read_lock_nesting);
}

/** rcu_read_unlock(). A preemption point, then the nesting count; the outermost unlock is the quiescent state. */
export function rcuReadUnlock(k: Kernel): void {
  k.yieldPoint(L.unlock);
  exit(k, rcu.task.rcu_read_lock_nesting, 'rcu_read_unlock()');
}

/** preempt_disable(): a compiler barrier and the count, no preemption point. */
export function preemptDisable(k: Kernel): void {
  enter(k, rcu.task.preempt_count);
}

/** preempt_enable(). */
export function preemptEnable(k: Kernel): void {
  exit(k, rcu.task.preempt_count, 'preempt_enable()');
}

/** rcu_read_lock_any_held(): is the current task inside a read-side critical section of either kind? */
export function rcuReadLockAnyHeld(k: Kernel): boolean {
  return depth(k, k.cur) !== 0;
}

/** Is task `slot` inside a read-side critical section? (READ_ONCE of its rcu_reader_seq, from any task.) */
export function inReadSide(k: Kernel, slot: number): boolean {
  return (loadOnce(k, field(k, slot, rcu.task.rcu_reader_seq)) & 1) !== 0;
}

/**
 * exit_rcu() (kernel/rcu/tree_plugin.h): a task that exits inside
 * rcu_read_lock() has its nesting dropped, as if it had unlocked. Its
 * section may go on if preemption is disabled (do_exit()'s final region).
 */
export function exitRcu(k: Kernel): void {
  const me = k.cur;
  const c = field(k, me, rcu.task.rcu_read_lock_nesting);
  if (loadPlain(k, c) === 0) return;
  storeOnce(k, c, 0);
  if (depth(k, me) === 0) endSection(k, me);
}

/**
 * do_task_dead()'s __schedule() (kernel/sched/core.c): rcu_note_context_switch()
 * reports the dying task's last quiescent state, which ends do_exit()'s final
 * preempt-disabled region; that preempt count is never dropped, it goes with
 * the task.
 */
export function rcuNoteFinalSwitch(k: Kernel): void {
  const me = k.cur;
  const inside = depth(k, me) !== 0;
  storeOnce(k, field(k, me, rcu.task.rcu_read_lock_nesting), 0);
  storeOnce(k, field(k, me, rcu.task.preempt_count), 0);
  if (inside) endSection(k, me);
}
