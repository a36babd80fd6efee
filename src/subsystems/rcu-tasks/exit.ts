/**
 * RCU Tasks' view of do_exit() (kernel/exit.c, kernel/rcu/tasks.h): an
 * exiting task leaves the task list in exit_notify(), but may still be
 * preempted in a trampoline until its final schedule(), so
 * synchronize_rcu_tasks() must find it another way.
 *
 *   exit_tasks_rcu_start()   before exit_notify()
 *       SRCU design: idx = __srcu_read_lock(&tasks_rcu_exit_srcu)
 *       list design: add current to this CPU's rtp_exit_list, record the CPU
 *   exit_notify()            (zap_pid_ns_processes() may sleep in here)
 *   ... the exit window: proc_exit_connector(), mpol_put(), ...
 *   preempt_disable()        the final region, an RCU reader (rcu/exit.ts)
 *   exit_tasks_rcu_finish()
 *       SRCU design: __srcu_read_unlock(&tasks_rcu_exit_srcu, idx)
 *       list design: remove current from the list of the recorded CPU
 *   ... lockdep_free_task(), do_task_dead(): the final schedule()
 *
 * The two read sides overlap: the exit list (or SRCU) covers the task from
 * before exit_notify() into the final region, and the final region, which
 * rcu_tasks_postgp()'s synchronize_rcu() waits out, covers it to the end
 * (kernel/rcu/tasks.h, rcu_tasks_postscan()'s comment).
 *
 * Planted bug here (docs/RCU.md, "Planted bugs"): R11 removes under
 * smp_processor_id()'s lock instead of the recorded CPU's.
 */
import { exitHooks, label, loadOnce, loadPlain, type Kernel } from '../../runtime/index.js';
import { doExitTail } from '../rcu/index.js';
import { srcuReadLock, srcuReadUnlock } from '../srcu/index.js';
import { srcuDesign } from './design.js';
import { exitListHead, listAdd, listDelInit, lockExitList, taskNode, unlockExitList } from './exitlist.js';
import { rcuTasks } from './layout.js';
import { R11 } from './mutants.js';

const L = {
  start: label('rcu_tasks:exit_tasks_rcu_start'),
  finish: label('rcu_tasks:exit_tasks_rcu_finish'),
  window: label('do_exit:exit window (after exit_notify)'),
};

export function rcuTasksOn(k: Kernel): boolean {
  return loadOnce(k, rcuTasks.global.rcu_tasks_on) !== 0;
}

/** The handle of tasks_rcu_exit_srcu (set up before any task runs). */
function exitSrcu(k: Kernel): number {
  return loadPlain(k, rcuTasks.global.tasks_rcu_exit_srcu);
}

/**
 * Code that runs in the exit window, between exit_notify() and the final
 * preempt_disable(), where the task is off the task list but not yet gone:
 * scenarios hang their "trampoline" here. It may sleep.
 */
export const exitWindowHooks: ((k: Kernel) => void)[] = [];

/**
 * Code that runs in do_exit()'s final preempt-disabled region, after
 * exit_tasks_rcu_finish() took the task off its exit list and before its
 * final schedule() (lockdep_free_task(), do_task_dead() up to __schedule():
 * traced code too). It must not sleep. Only postgp's synchronize_rcu()
 * covers it.
 */
export const exitFinalRegionHooks: ((k: Kernel) => void)[] = [];

/** exit_tasks_rcu_start(). */
export function exitTasksRcuStart(k: Kernel): void {
  if (!rcuTasksOn(k)) return;
  k.yieldPoint(L.start);
  if (srcuDesign(k)) {
    const idx = srcuReadLock(k, exitSrcu(k));
    k.tset(k.cur, rcuTasks.task.rcu_tasks_idx, idx + 1);
    return;
  }
  // preempt_disable(): no migration between reading the CPU and the add.
  const cpu = k.smpProcessorId();
  lockExitList(k, cpu);
  k.tset(k.cur, rcuTasks.task.rcu_tasks_exit_cpu, cpu + 1);
  listAdd(k, taskNode(k, k.cur), exitListHead(cpu));
  unlockExitList(k, cpu);
}

/**
 * exit_tasks_rcu_stop() (SRCU design, 2023 fix): leave the exit read side
 * (zap_pid_ns_processes() calls it before schedule()).
 */
export function exitTasksRcuStop(k: Kernel): void {
  if (!rcuTasksOn(k) || !srcuDesign(k)) return;
  const held = k.tget(k.cur, rcuTasks.task.rcu_tasks_idx);
  if (held === 0) return;
  k.tset(k.cur, rcuTasks.task.rcu_tasks_idx, 0);
  srcuReadUnlock(k, exitSrcu(k), held - 1);
}

/** exit_tasks_rcu_finish(). */
export function exitTasksRcuFinish(k: Kernel): void {
  if (!rcuTasksOn(k)) return;
  k.yieldPoint(L.finish);
  if (srcuDesign(k)) {
    exitTasksRcuStop(k);
    return;
  }
  const recorded = k.tget(k.cur, rcuTasks.task.rcu_tasks_exit_cpu) - 1;
  if (recorded < 0) return;
  // R11: take the lock of the CPU we run on now, not of the list we are on.
  // After a migration that is another CPU's lock, and the list op races
  // with adds and removals on our list.
  const cpu = k.mutant(R11) ? k.smpProcessorId() : recorded;
  lockExitList(k, cpu);
  listDelInit(k, taskNode(k, k.cur));
  k.tset(k.cur, rcuTasks.task.rcu_tasks_exit_cpu, 0);
  unlockExitList(k, cpu);
}

function exitWindow(k: Kernel): void {
  if (!rcuTasksOn(k)) return;
  k.yieldPoint(L.window);
  for (const h of exitWindowHooks) h(k);
}

function finalRegion(k: Kernel): void {
  exitTasksRcuFinish(k);
  if (!rcuTasksOn(k)) return;
  for (const h of exitFinalRegionHooks) h(k);
}

exitHooks.beforeExitNotify.push(exitTasksRcuStart);
doExitTail.beforeFinalRegion.push(exitWindow);
doExitTail.inFinalRegion.push(finalRegion);
