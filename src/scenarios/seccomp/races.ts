/**
 * Shared bodies of the racy TSYNC scenarios (clone, exit, sibling install,
 * exec): a caller (main) with NNP and root_prog, siblings released together
 * with main's TSYNC (`go`), and a probe after the TSYNC returned (`stop`):
 * every thread then calls getppid(), which the TSYNC'ed filter makes fail
 * with EACCES, and records what it saw.
 */
import { EACCES, ENOENT, type CheckContext, type ThreadContext } from '../../runtime/index.js';
import { __NR_getpid, __NR_getppid, SECCOMP_RET_ERRNO } from '../../subsystems/seccomp/consts.js';
import type { Prog } from '../../subsystems/seccomp/filter.js';
import { getppid } from '../../subsystems/seccomp/user.js';

/** The filter TSYNC'ed by main: getppid() -> EACCES. */
export const SYNC_PROG: Prog = { len: 4, nr: __NR_getppid, ret: SECCOMP_RET_ERRNO | EACCES };
/** A sibling's private filter: getpid() -> ENOENT. */
export const OWN_PROG: Prog = { len: 4, nr: __NR_getpid, ret: SECCOMP_RET_ERRNO | ENOENT };

/** Probes are indexed by task slot (up to the layout's task capacity). */
export const MAX_TASKS = 256;
export const UNSET = -0x7fff;

export { waitFor, wakeAll } from '../userwait.js';

/** The probe: record getppid()'s result in probe[slot of this task]. */
export function probe(ctx: ThreadContext): void {
  ctx.store('probe', getppid(ctx), ctx.k.cur);
  ctx.store('probed', 1, ctx.k.cur);
}

/**
 * After a TSYNC that returned 0: every task that probed got -EACCES from
 * getppid(), i.e. runs the new filter; the first that did not fails `spec`.
 */
export function checkProbes(c: CheckContext, spec: string): void {
  for (const t of c.tasks()) {
    const s = t.tid - 1;
    if (c.get('probed', s) === 0) continue;
    const p = c.get('probe', s);
    if (p !== -EACCES) return c.fail(`tid ${t.tid} ran getppid() after TSYNC returned 0 and got ${p}, not -EACCES: it escaped the new filter`, spec);
  }
}
