/**
 * Signals (kernel/signal.c, kernel/entry/common.c), reduced to what the
 * protocols exercise: pending masks per thread, SIG_IGN / default / user
 * handler per signal and thread group, SIGKILL as group exit, the wake-up
 * rules (a pending signal wakes an interruptible or, for SIGKILL, a killable
 * sleep, never an uninterruptible one), and the return-to-user loop that
 * runs task_work, delivers signals and restarts syscalls.
 */
import { Order, fetchAnd, fetchOr, loadOnce, storeOnce } from './access.js';
import {
  EINTR,
  EPERM,
  ERESTARTNOHAND,
  ERESTARTNOINTR,
  ERESTARTSYS,
  ESRCH,
  PF_EXITING,
  SIGCHLD,
  SIGKILL,
  sigmask,
  TASK_INTERRUPTIBLE,
  TASK_WAKEKILL,
  TIF_NOTIFY_RESUME,
  TIF_NOTIFY_SIGNAL,
  TIF_SIGPENDING,
  NSIG,
} from './constants.js';
import { TaskExit } from './errors.js';
import type { Kernel } from './kernel.js';
import { label } from './labels.js';
import {
  SH_HANDLED,
  SH_HANDLER,
  SH_IGNORED,
  SH_RESTART,
  SH_SIGLOCK,
  SIG_GROUP_EXIT,
  SIG_GROUP_EXIT_CODE,
  SlotState,
  T_EXIT_STATE,
  T_FLAGS,
  T_SIGBLOCKED,
  T_SIGHAND,
  T_SIGNAL,
  T_SIGPENDING,
  T_SLOT,
  T_TGID,
  T_TIF,
} from './layout.js';
import { tryToWakeUp } from './sched.js';
import { deref } from './slab.js';
import { spinLock, spinUnlock } from './sync/spinlock.js';
import { taskWorkRun } from './taskwork.js';

/** Returned by exitToUserMode() when the syscall must be re-executed. */
export const RESTART = -0x7ffffff0;

export const SA_RESTART = 0x10000000;

const L_SIGLOCK = label('siglock');
const L_KILL = label('kill');
const L_DELIVER = label('get_signal');

/** Runs a user signal handler (set by the executor that runs the task). */
export type UserHandlerRunner = (handlerId: number, sig: number) => void;

/** Signal permission hooks (security_task_kill): LSMs such as Landlock scope signals. */
type KillHook = (k: Kernel, targetSlot: number, sig: number) => number;
const killHooks: KillHook[] = [];
export function registerKillHook(fn: KillHook): void {
  killHooks.push(fn);
}

export function sighandOf(k: Kernel, slot: number): number {
  return deref(k, k.tget(slot, T_SIGHAND), 'task->sighand');
}
export function signalOf(k: Kernel, slot: number): number {
  return deref(k, k.tget(slot, T_SIGNAL), 'task->signal');
}
export function siglock(k: Kernel, slot = k.cur): number {
  return sighandOf(k, slot) + SH_SIGLOCK;
}

export function lockSiglock(k: Kernel, slot = k.cur, lbl = L_SIGLOCK): void {
  spinLock(k, siglock(k, slot), lbl);
}
export function unlockSiglock(k: Kernel, slot = k.cur, lbl = L_SIGLOCK): void {
  spinUnlock(k, siglock(k, slot), lbl);
}

/** Every slot of the thread group `tgid` still linked in the thread list (for_each_thread). */
export function threadsOf(k: Kernel, tgid: number): number[] {
  const n = k.nrSlots(); // lockstep-internal
  const out: number[] = [];
  for (let s = 1; s < n; s++) {
    if (k.tget(s, T_TGID) === tgid && k.tget(s, T_SLOT) === SlotState.LINKED) out.push(s);
  }
  return out;
}

