/**
 * Who can end an RCU grace period: the tasks whose read-side critical
 * sections it waits for (their rcu_gp_snap is set and their rcu_reader_seq
 * has not moved since). A synchronize_rcu() that waits for a reader that in
 * turn waits for the updater is then a deadlock with its cycle named.
 */
import { defineWaitKind, loadOnce, registerObjectName, registerWaitKindResolver, type Kernel } from '../../runtime/index.js';
import { kNextSlot, T_TID } from '../../runtime/kernel/layout.js';
import { rcu } from './layout.js';

/** The breadcrumb of synchronize_rcu() waiting for pre-existing readers. */
export const RCU_GP_WAIT = defineWaitKind('rcu grace period');

registerObjectName(() => rcu.global.gp_wait, 'rcu_state.gp_wait');
registerObjectName(() => rcu.global.gp_mutex, 'rcu gp_mutex');

registerWaitKindResolver(RCU_GP_WAIT, (k: Kernel) => {
  const out: number[] = [];
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) {
    const snap = loadOnce(k, k.base(s) + rcu.task.rcu_gp_snap);
    if (snap !== 0 && loadOnce(k, k.base(s) + rcu.task.rcu_reader_seq) === snap) out.push(k.tget(s, T_TID));
  }
  return { releasers: out, why: 'readers inside an RCU read-side critical section that began before the grace period' };
});
