/**
 * TRANSITION ONLY (removed when every subsystem owns its slice): the fixed
 * offsets subsystems used before `defineSubsystem`. While this file exists the
 * core reserves their ranges (task words 40..63, header 64..127, cred 4..15,
 * signal_struct 12..23, cache ids 7..14) and places declared slices after them.
 */
import type { CacheSpec } from './layout.js';

/** Next srcu_struct id (reports: "srcu_struct#2"). */
export const kSrcuNextId = 67;
/** Next pid_namespace id. */
export const kPidNsNextId = 68;
/**
 * RCU Tasks (the classic flavour, `struct rcu_tasks rcu_tasks`; spec 3b). Set
 * up by a scenario that uses it (`rcuTasksInit`); while kRcuTasksOn is 0 the
 * do_exit hooks cost one load.
 */
export const kRcuTasksOn = 69;
/** SRCU design (2015..v6.9): handle of tasks_rcu_exit_srcu. */
export const kRcuTasksExitSrcu = 70;
/** Completed RCU Tasks grace periods (rtp->tasks_gp_seq / 2, simplified). */
export const kRcuTasksGpSeq = 71;
/** rtp->tasks_gp_mutex (MUTEX_WORDS): one grace period at a time. */
export const kRcuTasksGpMutex = 72; // 72..73
/** Holdout passes of the current grace period (stall accounting). */
export const kRcuTasksPasses = 74;
/** Tasks on the current grace period's holdout list. */
export const kRcuTasksHoldouts = 75;
/** Grace periods started (a GP in flight has started > completed). */
export const kRcuTasksGpStarted = 76;
/** R13's "event_mutex" (MUTEX_WORDS): held across synchronize_rcu_tasks() and taken in the exit window. */
export const kRcuTasksR13Mutex = 78; // 78..79
/**
 * List design (v6.9+): per-CPU `rtp_exit_list` heads with their raw
 * spinlocks, RT_EXIT_WORDS per simulated CPU: lock, then a list_head.
 */
export const kRcuTasksExitLists = 80; // 80..95
export const RT_EXIT_WORDS = 4;
export const RTE_LOCK = 0; // SPINLOCK_WORDS
export const RTE_HEAD = 2; // list_head: next, prev (absolute word addresses)

/** RCU Tasks (spec 3b): t->rcu_tasks_holdout, t->rcu_tasks_nvcsw. */
export const T_RCU_TASKS_HOLDOUT = 46;
export const T_RCU_TASKS_NVCSW = 47;
/** SRCU design: t->rcu_tasks_idx, the tasks_rcu_exit_srcu index held, plus one (0: not held). */
export const T_RCU_TASKS_IDX = 48;
/** List design: t->rcu_tasks_exit_cpu, plus one (0: not on an exit list). */
export const T_RCU_TASKS_EXIT_CPU = 49;
/** List design: t->rcu_tasks_exit_list, a list_head (next, prev as absolute word addresses). */
export const T_RCU_TASKS_EXIT_LIST = 50; // 50..51
/** task_active_pid_ns(): handle of the task's pid_namespace (0: the initial namespace). */
export const T_PID_NS = 52;
/** nsproxy->pid_ns_for_children: where this task's future children go (0: the initial namespace). */
export const T_PID_NS_FOR_CHILDREN = 53;
/** The task's pid number in its own namespace (upid.nr at its level; 0 in the initial namespace). */
export const T_PID_NR = 54;
/** SRCU readers (wait-for graph only): the srcu_struct this task holds a read lock on, and its nesting. */
export const T_SRCU_HELD = 55;
export const T_SRCU_NESTING = 56;



// ----- cache: srcu_struct (Tree SRCU, spec 3c5) ---------------------------------------
export const SS_ID = 0;
/** ssp->srcu_idx: bit 0 selects the rank new readers use; only srcu_flip() changes it. */
export const SS_IDX = 1;
/** ssp->srcu_gp_seq: completed GPs << 2 | state (SRCU_STATE_IDLE, SCAN1, SCAN2). */
export const SS_GP_SEQ = 2;
/** srcu_gp_mutex (MUTEX_WORDS): one grace period drives the state machine at a time. */
export const SS_GP_MUTEX = 3; // 3..4
/** Wait queue a waiting updater sleeps on; srcu_read_unlock() wakes it (see srcu/tree.ts). */
export const SS_WQ = 5;
/** Grace periods completed (srcu_gp_seq >> 2, kept for reports and torture). */
export const SS_COMPLETED = 6;
/** The rank the grace period is waiting to drain, plus one (0: not waiting). Torture's I-SRCU4 check reads it. */
export const SS_WAIT_IDX = 7;
/** Per-CPU counters, SRCU_CPUS of each: srcu_lock_count[0], [1], srcu_unlock_count[0], [1]. */
export const SS_COUNTS = 8;
/** Counter slots per rank ("per CPU"): a reader uses its task slot modulo this. */
export const SRCU_CPUS = 64;
export const SS_WORDS = SS_COUNTS + 4 * SRCU_CPUS;

// ----- cache: pid_namespace (spec 3b) ------------------------------------------------
export const PN_ID = 0;
export const PN_LEVEL = 1;
/** Handle of the parent namespace (0: the initial namespace). */
export const PN_PARENT = 2;
/** pid_ns->child_reaper (tid), 0 until the first task is forked into the namespace. */
export const PN_CHILD_REAPER = 3;
/** pid_ns->pid_allocated: allocated pids plus PIDNS_ADDING while allocation is enabled. */
export const PN_PID_ALLOCATED = 4;
/** pid_ns->reboot (0 or the signal reboot_pid_ns() chose). */
export const PN_REBOOT = 5;
/** The idr cursor: next pid number to hand out (1 for the child reaper). */
export const PN_NEXT_NR = 6;
export const PN_WORDS = 8;
/** PIDNS_ADDING (1U << 31 in the kernel; bit 30 here so that the word stays a positive int32). */
export const PIDNS_ADDING = 1 << 30;


export const LEGACY_CACHES: CacheSpec[] = [
  {
    id: 13,
    name: 'srcu_struct',
    words: SS_WORDS,
    capacity: 8,
    fields: { [SS_IDX]: 'srcu_idx', [SS_GP_SEQ]: 'srcu_gp_seq', [SS_GP_MUTEX]: 'srcu_gp_mutex', [SS_WQ]: 'gp_wait' },
  },
  {
    id: 14,
    name: 'pid_namespace',
    words: PN_WORDS,
    capacity: 32,
    fields: { [PN_CHILD_REAPER]: 'child_reaper', [PN_PID_ALLOCATED]: 'pid_allocated' },
  },
];

export const LEGACY_CACHE = {
  srcu_struct: 13,
  pid_namespace: 14,
} as const;
