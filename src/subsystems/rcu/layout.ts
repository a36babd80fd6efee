/**
 * RCU's slice of kernel memory: the grace-period state of `rcu_state`
 * (kernel/rcu/tree.h) that synchronize_rcu() needs here, and the task_struct
 * fields of a reader (include/linux/sched.h: rcu_read_lock_nesting under
 * CONFIG_PREEMPT_RCU; the preempt count, which the kernel keeps per CPU or in
 * thread_info). Offsets are in `rcu` once a layout is computed.
 *
 * lockstep's simulated CPUs are not exclusive (several tasks may run on
 * one at once), so quiescent states are tracked per task, not per CPU
 * (docs/RCU.md, "RCU"): `rcu_reader_seq` is odd while the task is inside a
 * read-side critical section and even outside, and a grace period
 * snapshots it, as rcu_watching_snap_save() snapshots a CPU's watching
 * counter in kernel/rcu/tree.c.
 */
import { defineSubsystem } from '../../runtime/index.js';
import { MUTEX_WORDS } from '../../runtime/kernel/layout.js';

export const rcu = defineSubsystem({
  name: 'rcu',
  url: import.meta.url,
  global: {
    /** rcu_state.gp_seq: completed grace periods << 1 | 1 while one is in progress (rcu_seq_start()/rcu_seq_end()). */
    gp_seq: 1,
    /** One grace period at a time, as rcu_gp_kthread() runs them; concurrent synchronize_rcu() callers queue here. */
    gp_mutex: MUTEX_WORDS,
    /** The word a waiting synchronize_rcu() sleeps on (its breadcrumb object); a reader's outermost unlock wakes it. */
    gp_wait: 1,
    /** Sleepers on gp_wait (the reader's lockless wq_has_sleeper() check). */
    gp_waiters: 1,
  },
  task: {
    /** t->rcu_read_lock_nesting (rcu_read_lock() depth). */
    rcu_read_lock_nesting: 1,
    /** preempt_count()'s preemption-disable depth (preempt_disable(), and do_exit()'s final region). */
    preempt_count: 1,
    /** Odd while inside a read-side critical section (either depth above non-zero), even outside. */
    rcu_reader_seq: 1,
    /** The rcu_reader_seq the grace period in progress waits to see change (0: not waited for). */
    rcu_gp_snap: 1,
  },
});
