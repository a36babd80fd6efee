/**
 * Tasks: clone with copy_process() semantics, do_exit() with the ordering
 * subsystems hook into (kernel/exit.c: do_exit()), exit_notify(), release_task() and
 * wait4().
 *
 * Slots are never reused within an iteration, so the task table doubles as
 * the RCU-protected thread list: for_each_thread() walks the slots and reads
 * each one's link state with Atomics (a walk may miss a thread linked
 * concurrently, never sees a freed one).
 */
import { Order, fetchAdd, loadOnce, storeOnce } from './access.js';
import {
  CLONE_THREAD,
  EAGAIN,
  ECHILD,
  EINTR,
  ERESTARTSYS,
  EXIT_DEAD,
  EXIT_ZOMBIE,
  FailKind,
  INIT_TID,
  PF_EXITING,
  SIGCHLD,
  sigmask,
  TASK_DEAD,
  TASK_INTERRUPTIBLE,
  TASK_NEW,
  TASK_RUNNING,
  WaitKind,
} from './constants.js';
import { bug, KernelFailure } from './errors.js';
import { strategyOf, type Kernel } from './kernel.js';
import { label } from './labels.js';
import {
  CACHE,
  EXEC_IDLE,
  EXEC_WORDS,
  kBusy,
  kLiveTasks,
  kNextSlot,
  kTasklistLock,
  SH_IGNORED,
  SIG_GROUP_EXIT,
  SIG_GROUP_EXIT_CODE,
  SIG_LEADER,
  SIG_LIVE,
  SIG_NR_THREADS,
  SIG_WAIT_CHLDEXIT,
  SIGHAND_WORDS,
  SlotState,
  T_ARG,
  T_ATOMIC_FLAGS,
  T_BODY,
  T_CAPS,
  T_CHILDREN,
  T_CRED,
  T_EXECUTOR,
  T_PARK,
  T_EXIT_CODE,
  T_EXIT_STATE,
  T_FLAGS,
  T_ON_RQ,
  T_PARENT,
  T_SIGHAND,
  T_SIGNAL,
  T_SLOT,
  T_STATE,
  T_TGID,
  T_TID,
  X_MAILBOX,
} from './layout.js';
import { markRunnable } from './sched.js';
import { lockSiglock, sighandOf, signalOf, threadsOf, unlockSiglock } from './signal.js';
import { fatalSignalPending } from './sigpending.js';
import { deref, kget, kmemCacheAlloc, kput, peekIfLive } from './slab.js';
import { spinLock, spinUnlock } from './sync/spinlock.js';
import { waitEvent, wakeUpAll } from './sync/waitqueue.js';
import { enqueueTask } from './runqueue.js';
import { taskWorkRun } from './taskwork.js';
import { joinWake } from './join.js';
import { syncNewTask } from './weakhooks.js';

const L_CLONE = label('copy_process');
const L_LINK = label('copy_process:link');
const L_EXIT_SIGNALS = label('do_exit:exit_signals');
const L_EXIT_TASK_WORK = label('do_exit:exit_task_work');
const L_EXIT_NOTIFY = label('do_exit:exit_notify');
const L_TASK_DEAD = label('do_exit:do_task_dead');
const L_RELEASE = label('release_task');
const L_WAIT = label('wait4');
const L_TASKLIST = label('tasklist_lock');

/**
 * do_exit() hooks, in the kernel's order. Subsystems register the calls the
 * kernel makes at those points (seccomp_filter_release after exit_signals;
 * exit_tasks_rcu_start before exit_notify; exit_tasks_rcu_finish after).
 */