/** signal_wake_up(): TIF_SIGPENDING, and wake an interruptible (or, if fatal, killable) sleep. */
export function signalWakeUp(k: Kernel, slot: number, fatal: boolean): void {
  k.tor(slot, T_TIF, TIF_SIGPENDING);
  tryToWakeUp(k, slot, TASK_INTERRUPTIBLE | (fatal ? TASK_WAKEKILL : 0));
}

function sigIgnored(k: Kernel, slot: number, sig: number): boolean {
  if (sig === SIGKILL) return false;
  return (loadOnce(k, sighandOf(k, slot) + SH_IGNORED) & sigmask(sig)) !== 0;
}

/** Queue `sig` on one thread (caller holds its siglock). */
function sendSignalLocked(k: Kernel, slot: number, sig: number): void {
  if (sigIgnored(k, slot, sig)) return;
  k.tor(slot, T_SIGPENDING, sigmask(sig));
  if ((k.tget(slot, T_SIGBLOCKED) & sigmask(sig)) === 0 || sig === SIGKILL) signalWakeUp(k, slot, sig === SIGKILL);
}

/** SIGKILL every thread of the group and mark SIGNAL_GROUP_EXIT (caller holds siglock). */
function zapOtherThreads(k: Kernel, tgid: number, code: number): void {
  const sa = signalOf(k, threadsOf(k, tgid)[0] ?? k.slotOf(tgid));
  storeOnce(k, sa + SIG_GROUP_EXIT, 1);
  storeOnce(k, sa + SIG_GROUP_EXIT_CODE, code);
  for (const t of threadsOf(k, tgid)) {
    if (t === k.cur) continue;
    if ((k.tget(t, T_FLAGS) & PF_EXITING) !== 0) continue;
    k.tor(t, T_SIGPENDING, sigmask(SIGKILL));
    signalWakeUp(k, t, true);
  }
}

function findTask(k: Kernel, tid: number): number {
  const slot = k.slotOf(tid);
  if (slot < 1 || slot >= k.nrSlots()) return -1; // lockstep-internal
  const st = k.tget(slot, T_SLOT);
  if (st !== SlotState.LINKED) return -1;
  return slot;
}

/**
 * group_send_sig_info(): deliver a process-directed signal. SIGKILL kills
 * every thread; other signals go to the named thread if it can take them,
 * otherwise to another thread of the group (complete_signal()).
 */
export function groupSendSig(k: Kernel, slot: number, sig: number): void {
  const tgid = k.tget(slot, T_TGID);
  const lock = siglock(k, slot);
  spinLock(k, lock, L_KILL);
  try {
    if (sig === SIGKILL) {
      zapOtherThreads(k, tgid, SIGKILL);
      if (slot !== k.cur && (k.tget(slot, T_FLAGS) & PF_EXITING) === 0) sendSignalLocked(k, slot, SIGKILL);
      if (k.cur >= 0 && k.tget(k.cur, T_TGID) === tgid) sendSignalLocked(k, k.cur, SIGKILL);
      return;
    }
    let target = slot;
    if ((k.tget(slot, T_FLAGS) & PF_EXITING) !== 0 || (k.tget(slot, T_SIGBLOCKED) & sigmask(sig)) !== 0) {
      for (const t of threadsOf(k, tgid)) {
        if ((k.tget(t, T_FLAGS) & PF_EXITING) === 0 && (k.tget(t, T_SIGBLOCKED) & sigmask(sig)) === 0) {
          target = t;
          break;
        }
      }
    }
    sendSignalLocked(k, target, sig);
  } finally {
    if (!k.aborted) spinUnlock(k, lock, L_KILL);
  }
}

function checkKill(k: Kernel, slot: number, sig: number): number {
  for (const hook of killHooks) {
    const r = hook(k, slot, sig);
    if (r !== 0) return r;
  }
  return 0;
}

/** kill(pid, sig): process-directed. */
export function doKill(k: Kernel, pid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -22;
  k.yieldPoint(L_KILL);
  const slot = findTask(k, pid);
  if (slot < 0 || k.tget(slot, T_TGID) !== pid) return -ESRCH;
  if (sig === 0) return 0;
  const err = checkKill(k, slot, sig);
  if (err !== 0) return err;
  if (k.tget(slot, T_EXIT_STATE) !== 0) return 0; // a zombie: nothing to deliver
  groupSendSig(k, slot, sig);
  return 0;
}

