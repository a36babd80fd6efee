/**
 * The user-space view of execve(2) for thread bodies that run under no
 * seccomp filter (a seccomp scenario uses seccomp's user.ts, which runs
 * secure_computing() first).
 */
import { label, type ThreadContext } from '../../runtime/index.js';
import { doExecve, type BinaryImage } from './exec.js';

const L_EXECVE = label('sys_execve');

/** execve() of `image`: 0 in the new program, or -errno; a thread killed by a sibling's exec never returns. */
export function execve(ctx: ThreadContext, image: BinaryImage): number {
  return ctx.sys.call(L_EXECVE, () => doExecve(ctx.k, image));
}