export interface ExitHooks {
  afterExitSignals: ((k: Kernel) => void)[];
  beforeExitNotify: ((k: Kernel) => void)[];
  /**
   * find_child_reaper(): called inside exit_notify() with tasklist_lock
   * held, as kernel/exit.c's forget_original_parent() calls it; a hook that
   * sleeps (zap_pid_ns_processes) drops the lock around the sleep and takes
   * it again (unlockTasklist/lockTasklist), as find_child_reaper() does.
   * Returns the tid that adopts the exiting task's children, or 0 for "not
   * mine to decide".
   */
  findChildReaper: ((k: Kernel) => number)[];
  afterExitNotify: ((k: Kernel) => void)[];
  /** release_task() → __exit_signal() → free_pid(). */
  releaseTask: ((k: Kernel, slot: number) => void)[];
  /**
   * alloc_pid() in copy_process(), under the parent's siglock, before the
   * copyProcess hooks: 0, or a negative errno that fails the clone (a pid
   * namespace whose allocation was disabled gives -ENOMEM).
   */
  allocPid: ((k: Kernel, child: number, flags: number) => number)[];
  /** copy_process(), under the parent's siglock, before the child is linked. */
  copyProcess: ((k: Kernel, child: number, flags: number) => void)[];
}

export const exitHooks: ExitHooks = {
  afterExitSignals: [],
  beforeExitNotify: [],
  findChildReaper: [],
  afterExitNotify: [],
  releaseTask: [],
  allocPid: [],
  copyProcess: [],
};

export interface CloneArgs {
  readonly flags: number;
  /** Label id of the thread body to run. */
  readonly body: number;
  readonly arg: number;
}

/** write_lock_irq(&tasklist_lock). */
export function lockTasklist(k: Kernel): void {
  spinLock(k, kTasklistLock, L_TASKLIST);
}
export function unlockTasklist(k: Kernel): void {
  spinUnlock(k, kTasklistLock, L_TASKLIST);
}

/**
 * copy_process() + wake_up_new_task(). The child's slot is allocated and
 * linked into the thread group under siglock *before* this returns, so a
 * for_each_thread() walk that starts after clone() returned sees it (the
 * property TSYNC's discovery loop relies on). `parentSlot` is the caller
 * (or init, slot 0, when the harness creates an iteration's first tasks).
 * Returns the child's tid or a negative errno.
 */
