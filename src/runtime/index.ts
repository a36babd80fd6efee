/**
 * lockstep's public runtime API: what scenario modules and subsystems
 * import. Everything a kernel reader expects is here under its kernel name.
 */
export { defineScenario, isScenario, mainline, mutantVariant, sharedAddr, variantMutants } from './kernel/scenario.js';
export type {
  CheckContext,
  Params,
  ParamValue,
  Scenario,
  ScenarioDef,
  SetupContext,
  SignalHandler,
  SpawnOptions,
  TaskInfo,
  ThreadBody,
  ThreadContext,
  VariantDef,
  VariantKind,
} from './kernel/scenario.js';
export { Kernel } from './kernel/kernel.js';
export { defineSubsystem, type Subsystem, type SubsystemDecl } from './kernel/subsystem.js';
export { defineMutant, type Mutant } from './kernel/mutants.js';
export { defineWaitKind } from './kernel/waitkind.js';
export { registerUserTickHook } from './kernel/tick.js';
export {
  cmpxchg,
  fence,
  Fence,
  fetchAdd,
  fetchAnd,
  fetchOr,
  loadAcquire,
  loadOnce,
  loadPlain,
  Order,
  smpMb,
  smpMbAfterAtomic,
  smpMbAfterSpinlock,
  smpMbAfterUnlockLock,
  smpMbBeforeAtomic,
  smpRmb,
  smpWmb,
  storeOnce,
  storePlain,
  storeRelease,
  xchg,
} from './kernel/access.js';
export { label, labelText } from './kernel/labels.js';
export * from './kernel/constants.js';
export { AbortIteration, KernelFailure, TaskExit, bug, invariant, kasan } from './kernel/errors.js';
export { deref, describeHandle, failNthAlloc, kfree, kget, kmemCacheAlloc, kput, ktryget, ld, payloadAddr, peek, peekIfLive, refcount, setCacheRelease, st } from './kernel/slab.js';
export { spinLock, spinUnlock, spinTrylock, assertSpinLocked, spinIsLocked } from './kernel/sync/spinlock.js';
export { mutexLock, mutexLockKillable, mutexTrylock, mutexUnlock, mutexOwner, mutexIsLocked, assertMutexHeld } from './kernel/sync/mutex.js';
export {
  downRead,
  downReadTrylock,
  downWrite,
  downWriteKillable,
  downWriteTrylock,
  upRead,
  upWrite,
  rwsemReaders,
  rwsemWriter,
} from './kernel/sync/rwsem.js';
export {
  complete,
  completeAll,
  completionDone,
  initCompletion,
  reinitCompletion,
  waitForCompletion,
  waitForCompletionInterruptible,
  waitForCompletionKillable,
} from './kernel/sync/completion.js';
export { condBroadcast, condInit, condSignal, condWait, condWaiters } from './kernel/sync/condvar.js';
export { doJoin } from './kernel/join.js';
export { msleep, waitEvent, waitEventTimeout, waitEventUninterruptible, wakeUpAll, wakeUpOne } from './kernel/sync/waitqueue.js';
export {
  atomicAddReturn,
  atomicCmpxchg,
  atomicDec,
  atomicDecReturn,
  atomicInc,
  atomicIncReturn,
  atomicRead,
  atomicSet,
  atomicXchg,
  readOnce,
  writeOnce,
} from './kernel/sync/atomic.js';
export { finishWait, prepareToWait, schedule, scheduleTimeout, tryToWakeUp, wakeUp, wakeUpProcess } from './kernel/sched.js';
export { fatalSignalPending, signalPending } from './kernel/sigpending.js';
export {
  doGroupExit,
  doKill,
  doTkill,
  exitToUserMode,
  groupSendSig,
  lockSiglock,
  registerGroupExecTask,
  registerKillHook,
  restartSyscall,
  sighandOf,
  signalOf,
  siglock,
  signalWakeUp,
  threadsOf,
  unlockSiglock,
} from './kernel/signal.js';
export { initTaskWork, registerTaskWork, taskWorkAdd, taskWorkCancel, taskWorkPending, taskWorkRun } from './kernel/taskwork.js';
export { copyProcess, doExit, doWait, exitHooks, lockTasklist, releaseTask, unlockTasklist, wakeUpNewTask } from './kernel/task.js';
export { buildWaitGraph, registerObjectName, registerWaitKindResolver, registerWaitResolver } from './kernel/waitgraph.js';
export { registerTeardown } from './kernel/teardown.js';
export { Sys } from './kernel/sys.js';
export * as layout from './kernel/layout.js';
export { CACHE } from './kernel/layout.js';
