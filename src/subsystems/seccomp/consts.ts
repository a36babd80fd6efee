/**
 * seccomp UAPI and kernel-internal constants with their kernel names and
 * values (include/uapi/linux/seccomp.h, include/linux/seccomp.h, x86_64
 * syscall numbers, arch/x86/entry/syscalls/syscall_64.tbl).
 */

// seccomp(2) operations.
export const SECCOMP_SET_MODE_STRICT = 0;
export const SECCOMP_SET_MODE_FILTER = 1;

// prctl(2) options used by the selftests.
export const PR_GET_SECCOMP = 21;
export const PR_SET_SECCOMP = 22;
export const PR_SET_NO_NEW_PRIVS = 38;
export const PR_GET_NO_NEW_PRIVS = 39;

// task->seccomp.mode
export const SECCOMP_MODE_DISABLED = 0;
export const SECCOMP_MODE_STRICT = 1;
export const SECCOMP_MODE_FILTER = 2;
/** Internal: a thread killed by SECCOMP_RET_KILL_* that has not exited yet. */
export const SECCOMP_MODE_DEAD = 3;
export const MODE_NAMES: Readonly<Record<number, string>> = { 0: 'DISABLED', 1: 'STRICT', 2: 'FILTER', 3: 'DEAD' };

// seccomp(SECCOMP_SET_MODE_FILTER) flags (include/uapi/linux/seccomp.h).
export const SECCOMP_FILTER_FLAG_TSYNC = 1 << 0;
export const SECCOMP_FILTER_FLAG_LOG = 1 << 1;
export const SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1 << 2;
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3;
export const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 1 << 4;
/**
 * A notification's receiver waits killably (include/uapi/linux/seccomp.h).
 * seccomp_set_mode_filter() accepts it only together with NEW_LISTENER
 * (kernel/seccomp.c); notifications themselves are not modelled, so the flag
 * has no further effect here (docs/SECCOMP.md, "Modelling decisions").
 */
export const SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 1 << 5;
export const SECCOMP_FILTER_FLAG_MASK =
  SECCOMP_FILTER_FLAG_TSYNC |
  SECCOMP_FILTER_FLAG_LOG |
  SECCOMP_FILTER_FLAG_SPEC_ALLOW |
  SECCOMP_FILTER_FLAG_NEW_LISTENER |
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;

// Filter return values (SECCOMP_RET_*): the action in the high 16 bits, data in the low 16.
export const SECCOMP_RET_KILL_PROCESS = 0x80000000 | 0;
export const SECCOMP_RET_KILL_THREAD = 0x00000000;
export const SECCOMP_RET_TRAP = 0x00030000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_USER_NOTIF = 0x7fc00000;
export const SECCOMP_RET_TRACE = 0x7ff00000;
export const SECCOMP_RET_LOG = 0x7ffc0000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
export const SECCOMP_RET_ACTION_FULL = 0xffff0000 | 0;
export const SECCOMP_RET_DATA = 0x0000ffff;

/** SYSCALL_WORK_BIT_SECCOMP (formerly TIF_SECCOMP): task->syscall_work. */
export const SYSCALL_WORK_SECCOMP = 1 << 0;

/** BPF_MAXINSNS and MAX_INSNS_PER_PATH = (1 << 18) / sizeof(struct sock_filter). */
export const BPF_MAXINSNS = 4096;
export const MAX_INSNS_PER_PATH = (1 << 18) / 8;

/** check_unsafe_exec() result bits (include/linux/security.h). */
export const LSM_UNSAFE_SHARE = 1;
export const LSM_UNSAFE_PTRACE = 2;
export const LSM_UNSAFE_NO_NEW_PRIVS = 4;

/** SIGSYS, the signal of a seccomp kill (x86_64). */
export const SIGSYS = 31;

// x86_64 syscall numbers the scenarios filter on.
export const __NR_read = 0;
export const __NR_write = 1;
export const __NR_getpid = 39;
export const __NR_clone = 56;
export const __NR_execve = 59;
export const __NR_exit = 60;
export const __NR_getppid = 110;
export const __NR_prctl = 157;
export const __NR_gettid = 186;
export const __NR_seccomp = 317;

/** The selftests' thread return values (seccomp_bpf.c). */
export const SIBLING_EXIT_UNKILLED = 0xbadbeef;
export const SIBLING_EXIT_FAILURE = 0xbadface;
export const SIBLING_EXIT_NEWPRIVS = 0xbadfeed;