export function copyProcess(k: Kernel, parentSlot: number, a: CloneArgs, deferWake = false): number {
  const i32 = k.i32;
  k.yieldPoint(L_CLONE);
  const slot = Atomics.add(i32, kNextSlot, 1); // lockstep-internal
  // Two clones are ordered by the slot (and tid) each gets (footprint.ts).
  k.fp?.note(kNextSlot, true);
  if (slot >= k.L.config.maxTasks) {
    Atomics.sub(i32, kNextSlot, 1); // lockstep-internal
    return -EAGAIN;
  }
  const tid = k.tid(slot);
  const thread = (a.flags & CLONE_THREAD) !== 0;
  const b = k.base(slot);
  i32[b + T_TID] = tid;
  i32[b + T_TGID] = thread ? k.tget(parentSlot, T_TGID) : tid;
  i32[b + T_PARENT] = thread ? k.tget(parentSlot, T_PARENT) : k.tid(parentSlot);
  i32[b + T_BODY] = a.body;
  i32[b + T_ARG] = a.arg;
  i32[b + T_CAPS] = k.tget(parentSlot, T_CAPS);
  i32[b + T_ATOMIC_FLAGS] = k.tget(parentSlot, T_ATOMIC_FLAGS);
  i32[b + T_ON_RQ] = 1;
  storeOnce(k, b + T_STATE, TASK_NEW);
  storeOnce(k, b + T_SLOT, SlotState.NEW);
  i32[b + T_CRED] = kget(k, k.tget(parentSlot, T_CRED), L_CLONE);
  if (thread) {
    i32[b + T_SIGNAL] = kget(k, k.tget(parentSlot, T_SIGNAL), L_CLONE);
    i32[b + T_SIGHAND] = kget(k, k.tget(parentSlot, T_SIGHAND), L_CLONE);
  } else {
    const sig = kmemCacheAlloc(k, CACHE.signal_struct, L_CLONE);
    const sh = kmemCacheAlloc(k, CACHE.sighand_struct, L_CLONE);
    if (sig === 0 || sh === 0) {
      // Out of memory in fork: undo and report -EAGAIN as fork does.
      if (sig !== 0) kput(k, sig);
      if (sh !== 0) kput(k, sh);
      kput(k, i32[b + T_CRED]!);
      storeOnce(k, b + T_SLOT, SlotState.UNLINKED);
      storeOnce(k, b + T_STATE, TASK_DEAD);
      storeOnce(k, b + T_EXIT_STATE, EXIT_DEAD);
      return -EAGAIN;
    }
    i32[b + T_SIGNAL] = sig;
    i32[b + T_SIGHAND] = sh;
    storeOnce(k, deref(k, sig) + SIG_LEADER, tid);
    // fork copies the parent's signal actions (sighand is duplicated).
    if (parentSlot !== 0 && k.tget(parentSlot, T_SIGHAND) !== 0) {
      const src = sighandOf(k, parentSlot);
      const dst = deref(k, sh);
      for (let w = 2; w < SIGHAND_WORDS; w++) i32[dst + w] = loadOnce(k, src + w);
    }
    fetchAdd(k, k.base(parentSlot) + T_CHILDREN, 1, Order.RELAXED);
  }
  Atomics.add(i32, kLiveTasks, 1); // lockstep-internal
  // Link under the parent's siglock: copy_seccomp() and friends run here.
  const locked = !k.isHarness;
  if (locked) lockSiglock(k, parentSlot, L_LINK);
  try {
    let err = 0;
    if (locked && thread && ((k.tget(parentSlot, T_FLAGS) & PF_EXITING) !== 0 || fatalSignalPending(k, parentSlot))) {
      // The group is dying (fatal_signal_pending in copy_process): refuse.
      err = -EINTR;
    }
    for (const hook of exitHooks.allocPid) {
      if (err !== 0) break;
      err = hook(k, slot, a.flags);
    }
    if (err !== 0) {
      storeOnce(k, b + T_SLOT, SlotState.UNLINKED);
      storeOnce(k, b + T_STATE, TASK_DEAD);
      storeOnce(k, b + T_EXIT_STATE, EXIT_DEAD);
      Atomics.sub(i32, kLiveTasks, 1); // lockstep-internal
      kput(k, i32[b + T_CRED]!);
      kput(k, i32[b + T_SIGNAL]!);
      kput(k, i32[b + T_SIGHAND]!);
      if (!thread) fetchAdd(k, k.base(parentSlot) + T_CHILDREN, -1, Order.RELAXED);
      return err;
    }
    for (const hook of exitHooks.copyProcess) hook(k, slot, a.flags);
    const sa = deref(k, i32[b + T_SIGNAL]!);
    fetchAdd(k, sa + SIG_NR_THREADS, 1, Order.RELAXED);
    fetchAdd(k, sa + SIG_LIVE, 1, Order.RELAXED);
    storeOnce(k, b + T_SLOT, SlotState.LINKED);
  } finally {
    if (locked && !k.aborted) unlockSiglock(k, parentSlot, L_LINK);
  }
  if (!deferWake) wakeUpNewTask(k, slot);
  return tid;
}

/**
 * wake_up_new_task(): make the child runnable and hand it to an idle
 * executor of the warm pool (a CAS on the executor's mailbox).
 */
export function wakeUpNewTask(k: Kernel, slot: number): void {
  const i32 = k.i32;
  const L = k.L;
  if (k.controlled || k.mode === 'controlled') {
    // The strategy's bookkeeping (PCT priorities) is the runtime's: outside the weak model.
    const wm = k.wm;
    k.wm = null;
    strategyOf(k).onCreate(k, slot);
    k.wm = wm;
  }
  syncNewTask(k, slot);
  Atomics.add(i32, kBusy, 1); // lockstep-internal
  for (let x = 0; x < L.config.maxExecutors; x++) {
    const mb = L.executors + x * EXEC_WORDS + X_MAILBOX;
    if (Atomics.load(i32, mb) !== EXEC_IDLE) continue; // lockstep-internal
    if (Atomics.compareExchange(i32, mb, EXEC_IDLE, slot) !== EXEC_IDLE) continue; // lockstep-internal
    Atomics.store(i32, k.base(slot) + T_EXECUTOR, x + 1); // lockstep-internal
    storeOnce(k, k.base(slot) + T_STATE, TASK_RUNNING);
    enqueueTask(k, slot);
    // Parallel mode: the child is runnable from now on (kNrRunning counts the
    // woken tasks the OS has not run yet, sched.ts); its executor's own count
    // when it starts the task then finds the park word set.
    if (k.mode === 'parallel') markRunnable(i32, k.base(slot) + T_PARK);
    Atomics.notify(i32, mb, 1);
    return;
  }
  Atomics.sub(i32, kBusy, 1); // lockstep-internal
  throw k.fail(
    new KernelFailure(
      FailKind.CRASH,
      `no idle executor for tid ${k.tid(slot)}: the scenario created more simultaneous tasks than its declared maximum`,
    ),
  );
}

