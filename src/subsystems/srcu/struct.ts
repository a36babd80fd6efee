/**
 * struct srcu_struct in kernel memory (include/linux/srcutree.h, Tree SRCU):
 * srcu_idx, the grace-period sequence, srcu_gp_mutex, and per-CPU lock and
 * unlock counts for both ranks (struct srcu_data's srcu_lock_count[2] and
 * srcu_unlock_count[2]). A reader increments the counter of the CPU it runs
 * on at that moment (this_cpu_inc()): smp_processor_id(), the simulated CPU,
 * which changes whenever the task sleeps. So a reader that sleeps inside its
 * critical section, or an srcu_down_read() section ended by another task,
 * unlocks on another CPU than it locked on, as in the kernel
 * (__srcu_read_unlock(): "this may well be a different CPU than that which
 * was incremented by the corresponding srcu_read_lock()"). Only the sums over
 * all CPUs mean anything, which is why srcu_readers_active_idx_check() sums.
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
import { loadOnceNoDep } from '../../runtime/kernel/access.js';
import { I_SRCU2 } from './invariants.js';
import { SRCU_CPUS, SS_COMPLETED, SS_COUNTS, SS_ID, SS_IDX, SS_NR_CPUS, srcu } from './layout.js';

const L_INIT = label('srcu:init_srcu_struct');
const L_CLEANUP = label('srcu:cleanup_srcu_struct');

/** SRCU_STATE_* in the low bits of srcu_gp_seq. */
export const SRCU_STATE_IDLE = 0;
export const SRCU_STATE_SCAN1 = 1;
export const SRCU_STATE_SCAN2 = 2;
export const SRCU_STATE_MASK = 3;

/** Address of CPU `cpu`'s srcu_lock_count[idx]. */
export function lockCount(ss: number, idx: number, cpu: number): number {
  return ss + SS_COUNTS + idx * SRCU_CPUS + cpu;
}
/** Address of CPU `cpu`'s srcu_unlock_count[idx]. */
export function unlockCount(ss: number, idx: number, cpu: number): number {
  return ss + SS_COUNTS + (2 + idx) * SRCU_CPUS + cpu;
}

/** nr_cpu_ids of this srcu_struct: written once at init, before any reader. */
export function nrCpus(k: Kernel, ss: number): number {
  return loadPlain(k, ss + SS_NR_CPUS);
}

/**
 * this_cpu_ptr(ssp->sda): the counters of the CPU the current task runs on.
 * With fewer CPUs than the machine simulates, CPU c uses counters
 * c mod nr_cpu_ids (a smaller machine: a task that moves to the next
 * simulated CPU still lands on another counter set).
 */
export function thisCpu(k: Kernel, ss: number): number {
  return k.smpProcessorId() % nrCpus(k, ss);
}

/**
 * Σ over CPUs, wrapping as unsigned long arithmetic does (mod 2^32 here):
 * srcu_readers_lock_idx() / srcu_readers_unlock_idx(), one
 * atomic_long_read() (a READ_ONCE) per CPU. The updater can be preempted
 * between two CPUs' counters (`lbl` is a preemption point before each),
 * so a sum is not a snapshot: readers lock and unlock, on CPUs already
 * summed or not yet summed, while it runs.
 *
 * Every load here is loadOnceNoDep(): no counter's address depends on a
 * loaded value (per_cpu_ptr(ssp->sda, cpu)[idx]: the srcu_struct, the CPU
 * number and idx, fixed before the sums), and the sum feeds only a
 * comparison, a control dependency, which orders no later load (LKMM). So
 * nothing but a barrier orders these loads among themselves or after the
 * loads before them, which is what barrier A is for; the model's addrDeps
 * would otherwise order them as if dependent and hide a missing A. The
 * bound, nr_cpu_ids here, is for_each_possible_cpu()'s possible mask, fixed
 * at boot: no dependency either.
 */
export function sumCounts(k: Kernel, ss: number, first: number, lbl: number): number {
  let s = 0;
  const n = loadOnceNoDep(k, ss + SS_NR_CPUS);
  for (let c = 0; c < n; c++) {
    k.yieldPoint(lbl, first + c);
    s = (s + loadOnceNoDep(k, first + c)) | 0;
  }
  return s;
}

/** Σ over CPUs without preemption points: reports and teardown only. */
function peekSum(k: Kernel, ss: number, first: number): number {
  let s = 0;
  const n = nrCpus(k, ss);
  for (let c = 0; c < n; c++) s = (s + loadOnce(k, first + c)) | 0;
  return s;
}

/** Outstanding readers of rank `idx` (locks minus unlocks), read without ordering: reports only. */
export function readersOf(k: Kernel, ss: number, idx: number): number {
  return (peekSum(k, ss, lockCount(ss, idx, 0)) - peekSum(k, ss, unlockCount(ss, idx, 0))) | 0;
}

/**
 * Per CPU, the readers counted there on the rank new readers do not use
 * (c0, !idx) and on the one they use (c1, idx): locks minus unlocks of that
 * CPU, negative where more sections ended on it than began. Reports only.
 */
export function srcuPerCpuReaders(k: Kernel, h: number): { idx: number; cpus: { c0: number; c1: number }[] } {
  const ss = deref(k, h);
  const idx = loadOnce(k, ss + SS_IDX) & 1;
  const cpus = Array.from({ length: nrCpus(k, ss) }, (_, c) => ({
    c0: (loadOnce(k, lockCount(ss, idx ^ 1, c)) - loadOnce(k, unlockCount(ss, idx ^ 1, c))) | 0,
    c1: (loadOnce(k, lockCount(ss, idx, c)) - loadOnce(k, unlockCount(ss, idx, c))) | 0,
  }));
  return { idx, cpus };
}

/**
 * srcu_torture_stats_print() (srcutree.c): "Tree SRCU g<completed>
 * per-CPU(idx=<idx>): <cpu>(<c0>,<c1>) ... T(<s0>,<s1>)", what rcutorture
 * prints for SRCU with its statistics. Only the totals mean anything.
 */
export function srcuTortureStatsPrint(k: Kernel, h: number): string {
  const { idx, cpus } = srcuPerCpuReaders(k, h);
  const ss = deref(k, h);
  const s0 = cpus.reduce((s, c) => s + c.c0, 0);
  const s1 = cpus.reduce((s, c) => s + c.c1, 0);
  return `Tree SRCU g${loadOnce(k, ss + SS_COMPLETED)} per-CPU(idx=${idx}): ${cpus.map((c, i) => `${i}(${c.c0},${c.c1})`).join(' ')} T(${s0},${s1})`;
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

/**
 * init_srcu_struct(): a fresh srcu_struct (harness side, in setup) with
 * per-CPU counters for `cpus` CPUs (default: every simulated CPU). Returns
 * its handle.
 */
export function initSrcuStruct(k: Kernel, cpus: number = SRCU_CPUS): number {
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > SRCU_CPUS) throw new Error(`init_srcu_struct: ${cpus} CPUs (1..${SRCU_CPUS})`);
  sameIteration(k);
  const h = kmemCacheAlloc(k, srcu.cache.srcu_struct, L_INIT);
  if (h === 0) throw new Error('init_srcu_struct: out of srcu_struct objects');
  const ss = deref(k, h);
  // init_srcu_struct_fields() initialises with plain stores: nobody can see the struct yet.
  storePlain(k, ss + SS_ID, fetchAdd(k, srcu.global.srcu_next_id, 1, Order.RELAXED) + 1);
  storePlain(k, ss + SS_NR_CPUS, cpus);
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
