/** Tree SRCU on the runtime (kernel/rcu/srcutree.c): readers, the grace-period state machine, the barrier sites. */
import './waitgraph.js';
export { barrierHooks, srcuMb, type BarrierSite } from './barriers.js';
export { I_SRCU1, I_SRCU2, I_SRCU4 } from './invariants.js';
export { SRCU_CPUS, SS_WORDS, srcu } from './layout.js';
export { BUSTED, R3_LOCKS_FIRST, R3_NO_MB_A, R4, R5, R6, SRCU_NO_MB_B, SRCU_NO_MB_C, SRCU_NO_MB_D, SRCU_NO_MB_E } from './mutants.js';
export { srcuDownRead, srcuReadLock, srcuReadUnlock, srcuUpRead } from './reader.js';
export { cleanupSrcuStruct, initSrcuStruct, readersOf, srcuId, srcuPerCpuReaders, srcuTortureStatsPrint } from './struct.js';
export { SRCU_GP_WAIT, srcuCompleted, srcuFlip, srcuReadersActiveIdxCheck, srcuScan2WaitIdx, synchronizeSrcu } from './tree.js';
