/**
 * The Tree SRCU grace period (kernel/rcu/srcutree.c):
 * srcu_readers_active_idx_check(), srcu_flip(), try_check_zero() and the
 * SCAN1/SCAN2 state machine of srcu_advance_state(), driven by
 * synchronize_srcu() in the caller's context under srcu_gp_mutex. lockstep
 * runs one whole grace period per srcu_gp_mutex hold, so srcu_sup->lock,
 * which srcutree.c takes around the srcu_gp_seq updates, is not modelled.
 *
 * Planted bugs (docs/RCU.md, "Planted bugs"), each beside the code it breaks:
 *   R3-locks-first  sum the locks before the unlocks
 *   R4  skip SCAN1: flip at once, then check the old rank
 *   R5  no flip: wait on the one rank readers keep using (starvation, I-SRCU4)
 *   busted  synchronize_srcu() returns at once (rcutorture's rcu_busted)
 * and, in barriers.ts, one mutant per smp_mb() site A–E.
 */
import {
  defineWaitKind,
  deref,
  finishWait,
  invariant,
  label,
  loadAcquire,
  loadOnce,
  loadPlain,
  mutexLock,
  mutexUnlock,
  prepareToWait,
  schedule,
  smpMb,
  storeOnce,
  TASK_UNINTERRUPTIBLE,
  type Kernel,
} from '../../runtime/index.js';
import { WAITQ_WAITERS } from '../../runtime/kernel/layout.js';
import { settleCurrent } from '../../runtime/kernel/weakhooks.js';
import { srcuMb } from './barriers.js';
import { I_SRCU2 } from './invariants.js';
import { SS_COMPLETED, SS_GP_MUTEX, SS_GP_SEQ, SS_ID, SS_IDX, SS_WAIT_IDX, SS_WQ } from './layout.js';
import { BUSTED, R3_LOCKS_FIRST, R4, R5 } from './mutants.js';
import { lockCount, SRCU_STATE_MASK, SRCU_STATE_SCAN2, sumCounts, unlockCount } from './struct.js';

/** The breadcrumb of an updater asleep until the readers of a rank are gone. */
export const SRCU_GP_WAIT = defineWaitKind('srcu grace period');

const L = {
  sync: label('srcu:synchronize_srcu'),
  gpMutex: label('srcu:srcu_gp_mutex'),
  sumUnlocks: label('srcu:srcu_readers_unlock_idx: next CPU'),
  sumLocks: label('srcu:srcu_readers_lock_idx: next CPU'),
  flip: label('srcu:srcu_flip'),
  retry: label('srcu:try_check_zero:udelay'),
  scan1: label('srcu:SCAN1'),
  scan2: label('srcu:SCAN2'),
  wait: label('srcu:wait for readers'),
  end: label('srcu:srcu_gp_end'),
};

/** srcu_readers_unlock_idx(): Σ over CPUs of srcu_unlock_count[idx], a preemption point between CPUs. */
function srcuReadersUnlockIdx(k: Kernel, ss: number, idx: number): number {
  return sumCounts(k, ss, unlockCount(ss, idx, 0), L.sumUnlocks);
}

/** srcu_readers_lock_idx(): Σ over CPUs of srcu_lock_count[idx], a preemption point between CPUs. */
function srcuReadersLockIdx(k: Kernel, ss: number, idx: number): number {
  return sumCounts(k, ss, lockCount(ss, idx, 0), L.sumLocks);
}

/**
 * srcu_readers_active_idx_check(): are there no readers of rank `idx`?
 * Unlocks are summed *before* locks. Each per-CPU counter only grows, so the
 * unlock sum is at most the number of unlocks when it ended and the lock sum
 * at least the number of locks when it began; equal sums therefore mean that
 * at some instant between the two sums rank idx had no reader, however
 * readers migrated and however the sums interleaved with them.
 */
