/** User-side entry: unshare(2) through the syscall facade. */
import { label, type ThreadContext } from '../../runtime/index.js';
import './index.js'; // every pidns hook (alloc_pid, free_pid, find_child_reaper) with the syscall
import { sysUnshare } from './unshare.js';

const L = label('sys_unshare');

export function unshare(ctx: ThreadContext, flags: number): number {
  return ctx.sys.call(L, () => sysUnshare(ctx.k, flags));
}
