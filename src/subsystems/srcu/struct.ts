/**
 * struct srcu_struct in kernel memory (include/linux/srcutree.h, Tree SRCU):
 * srcu_idx, the grace-period sequence, srcu_gp_mutex, and per-"CPU" lock and
 * unlock counts for both ranks. lockstep gives each task slot its own counter
 * (slot modulo SRCU_CPUS), as if every task ran on its own CPU; only the sums
 * matter (an unlock may land on another slot than its lock).
 *
 * init_srcu_struct() runs on the harness in a scenario's setup;
 * cleanup_srcu_struct() runs at teardown (registered below) and warns, as
 * the kernel does, if readers are still active (I-SRCU2 at quiescence).
 */
import {
  deref,
  fetchAdd,
  invariant,
  kfree,
  kmemCacheAlloc,
  label,
  loadOnce,
  loadPlain,
  Order,
  registerTeardown,
  storePlain,
  type Kernel,
  type KernelFailure,
} from '../../runtime/index.js';
import { I_SRCU2 } from './invariants.js';
import { SRCU_CPUS, SS_COUNTS, SS_ID, srcu } from './layout.js';

const L_INIT = label('srcu:init_srcu_struct');
const L_CLEANUP = label('srcu:cleanup_srcu_struct');

/** SRCU_STATE_* in the low bits of srcu_gp_seq. */
export const SRCU_STATE_IDLE = 0;
export const SRCU_STATE_SCAN1 = 1;
export const SRCU_STATE_SCAN2 = 2;
export const SRCU_STATE_MASK = 3;

/** Address of srcu_lock_count[idx] for counter slot `cpu`. */
export function lockCount(ss: number, idx: number, cpu: number): number {
  return ss + SS_COUNTS + idx * SRCU_CPUS + cpu;
}
/** Address of srcu_unlock_count[idx] for counter slot `cpu`. */
export function unlockCount(ss: number, idx: number, cpu: number): number {
  return ss + SS_COUNTS + (2 + idx) * SRCU_CPUS + cpu;
}

/** Counter slot of the current task: its task slot (this_cpu_ptr(ssp->sda)). */
export function thisCpu(k: Kernel): number {
  return k.cur % SRCU_CPUS;
}

/**
 * Σ over counter slots, wrapping as unsigned long arithmetic does (mod 2^32
 * here): srcu_readers_lock_idx() / srcu_readers_unlock_idx(), one
 * atomic_long_read() (a READ_ONCE) per CPU.
 */
export function sumCounts(k: Kernel, first: number): number {
  let s = 0;
  for (let c = 0; c < SRCU_CPUS; c++) s = (s + loadOnce(k, first + c)) | 0;
  return s;
}

/** Outstanding readers of rank `idx` (locks minus unlocks), read without ordering: reports only. */
export function readersOf(k: Kernel, ss: number, idx: number): number {
  return (sumCounts(k, lockCount(ss, idx, 0)) - sumCounts(k, unlockCount(ss, idx, 0))) | 0;
}

/**
 * srcu_structs set up for the current iteration (harness side). A failed
 * iteration is not torn down (memory is reset wholesale), so the set is
 * keyed by the iteration's epoch (unique per run, replays included).
 */
const live = new Set<number>();
let liveIteration = -1;

function sameIteration(k: Kernel): boolean {
  const it = k.mem.epoch;
  if (it === liveIteration) return true;
  live.clear();
  liveIteration = it;
  return false;
}

/** init_srcu_struct(): a fresh srcu_struct (harness side, in setup). Returns its handle. */
export function initSrcuStruct(k: Kernel): number {
  sameIteration(k);
  const h = kmemCacheAlloc(k, srcu.cache.srcu_struct, L_INIT);
  if (h === 0) throw new Error('init_srcu_struct: out of srcu_struct objects');
  const ss = deref(k, h);
  // init_srcu_struct_fields() initialises with plain stores: nobody can see the struct yet.
  storePlain(k, ss + SS_ID, fetchAdd(k, srcu.global.srcu_next_id, 1, Order.RELAXED) + 1);
  live.add(h);
  return h;
}

export function srcuId(k: Kernel, h: number): number {
  return loadPlain(k, deref(k, h) + SS_ID);
}

/**
 * cleanup_srcu_struct(): WARN if readers are still active (the kernel
 * leaks the struct), else free it. I-SRCU2: at quiescence
 * Σlock[0]+Σlock[1] == Σunlock[0]+Σunlock[1] (srcu_readers_active()).
 */
export function cleanupSrcuStruct(k: Kernel, h: number): KernelFailure | null {
  live.delete(h);
  const ss = deref(k, h);
  const r0 = readersOf(k, ss, 0);
  const r1 = readersOf(k, ss, 1);
  kfree(k, h, L_CLEANUP);
  if (r0 !== 0 || r1 !== 0) {
    return invariant(
      `cleanup_srcu_struct: srcu_struct#${loadPlain(k, ss + SS_ID)} still has active readers at quiescence (rank 0: ${r0}, rank 1: ${r1}); locks and unlocks do not balance`,
      I_SRCU2,
    );
  }
  return null;
}

// Every srcu_struct set up for the iteration is cleaned up at its end.
registerTeardown((k) => {
  if (!sameIteration(k)) return null;
  let first: KernelFailure | null = null;
  for (const h of [...live]) {
    const r = cleanupSrcuStruct(k, h);
    if (r && !first) first = r;
  }
  return first;
});
