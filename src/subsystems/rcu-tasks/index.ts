/** RCU Tasks (classic flavour, kernel/rcu/tasks.h) on the runtime: exit tracking in both designs and the grace period. */
import './waitgraph.js';
export { FIX_2023, LISTS_2024, SRCU_2022, srcuDesign, zapDropsExitReadSide } from './design.js';
export { exitFinalRegionHooks, exitTasksRcuFinish, exitTasksRcuStart, exitTasksRcuStop, exitWindowHooks, rcuTasksOn } from './exit.js';
export { exitListsEmpty } from './exitlist.js';
export { rcuTasksInit } from './flavour.js';
export { I_RT1, I_RT2 } from './invariants.js';
export { condReschedTasksRcuQs, rcuTasksCompleted, RT_JIFFY_MS, RT_STALL_PASSES, synchronizeRcuTasks } from './gp.js';
export { rcuTasks } from './layout.js';
export { R1, R11, R13, R2, R7, R8, R9_POSTGP, R9_PREGP, TASKS_SRCU } from './mutants.js';
export { RCU_TASKS_GP_WAIT } from './waitgraph.js';
