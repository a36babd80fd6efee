/**
 * TRANSITION ONLY (removed when every subsystem owns its slice): the fixed
 * offsets subsystems used before `defineSubsystem`. While this file exists the
 * core reserves their ranges (task words 40..63, header 64..127, cred 4..15,
 * signal_struct 12..23, cache ids 7..14) and places declared slices after them.
 */
import type { CacheSpec } from './layout.js';

/** Landlock is not initialised at boot (landlock_restrict_self returns -EOPNOTSUPP). */
export const kLandlockDisabled = 64;
/** Next Landlock domain id (audit-style identity of a domain). */
export const kLandlockNextId = 65;
/** Next seccomp filter id. */
export const kSeccompNextId = 66;

/** seccomp (struct seccomp): mode, filter head (handle), filter_count, SYSCALL_WORK_SECCOMP. */
export const T_SECCOMP_MODE = 40;
export const T_SECCOMP_FILTER = 41;
export const T_SECCOMP_FILTER_COUNT = 42;
export const T_SYSCALL_WORK = 43;
/** execve in progress: set between check_unsafe_exec() and the cred commit (I-SC7). */
export const T_IN_EXEC = 44;
/** What check_unsafe_exec() sampled (LSM_UNSAFE_NO_NEW_PRIVS ...). */
export const T_EXEC_UNSAFE = 45;


/** landlock_cred(cred)->domain: handle of a landlock_ruleset that is a domain, or 0. */
export const CRED_LL_DOMAIN = 4;
export const CRED_LL_LOG_SUBDOMAINS_OFF = 5;
export const CRED_LL_DOMAIN_EXEC = 6;

/** A small file descriptor table (fds 3..10): handles of `file` objects. */
export const SIG_FDTABLE = 12; // 12..19
export const FDTABLE_SIZE = 8;
export const FD_BASE = 3;
/** Landlock: TSYNC calls of this thread group inside S2..S5 right now (I-LL8), and the most seen. */
export const SIG_LL_TSYNC_ACTIVE = 20;
export const SIG_LL_TSYNC_MAX = 21;

// ----- cache: file (what a file descriptor refers to) ----------------------
export const FILE_KIND = 0; // FileKind
export const FILE_MODE = 1; // FMODE_* bits
export const FILE_OBJ = 2; // handle of the object (a landlock_ruleset ...)
export const FILE_WORDS = 4;
export const FileKind = { RULESET: 1, REGULAR: 2, SECCOMP_LISTENER: 3 } as const;
export const FMODE_READ = 1;
export const FMODE_CAN_READ = 2;

// ----- cache: landlock_ruleset (rulesets and domains) ------------------------
export const LR_IS_DOMAIN = 0;
export const LR_NUM_LAYERS = 1;
/** Domains: the parent domain (handle) this one stacks on. */
export const LR_PARENT = 2;
export const LR_ACCESS_FS = 3;
/** LANDLOCK_SCOPE_* handled by this ruleset / this domain's top layer. */
export const LR_SCOPE = 4;
export const LR_ID = 5;
/** Hierarchy logging flags of the top layer (log_same_exec, log_new_exec). */
export const LR_LOG = 6;
export const LR_WORDS = 8;

// ----- cache: tsync_shared_context (on the TSYNC caller's stack) ---------------
export const TS_OLD_CRED = 0;
export const TS_NEW_CRED = 1;
export const TS_SET_NNP = 2;
export const TS_PREP_ERROR = 3;
export const TS_NUM_PREPARING = 4;
export const TS_ALL_PREPARED = 5; // COMPLETION_WORDS
export const TS_READY_TO_COMMIT = 7; // COMPLETION_WORDS
export const TS_NUM_UNFINISHED = 9;
export const TS_ALL_FINISHED = 10; // COMPLETION_WORDS
export const TS_CALLER = 12;
/** Instrumentation for I-LL4: the caller has executed S3. */
export const TS_S3_DONE = 13;
/** Instrumentation for I-LL6: times all_finished was completed. */
export const TS_FINISHED_COUNT = 14;
export const TS_WORDS = 16;

// ----- cache: tsync_work (one per sibling) ---------------------------------------
export const TW_TASK = 0; // tid, 0 after trim
export const TW_SHARED = 1; // handle of the tsync_shared_context
export const TW_CB = 2; // handle of its callback_head
/** Progress of the work, for the wait-for graph: 1 queued, 2 prepared (past T2), 3 finished. */
export const TW_STATE = 3;
export const TW_WORDS = 4;

// ----- cache: seccomp_filter -------------------------------------------------------
/** The slab refcount (S_REF) is the filter's `refs`; `users` is a payload field. */
export const SF_USERS = 0;
/** Handle of the previous filter in the chain (holds a refs and a users reference). */
export const SF_PREV = 1;
/** Filter program: the syscall number it acts on (-1: none) and the action (SECCOMP_RET_*). */
export const SF_SYSCALL = 2;
export const SF_ACTION = 3;
/** Instruction count (len), for MAX_INSNS_PER_PATH. */
export const SF_LEN = 4;
export const SF_LOG = 5;
/** 1 if a listener (NEW_LISTENER) is attached; the listener file holds a refs reference. */
export const SF_HAS_LISTENER = 6;
/** Set once users reached 0: the listener saw EPOLLHUP (__seccomp_filter_orphan). */
export const SF_ORPHANED = 7;
export const SF_ID = 8;
export const SF_WORDS = 12;

// ----- cache: tsync_works_array (struct tsync_works' pointer array) ---------------
export const TWA_MAX = 256;
export const TWA_WORDS = TWA_MAX;


export const LEGACY_CACHES: CacheSpec[] = [
  { id: 7, name: 'file', words: FILE_WORDS, capacity: 256, fields: { [FILE_OBJ]: 'private_data' } },
  {
    id: 8,
    name: 'landlock_ruleset',
    words: LR_WORDS,
    capacity: 1024,
    fields: { [LR_NUM_LAYERS]: 'num_layers', [LR_PARENT]: 'parent' },
  },
  {
    id: 9,
    name: 'tsync_shared_context',
    words: TS_WORDS,
    capacity: 64,
    fields: {
      [TS_NUM_PREPARING]: 'num_preparing',
      [TS_ALL_PREPARED]: 'all_prepared',
      [TS_READY_TO_COMMIT]: 'ready_to_commit',
      [TS_NUM_UNFINISHED]: 'num_unfinished',
      [TS_ALL_FINISHED]: 'all_finished',
    },
  },
  { id: 10, name: 'tsync_work', words: TW_WORDS, capacity: 1024, fields: { [TW_TASK]: 'task' } },
  { id: 11, name: 'tsync_works_array', words: TWA_WORDS, capacity: 64, fields: {} },
  {
    id: 12,
    name: 'seccomp_filter',
    words: SF_WORDS,
    capacity: 512,
    fields: { [SF_USERS]: 'users', [SF_PREV]: 'prev' },
  },
];

export const LEGACY_CACHE = {
  file: 7,
  landlock_ruleset: 8,
  tsync_shared_context: 9,
  tsync_work: 10,
  tsync_works_array: 11,
  seccomp_filter: 12,
} as const;
