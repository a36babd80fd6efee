/** Tree SRCU on the runtime (spec 3c5): readers, the grace-period state machine, the barrier sites. */
import './waitgraph.js';
export { barrierHooks, smpMb, type BarrierSite } from './barriers.js';
export { srcuReadLock, srcuReadUnlock } from './reader.js';
export { cleanupSrcuStruct, initSrcuStruct, readersOf, srcuId } from './struct.js';
export { srcuCompleted, srcuFlip, srcuReadersActiveIdxCheck, srcuScan2WaitIdx, synchronizeSrcu } from './tree.js';
