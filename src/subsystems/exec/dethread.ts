/**
 * de_thread() (fs/exec.c), which begin_new_exec() calls once the exec can
 * no longer fail (bprm->point_of_no_return): an execve() in a multi-threaded
 * process kills every other thread and waits until they are gone, so the
 * new program starts alone. It runs with cred_guard_mutex held (taken in
 * prepare_bprm_creds()) and before exec_mmap() takes exec_update_lock, and
 * that order is what lets the two TSYNCs of a sibling resolve:
 *
 *  - seccomp TSYNC waits for cred_guard_mutex with mutex_lock_killable()
 *    (kernel/seccomp.c: seccomp_set_mode_filter()), so the SIGKILL below
 *    ends its wait and the caller dies;
 *  - Landlock TSYNC holds exec_update_lock and waits interruptibly for every
 *    sibling's task_work, this thread's included, which never runs inside
 *    execve (security/landlock/tsync.c); the SIGKILL interrupts that wait,
 *    the caller cancels the queued works and gives the lock back before it
 *    dies, so exec_mmap() gets it.
 *
 * Steps, labelled `exec:de_thread...`:
 *   1. thread_group_empty(): nothing to do;
 *   2. under siglock: a group exit or another exec in progress -> -EAGAIN;
 *      else group_exec_task = current, and zap_other_threads() sends SIGKILL
 *      to every other live thread. SIGNAL_GROUP_EXIT is not set, so each
 *      killed thread exits with status 0 and spares this one
 *      (kernel/exit.c: do_group_exit(), the runtime's doGroupExit());
 *   3. sleep killably until every other thread is released, and the leader
 *      (for a non-leader exec) is a zombie; a fatal signal -> -EAGAIN;
 *   4. a non-leader exec releases the zombie leader (release_task()). The
 *      kernel also swaps their pids (exchange_tids()), which lockstep cannot
 *      do, a tid being a slot number: the exec'ing thread keeps its tid and
 *      the group its tgid, so only a parent's wait4() would notice (no
 *      scenario waits for a process that exec'd from a non-leader thread);
 *   5. group_exec_task = 0.
 */
import {
  defineWaitKind,
  EAGAIN,
  exitHooks,
  label,
  loadOnce,
  lockSiglock,
  payloadAddr,
  peekIfLive,
  registerGroupExecTask,
  registerWaitKindResolver,
  releaseTask,
  SIGKILL,
  sigmask,
  signalOf,
  signalWakeUp,
  spinLock,
  spinUnlock,
  storeOnce,
  TASK_KILLABLE,
  threadsOf,
  unlockSiglock,
  waitEvent,
  wakeUpAll,
  type Kernel,
} from '../../runtime/index.js';
import { kTasklistLock, SIG_GROUP_EXIT, T_EXIT_STATE, T_SIGNAL, T_SIGPENDING, T_TGID } from '../../runtime/kernel/layout.js';
import { exec } from './layout.js';

/** The breadcrumb of a thread in de_thread(): it waits for its killed siblings to be gone. */
export const DE_THREAD_WAIT = defineWaitKind('de_thread');

const L = {
  entry: label('exec:de_thread'),
  zap: label('exec:de_thread:zap_other_threads'),
  wait: label('exec:de_thread:wait for the other threads'),
  leader: label('exec:de_thread:release_task(leader)'),
  wake: label('exec:de_thread:wake group_exec_task'),
};

// do_group_exit() asks whether an exec is in progress.
registerGroupExecTask((k, signalAddr) => loadOnce(k, signalAddr + exec.signal.group_exec_task));

/** zap_other_threads(): SIGKILL every other thread that has not exited yet. Caller holds siglock. */
function zapOtherThreads(k: Kernel, me: number, tgid: number): void {
  for (const t of threadsOf(k, tgid)) {
    if (t === me) continue;
    // "Don't bother with already dead threads": the zombie leader.
    if (k.tget(t, T_EXIT_STATE) !== 0) continue;
    k.tor(t, T_SIGPENDING, sigmask(SIGKILL));
    signalWakeUp(k, t, true);
  }
}

