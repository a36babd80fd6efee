/**
 * Setting up the RCU Tasks flavour for an iteration (harness side, from a
 * scenario's setup): switch the exit hooks on, create tasks_rcu_exit_srcu
 * for the SRCU design, initialise the per-CPU exit lists. At teardown every
 * exit list must be empty again.
 */
import { invariant, registerTeardown, type Kernel } from '../../runtime/index.js';
import { kRcuTasksExitSrcu, kRcuTasksOn } from '../../runtime/kernel/layout.js';
import { initSrcuStruct } from '../srcu/index.js';
import { srcuDesign } from './design.js';
import { exitListsEmpty, initExitLists } from './exitlist.js';

export function rcuTasksInit(k: Kernel): void {
  Atomics.store(k.i32, kRcuTasksOn, 1);
  initExitLists(k);
  if (srcuDesign(k)) Atomics.store(k.i32, kRcuTasksExitSrcu, initSrcuStruct(k));
}

registerTeardown((k) => {
  if (Atomics.load(k.i32, kRcuTasksOn) === 0 || srcuDesign(k)) return null;
  const bad = exitListsEmpty(k);
  return bad ? invariant(bad, 'I-RT2') : null;
});