/** Is the thread group of `slot` empty apart from `slot` itself? */
function threadGroupEmpty(k: Kernel, leader: number): boolean {
  const sa = signalOf(k, leader);
  return loadOnce(k, sa + SIG_NR_THREADS) <= 1;
}

function parentIgnoresSigchld(k: Kernel, parentTid: number): boolean {
  if (parentTid === INIT_TID) return true; // init (the harness) reaps at once
  const ps = k.slotOf(parentTid);
  if (k.tget(ps, T_SIGHAND) === 0) return true;
  return (loadOnce(k, sighandOf(k, ps) + SH_IGNORED) & sigmask(SIGCHLD)) !== 0;
}

/**
 * do_notify_parent(): tell the parent a (group leader) task died. Returns
 * true if the task is to be autoreaped (the parent ignores SIGCHLD).
 * Caller holds tasklist_lock.
 */
function doNotifyParent(k: Kernel, slot: number): boolean {
  const parent = k.tget(slot, T_PARENT);
  const autoreap = parentIgnoresSigchld(k, parent);
  // __wake_up_parent() runs whether or not the child is autoreaped.
  if (parent !== INIT_TID) wakeUpAll(k, signalOf(k, k.slotOf(parent)) + SIG_WAIT_CHLDEXIT, L_EXIT_NOTIFY);
  return autoreap;
}

/**
 * release_task(): unhash the task, free its pid (hooks), drop its cred and
 * its share of the group's structs. Caller holds tasklist_lock.
 */
export function releaseTask(k: Kernel, slot: number): void {
  const i32 = k.i32;
  const b = k.base(slot);
  k.yieldPoint(L_RELEASE);
  const tgid = k.tget(slot, T_TGID);
  const leader = k.slotOf(tgid);
  // __exit_signal(): the thread is unhashed under siglock (so a walk that
  // holds siglock, like seccomp TSYNC, sees a stable thread list).
  if (!k.isHarness) lockSiglock(k, slot, L_RELEASE);
  storeOnce(k, b + T_SLOT, SlotState.UNLINKED);
  if (!k.isHarness) unlockSiglock(k, slot, L_RELEASE);
  for (const hook of exitHooks.releaseTask) hook(k, slot);
  const sa = signalOf(k, slot);
  const remaining = fetchAdd(k, sa + SIG_NR_THREADS, -1, Order.RELAXED) - 1;
  storeOnce(k, b + T_EXIT_STATE, EXIT_DEAD);
  if (k.tid(slot) === tgid || k.tget(slot, T_TGID) === k.tid(slot)) {
    const parent = k.tget(slot, T_PARENT);
    if (parent !== INIT_TID) fetchAdd(k, k.base(k.slotOf(parent)) + T_CHILDREN, -1, Order.RELAXED);
  }
  kput(k, i32[b + T_CRED]!, L_RELEASE);
  kput(k, i32[b + T_SIGNAL]!, L_RELEASE);
  kput(k, i32[b + T_SIGHAND]!, L_RELEASE);
  // The last thread of a group whose leader is a zombie: the leader can be
  // reported to its parent now (delay_group_leader() no longer holds).
  if (slot !== leader && remaining === 1 && k.tget(leader, T_EXIT_STATE) === EXIT_ZOMBIE) {
    if (doNotifyParent(k, leader)) releaseTask(k, leader);
  }
}

/**
 * do_exit(). Runs in the exiting task's own context. Ends with
 * do_task_dead(): the task never runs again; in controlled mode the baton
 * passes on.
 */
