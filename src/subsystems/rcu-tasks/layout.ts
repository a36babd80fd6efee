/**
 * RCU Tasks' slice of kernel memory: the classic flavour's `struct rcu_tasks
 * rcu_tasks` and its per-CPU exit lists (kernel/rcu/tasks.h), and the
 * task_struct fields under CONFIG_TASKS_RCU (include/linux/sched.h).
 * Offsets are in `rcuTasks` once a layout is computed.
 */
import { defineSubsystem } from '../../runtime/index.js';
import { MUTEX_WORDS, SIM_NR_CPUS } from '../../runtime/kernel/layout.js';

/** One rtp_exit_list per simulated CPU: its raw spinlock, then the list_head. */
export const RT_EXIT_WORDS = 4;
export const RTE_LOCK = 0; // SPINLOCK_WORDS
export const RTE_HEAD = 2; // list_head: next, prev (absolute word addresses)

export const rcuTasks = defineSubsystem({
  name: 'rcu-tasks',
  url: import.meta.url,
  global: {
    /** Set up by a scenario that uses RCU Tasks (`rcuTasksInit`); while 0 the do_exit hooks cost one load. */
    rcu_tasks_on: 1,
    /** SRCU design (2015..v6.9): handle of tasks_rcu_exit_srcu. */
    tasks_rcu_exit_srcu: 1,
    /** Completed grace periods (rtp->tasks_gp_seq's counter; its state bits live in gp_started). */
    tasks_gp_seq: 1,
    /** rtp->tasks_gp_mutex (MUTEX_WORDS): one grace period at a time. */
    tasks_gp_mutex: MUTEX_WORDS,
    /** Holdout passes of the current grace period (stall accounting). */
    holdout_passes: 1,
    /** Tasks on the current grace period's holdout list; also the object the holdout loop sleeps on. */
    holdouts: 1,
    /** Grace periods started (a GP in flight has started > completed): rcu_seq_start() of tasks_gp_seq. */
    gp_started: 1,
    /** R13's "event_mutex" (MUTEX_WORDS): held across synchronize_rcu_tasks() and taken in the exit window. */
    event_mutex: MUTEX_WORDS,
    /** List design (v6.9+): the per-CPU rtp_exit_list heads with their raw spinlocks. */
    exit_lists: SIM_NR_CPUS * RT_EXIT_WORDS,
  },
  task: {
    /** t->rcu_tasks_holdout. */
    rcu_tasks_holdout: 1,
    /** t->rcu_tasks_nvcsw: the nvcsw snapshot rcu_tasks_pertask() took. */
    rcu_tasks_nvcsw: 1,
    /** SRCU design: t->rcu_tasks_idx, the tasks_rcu_exit_srcu index held, plus one (0: not held). */
    rcu_tasks_idx: 1,
    /** List design: t->rcu_tasks_exit_cpu, plus one (0: not on an exit list). */
    rcu_tasks_exit_cpu: 1,
    /** List design: t->rcu_tasks_exit_list, a list_head (next, prev as absolute word addresses). */
    rcu_tasks_exit_list: 2,
  },
});
