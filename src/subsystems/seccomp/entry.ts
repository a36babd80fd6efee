/**
 * The reader side: syscall entry (secure_computing → __secure_computing →
 * __seccomp_filter → seccomp_run_filters), so a thread really is killed or
 * gets an errno from its own chain. The chain is read locklessly, as the
 * kernel does (READ_ONCE of current->seccomp.filter, then the prev links),
 * while TSYNC in another thread may swap the head under siglock: every link
 * is loaded through `ld`, so a filter freed under the reader is a KASAN
 * report. I-SC6 (publication, docs/SECCOMP.md "Invariants") is checked here.
 *
 * The reader's accesses have the kernel's kinds: syscall_work is read with
 * READ_ONCE (syscall_enter_from_user_mode_work(), kernel/entry/common.c), the
 * mode plainly (__secure_computing()), then smp_rmb() (__seccomp_filter())
 * pairs with the smp_mb__before_atomic() of seccomp_assign_mode(), and the
 * head is READ_ONCE (seccomp_run_filters()), paired with the
 * smp_store_release() of seccomp_sync_threads().
 */
import {
  doGroupExit,
  invariant,
  label,
  ld,
  loadAcquire,
  loadOnce,
  loadPlain,
  SIGKILL,
  signalOf,
  smpRmb,
  storePlain,
  TaskExit,
  type Kernel,
} from '../../runtime/index.js';
import { SIG_LIVE } from '../../runtime/kernel/layout.js';
import {
  __NR_exit,
  __NR_read,
  __NR_write,
  SECCOMP_MODE_DEAD,
  SECCOMP_MODE_FILTER,
  SECCOMP_MODE_STRICT,
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_DATA,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SIGSYS,
  SYSCALL_WORK_SECCOMP,
} from './consts.js';
import { SF_ACTION, SF_PREV, SF_SYSCALL, seccomp } from './layout.js';

const L = {
  entry: label('seccomp:secure_computing'),
  mode: label('seccomp:READ_ONCE(seccomp.mode)'),
  head: label('seccomp:run_filters:READ_ONCE(seccomp.filter)'),
  walk: label('seccomp:run_filters:f->prev'),
  dead: label('seccomp:SECCOMP_MODE_DEAD'),
};

/** The s32 comparison of ACTION_ONLY(): lower wins (KILL_PROCESS is negative). */
function actionOnly(ret: number): number {
  return ret & SECCOMP_RET_ACTION_FULL;
}

/**
 * seccomp_run_filters(): walk current's chain and return the lowest
 * ACTION_ONLY value (with its data). A NULL head in FILTER mode is a WARN in
 * the kernel, which then returns KILL_PROCESS: here it is I-SC6.
 */
export function seccompRunFilters(k: Kernel, nr: number): number {
  k.yieldPoint(L.head);
  // READ_ONCE(current->seccomp.filter) and an address dependency to its fields
  // (seccomp_run_filters()), pairing with smp_store_release() in
  // seccomp_sync_threads(); the layer tracks no dependencies, so an acquire.
  const head = loadAcquire(k, k.base(k.cur) + seccomp.task.filter);
  if (head === 0) {
    throw k.fail(
      invariant(`tid ${k.curTid} has SYSCALL_WORK_SECCOMP in FILTER mode but a NULL filter (WARN_ON, KILL_PROCESS)`, 'I-SC6'),
    );
  }
  let ret = SECCOMP_RET_ALLOW;
  for (let f = head; f !== 0; f = ld(k, f, SF_PREV, L.walk)) {
    const cur = ld(k, f, SF_SYSCALL, L.walk) === nr ? ld(k, f, SF_ACTION, L.walk) : SECCOMP_RET_ALLOW;
    if (actionOnly(cur) < actionOnly(ret)) ret = cur;
  }
  return ret;
}

/** SECCOMP_MODE_STRICT: read, write, exit and sigreturn only. */
const STRICT_ALLOWED = new Set([__NR_read, __NR_write, __NR_exit, 15 /* rt_sigreturn */]);

/**
 * secure_computing(nr) at syscall entry. Returns 0 to run the syscall, or a
 * negative errno that user space sees instead (RET_ERRNO). A kill does not
 * return: KILL_THREAD leaves through do_exit(SIGSYS) (TaskExit), KILL_PROCESS
 * (and KILL_THREAD of the last live thread) through a fatal SIGSYS.
 */
export function secureComputing(k: Kernel, nr: number): number {
  k.yieldPoint(L.entry);
  const t = k.base(k.cur);
  if ((loadOnce(k, t + seccomp.task.syscall_work) & SYSCALL_WORK_SECCOMP) === 0) return 0;
  k.yieldPoint(L.mode);
  const mode = loadPlain(k, t + seccomp.task.mode);
  switch (mode) {
    case SECCOMP_MODE_STRICT:
      if (STRICT_ALLOWED.has(nr)) return 0;
      // __secure_computing_strict(): SECCOMP_MODE_DEAD, then do_exit(SIGKILL).
      storePlain(k, t + seccomp.task.mode, SECCOMP_MODE_DEAD);
      throw new TaskExit(SIGKILL);
    case SECCOMP_MODE_FILTER:
      return seccompFilter(k, nr);
    case SECCOMP_MODE_DEAD:
      // Surviving a SECCOMP_RET_KILL_* must be impossible.
      throw k.fail(invariant(`tid ${k.curTid} runs a syscall in SECCOMP_MODE_DEAD`, 'I-SC6'));
    default:
      // SYSCALL_WORK_SECCOMP seen before the mode (the v9 barrier, S8): BUG().
      throw k.fail(invariant(`tid ${k.curTid} has SYSCALL_WORK_SECCOMP set but seccomp mode ${mode}`, 'I-SC6'));
  }
}

/** __seccomp_filter(): act on the filter's verdict. */
function seccompFilter(k: Kernel, nr: number): number {
  // Mode (and filter) changes by another thread are seen once SYSCALL_WORK_SECCOMP was.
  smpRmb(k);
  const ret = seccompRunFilters(k, nr);
  const action = actionOnly(ret);
  const data = ret & SECCOMP_RET_DATA;
  switch (action) {
    case SECCOMP_RET_ERRNO:
      return -Math.min(data, 4095);
    case SECCOMP_RET_ALLOW:
    case SECCOMP_RET_LOG:
      return 0;
    case SECCOMP_RET_KILL_THREAD:
    case SECCOMP_RET_KILL_PROCESS:
    default: {
      // TRAP, TRACE and USER_NOTIF have no tracer or supervisor here: they
      // are not used by the scenarios and end like a kill.
      k.yieldPoint(L.dead);
      storePlain(k, k.base(k.cur) + seccomp.task.mode, SECCOMP_MODE_DEAD);
      // atomic_read(&current->signal->live): is this the last live thread?
      const live = loadOnce(k, signalOf(k, k.cur) + SIG_LIVE);
      if (action === SECCOMP_RET_KILL_THREAD && live > 1) throw new TaskExit(SIGSYS);
      // force_sig_seccomp(): a fatal SIGSYS for the whole process.
      return doGroupExit(k, SIGSYS);
    }
  }
}
