/**
 * The planted bugs of seccomp TSYNC (docs/SECCOMP.md, "Planted bugs and
 * historical designs"), one definition each. Each sits as a small delta
 * beside the code it breaks, behind `k.mutant(Sn)`; several touch more than
 * one file (S2, S3, S5, S9), hence one table here. S14 and S15 are lockstep's
 * own plants (S14 is the order lockstep itself used before it reserved the
 * fd first), not bugs the kernel had.
 *
 * S8 (publication order) is planted in two halves, each a missing barrier
 * that only `--memory-model weak` can show (docs/SECCOMP.md, S8).
 */
import { defineMutant } from '../../runtime/index.js';

export const S1 = defineMutant('S1', "overwrite: the ancestry check is skipped, every thread's chain is replaced by the caller's");
export const S2 = defineMutant('S2', 'siglock dropped between seccomp_can_sync_threads() and seccomp_sync_threads()');
export const S3 = defineMutant('S3', 'TSYNC does not take cred_guard_mutex (v8)');
export const S4 = defineMutant('S4', 'no NNP propagation to synced threads');
export const S5 = defineMutant('S5', 'is_ancestor(NULL, x) returns 0');
export const S6 = defineMutant('S6', 'get_seccomp_filter() forgets users++ (refcount mistake)');
export const S7 = defineMutant('S7', 'filters released at exit (6.11) but PF_EXITING threads not skipped by can_sync/sync');
export const S8_PLAIN_FILTER = defineMutant('S8-plain-filter', "seccomp_sync_threads() publishes thread->seccomp.filter with a plain store, not smp_store_release()");
export const S8_FLAG_FIRST = defineMutant('S8-flag-first', 'seccomp_assign_mode() without smp_mb__before_atomic(): SYSCALL_WORK_SECCOMP may be seen before the mode and filter (the v9 barrier)');
export const S9 = defineMutant('S9', 'the TID is returned despite TSYNC_ESRCH; TSYNC|NEW_LISTENER accepted without TSYNC_ESRCH');
export const S10 = defineMutant('S10', 'TSYNC refused while the caller has no filter yet (the v11 bug)');
export const S11 = defineMutant('S11', 'filter_count not copied to synced threads');
export const S12 = defineMutant('S12', 'copy_seccomp() outside siglock, before the last failure point of copy_process()');
export const S13 = defineMutant('S13', 'a TSYNC failure returns the TID although NEW_LISTENER was requested (return-value collision)');
export const S14 = defineMutant('S14', "NEW_LISTENER's fd taken after the filter is attached and synced: a full fd table fails the call after the point of no return");
export const S15 = defineMutant('S15', "TSYNC waits for cred_guard_mutex uninterruptibly (mutex_lock): a sibling's de_thread() then waits for it forever");
