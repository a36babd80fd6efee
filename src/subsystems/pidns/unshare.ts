/**
 * unshare(CLONE_NEWPID) (kernel/nsproxy.c, copy_pid_ns): the caller's
 * pid_ns_for_children becomes a new child of its active namespace. The
 * caller itself stays where it is; only children forked afterwards enter
 * the new namespace, the first of them as its init.
 */
import { CAP_SYS_ADMIN, CLONE_NEWPID, EINVAL, EPERM, kput, label, type Kernel } from '../../runtime/index.js';
import { capable } from '../cred/cred.js';
import { pidns } from './layout.js';
import { createPidNamespace } from './namespace.js';

const L_UNSHARE = label('sys_unshare');

export function sysUnshare(k: Kernel, flags: number): number {
  k.yieldPoint(L_UNSHARE);
  if ((flags & ~CLONE_NEWPID) !== 0) return -EINVAL;
  if ((flags & CLONE_NEWPID) === 0) return 0;
  if (!capable(k, CAP_SYS_ADMIN)) return -EPERM;
  const active = k.tget(k.cur, pidns.task.pid_ns);
  const old = k.tget(k.cur, pidns.task.pid_ns_for_children);
  // copy_pid_ns(): only from a task whose children still go to its own namespace.
  if (old !== active) return -EINVAL;
  const ns = createPidNamespace(k, active);
  if (ns < 0) return ns;
  k.tset(k.cur, pidns.task.pid_ns_for_children, ns);
  if (old !== 0) kput(k, old, L_UNSHARE);
  return 0;
}
