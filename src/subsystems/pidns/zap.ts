/**
 * The end of a PID namespace: find_child_reaper() in exit_notify()
 * (kernel/exit.c) and zap_pid_ns_processes() (kernel/pid_namespace.c).
 *
 * find_child_reaper(father): if father is not its namespace's init, the
 * init adopts; if another live thread of father's group exists, it becomes
 * the init; otherwise the namespace dies: zap_pid_ns_processes() kills
 * everything in it and sleeps until every pid but the init's is freed,
 * that is until every task of the namespace has been *reaped*. A task whose
 * parent is outside the namespace is reaped by that parent, so the init's
 * exit may wait on a task outside the namespace (the B → C → A edges of the
 * seed's deadlock, docs/RCU.md).
 *
 * The sleep is where RCU Tasks' exit tracking meets the namespace: with the
 * SRCU design the sleeper still holds tasks_rcu_exit_srcu's read side unless
 * the 2023 fix drops it around schedule() (rcu-tasks/design.ts).
 *
 * Planted bug R10 (docs/RCU.md, "Planted bugs"): init_pids is 1 even when
 * the last thread is not the group leader (whose pid stays allocated): the
 * reaper sleeps forever.
 *
 * No smp_*() fence stands at these sites in the kernel: the wait loop's
 * ordering is set_current_state() (smp_store_mb) against free_pid()'s
 * wake_up_process(), both inside the runtime's prepareToWait() and
 * tryToWakeUp(); pid_allocated is read plainly (data_race() in newer kernels).
 */
import {
  deref,
  doWait,
  ECHILD,
  exitHooks,
  finishWait,
  groupSendSig,
  label,
  loadOnce,
  loadPlain,
  lockSiglock,
  lockTasklist,
  PF_EXITING,
  prepareToWait,
  schedule,
  SIGCHLD,
  sighandOf,
  SIGKILL,
  sigmask,
  signalOf,
  storePlain,
  TASK_INTERRUPTIBLE,
  threadsOf,
  TIF_NOTIFY_SIGNAL,
  TIF_SIGPENDING,
  unlockTasklist,
  unlockSiglock,
  type Kernel,
} from '../../runtime/index.js';
import { kNextSlot, SH_IGNORED, SIG_GROUP_EXIT, SlotState, T_EXIT_STATE, T_FLAGS, T_SLOT, T_TGID, T_TID, T_TIF } from '../../runtime/kernel/layout.js';
import { exitTasksRcuStart, exitTasksRcuStop, zapDropsExitReadSide } from '../rcu-tasks/index.js';
import { pidns, PN_CHILD_REAPER, PN_PID_ALLOCATED } from './layout.js';
import { R10 } from './mutants.js';
import { disablePidAllocation, nsContains } from './namespace.js';
import { PIDNS_ZAP_WAIT } from './waitgraph.js';

const L = {
  find: label('pidns:find_child_reaper'),
  zap: label('pidns:zap_pid_ns_processes'),
  kill: label('pidns:zap:SIGKILL'),
  reap: label('pidns:zap:kernel_wait4'),
  wait: label('pidns:zap:wait pid_allocated == init_pids'),
};

/** zap_pid_ns_processes(pid_ns), called by the namespace's dying init. */
export function zapPidNsProcesses(k: Kernel, ns: number): void {
  const me = k.cur;
  const a = deref(k, ns);
  k.yieldPoint(L.zap, a + PN_PID_ALLOCATED);
  const leader = k.tget(me, T_TGID) === k.curTid;
  // 1. A non-leader last thread: its leader's pid is still allocated.
  // R10: count it as if it were the leader.
  const initPids = leader || k.mutant(R10) ? 1 : 2;
  // 2. No new task can enter the namespace.
  disablePidAllocation(k, ns);
  // 3. From now on the reaper's own children autoreap
  // (sa_handler = SIG_IGN: a plain store under siglock).
  lockSiglock(k, me, L.zap);
  const ignored = sighandOf(k, me) + SH_IGNORED;
  storePlain(k, ignored, loadPlain(k, ignored) | sigmask(SIGCHLD));
  unlockSiglock(k, me, L.zap);
  // 4. SIGKILL every process of the namespace (pid_task(PIDTYPE_TGID) for nr >= 2).
  const myTgid = k.tget(me, T_TGID);
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) {
    const tid = k.tget(s, T_TID);
    if (k.tget(s, T_TGID) !== tid || tid === myTgid) continue;
    if (k.tget(s, T_SLOT) !== SlotState.LINKED || k.tget(s, T_EXIT_STATE) !== 0) continue;
    const tns = k.tget(s, pidns.task.pid_ns);
    if (tns === 0 || !nsContains(k, ns, tns)) continue;
    // !__fatal_signal_pending(task): a plain read.
    if (loadPlain(k, signalOf(k, s) + SIG_GROUP_EXIT) !== 0) continue;
    k.yieldPoint(L.kill);
    groupSendSig(k, s, SIGKILL);
  }
  // 5. Reap our own zombie children (children traced from outside included).
  for (;;) {
    k.tand(me, T_TIF, ~(TIF_SIGPENDING | TIF_NOTIFY_SIGNAL));
    const rc = doWait(k, -1);
    if (rc === -ECHILD) break;
  }
  // 6. Wait until only our own pids are left: the others are reaped by
  // whoever their parents are, and free_pid() wakes us.
  const word = a + PN_PID_ALLOCATED;
  for (;;) {
    prepareToWait(k, PIDNS_ZAP_WAIT, word, 0, TASK_INTERRUPTIBLE, L.wait, initPids);
    if (loadPlain(k, word) === initPids) break;
    // The 2023 fix (28319d6dc5e2): "the current task can not be concurrently
    // reaped at this point", so leave the exit SRCU read side while asleep.
    const drop = zapDropsExitReadSide(k);
    if (drop) exitTasksRcuStop(k);
    schedule(k, L.wait);
    if (drop) exitTasksRcuStart(k);
  }
  finishWait(k, 0);
}

/**
 * find_child_reaper(father), inside exit_notify() under tasklist_lock
 * (kernel/exit.c). Returns the tid of the namespace's init for a task that
 * is not the init; 0 for a task of the initial namespace (the runtime's own
 * rule). The last thread of the init drops tasklist_lock around
 * zap_pid_ns_processes(), which sleeps, and takes it again, as the kernel's
 * find_child_reaper() does (write_unlock_irq / write_lock_irq).
 */
function findChildReaper(k: Kernel): number {
  const father = k.cur;
  const ns = k.tget(father, pidns.task.pid_ns);
  if (ns === 0) return 0;
  k.yieldPoint(L.find);
  const a = deref(k, ns);
  // pid_ns->child_reaper: plain accesses, under tasklist_lock in the kernel.
  const reaper = loadPlain(k, a + PN_CHILD_REAPER);
  if (reaper !== k.curTid) return reaper;
  // find_alive_thread(): another thread of the group takes over as init.
  for (const t of threadsOf(k, k.tget(father, T_TGID))) {
    if (t !== father && (k.tget(t, T_FLAGS) & PF_EXITING) === 0) {
      storePlain(k, a + PN_CHILD_REAPER, k.tid(t));
      return k.tid(t);
    }
  }
  unlockTasklist(k);
  try {
    zapPidNsProcesses(k, ns);
  } finally {
    if (!k.aborted) lockTasklist(k);
  }
  return k.curTid;
}

exitHooks.findChildReaper.push(findChildReaper);
