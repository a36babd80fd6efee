/**
 * The Tree SRCU grace period (spec 3c5): srcu_readers_active_idx_check(),
 * srcu_flip(), try_check_zero() and the SCAN1/SCAN2 state machine of
 * srcu_advance_state(), driven by synchronize_srcu() in the caller's
 * context under srcu_gp_mutex.
 *
 * Planted bugs (spec 3g), each beside the code it breaks:
 *   R4  skip SCAN1: flip at once, then check the old rank
 *   R5  no flip: wait on the one rank readers keep using (starvation, I-SRCU4)
 *   busted  synchronize_srcu() returns at once (rcutorture's rcu_busted)
 */
import {
  deref,
  finishWait,
  invariant,
  label,
  mutexLock,
  mutexUnlock,
  prepareToWait,
  schedule,
  TASK_UNINTERRUPTIBLE,
  WaitKind,
  type Kernel,
} from '../../runtime/index.js';
import { SS_COMPLETED, SS_GP_MUTEX, SS_GP_SEQ, SS_IDX, SS_ID, SS_WAIT_IDX, SS_WQ, WAITQ_WAITERS } from '../../runtime/kernel/layout.js';
import { smpMb } from './barriers.js';
import {
  lockCount,
  SRCU_STATE_IDLE,
  SRCU_STATE_MASK,
  SRCU_STATE_SCAN1,
  SRCU_STATE_SCAN2,
  sumCounts,
  unlockCount,
} from './struct.js';

const L = {
  sync: label('srcu:synchronize_srcu'),
  gpMutex: label('srcu:srcu_gp_mutex'),
  sumUnlocks: label('srcu:readers_active_idx_check:sum unlocks'),
  sumLocks: label('srcu:readers_active_idx_check:sum locks'),
  flip: label('srcu:srcu_flip'),
  retry: label('srcu:try_check_zero:udelay'),
  scan1: label('srcu:SCAN1'),
  scan2: label('srcu:SCAN2'),
  wait: label('srcu:wait for readers'),
  end: label('srcu:srcu_gp_end'),
};

/**
 * srcu_readers_active_idx_check(): are there no readers of rank `idx`?
 * Unlocks are summed *before* locks (both sums only grow, so equality means
 * that at some instant during the check rank idx had no reader).
 */
export function srcuReadersActiveIdxCheck(k: Kernel, ss: number, idx: number): boolean {
  k.yieldPoint(L.sumUnlocks, unlockCount(ss, idx, 0));
  const unlocks = sumCounts(k, unlockCount(ss, idx, 0));
  smpMb(k, 'A');
  k.yieldPoint(L.sumLocks, lockCount(ss, idx, 0));
  const locks = sumCounts(k, lockCount(ss, idx, 0));
  const outstanding = (locks - unlocks) | 0;
  if (outstanding < 0) {
    // I-SRCU2: a counted unlock whose lock is not counted. With unlocks
    // summed first that cannot happen unless an unlock used the wrong idx.
    throw k.fail(
      invariant(
        `srcu_struct#${Atomics.load(k.i32, ss + SS_ID)} rank ${idx}: ${unlocks >>> 0} unlocks but only ${locks >>> 0} locks (an unlock without its lock on this rank)`,
        'I-SRCU2',
      ),
    );
  }
  return outstanding === 0;
}

/** srcu_flip(): new readers use the other rank. */
export function srcuFlip(k: Kernel, ss: number): void {
  smpMb(k, 'E');
  k.yieldPoint(L.flip, ss + SS_IDX);
  Atomics.add(k.i32, ss + SS_IDX, 1);
  smpMb(k, 'D');
}

/** try_check_zero(): up to `trycount` checks, udelay(srcu_retry_check_delay) between them. */
function tryCheckZero(k: Kernel, ss: number, idx: number, trycount: number): boolean {
  for (let i = 0; ; i++) {
    if (srcuReadersActiveIdxCheck(k, ss, idx)) return true;
    if (i + 1 >= trycount) return false;
    k.yieldPoint(L.retry);
  }
}

/**
 * Wait until rank `idx` has no readers: try_check_zero(), then (where the
 * kernel would re-queue the delayed work) sleep until an unlock wakes us
 * and check again.
 */
