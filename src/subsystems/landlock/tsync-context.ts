/**
 * The structures of security/landlock/tsync.c, as payloads of their slab
 * caches (declared in layout.ts): struct tsync_shared_context, struct
 * tsync_work, and the pointer array of struct tsync_works. The kernel keeps
 * them private to tsync.c; so does lockstep, apart from the declaration.
 */

// ----- struct tsync_shared_context (on the TSYNC caller's stack) ----------------
export const TS_OLD_CRED = 0;
export const TS_NEW_CRED = 1;
export const TS_SET_NNP = 2; // set_no_new_privs
export const TS_PREP_ERROR = 3; // preparation_error (atomic_t)
export const TS_NUM_PREPARING = 4; // atomic_t
export const TS_ALL_PREPARED = 5; // struct completion (COMPLETION_WORDS)
export const TS_READY_TO_COMMIT = 7; // struct completion (COMPLETION_WORDS)
export const TS_NUM_UNFINISHED = 9; // atomic_t
export const TS_ALL_FINISHED = 10; // struct completion (COMPLETION_WORDS)
/** Not in the kernel's struct: the caller's tid, for the wait-for graph. */
export const TS_CALLER = 12;
/** Instrumentation for I-LL4: the caller has executed S3. */
export const TS_S3_DONE = 13;
/** Instrumentation for I-LL6: times all_finished was completed. */
export const TS_FINISHED_COUNT = 14;
export const TS_WORDS = 16;
export const TS_FIELDS = {
  [TS_NUM_PREPARING]: 'num_preparing',
  [TS_ALL_PREPARED]: 'all_prepared',
  [TS_READY_TO_COMMIT]: 'ready_to_commit',
  [TS_NUM_UNFINISHED]: 'num_unfinished',
  [TS_ALL_FINISHED]: 'all_finished',
} as const;

// ----- struct tsync_work (one per sibling) ----------------------------------------
/** task: the sibling's tid, 0 after tsync_works_trim(). */
export const TW_TASK = 0;
/** shared_ctx: handle of the tsync_shared_context. */
export const TW_SHARED = 1;
/** work: handle of its callback_head (embedded in the kernel; one kzalloc there). */
export const TW_CB = 2;
/** Not in the kernel's struct: progress for the wait-for graph (QUEUED, PREPARED, FINISHED in tsync.ts). */
export const TW_STATE = 3;
export const TW_WORDS = 4;

// ----- struct tsync_works: its `works` array of pointers ---------------------------
/** Most works one call can hold (krealloc_array() has no such bound; the slab object does). */
export const TWA_MAX = 256;
export const TWA_WORDS = TWA_MAX;
