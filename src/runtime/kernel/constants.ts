/** Kernel constants with their kernel names and values (include/uapi/asm-generic/errno*.h, linux/sched.h). */

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const E2BIG = 7;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EINVAL = 22;
export const EDEADLK = 35;
export const EOVERFLOW = 75;
export const EBADFD = 77;
export const EOPNOTSUPP = 95;
/** Kernel-internal restart codes (include/linux/errno.h); never visible to user space. */
export const ERESTARTSYS = 512;
export const ERESTARTNOINTR = 513;
export const ERESTARTNOHAND = 514;

export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  [EPERM]: 'EPERM',
  [ENOENT]: 'ENOENT',
  [ESRCH]: 'ESRCH',
  [EINTR]: 'EINTR',
  [E2BIG]: 'E2BIG',
  [EBADF]: 'EBADF',
  [ECHILD]: 'ECHILD',
  [EAGAIN]: 'EAGAIN',
  [ENOMEM]: 'ENOMEM',
  [EACCES]: 'EACCES',
  [EFAULT]: 'EFAULT',
  [EBUSY]: 'EBUSY',
  [EINVAL]: 'EINVAL',
  [EDEADLK]: 'EDEADLK',
  [EOVERFLOW]: 'EOVERFLOW',
  [EBADFD]: 'EBADFD',
  [EOPNOTSUPP]: 'EOPNOTSUPP',
  [ERESTARTSYS]: 'ERESTARTSYS',
  [ERESTARTNOINTR]: 'ERESTARTNOINTR',
  [ERESTARTNOHAND]: 'ERESTARTNOHAND',
};

export function errnoName(ret: number): string {
  if (ret >= 0) return String(ret);
  return `-${ERRNO_NAMES[-ret] ?? String(-ret)}`;
}

// task->flags
export const PF_EXITING = 0x00000004;
export const PF_KTHREAD = 0x00200000;

// task->atomic_flags
export const PFA_NO_NEW_PRIVS = 1 << 0;

// task->__state
export const TASK_RUNNING = 0x0000;
export const TASK_INTERRUPTIBLE = 0x0001;
export const TASK_UNINTERRUPTIBLE = 0x0002;
export const TASK_DEAD = 0x0080;
/** Created by copy_process, not yet woken by wake_up_new_task. */
export const TASK_NEW = 0x0800;
export const TASK_WAKEKILL = 0x0100;
export const TASK_KILLABLE = TASK_WAKEKILL | TASK_UNINTERRUPTIBLE;
/** Any sleeping state (what try_to_wake_up(TASK_NORMAL) matches). */
export const TASK_NORMAL = TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE;

// task->exit_state
export const EXIT_DEAD = 0x0010;
export const EXIT_ZOMBIE = 0x0020;

// thread_info flags
export const TIF_SIGPENDING = 1 << 0;
export const TIF_NOTIFY_SIGNAL = 1 << 1;
export const TIF_NOTIFY_RESUME = 1 << 2;

// Signals (asm-generic/signal.h)
export const SIGHUP = 1;
export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGUSR2 = 12;
export const SIGTERM = 15;
export const SIGCHLD = 17;
export const SIGSTOP = 19;
export const NSIG = 31;
export function sigmask(sig: number): number {
  return 1 << (sig - 1);
}

// clone flags (uapi/linux/sched.h)
export const CLONE_VM = 0x00000100;
export const CLONE_SIGHAND = 0x00000800;
export const CLONE_THREAD = 0x00010000;
export const CLONE_NEWPID = 0x20000000;

// task_work_add notify modes
export const TWA_NONE = 0;
export const TWA_RESUME = 1;
export const TWA_SIGNAL = 2;

// Capabilities
export const CAP_SYS_ADMIN = 21;
export function capMask(cap: number): number {
  return 1 << (cap & 31);
}

/** What a blocked task waits on: the breadcrumb's kind word. */
export const WaitKind = {
  NONE: 0,
  SPINLOCK: 1,
  MUTEX: 2,
  RWSEM_READ: 3,
  RWSEM_WRITE: 4,
  COMPLETION: 5,
  WAITQUEUE: 6,
  /** wait4(): a parent waiting for a child to exit. */
  CHILD_EXIT: 7,
  /** A timed sleep (schedule_timeout, msleep). */
  TIMEOUT: 8,
  /** pthread_cond_wait(): sleeping on a condition variable (sync/condvar.ts). */
  CONDVAR: 9,
  /** pthread_join(): waiting for a thread of the group to exit (join.ts); the aux word is its tid. */
  JOIN: 10,
} as const;
/** Core breadcrumb kinds whose sleep ends by itself (a timeout); subsystems add theirs (waitkind.ts). */
export const CORE_TIMED_WAIT_KINDS: readonly number[] = [WaitKind.TIMEOUT];
export type WaitKindT = (typeof WaitKind)[keyof typeof WaitKind];

/** Names of the core kinds; `waitKindName()` (waitkind.ts) also knows the subsystems'. */
export const CORE_WAIT_KIND_NAMES: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'spinlock',
  2: 'mutex',
  3: 'rwsem(read)',
  4: 'rwsem(write)',
  5: 'completion',
  6: 'waitqueue',
  7: 'child exit',
  8: 'timeout',
  9: 'condvar',
  10: 'thread join',
};

/** Event kinds in the rings. */
export const Ev = {
  YIELD: 1,
  BLOCK: 2,
  WAKE: 3,
  START: 4,
  EXIT: 5,
  FAIL: 6,
  SYSCALL: 7,
  SYSRET: 8,
  USER: 9,
  /** A data choice (Kernel.choose): aux is the alternative taken. */
  CHOOSE: 10,
  /** Weak memory: the load just chosen read a store older than the latest (obj: the word; aux: writer tid << 20 | its store number). */
  STALE: 11,
} as const;

export const EV_NAMES: Readonly<Record<number, string>> = {
  1: 'yield',
  2: 'block',
  3: 'wake',
  4: 'start',
  5: 'exit',
  6: 'fail',
  7: 'syscall',
  8: 'sysret',
  9: 'user',
  10: 'choose',
  11: 'stale',
};

/** Failure kinds (seed log `failure.kind`). */
export const FailKind = {
  INVARIANT: 1,
  DEADLOCK: 2,
  HANG: 3,
  GP_STALL: 4,
  KASAN: 5,
  CRASH: 6,
} as const;
export type FailKindName = 'invariant' | 'deadlock' | 'hang' | 'gp-stall' | 'kasan' | 'crash';
export const FAIL_KIND_NAMES: Readonly<Record<number, FailKindName>> = {
  1: 'invariant',
  2: 'deadlock',
  3: 'hang',
  4: 'gp-stall',
  5: 'kasan',
  6: 'crash',
};

/** Tid of init (slot 0), the harness's stand-in that reaps orphans. */
export const INIT_TID = 1;

/** How tasks are scheduled: freely on real cores, or one at a time under a strategy (docs/ARCHITECTURE.md §10). */
export type Mode = 'parallel' | 'controlled';
