/**
 * RCU (kernel/rcu/tree.c, tree_plugin.h) on the runtime: readers
 * (rcu_read_lock(), preempt_disable()), synchronize_rcu(), and do_exit()'s
 * final preempt-disabled region. Usable from any task: a scenario body
 * calls these with `ctx.k`.
 */
import './waitgraph.js';
export { doExitTail } from './exit.js';
export { synchronizeRcu, rcuCompleted } from './gp.js';
export { I_RCU1 } from './invariants.js';
export { rcu } from './layout.js';
export { RCU_GP_EARLY, RCU_PREEMPT_ONLY } from './mutants.js';
export { inReadSide, preemptDisable, preemptEnable, rcuReadLock, rcuReadLockAnyHeld, rcuReadUnlock } from './reader.js';
export { RCU_GP_WAIT } from './waitgraph.js';