export function srcuReadersActiveIdxCheck(k: Kernel, ss: number, idx: number): boolean {
  if (k.mutant(R3_LOCKS_FIRST)) {
    // R3's first half: locks first. A reader that fetched srcu_idx before
    // the flip (a stale idx) can lock and unlock this rank between the two
    // sums: its unlock is counted, its lock is not, and it cancels a reader
    // that is still inside. Sequential consistency does not help.
    const locks = srcuReadersLockIdx(k, ss, idx);
    srcuMb(k, 'A');
    const unlocks = srcuReadersUnlockIdx(k, ss, idx);
    // No I-SRCU2 judgement here: in this order more unlocks than locks is
    // what a reader that came and went between the sums looks like.
    return locks === unlocks;
  }
  const unlocks = srcuReadersUnlockIdx(k, ss, idx);
  srcuMb(k, 'A');
  const locks = srcuReadersLockIdx(k, ss, idx);
  const outstanding = (locks - unlocks) | 0;
  if (outstanding < 0) {
    // I-SRCU2: a counted unlock whose lock is not counted. With unlocks
    // summed first that cannot happen unless an unlock used the wrong idx.
    throw k.fail(
      invariant(
        `srcu_struct#${loadPlain(k, ss + SS_ID)} rank ${idx}: ${unlocks >>> 0} unlocks but only ${locks >>> 0} locks (an unlock without its lock on this rank)`,
        I_SRCU2,
      ),
    );
  }
  return outstanding === 0;
}

/** srcu_flip(): new readers use the other rank. */
export function srcuFlip(k: Kernel, ss: number): void {
  srcuMb(k, 'E');
  k.yieldPoint(L.flip, ss + SS_IDX);
  // WRITE_ONCE(ssp->srcu_idx, ssp->srcu_idx + 1): only the srcu_gp_mutex holder writes it.
  storeOnce(k, ss + SS_IDX, loadPlain(k, ss + SS_IDX) + 1);
  srcuMb(k, 'D');
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
  storeOnce(k, ss + SS_WAIT_IDX, idx + 1);
  try {
    waitForReadersOf(k, ss, idx, trycount, lbl);
  } finally {
    storeOnce(k, ss + SS_WAIT_IDX, 0);
  }
}

function waitForReadersOf(k: Kernel, ss: number, idx: number, trycount: number, lbl: number): void {
  if (tryCheckZero(k, ss, idx, trycount)) return;
  const wq = ss + SS_WQ;
  for (;;) {
    prepareToWait(k, SRCU_GP_WAIT, wq, wq + WAITQ_WAITERS, TASK_UNINTERRUPTIBLE, lbl, idx);
    // Under weak memory: every store so far has reached the updater before
    // the check it may sleep on. It stands for the kernel's next poll from
    // delayed work (SRCU_INTERVAL later; LKMM's stores propagate in finite
    // time), and with it srcu_read_unlock()'s wake-up needs no fence
    // (reader.ts, wakeUpdater()). Only removes behaviours; a no-op under sc.
    settleCurrent(k);
    if (srcuReadersActiveIdxCheck(k, ss, idx)) break;
    schedule(k, lbl);
    finishWait(k, wq + WAITQ_WAITERS);
  }
  finishWait(k, wq + WAITQ_WAITERS);
}

/**
 * srcu_gp_start(): `smp_mb(); rcu_seq_start(&srcu_gp_seq)`, and
 * rcu_seq_start() (kernel/rcu/rcu.h) is `WRITE_ONCE(*sp, *sp + 1); smp_mb()`:
 * from SRCU_STATE_IDLE to SRCU_STATE_SCAN1.
 */
function srcuGpStart(k: Kernel, ss: number, seq: number): void {
  smpMb(k); // "Order prior store to ->srcu_gp_seq_needed vs. GP start."
  storeOnce(k, ss + SS_GP_SEQ, seq + 1);
  smpMb(k); // rcu_seq_start(): "Ensure update-side operation after counter increment."
}

/** rcu_seq_set_state(&srcu_gp_seq, state): WRITE_ONCE of the new state bits. */
function rcuSeqSetState(k: Kernel, ss: number, state: number): void {
  const seq = loadPlain(k, ss + SS_GP_SEQ);
  storeOnce(k, ss + SS_GP_SEQ, (seq & ~SRCU_STATE_MASK) | state);
}

/**
 * srcu_gp_end()'s rcu_seq_end(&srcu_gp_seq) (kernel/rcu/rcu.h):
 * `smp_mb(); WRITE_ONCE(*sp, rcu_seq_endval(sp))`, the counter up by one and
 * the state back to SRCU_STATE_IDLE.
 */
function srcuGpEnd(k: Kernel, ss: number): void {
  k.yieldPoint(L.end);
  smpMb(k); // rcu_seq_end(): "Ensure update-side operation before counter increment."
  const seq = loadPlain(k, ss + SS_GP_SEQ);
  storeOnce(k, ss + SS_GP_SEQ, (seq | SRCU_STATE_MASK) + 1);
  storeOnce(k, ss + SS_COMPLETED, loadPlain(k, ss + SS_COMPLETED) + 1);
}

/**
 * synchronize_srcu(ssp): return only after every reader that was inside a
 * read-side critical section when this was called has left it (I-SRCU1).
 */
export function synchronizeSrcu(k: Kernel, h: number): void {
  const ss = deref(k, h);
  k.yieldPoint(L.sync);
  // rcu_busted: no grace period at all (calibration: the checker must fail).
  if (k.mutant(BUSTED)) return;
  mutexLock(k, ss + SS_GP_MUTEX, L.gpMutex);
  try {
    // srcu_advance_state(): "The load-acquire ensures that we see the
    // accesses performed by the prior grace period." Under srcu_gp_mutex
    // the state is idle here (the prior holder ran its grace period to the end).
    srcuGpStart(k, ss, loadAcquire(k, ss + SS_GP_SEQ));
    if (!k.mutant(R4)) {
      // SCAN1: drain the rank new readers are *not* using: stragglers that
      // fetched srcu_idx before an earlier flip and incremented late. Only
      // then flip (I-SRCU3: no flip unless SCAN1 saw the inactive rank empty).
      waitForReaders(k, ss, 1 ^ (loadPlain(k, ss + SS_IDX) & 1), 1, L.scan1);
    }
    // R4: skip SCAN1 and flip at once; a reader holding a stale idx
    // increments the rank this GP then reads as empty.
    // R5: never flip; wait on the rank readers keep using, so a continuous
    // stream of overlapping readers starves the GP (I-SRCU4).
    if (!k.mutant(R5)) srcuFlip(k, ss);
    rcuSeqSetState(k, ss, SRCU_STATE_SCAN2);
    const cur = loadPlain(k, ss + SS_IDX) & 1;
    const idx = k.mutant(R5) ? cur : 1 ^ cur;
    // SCAN2: the rank that was active before the flip.
    waitForReaders(k, ss, idx, 2, L.scan2);
    srcuGpEnd(k, ss);
  } finally {
    if (!k.aborted) mutexUnlock(k, ss + SS_GP_MUTEX, L.gpMutex);
  }
  // __synchronize_srcu(): "Make sure that later code is ordered after the
  // SRCU grace period."
  smpMb(k);
}

/** The rank the in-flight grace period waits on in SCAN2, or -1. */
export function srcuScan2WaitIdx(k: Kernel, h: number): number {
  const ss = deref(k, h);
  const w = loadOnce(k, ss + SS_WAIT_IDX);
  return w !== 0 && (loadOnce(k, ss + SS_GP_SEQ) & SRCU_STATE_MASK) === SRCU_STATE_SCAN2 ? w - 1 : -1;
}

/** Grace periods completed on this srcu_struct (rcutorture's srcu_torture_completed(): a READ_ONCE). */
export function srcuCompleted(k: Kernel, h: number): number {
  return loadOnce(k, deref(k, h) + SS_COMPLETED);
}
