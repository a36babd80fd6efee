/** RCU Tasks (classic flavour) on the runtime: exit tracking in both designs and the grace period (spec 3c1, 3c4). */
import './waitgraph.js';
export { FIX_2023, LISTS_2024, SRCU_2022, srcuDesign, zapDropsExitReadSide } from './design.js';
export { exitTasksRcuFinish, exitTasksRcuStart, exitTasksRcuStop, exitWindowHooks, rcuTasksOn } from './exit.js';
export { exitListsEmpty } from './exitlist.js';
export { rcuTasksInit } from './flavour.js';
export { condReschedTasksRcuQs, rcuTasksCompleted, RT_JIFFY_MS, RT_STALL_PASSES, synchronizeRcuTasks } from './gp.js';
