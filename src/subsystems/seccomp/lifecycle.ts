/**
 * seccomp across a task's life: copy_seccomp() in clone (kernel/fork.c,
 * under the parent's siglock, right before the child is linked), and the
 * filter release at exit, in both designs:
 *
 *  - mainline (6.11, bfafe5efa975): seccomp_filter_release() in do_exit()
 *    right after exit_signals() set PF_EXITING: the head is detached under
 *    siglock, then released;
 *  - pre-6.11 (3a15fb6ed92c): released in release_task() once the task is
 *    fully dead, so a zombie group leader keeps its filter in the thread
 *    list for as long as the group lives.
 *
 * Mode and SYSCALL_WORK_SECCOMP stay as they are: an exiting task makes no
 * more syscalls.
 */
import {
  assertSpinLocked,
  CLONE_THREAD,
  copyProcess,
  exitHooks,
  invariant,
  label,
  lockSiglock,
  PF_EXITING,
  PFA_NO_NEW_PRIVS,
  siglock,
  unlockSiglock,
  type Kernel,
} from '../../runtime/index.js';
import { T_ATOMIC_FLAGS, T_FLAGS, T_TGID } from '../../runtime/kernel/layout.js';
import { SECCOMP_MODE_DISABLED, SYSCALL_WORK_SECCOMP } from './consts.js';
import { pre611 } from './design.js';
import { __seccompFilterRelease, chainOf, filterId, getSeccompFilter } from './filter.js';
import { seccomp } from './layout.js';
import { S12 } from './mutants.js';

const L = {
  copy: label('seccomp:copy_seccomp'),
  early: label('seccomp:S12:copy_seccomp at dup_task_struct'),
  releaseExit: label('seccomp:seccomp_filter_release(do_exit)'),
  releaseTask: label('seccomp:seccomp_filter_release(release_task)'),
};

/** What copy_seccomp() copies: struct seccomp (mode, filter, filter_count). */
interface SeccompCopy {
  readonly parent: number;
  readonly filter: number;
  readonly mode: number;
  readonly count: number;
}

/**
 * S12: copy_seccomp() done early, outside siglock and before
 * copy_process()'s last failure point (at dup_task_struct time). The copy
 * taken here (with its reference) is installed when the child is linked,
 * whatever TSYNC did meanwhile; a clone that fails in between leaks it.
 * One task runs per worker at a time, so one pending copy per worker.
 */
let earlyCopy: SeccompCopy | null = null;

function copySeccompEarly(k: Kernel): void {
  if (!k.mutant(S12)) return;
  k.yieldPoint(L.early);
  const parent = k.cur;
  const filter = getSeccompFilter(k, parent, L.early);
  earlyCopy = { parent, filter, mode: k.tget(parent, seccomp.task.mode), count: k.tget(parent, seccomp.task.filter_count) };
}

/**
 * copy_seccomp(p): caller (the parent) holds its siglock. Take a new user
 * of the parent's head and copy struct seccomp; re-sync NNP (it may have
 * changed since dup_task_struct); set the work flag if the mode is on.
 */
export function copySeccomp(k: Kernel, child: number, flags: number): void {
  // The harness creates an iteration's first tasks (k.cur < 0): a process
  // is a child of init, a thread copies its group leader.
  const parent = k.cur >= 0 ? k.cur : (flags & CLONE_THREAD) !== 0 ? k.slotOf(k.tget(child, T_TGID)) : 0;
  if (k.cur >= 0) assertSpinLocked(k, siglock(k, parent), 'copy_seccomp: current->sighand->siglock');
  let copy: SeccompCopy;
  if (earlyCopy !== null && earlyCopy.parent === parent) {
    copy = earlyCopy;
    earlyCopy = null;
  } else {
    const filter = getSeccompFilter(k, parent, L.copy);
    copy = { parent, filter, mode: k.tget(parent, seccomp.task.mode), count: k.tget(parent, seccomp.task.filter_count) };
  }
  k.yieldPoint(L.copy);
  k.tset(child, seccomp.task.filter, copy.filter);
  k.tset(child, seccomp.task.mode, copy.mode);
  k.tset(child, seccomp.task.filter_count, copy.count);
  if ((k.tget(parent, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0) k.tor(child, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
  if (copy.mode !== SECCOMP_MODE_DISABLED) k.tor(child, seccomp.task.syscall_work, SYSCALL_WORK_SECCOMP);
  // I-SC5 (instrumentation): under the parent's siglock the child starts
  // with exactly the parent's chain, so a TSYNC that ran before this point
  // reached it through the parent, and one that runs later sees it linked.
  const now = k.tget(parent, seccomp.task.filter);
  if (k.cur >= 0 && now !== copy.filter) {
    throw k.fail(
      invariant(
        `new thread tid ${k.tid(child)} is linked with filter#${filterId(k, copy.filter)} but its parent now runs [${chainOf(k, now)
          .map((f) => filterId(k, f))
          .join(' -> ')}]: it escapes the TSYNC that ran since its seccomp state was copied`,
        'I-SC5',
      ),
    );
  }
}

/**
 * clone() with copy_process(): the kernel side of the seccomp-aware clone
 * (user.ts). Returns the child's tid or -errno.
 */
export function sysClone(k: Kernel, bodyLabel: number, arg: number, flags: number): number {
  copySeccompEarly(k);
  const tid = copyProcess(k, k.cur, { flags, body: bodyLabel, arg });
  // S12: a clone that failed after the early copy leaks it (the fork-failure
  // leak "seccomp: Move copy_seccomp() to no failure path" fixed).
  earlyCopy = null;
  return tid;
}

/** seccomp_filter_release(tsk) since 6.11: in do_exit() after exit_signals(), under siglock. */
function seccompFilterReleaseAtExit(k: Kernel): void {
  if (pre611(k)) return;
  const tsk = k.cur;
  if ((k.tget(tsk, T_FLAGS) & PF_EXITING) === 0) throw k.fail(invariant(`seccomp_filter_release: tid ${k.curTid} is not PF_EXITING`, 'I-SC4'));
  lockSiglock(k, tsk, L.releaseExit);
  const orig = k.tget(tsk, seccomp.task.filter);
  // Detach the task from its filter tree.
  k.tset(tsk, seccomp.task.filter, 0);
  unlockSiglock(k, tsk, L.releaseExit);
  __seccompFilterRelease(k, orig, L.releaseExit);
}

/** seccomp_filter_release(tsk) before 6.11: in release_task(), the task fully dead (no sighand: effectively locked). */
function seccompFilterReleaseAtReleaseTask(k: Kernel, slot: number): void {
  if (!pre611(k)) return;
  // __exit_signal() has already unhashed the thread under siglock (the
  // runtime's releaseTask() does the same before it calls this hook), so a
  // TSYNC walking the thread list under siglock either synced the thread
  // first (its new head is released here) or never sees it. The kernel then
  // releases without any lock ("effectively holding the siglock by not
  // having any sighand"). The siglock taken here adds no exclusion; it is
  // kept because recorded pre-6.11 schedules contain its steps.
  lockSiglock(k, slot, L.releaseTask);
  const orig = k.tget(slot, seccomp.task.filter);
  k.tset(slot, seccomp.task.filter, 0);
  unlockSiglock(k, slot, L.releaseTask);
  __seccompFilterRelease(k, orig, L.releaseTask);
}

exitHooks.copyProcess.push(copySeccomp);
exitHooks.afterExitSignals.push(seccompFilterReleaseAtExit);
exitHooks.releaseTask.push(seccompFilterReleaseAtReleaseTask);
