/**
 * The user-space view of seccomp for thread bodies. Each syscall here goes
 * through the syscall facade (restarts, signals and task_work on the way
 * out, as for a real program) and, first, through secure_computing() with
 * its x86_64 number: the thread's own chain decides whether it runs, fails
 * with an errno, or kills the thread. The runtime's own syscalls (futex,
 * nanosleep, kill ...) are not filtered: the scenarios' filters never act
 * on them, so that is the same as RET_ALLOW.
 */
import { CLONE_SIGHAND, CLONE_THREAD, CLONE_VM, EBADF, label, PFA_NO_NEW_PRIVS, type ThreadContext } from '../../runtime/index.js';
import { T_ATOMIC_FLAGS, T_PARENT } from '../../runtime/kernel/layout.js';
import { doExecve, type BinaryImage } from '../exec/exec.js';
import {
  __NR_clone,
  __NR_execve,
  __NR_getpid,
  __NR_getppid,
  __NR_gettid,
  __NR_prctl,
  __NR_read,
  __NR_seccomp,
  PR_GET_NO_NEW_PRIVS,
  PR_SET_NO_NEW_PRIVS,
  PR_SET_SECCOMP,
} from './consts.js';
import { secureComputing } from './entry.js';
import { type Prog } from './filter.js';
import { seccomp as seccompSlice } from './layout.js';
import { sysClone } from './lifecycle.js';
import { doSeccomp, prctlSetSeccomp as kernelPrctlSetSeccomp } from './syscalls.js';

const L = {
  seccomp: label('sys_seccomp'),
  prctl: label('sys_prctl'),
  read: label('sys_read'),
  getpid: label('sys_getpid'),
  getppid: label('sys_getppid'),
  gettid: label('sys_gettid'),
  execve: label('sys_execve'),
  clone: label('sys_clone'),
};

/**
 * Issue syscall number `nr`: secure_computing() first (RET_ERRNO returns
 * its errno without running `fn`; a kill never returns), then the syscall.
 */
export function syscall(ctx: ThreadContext, nr: number, lbl: number, fn: () => number): number {
  return ctx.sys.call(lbl, () => {
    const r = secureComputing(ctx.k, nr);
    if (r !== 0) return r;
    return fn();
  });
}

/** seccomp(op, flags, prog): 0, a listener fd, a TID, or -errno. */
export function seccomp(ctx: ThreadContext, op: number, flags: number, prog: Prog | null): number {
  return syscall(ctx, __NR_seccomp, L.seccomp, () => doSeccomp(ctx.k, op, flags, prog));
}

/** prctl(PR_SET_SECCOMP, mode, prog). */
export function prctlSetSeccomp(ctx: ThreadContext, mode: number, prog: Prog | null): number {
  return syscall(ctx, __NR_prctl, L.prctl, () => kernelPrctlSetSeccomp(ctx.k, mode, prog));
}

/** prctl(PR_SET_NO_NEW_PRIVS, 1). */
export function prctlSetNoNewPrivs(ctx: ThreadContext): number {
  return syscall(ctx, __NR_prctl, L.prctl, () => {
    ctx.k.tor(ctx.k.cur, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
    return 0;
  });
}

/** prctl(PR_GET_NO_NEW_PRIVS): 1, 0, or a filter's -errno. */
export function prctlGetNoNewPrivs(ctx: ThreadContext): number {
  return syscall(ctx, __NR_prctl, L.prctl, () => ((ctx.k.tget(ctx.k.cur, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0 ? 1 : 0));
}

/** read(-1, NULL, 0): -EBADF, unless a filter says otherwise. */
export function read(ctx: ThreadContext): number {
  return syscall(ctx, __NR_read, L.read, () => -EBADF);
}

export function getpid(ctx: ThreadContext): number {
  return syscall(ctx, __NR_getpid, L.getpid, () => ctx.tgid);
}

export function getppid(ctx: ThreadContext): number {
  return syscall(ctx, __NR_getppid, L.getppid, () => ctx.k.tget(ctx.k.cur, T_PARENT));
}

export function gettid(ctx: ThreadContext): number {
  return syscall(ctx, __NR_gettid, L.gettid, () => ctx.tid);
}

/** execve() of `image` (the minimal exec model). */
export function execve(ctx: ThreadContext, image: BinaryImage): number {
  return syscall(ctx, __NR_execve, L.execve, () => doExecve(ctx.k, image));
}

/** pthread_create(): clone(CLONE_VM|CLONE_SIGHAND|CLONE_THREAD...) running body `body`. */
export function clone(ctx: ThreadContext, body: string, arg = 0): number {
  return syscall(ctx, __NR_clone, L.clone, () => sysClone(ctx.k, label(body), arg, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD));
}

/** fork(): a new process running body `body`. */
export function fork(ctx: ThreadContext, body: string, arg = 0): number {
  return syscall(ctx, __NR_clone, L.clone, () => sysClone(ctx.k, label(body), arg, 0));
}

/** /proc/self/status Seccomp: and Seccomp_filters:. */
export function procStatus(ctx: ThreadContext): { mode: number; filters: number } {
  const k = ctx.k;
  return { mode: k.tget(k.cur, seccompSlice.task.mode), filters: k.tget(k.cur, seccompSlice.task.filter_count) };
}

/**
 * /proc/self/task/<tid>/status Seccomp: and Seccomp_filters: of another
 * thread of this process. proc_pid_status() reads them without the
 * thread's siglock, so a read may race a TSYNC: callers read threads that
 * are parked.
 */
export function procTaskStatus(ctx: ThreadContext, tid: number): { mode: number; filters: number } {
  const k = ctx.k;
  const slot = k.slotOf(tid);
  return { mode: k.tget(slot, seccompSlice.task.mode), filters: k.tget(slot, seccompSlice.task.filter_count) };
}

export { PR_GET_NO_NEW_PRIVS, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP };
