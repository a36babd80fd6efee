/**
 * lockstep's public runtime API: what scenario modules and subsystems
 * import. Everything a kernel reader expects is here under its kernel name.
 */
export { defineScenario, isScenario, sharedAddr, variantMutants } from './scenario.js';
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
} from './scenario.js';
export { Kernel } from './kernel.js';
export { label, labelText } from './labels.js';
export * from './constants.js';
export { AbortIteration, KernelFailure, TaskExit, bug, invariant, kasan } from './errors.js';
export { deref, describeHandle, failNthAlloc, kfree, kget, kmemCacheAlloc, kput, ktryget, ld, payloadAddr, peek, peekIfLive, refcount, setCacheRelease, st } from './slab.js';
export { spinLock, spinUnlock, spinTrylock, assertSpinLocked, spinIsLocked } from './sync/spinlock.js';
export { mutexLock, mutexLockKillable, mutexTrylock, mutexUnlock, mutexOwner, mutexIsLocked, assertMutexHeld } from './sync/mutex.js';
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
} from './sync/rwsem.js';
export {
  complete,
  completeAll,
  completionDone,
  initCompletion,
  reinitCompletion,
  waitForCompletion,
  waitForCompletionInterruptible,
  waitForCompletionKillable,
} from './sync/completion.js';
export { msleep, waitEvent, waitEventTimeout, waitEventUninterruptible, wakeUpAll, wakeUpOne } from './sync/waitqueue.js';
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
} from './sync/atomic.js';
export { finishWait, prepareToWait, schedule, scheduleTimeout, tryToWakeUp, wakeUp, wakeUpProcess } from './sched.js';
export { fatalSignalPending, signalPending } from './sigpending.js';
export {
  doGroupExit,
  doKill,
  doTkill,
  exitToUserMode,
  groupSendSig,
  lockSiglock,
  registerKillHook,
  restartSyscall,
  sighandOf,
  signalOf,
  siglock,
  signalWakeUp,
  threadsOf,
  unlockSiglock,
} from './signal.js';
export { initTaskWork, registerTaskWork, taskWorkAdd, taskWorkCancel, taskWorkPending, taskWorkRun } from './taskwork.js';
export { copyProcess, doExit, doWait, exitHooks, releaseTask, wakeUpNewTask } from './task.js';
export { buildWaitGraph, registerObjectName, registerWaitKindResolver, registerWaitResolver } from './waitgraph.js';
export { registerTeardown } from './teardown.js';
export { Sys } from './sys.js';
export * as layout from './layout.js';
export { CACHE } from './layout.js';
