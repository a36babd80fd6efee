/**
 * Who can end an RCU Tasks grace period: the tasks on its holdout list
 * (t->rcu_tasks_holdout set). The holdout loop sleeps with a timeout
 * (schedule_timeout_idle() in rcu_tasks_wait_gp()), so its wait kind is
 * timed and the watchdog never takes it for a certain deadlock; the edge
 * lets a stall report show the cycle (R2's A → B → C → A).
 */
import { defineWaitKind, loadOnce, registerObjectName, registerWaitKindResolver, type Kernel } from '../../runtime/index.js';
import { kNextSlot, T_TID } from '../../runtime/kernel/layout.js';
import { rcuTasks } from './layout.js';

/** The breadcrumb of the holdout loop's sleep. */
export const RCU_TASKS_GP_WAIT = defineWaitKind('rcu tasks grace period', { timed: true });

/** The words the grace period sleeps on or locks, named for reports. */
registerObjectName(() => rcuTasks.global.holdouts, 'rcu_tasks holdout list');
registerObjectName(() => rcuTasks.global.tasks_gp_mutex, 'rcu_tasks.tasks_gp_mutex');
registerObjectName(() => rcuTasks.global.event_mutex, 'event_mutex');

registerWaitKindResolver(RCU_TASKS_GP_WAIT, (k: Kernel) => {
  const out: number[] = [];
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) if (loadOnce(k, k.base(s) + rcuTasks.task.rcu_tasks_holdout) !== 0) out.push(k.tget(s, T_TID));
  return { releasers: out, why: 'RCU Tasks holdouts (no voluntary switch yet)' };
});
