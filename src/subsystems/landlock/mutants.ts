/**
 * Landlock's planted bugs: earlier revisions of the TSYNC series and
 * plausible slips, each a small delta beside the code it breaks in tsync.ts
 * or syscalls.ts. docs/LANDLOCK.md ("Planted bugs") says how each is caught.
 * Revision tags (rc1, v2, fix v3) name the version of the patch series whose
 * code the mutant restores.
 */
import { defineMutant } from '../../runtime/index.js';

/** The correct design of every Landlock scenario. */
export const LANDLOCK_MAINLINE = 'the current mainline algorithm (security/landlock/syscalls.c, tsync.c)';

export const L1 = defineMutant('L1', 'a single discovery pass');
export const L2 = defineMutant('L2', 'num_preparing starts at 0: no caller token');
export const L3 = defineMutant('L3', 'num_unfinished starts at 0 (no caller token); the caller waits for all_finished only if works.size (v2)');
export const L4 = defineMutant('L4', "a task_work_add() failure is recorded as the call's error (v2)");
export const L5 = defineMutant('L5', 'uninterruptible wait for all_prepared, no serialisation (v2)');
export const L6 = defineMutant('L6', 'after an interruption, cancel then wait for all_prepared (rc1), no serialisation');
export const L7 = defineMutant('L7', 'no serialisation of concurrent TSYNC callers (rc1)');
export const L8 = defineMutant('L8', 'serialise with down_write_killable (fix v1/v2)');
export const L9 = defineMutant('L9', 'trylock failure returns -ERESTARTNOINTR directly (fix v3)');
export const L10 = defineMutant('L10', 'a failed task_work_add() NULLs the task but keeps the slot (rc1)');
export const L11 = defineMutant('L11', 'tsync_works_grow_by checks kzalloc with IS_ERR (misses NULL) and grows from capacity (v2)');
export const L12 = defineMutant('L12', 'a flat array of tsync_work structs: krealloc moves queued works');
export const L13A = defineMutant('L13A', 'NNP set before the error check');
export const L13B = defineMutant('L13B', 'NNP never set on siblings');
export const L14 = defineMutant('L14', "re-wiring applied unconditionally (the sibling takes the caller's whole cred)");
export const L15 = defineMutant('L15', 'preparation_error read before the ready_to_commit barrier');
export const L16 = defineMutant('L16', 'PF_EXITING threads are not skipped; a task_work_add() failure is fatal');
export const L17 = defineMutant('L17', 'the fd == -1 muting path forgets TSYNC (v2)');
export const L18 = defineMutant('L18', 'siblings wait interruptibly in T3');
// The interrupt path (tsync_test.c tsync_interrupt, the landlock-tsync-interrupt scenario).
export const L19 = defineMutant('L19', 'an interrupted all_prepared wait returns -EINTR to user space instead of restarting');
export const L20 = defineMutant('L20', 'an interrupted all_prepared wait returns -ERESTARTSYS, which restarts only under SA_RESTART');
export const L21 = defineMutant('L21', 'cancel_tsync_works() does not count a cancelled work down in num_unfinished');
export const L22 = defineMutant('L22', 'an interrupted all_prepared wait breaks out without recording -ERESTARTNOINTR');
// Logging state under TSYNC (audit_test.c, the landlock-tsync-override-log-subdomains-off scenario).
export const L23 = defineMutant('L23', "TSYNC copies the caller's domain to a sibling but keeps the sibling's log_subdomains_off");
