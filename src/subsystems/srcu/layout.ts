/**
 * SRCU's slice of kernel memory (include/linux/srcutree.h: struct srcu_struct,
 * struct srcu_usage, struct srcu_data): a slab cache of srcu_structs, the id
 * counter for reports, and two task words the wait-for graph reads.
 *
 * Offsets inside an srcu_struct are the SS_* constants below; the cache id
 * and the task and global offsets are in `srcu` once a layout is computed.
 */
import { defineSubsystem } from '../../runtime/index.js';
import { SIM_NR_CPUS } from '../../runtime/kernel/layout.js';

export const SS_ID = 0;
/** ssp->srcu_idx: bit 0 selects the rank new readers use; only srcu_flip() changes it. */
export const SS_IDX = 1;
/** ssp->srcu_sup->srcu_gp_seq: completed GPs << 2 | state (SRCU_STATE_IDLE, SCAN1, SCAN2). */
export const SS_GP_SEQ = 2;
/** ssp->srcu_sup->srcu_gp_mutex (MUTEX_WORDS): one grace period drives the state machine at a time. */
export const SS_GP_MUTEX = 3; // 3..4
/** Wait queue a waiting updater sleeps on; srcu_read_unlock() wakes it (see tree.ts). */
export const SS_WQ = 5;
/** Grace periods completed (rcu_seq_ctr(srcu_gp_seq), kept for reports and torture). */
export const SS_COMPLETED = 6;
/** The rank the grace period is waiting to drain, plus one (0: not waiting). Torture's I-SRCU4 check reads it. */
export const SS_WAIT_IDX = 7;
/**
 * The CPUs this srcu_struct has counters for (nr_cpu_ids, 1..SRCU_CPUS):
 * for_each_possible_cpu() in the sums. Set once by init_srcu_struct().
 */
export const SS_NR_CPUS = 8;
/**
 * srcu_down_read() sections not yet ended by srcu_up_read(). Bookkeeping for
 * the wait-for graph only (no task holds such a section; lockdep does not
 * track them either), not part of the algorithm.
 */
export const SS_DOWN_READERS = 9;
/** Per-CPU counters, SRCU_CPUS of each: srcu_lock_count[0], [1], srcu_unlock_count[0], [1]. */
export const SS_COUNTS = 10;
/**
 * Counters per rank: one per simulated CPU of the machine (the core's
 * SIM_NR_CPUS; a task's CPU is smp_processor_id(), which changes when it
 * sleeps). A srcu_struct may use fewer (SS_NR_CPUS).
 */
export const SRCU_CPUS = SIM_NR_CPUS;
export const SS_WORDS = SS_COUNTS + 4 * SRCU_CPUS;

export const srcu = defineSubsystem({
  name: 'srcu',
  url: import.meta.url,
  global: {
    /** Next srcu_struct id (reports: "srcu_struct#2"). */
    srcu_next_id: 1,
  },
  task: {
    /** The srcu_struct this task holds a read lock on (wait-for graph only, not part of the algorithm). */
    srcu_held: 1,
    /** Its read-side nesting. */
    srcu_nesting: 1,
  },
  caches: {
    srcu_struct: {
      words: SS_WORDS,
      capacity: 8,
      fields: { [SS_IDX]: 'srcu_idx', [SS_GP_SEQ]: 'srcu_gp_seq', [SS_GP_MUTEX]: 'srcu_gp_mutex', [SS_WQ]: 'gp_wait' },
    },
  },
});