/**
 * What de_thread() waits for: every other thread released, except the
 * leader of a non-leader exec, which stays a zombie until this thread
 * releases it.
 */
function others(k: Kernel, me: number): number[] {
  const tgid = k.tget(me, T_TGID);
  const leader = k.slotOf(tgid);
  return threadsOf(k, tgid).filter((t) => t !== me && !(t === leader && k.tget(t, T_EXIT_STATE) !== 0));
}

/** de_thread(current): 0 once current is the only thread, -EAGAIN if it was killed or a group exit won. */
export function deThread(k: Kernel): number {
  k.yieldPoint(L.entry);
  const me = k.cur;
  const tgid = k.tget(me, T_TGID);
  // 1.
  if (threadsOf(k, tgid).every((t) => t === me)) return 0;
  const sa = signalOf(k, me);
  const groupExec = sa + exec.signal.group_exec_task;
  // 2.
  lockSiglock(k, me, L.zap);
  if (loadOnce(k, sa + SIG_GROUP_EXIT) !== 0 || loadOnce(k, groupExec) !== 0) {
    // "Another group action in progress, just return so that the signal is processed."
    unlockSiglock(k, me, L.zap);
    return -EAGAIN;
  }
  storeOnce(k, groupExec, k.curTid);
  zapOtherThreads(k, me, tgid);
  unlockSiglock(k, me, L.zap);
  // 3.
  if (waitEvent(k, sa + exec.signal.exec_wait, TASK_KILLABLE, () => others(k, me).length === 0, L.wait, { kind: DE_THREAD_WAIT }) !== 0) {
    // killed: tasklist_lock "protects against exit_notify() and __exit_signal()".
    spinLock(k, kTasklistLock, L.wait);
    storeOnce(k, groupExec, 0);
    spinUnlock(k, kTasklistLock, L.wait);
    return -EAGAIN;
  }
  // 4.
  const leader = k.slotOf(tgid);
  if (leader !== me) {
    spinLock(k, kTasklistLock, L.leader);
    releaseTask(k, leader);
    spinUnlock(k, kTasklistLock, L.leader);
  }
  // 5.
  storeOnce(k, groupExec, 0);
  return 0;
}

// __exit_signal(): a killed thread leaving the thread list wakes the thread
// in de_thread() (the kernel counts down signal->notify_count and wakes it at
// 0; here it re-counts). The slot still holds its signal_struct reference.
exitHooks.releaseTask.push((k, slot) => {
  if (k.isHarness) return;
  const sa = signalOf(k, slot);
  const waiter = loadOnce(k, sa + exec.signal.group_exec_task);
  if (waiter === 0 || waiter === k.curTid) return;
  wakeUpAll(k, sa + exec.signal.exec_wait, L.wake);
});

// exit_notify(): "mt-exec, de_thread() is waiting for group leader". The
// kernel wakes it under tasklist_lock; here the leader is a zombie already,
// and the exec'ing thread may have released it (and the group's last
// reference to signal_struct may be gone): read without a report.
exitHooks.afterExitNotify.push((k) => {
  const me = k.cur;
  if (k.tget(me, T_TGID) !== k.curTid) return;
  const h = k.tget(me, T_SIGNAL);
  const waiter = peekIfLive(k, h, exec.signal.group_exec_task);
  if (waiter === null || waiter === 0) return;
  wakeUpAll(k, payloadAddr(k, h) + exec.signal.exec_wait, L.wake);
});

// The wait-for graph: de_thread() waits for the threads it killed.
registerWaitKindResolver(DE_THREAD_WAIT, (k, slot) => ({
  releasers: others(k, slot).map((t) => k.tid(t)),
  why: 'threads de_thread() killed, which must exit and be released',
}));
