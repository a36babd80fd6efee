/**
 * Setting up the RCU Tasks flavour for an iteration (harness side, from a
 * scenario's setup): switch the exit hooks on, create tasks_rcu_exit_srcu
 * for the SRCU design, initialise the per-CPU exit lists. At teardown every
 * exit list must be empty again.
 */
import { invariant, loadPlain, registerTeardown, storePlain, type Kernel } from '../../runtime/index.js';
import { initSrcuStruct } from '../srcu/index.js';
import { srcuDesign } from './design.js';
import { exitListsEmpty, initExitLists } from './exitlist.js';
import { I_RT2 } from './invariants.js';
import { rcuTasks } from './layout.js';

export function rcuTasksInit(k: Kernel): void {
  // Before any task runs: plain stores, published by the iteration's start.
  storePlain(k, rcuTasks.global.rcu_tasks_on, 1);
  initExitLists(k);
  if (srcuDesign(k)) storePlain(k, rcuTasks.global.tasks_rcu_exit_srcu, initSrcuStruct(k));
}

registerTeardown((k) => {
  if (loadPlain(k, rcuTasks.global.rcu_tasks_on) === 0 || srcuDesign(k)) return null;
  const bad = exitListsEmpty(k);
  return bad ? invariant(bad, I_RT2) : null;
});