export function doExit(k: Kernel, code: number): void {
  const slot = k.cur;
  if ((k.tget(slot, T_FLAGS) & PF_EXITING) !== 0) throw k.fail(bug(`do_exit: recursive exit of tid ${k.curTid}`));
  // exit_signals(): PF_EXITING under siglock.
  lockSiglock(k, slot, L_EXIT_SIGNALS);
  k.tor(slot, T_FLAGS, PF_EXITING);
  const sa = signalOf(k, slot);
  fetchAdd(k, sa + SIG_LIVE, -1, Order.RELAXED); // group_dead is derived from the live count where it matters
  unlockSiglock(k, slot, L_EXIT_SIGNALS);
  for (const hook of exitHooks.afterExitSignals) hook(k);
  // exit_task_work(): run what is queued and install work_exited.
  taskWorkRun(k, L_EXIT_TASK_WORK);
  storeOnce(k, k.curBase + T_EXIT_CODE, code);
  for (const hook of exitHooks.beforeExitNotify) hook(k);
  exitNotify(k);
  // pthread_join(): the exit state is set, so the joiner may go on.
  joinWake(k);
  for (const hook of exitHooks.afterExitNotify) hook(k);
  doTaskDead(k);
}

/** exit_notify(): reparent children, become a zombie or autoreap. */
function exitNotify(k: Kernel): void {
  const slot = k.cur;
  const me = k.curTid;
  const tgid = k.tget(slot, T_TGID);
  lockTasklist(k);
  try {
    // forget_original_parent(): find_child_reaper() first, under
    // tasklist_lock (kernel/exit.c: exit_notify() takes it before calling
    // forget_original_parent()). The lock is what makes the last two threads
    // of a namespace's init agree on who tears the namespace down: the one
    // that finds no live thread. A pid-namespace hook that sleeps there
    // (zap_pid_ns_processes) drops the lock around it.
    let childReaper = 0;
    for (const hook of exitHooks.findChildReaper) {
      childReaper = hook(k);
      if (childReaper !== 0) break;
    }
    // find_new_reaper(): a live thread of the group first, then the child reaper.
    let reaper = 0;
    for (const t of threadsOf(k, tgid)) {
      if (t !== slot && (k.tget(t, T_FLAGS) & PF_EXITING) === 0) {
        reaper = k.tid(t);
        break;
      }
    }
    if (reaper === 0) reaper = childReaper !== 0 ? childReaper : INIT_TID;
    const n = k.nrSlots(); // lockstep-internal
    for (let s = 1; s < n; s++) {
      if (k.tget(s, T_PARENT) !== me || k.tget(s, T_TGID) === tgid) continue;
      if (k.tget(s, T_EXIT_STATE) === EXIT_DEAD) continue;
      k.tset(s, T_PARENT, reaper);
      fetchAdd(k, k.curBase + T_CHILDREN, -1, Order.RELAXED);
      if (reaper !== INIT_TID) fetchAdd(k, k.base(k.slotOf(reaper)) + T_CHILDREN, 1, Order.RELAXED);
      if (k.tget(s, T_EXIT_STATE) === EXIT_ZOMBIE && (k.tget(s, T_TGID) === k.tid(s))) {
        if (parentIgnoresSigchld(k, reaper)) releaseTask(k, s);
        else wakeUpAll(k, signalOf(k, k.slotOf(reaper)) + SIG_WAIT_CHLDEXIT, L_EXIT_NOTIFY);
      }
    }
    const isLeader = me === tgid;
    if (!isLeader) {
      // A non-leader thread reaps itself.
      storeOnce(k, k.curBase + T_EXIT_STATE, EXIT_ZOMBIE);
      releaseTask(k, slot);
    } else if (!threadGroupEmpty(k, slot)) {
      // delay_group_leader(): a zombie until the other threads are gone.
      storeOnce(k, k.curBase + T_EXIT_STATE, EXIT_ZOMBIE);
    } else {
      storeOnce(k, k.curBase + T_EXIT_STATE, EXIT_ZOMBIE);
      if (doNotifyParent(k, slot)) releaseTask(k, slot);
    }
  } finally {
    if (!k.aborted) unlockTasklist(k);
  }
}