/** tgkill(tgid, tid, sig): thread-directed. */
export function doTkill(k: Kernel, tgid: number, tid: number, sig: number): number {
  if (sig < 0 || sig > NSIG) return -22;
  k.yieldPoint(L_KILL);
  const slot = findTask(k, tid);
  if (slot < 0 || k.tget(slot, T_TGID) !== tgid) return -ESRCH;
  if (sig === 0) return 0;
  const err = checkKill(k, slot, sig);
  if (err !== 0) return err;
  if (k.tget(slot, T_EXIT_STATE) !== 0 || (k.tget(slot, T_FLAGS) & PF_EXITING) !== 0) return 0;
  if (sig === SIGKILL) {
    groupSendSig(k, slot, sig);
    return 0;
  }
  const lock = siglock(k, slot);
  spinLock(k, lock, L_KILL);
  sendSignalLocked(k, slot, sig);
  spinUnlock(k, lock, L_KILL);
  return 0;
}

export type SigAction = 'default' | 'ignore' | { readonly handler: number; readonly flags: number };

/** sigaction(): install an action for the whole thread group. */
export function doSigaction(k: Kernel, sig: number, act: SigAction): number {
  if (sig < 1 || sig > NSIG || sig === SIGKILL) return -22;
  const sh = sighandOf(k, k.cur);
  const m = sigmask(sig);
  lockSiglock(k);
  fetchAnd(k, sh + SH_IGNORED, ~m, Order.RELAXED);
  fetchAnd(k, sh + SH_HANDLED, ~m, Order.RELAXED);
  fetchAnd(k, sh + SH_RESTART, ~m, Order.RELAXED);
  if (act === 'ignore') {
    fetchOr(k, sh + SH_IGNORED, m, Order.RELAXED);
    // Discard what is already pending, as the kernel does for SIG_IGN.
    for (const t of threadsOf(k, k.tget(k.cur, T_TGID))) k.tand(t, T_SIGPENDING, ~m);
  } else if (act !== 'default') {
    fetchOr(k, sh + SH_HANDLED, m, Order.RELAXED);
    if ((act.flags & SA_RESTART) !== 0) fetchOr(k, sh + SH_RESTART, m, Order.RELAXED);
    storeOnce(k, sh + SH_HANDLER + sig - 1, act.handler);
  }
  unlockSiglock(k);
  return 0;
}

/** restart_syscall(): TIF_SIGPENDING + -ERESTARTNOINTR, so the exit path restarts the call. */
export function restartSyscall(k: Kernel): number {
  k.tor(k.cur, T_TIF, TIF_SIGPENDING);
  return -ERESTARTNOINTR;
}

function isRestart(ret: number): boolean {
  return ret === -ERESTARTSYS || ret === -ERESTARTNOINTR || ret === -ERESTARTNOHAND;
}

/** Signals whose default action is to ignore them (sig_kernel_ignore). */
const DEFAULT_IGNORE = sigmask(SIGCHLD) | sigmask(28) | sigmask(23);

/**
 * signal->group_exec_task (fs/exec.c: de_thread()): the thread an execve()
 * is making the only one of its group, 0 when none. execve is modelled
 * outside the runtime, which keeps the word in its own slice of
 * signal_struct and registers how to read it (`signalAddr` is the group's
 * signal_struct payload).
 */
export type GroupExecTask = (k: Kernel, signalAddr: number) => number;
let groupExecTask: GroupExecTask = () => 0;
export function registerGroupExecTask(fn: GroupExecTask): void {
  groupExecTask = fn;
}

/**
 * do_group_exit(): kill the other threads, then leave through do_exit() (the
 * executor catches TaskExit and runs it). `code` is the exit status. While
 * a de_thread() is in progress its SIGKILL must not kill the exec'ing
 * thread: the thread just exits with status 0 (kernel/exit.c).
 */
