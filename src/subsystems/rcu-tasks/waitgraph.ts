/**
 * Who can end an RCU Tasks grace period: the tasks on its holdout list
 * (t->rcu_tasks_holdout set). The holdout loop sleeps with a timeout, so
 * the watchdog never takes it for a certain deadlock; the edge lets a stall
 * report show the cycle (R2's A → B → C → A).
 */
import { registerObjectName, registerWaitKindResolver, WaitKind, type Kernel } from '../../runtime/index.js';
import { kNextSlot, kRcuTasksHoldouts, T_RCU_TASKS_HOLDOUT, T_TID } from '../../runtime/kernel/layout.js';

registerObjectName(kRcuTasksHoldouts, 'rcu_tasks holdout list');

registerWaitKindResolver(WaitKind.RCU_TASKS_GP, (k: Kernel) => {
  const out: number[] = [];
  const n = Atomics.load(k.i32, kNextSlot);
  for (let s = 1; s < n; s++) if (k.tget(s, T_RCU_TASKS_HOLDOUT) !== 0) out.push(k.tget(s, T_TID));
  return { releasers: out, why: 'RCU Tasks holdouts (no voluntary switch yet)' };
});
