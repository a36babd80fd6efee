/**
 * rcutorture in miniature (kernel/rcu/rcutorture.c): a writer that replaces the current
 * element and ages the removed ones by one per grace period, and readers
 * that record how old the element they hold is when they look again.
 *
 *   element: pipe_count (0 current, 1 removed, +1 per elapsed GP; free at
 *            RCU_TORTURE_PIPE_LEN) and mbtest (1 while allocated)
 *   Reader Pipe[i]:  readers that saw pipe_count i (clamped to PIPE_LEN)
 *   Reader Batch[i]: readers during which i grace periods completed
 *
 * A pass needs non-zero entries only at indices 0 and 1 of both histograms
 * and no mbtest error; a reader that sees pipe_count 2 or more held an
 * element across a full grace period after its removal: a too-short grace
 * period ("!!!", WARN_ON_ONCE(i > 1)).
 *
 * The flavour-specific parts (read lock, the GP primitive, the GP counter)
 * come from a `TortureOps`, like rcutorture's rcu_torture_ops. Accesses to
 * the shared words follow rcu_torture_reader() and rcu_torture_writer():
 * rcu_dereference() of the current element, READ_ONCE of its pipe count,
 * relaxed per-CPU counter increments, rcu_assign_pointer() then smp_wmb().
 */
import type { CheckContext, Kernel, ThreadContext } from '../../runtime/index.js';
import { defineMutant, fetchAdd, label, loadAcquire, loadOnce, loadPlain, Order, smpWmb, storeOnce, storePlain, storeRelease } from '../../runtime/index.js';

/** rcutorture's busted_srcud calibration: readers keep using the element after leaving the read side. */
export const BUSTED_EXTEND = defineMutant('busted-extend', 'busted_srcud: readers keep using the element past their unlock or quiescent state (calibration)');

export const RCU_TORTURE_PIPE_LEN = 10;
/** Elements in the pool (rcutorture uses 10 * PIPE_LEN). */
export const POOL = 2 * RCU_TORTURE_PIPE_LEN;

export const TORTURE_SHARED = {
  pipe: POOL,
  mbtest: POOL,
  current: 1,
  readerPipe: RCU_TORTURE_PIPE_LEN + 1,
  readerBatch: RCU_TORTURE_PIPE_LEN + 1,
  mberror: 1,
  writerGps: 1,
  writerDone: 1,
  /** Readers still running: the writer keeps replacing elements until they are done (or its GP budget is spent). */
  readersLeft: 1,
} as const;

export interface TortureOps {
  /** readlock; returns the value readunlock needs. */
  readLock(ctx: ThreadContext): number;
  readUnlock(ctx: ThreadContext, idx: number): void;
  /** The grace-period primitive the writer runs. */
  sync(ctx: ThreadContext): void;
  /** Completed grace periods (the GP sequence the batch histogram counts). */
  completed(ctx: ThreadContext): number;
  /**
   * busted-extend: preemption points a reader keeps using its element after
   * leaving the read side (long enough to span this flavour's grace period).
   */
  readonly extension: number;
}

const L = {
  deref: label('rcutorture:rcu_dereference(current)'),
  mbtest: label('rcutorture:check p->rtort_mbtest'),
  delay: label('rcutorture:reader delay (torture_preempt_schedule)'),
  assign: label('rcutorture:rcu_assign_pointer(current)'),
  age: label('rcutorture:pipe_update'),
};

/** Grace periods every reader thread overlaps at least (unless the writer runs out of budget first). */
export const MIN_OVERLAP_GPS = 2;

/**
 * A reader thread: `reads` critical sections, and more until the writer has
 * completed MIN_OVERLAP_GPS grace periods (at most 20 × `reads` in all), so
 * that every iteration has readers running across grace periods, as
 * rcutorture's readers run for the whole test.
 */
export function tortureReaderThread(ctx: ThreadContext, ops: TortureOps, reads: number): void {
  const k = ctx.k;
  const extend = k.mutant(BUSTED_EXTEND);
  const overlapping = (): boolean => loadOnce(k, aw(ctx, 'writerGps')) >= MIN_OVERLAP_GPS || loadOnce(k, aw(ctx, 'writerDone')) !== 0;
  for (let r = 0; r < 20 * reads && (r < reads || !overlapping()); r++) tortureReader(ctx, ops, extend);
  fetchAdd(k, aw(ctx, 'readersLeft'), -1, Order.RELAXED);
}

/** Harness: the first current element, and how many reader threads will run. */
export function tortureSetup(s: { set(name: string, v: number, i?: number): void }, readers: number): void {
  s.set('readersLeft', readers);
  for (let e = 0; e < POOL; e++) s.set('pipe', RCU_TORTURE_PIPE_LEN, e);
  s.set('pipe', 0, 0);
  s.set('mbtest', 1, 0);
  s.set('current', 0);
}

function aw(ctx: ThreadContext, name: string, i = 0): number {
  return ctx.addr(name, i);
}

/**
 * One reader critical section. `extend` (busted-extend) leaves the read
 * side before looking at the element, as busted_srcud's readers do.
 */