/** do_task_dead(): the final schedule(); the task is gone from the CPU. */
function doTaskDead(k: Kernel): void {
  const i32 = k.i32;
  k.yieldPoint(L_TASK_DEAD);
  storeOnce(k, k.curBase + T_ON_RQ, 0);
  storeOnce(k, k.curBase + T_STATE, TASK_DEAD);
  Atomics.sub(i32, kLiveTasks, 1); // lockstep-internal
  // The baton goes on: this task never touches the weak model again.
  k.wm = null;
  if (k.controlled) k.scheduler!.exit(k, L_TASK_DEAD);
}

export interface WaitResult {
  readonly pid: number;
  readonly status: number;
}

/**
 * wait4(pid, ...): reap a zombie child of this thread group. `pid` -1 means
 * any child. Returns the child's pid and exit code, -ECHILD if there is no
 * such child, -ERESTARTSYS if interrupted (restarted by the exit path).
 */
export function doWait(k: Kernel, pid: number): WaitResult | number {
  const tgid = k.tget(k.cur, T_TGID);
  const sa = signalOf(k, k.cur);
  let found: WaitResult | null = null;
  let hasChild = false;
  const scan = (): boolean => {
    hasChild = false;
    const n = k.nrSlots(); // lockstep-internal
    for (let s = 1; s < n; s++) {
      const parent = k.tget(s, T_PARENT);
      if (parent === 0 || k.tget(k.slotOf(parent), T_TGID) !== tgid) continue;
      if (k.tget(s, T_TGID) !== k.tid(s)) continue; // threads are not children
      if (pid > 0 && k.tid(s) !== pid) continue;
      const es = k.tget(s, T_EXIT_STATE);
      if (es === EXIT_DEAD) continue;
      if (es !== EXIT_ZOMBIE) {
        hasChild = true;
        continue;
      }
      // The kernel scans under read_lock(&tasklist_lock), so a zombie cannot
      // be released (and its signal_struct freed) by another waiter under
      // it; here the scan is lockless, so read the group's state only while
      // it is still live (a freed signal_struct means the zombie was
      // released: it is EXIT_DEAD, no child any more), and re-check under
      // tasklist_lock before reaping.
      const sig = k.tget(s, T_SIGNAL);
      const nr = peekIfLive(k, sig, SIG_NR_THREADS);
      // A group exit reports the group's exit code (do_group_exit).
      const groupExit = peekIfLive(k, sig, SIG_GROUP_EXIT);
      const groupCode = peekIfLive(k, sig, SIG_GROUP_EXIT_CODE);
      if (nr === null || groupExit === null || groupCode === null) continue;
      hasChild = true;
      if (nr > 1) continue;
      found = { pid: k.tid(s), status: groupExit !== 0 ? groupCode : k.tget(s, T_EXIT_CODE) };
      return true;
    }
    return !hasChild;
  };
  const r = waitEvent(k, sa + SIG_WAIT_CHLDEXIT, TASK_INTERRUPTIBLE, scan, L_WAIT, {
    kind: WaitKind.CHILD_EXIT,
    aux: pid,
  });
  if (r === -ERESTARTSYS) return -ERESTARTSYS;
  if (found === null) return -ECHILD;
  const f: WaitResult = found;
  let raced = false;
  lockTasklist(k);
  try {
    const s = k.slotOf(f.pid);
    if (k.tget(s, T_EXIT_STATE) !== EXIT_ZOMBIE) raced = true; // reaped by another waiter or autoreaped
    else releaseTask(k, s);
  } finally {
    if (!k.aborted) unlockTasklist(k);
  }
  return raced ? doWait(k, pid) : f;
}

/** Harness: reap whatever zombies init inherited, after the iteration. */
export function reapOrphans(k: Kernel): void {
  const n = k.nrSlots(); // lockstep-internal
  for (let s = 1; s < n; s++) {
    if (k.tget(s, T_EXIT_STATE) === EXIT_ZOMBIE) releaseTask(k, s);
  }
}

export { TASK_RUNNING };