export function doGroupExit(k: Kernel, code: number): never {
  const tgid = k.tget(k.cur, T_TGID);
  const lock = siglock(k);
  spinLock(k, lock, L_DELIVER);
  const sa = signalOf(k, k.cur);
  if (loadOnce(k, sa + SIG_GROUP_EXIT) !== 0) code = loadOnce(k, sa + SIG_GROUP_EXIT_CODE);
  else if (groupExecTask(k, sa) !== 0) code = 0;
  else zapOtherThreads(k, tgid, code);
  spinUnlock(k, lock, L_DELIVER);
  throw new TaskExit(code);
}

/**
 * exit_to_user_mode_loop() + arch_do_signal_or_restart(). Called with the
 * syscall's return value; returns the value user space sees, or RESTART
 * when the syscall is to be re-executed. Only entered while TIF_SIGPENDING
 * or TIF_NOTIFY_SIGNAL is set: a bare -ERESTARTNOINTR without them leaks to
 * user space (planted bug L9 relies on exactly this).
 */
export function exitToUserMode(k: Kernel, ret: number, runHandler: UserHandlerRunner | null): number {
  const slot = k.cur;
  let out = ret;
  for (;;) {
    const tif = k.tget(slot, T_TIF);
    if ((tif & TIF_NOTIFY_RESUME) !== 0) {
      // resume_user_mode_work(): TWA_RESUME task_work.
      k.tand(slot, T_TIF, ~TIF_NOTIFY_RESUME);
      taskWorkRun(k);
      continue;
    }
    if ((tif & (TIF_SIGPENDING | TIF_NOTIFY_SIGNAL)) === 0) break;
    // get_signal(): clear_notify_signal(), run pending task_work first.
    if ((tif & TIF_NOTIFY_SIGNAL) !== 0) {
      k.tand(slot, T_TIF, ~TIF_NOTIFY_SIGNAL);
      taskWorkRun(k);
    }
    const lock = siglock(k, slot);
    spinLock(k, lock, L_DELIVER);
    const pending = k.tget(slot, T_SIGPENDING) & (~k.tget(slot, T_SIGBLOCKED) | sigmask(SIGKILL));
    if (pending === 0) {
      // recalc_sigpending(): nothing deliverable.
      k.tand(slot, T_TIF, ~TIF_SIGPENDING);
      spinUnlock(k, lock, L_DELIVER);
      if (isRestart(out)) out = RESTART;
      continue;
    }
    const sig = 31 - Math.clz32(pending & -pending) + 1;
    k.tand(slot, T_SIGPENDING, ~sigmask(sig));
    if ((k.tget(slot, T_SIGPENDING) & ~k.tget(slot, T_SIGBLOCKED)) === 0) k.tand(slot, T_TIF, ~TIF_SIGPENDING);
    const sh = sighandOf(k, slot);
    const handled = (loadOnce(k, sh + SH_HANDLED) & sigmask(sig)) !== 0;
    const ignored = (loadOnce(k, sh + SH_IGNORED) & sigmask(sig)) !== 0;
    const saRestart = (loadOnce(k, sh + SH_RESTART) & sigmask(sig)) !== 0;
    const handler = loadOnce(k, sh + SH_HANDLER + sig - 1);
    spinUnlock(k, lock, L_DELIVER);
    if (sig === SIGKILL) doGroupExit(k, SIGKILL);
    if (ignored || (!handled && (DEFAULT_IGNORE & sigmask(sig)) !== 0)) continue;
    if (!handled) doGroupExit(k, sig);
    // handle_signal(): decide the syscall's fate, then run the handler.
    if (out === -ERESTARTNOHAND || (out === -ERESTARTSYS && !saRestart)) out = -EINTR;
    else if (out === -ERESTARTNOINTR || (out === -ERESTARTSYS && saRestart)) out = RESTART;
    if (runHandler) runHandler(handler, sig);
  }
  return out;
}

export { EPERM };