function waitForReaders(k: Kernel, ss: number, idx: number, trycount: number, lbl: number): void {
  Atomics.store(k.i32, ss + SS_WAIT_IDX, idx + 1);
  try {
    waitForReadersOf(k, ss, idx, trycount, lbl);
  } finally {
    Atomics.store(k.i32, ss + SS_WAIT_IDX, 0);
  }
}

function waitForReadersOf(k: Kernel, ss: number, idx: number, trycount: number, lbl: number): void {
  if (tryCheckZero(k, ss, idx, trycount)) return;
  const wq = ss + SS_WQ;
  for (;;) {
    prepareToWait(k, WaitKind.SRCU_GP, wq, wq + WAITQ_WAITERS, TASK_UNINTERRUPTIBLE, lbl, idx);
    if (srcuReadersActiveIdxCheck(k, ss, idx)) break;
    schedule(k, lbl);
    finishWait(k, wq + WAITQ_WAITERS);
  }
  finishWait(k, wq + WAITQ_WAITERS);
}

function setState(k: Kernel, ss: number, state: number): void {
  const seq = Atomics.load(k.i32, ss + SS_GP_SEQ);
  Atomics.store(k.i32, ss + SS_GP_SEQ, (seq & ~SRCU_STATE_MASK) | state);
}

/**
 * synchronize_srcu(ssp): return only after every reader that was inside a
 * read-side critical section when this was called has left it (I-SRCU1).
 */
export function synchronizeSrcu(k: Kernel, h: number): void {
  const i32 = k.i32;
  const ss = deref(k, h);
  k.yieldPoint(L.sync);
  // rcu_busted: no grace period at all (calibration: the checker must fail).
  if (k.mutant('busted')) return;
  mutexLock(k, ss + SS_GP_MUTEX, L.gpMutex);
  try {
    // srcu_gp_start(): rcu_seq_start.
    setState(k, ss, SRCU_STATE_SCAN1);
    if (!k.mutant('R4')) {
      // SCAN1: drain the rank new readers are *not* using: stragglers that
      // fetched srcu_idx before an earlier flip and incremented late. Only
      // then flip (I-SRCU3: no flip unless SCAN1 saw the inactive rank empty).
      waitForReaders(k, ss, 1 ^ (Atomics.load(i32, ss + SS_IDX) & 1), 1, L.scan1);
    }
    // R4 (spec 3g): skip SCAN1 and flip at once; a reader holding a stale
    // idx increments the rank this GP then reads as empty.
    // R5 (spec 3g): never flip; wait on the rank readers keep using, so a
    // continuous stream of overlapping readers starves the GP (I-SRCU4).
    if (!k.mutant('R5')) srcuFlip(k, ss);
    setState(k, ss, SRCU_STATE_SCAN2);
    const cur = Atomics.load(i32, ss + SS_IDX) & 1;
    const idx = k.mutant('R5') ? cur : 1 ^ cur;
    // SCAN2: the rank that was active before the flip.
    waitForReaders(k, ss, idx, 2, L.scan2);
    // srcu_gp_end(): rcu_seq_end.
    k.yieldPoint(L.end);
    const seq = Atomics.load(i32, ss + SS_GP_SEQ);
    Atomics.store(i32, ss + SS_GP_SEQ, ((seq & ~SRCU_STATE_MASK) + 4) | SRCU_STATE_IDLE);
    Atomics.add(i32, ss + SS_COMPLETED, 1);
  } finally {
    if (!k.aborted) mutexUnlock(k, ss + SS_GP_MUTEX, L.gpMutex);
  }
}

/** The rank the in-flight grace period waits on in SCAN2, or -1. */
export function srcuScan2WaitIdx(k: Kernel, h: number): number {
  const ss = deref(k, h);
  const w = Atomics.load(k.i32, ss + SS_WAIT_IDX);
  return w !== 0 && (Atomics.load(k.i32, ss + SS_GP_SEQ) & SRCU_STATE_MASK) === SRCU_STATE_SCAN2 ? w - 1 : -1;
}

/** Grace periods completed on this srcu_struct (rcu_seq_ctr(srcu_gp_seq)). */
export function srcuCompleted(k: Kernel, h: number): number {
  return Atomics.load(k.i32, deref(k, h) + SS_COMPLETED);
}