export function tortureReader(ctx: ThreadContext, ops: TortureOps, extend: boolean): void {
  const k: Kernel = ctx.k;
  const idx = ops.readLock(ctx);
  k.yieldPoint(L.deref);
  const p = loadAcquire(k, aw(ctx, 'current')); // rcu_dereference()
  const start = ops.completed(ctx);
  k.yieldPoint(L.mbtest);
  if (loadPlain(k, aw(ctx, 'mbtest', p)) === 0) fetchAdd(k, aw(ctx, 'mberror'), 1, Order.RELAXED);
  if (extend) ops.readUnlock(ctx, idx);
  // rcutorture's reader delays: mostly short, now and then long (its
  // mdelay); an extended reader keeps using the element well past its unlock.
  const delays = (ctx.rng.below(8) === 0 ? 10 + ctx.rng.below(20) : ctx.rng.below(4)) + (extend ? ops.extension : 0);
  for (let d = 0; d < delays; d++) k.yieldPoint(L.delay);
  const pipe = Math.min(loadOnce(k, aw(ctx, 'pipe', p)), RCU_TORTURE_PIPE_LEN);
  const batch = Math.min(Math.max(ops.completed(ctx) - start, 0), RCU_TORTURE_PIPE_LEN);
  // this_cpu_inc(rcu_torture_count[pipe]), this_cpu_inc(rcu_torture_batch[batch]).
  fetchAdd(k, aw(ctx, 'readerPipe', pipe), 1, Order.RELAXED);
  fetchAdd(k, aw(ctx, 'readerBatch', batch), 1, Order.RELAXED);
  if (!extend) ops.readUnlock(ctx, idx);
}

/**
 * The writer: replacements, each followed by a grace period and the aging
 * of removed elements, for as long as readers run (at most `gps`).
 */
export function tortureWriter(ctx: ThreadContext, ops: TortureOps, gps: number): void {
  const k = ctx.k;
  // The writer is the only task that writes the elements and `current`: its
  // own reads of them are plain. rcu_torture_pipe_update_one():
  // WRITE_ONCE(rp->rtort_pipe_count, i + 1), which readers READ_ONCE.
  const age = (e: number): number => {
    const c = loadPlain(k, aw(ctx, 'pipe', e)) + 1;
    storeOnce(k, aw(ctx, 'pipe', e), c);
    return c;
  };
  for (let g = 0; g < gps && loadOnce(k, aw(ctx, 'readersLeft')) > 0; g++) {
    // rcu_torture_alloc(): a free element (mbtest 0, fully aged).
    let fresh = -1;
    for (let e = 0; e < POOL && fresh < 0; e++) {
      if (loadPlain(k, aw(ctx, 'pipe', e)) >= RCU_TORTURE_PIPE_LEN && loadPlain(k, aw(ctx, 'mbtest', e)) === 0) fresh = e;
    }
    if (fresh < 0) break;
    storeOnce(k, aw(ctx, 'pipe', fresh), 0);
    storePlain(k, aw(ctx, 'mbtest', fresh), 1);
    k.yieldPoint(L.assign);
    // old_rp = rcu_dereference_check(rcu_torture_current, ...); rcu_assign_pointer(rcu_torture_current, rp);
    // smp_wmb(): "Mods to old_rp must follow rcu_assign_pointer()".
    const old = loadPlain(k, aw(ctx, 'current'));
    storeRelease(k, aw(ctx, 'current'), fresh);
    smpWmb(k);
    age(old); // removed from readers' view: age 1
    ops.sync(ctx);
    // rcu_torture_pipe_update(): every removed element ages by one GP.
    k.yieldPoint(L.age);
    for (let e = 0; e < POOL; e++) {
      if (e === loadPlain(k, aw(ctx, 'current'))) continue;
      const c = loadPlain(k, aw(ctx, 'pipe', e));
      if (c < 1 || c >= RCU_TORTURE_PIPE_LEN) continue;
      if (age(e) >= RCU_TORTURE_PIPE_LEN) storePlain(k, aw(ctx, 'mbtest', e), 0);
    }
    fetchAdd(k, aw(ctx, 'writerGps'), 1, Order.RELAXED);
  }
  storeOnce(k, aw(ctx, 'writerDone'), 1);
}

function histogram(c: CheckContext, name: string): number[] {
  return Array.from({ length: RCU_TORTURE_PIPE_LEN + 1 }, (_, i) => c.get(name, i));
}

/** rcu_torture_stats_print()'s verdict. */
export function tortureCheck(c: CheckContext, spec: string): void {
  const pipe = histogram(c, 'readerPipe');
  const batch = histogram(c, 'readerBatch');
  const mberror = c.get('mberror');
  const hi = (h: number[]): number => h.reduce((m, v, i) => (v !== 0 ? i : m), 0);
  const stats = `Reader Pipe: ${pipe.join(' ')}\nReader Batch: ${batch.join(' ')}\nrtmbe: ${mberror} writer GPs: ${c.get('writerGps')}`;
  if (hi(pipe) > 1 || mberror !== 0) return c.fail(`!!! Too-short grace period (Reader Pipe index ${hi(pipe)} > 1${mberror ? `, rtmbe ${mberror}` : ''})\n${stats}`, spec);
  if (hi(batch) > 1) return c.fail(`!!! Reader Batch index ${hi(batch)} > 1: a reader spanned two grace periods\n${stats}`, spec);
}
