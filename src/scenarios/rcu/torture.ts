/**
 * rcutorture in miniature (kernel/rcu/rcutorture.c): a writer that replaces the current
 * element and ages the removed ones by one per grace period, and readers
 * that record how old the element they hold is when they look again.
 *
 *   rcu_tortures[]: 10 * RCU_TORTURE_PIPE_LEN blocks, each with pipe_count
 *            (0 current, 1 removed, +1 per elapsed GP; freed at
 *            RCU_TORTURE_PIPE_LEN) and mbtest (1 while allocated), on
 *            rcu_torture_freelist or rcu_torture_removed when not current
 *   Reader Pipe[i]:  readers that saw pipe_count i (clamped to PIPE_LEN)
 *   Reader Batch[i]: readers during which i grace periods completed
 *   Free-Block Circulation[i]: blocks that were aged from pipe_count i
 *
 * A pass needs non-zero entries only at indices 0 and 1 of both histograms
 * and no mbtest error; a reader that sees pipe_count 2 or more held an
 * element across a full grace period after its removal: a too-short grace
 * period ("!!!", WARN_ON_ONCE(i > 1)). rcutorture itself fails only on the
 * Reader Pipe; lockstep also fails on Reader Batch index 2 or more, which is
 * sound here (docs/RCU.md, "Torture"): grace periods are serialized and
 * complete one at a time, so a second completion during a reader means a
 * grace period that started after the reader was counted and still ended
 * without it.
 *
 * The writer must keep making progress: rcutorture's stats print reports a
 * writer whose rcu_torture_current_version stands still as "??? Writer
 * stall". Here blocks come back only through the writer's own
 * rcu_torture_pipe_update(), so a failed rcu_torture_alloc() can never be
 * followed by a successful one: the writer reports its stall at once.
 *
 * The flavour-specific parts (read lock, read delay, the GP primitive, the
 * GP counter) come from a `TortureOps`, like rcutorture's rcu_torture_ops.
 * Accesses to the shared words follow rcu_torture_reader() and
 * rcu_torture_writer(): rcu_dereference() of the current element, READ_ONCE
 * of its pipe count, relaxed per-CPU counter increments,
 * rcu_assign_pointer() then smp_wmb().
 */
import type { CheckContext, Kernel, ThreadContext } from '../../runtime/index.js';
import {
  defineMutant,
  fetchAdd,
  FailKind,
  finishWait,
  KernelFailure,
  label,
  loadAcquire,
  loadOnce,
  loadPlain,
  Order,
  prepareToWait,
  scheduleTimeout,
  smpWmb,
  storeOnce,
  storePlain,
  storeRelease,
  TASK_INTERRUPTIBLE,
  TASK_UNINTERRUPTIBLE,
  WaitKind,
} from '../../runtime/index.js';

/** rcutorture's busted_srcud calibration: readers keep using the element after leaving the read side. */
export const BUSTED_EXTEND = defineMutant('busted-extend', 'busted_srcud: readers keep using the element past their unlock or quiescent state (calibration)');

export const RCU_TORTURE_PIPE_LEN = 10;
/** rcu_tortures[10 * RCU_TORTURE_PIPE_LEN]: the block pool. */
export const POOL = 10 * RCU_TORTURE_PIPE_LEN;

export const TORTURE_SHARED = {
  /** rtort_pipe_count of each block. */
  pipe: POOL,
  /** rtort_mbtest of each block. */
  mbtest: POOL,
  /** rtort_free: the next block (index + 1, 0 ends the list) on rcu_torture_freelist or rcu_torture_removed. */
  link: POOL,
  /** rcu_torture_freelist: first and last block, index + 1 (list_add_tail() frees, allocation takes the first). */
  freeHead: 1,
  freeTail: 1,
  /** rcu_torture_removed: first block, index + 1 (list_add()). */
  removed: 1,
  current: 1,
  /** rcu_torture_current_version: one more per completed replacement (the writer's grace periods). */
  writerGps: 1,
  readerPipe: RCU_TORTURE_PIPE_LEN + 1,
  readerBatch: RCU_TORTURE_PIPE_LEN + 1,
  /** rcu_torture_wcount[]: Free-Block Circulation. */
  wcount: RCU_TORTURE_PIPE_LEN + 1,
  /** n_rcu_torture_alloc, n_rcu_torture_alloc_fail, n_rcu_torture_free (rta, rtaf, rtf). */
  nAlloc: 1,
  nAllocFail: 1,
  nFree: 1,
  mberror: 1,
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
   * read_delay, inside the critical section; default rcuReadDelay() (a
   * flavour whose readers must not sleep keeps the default).
   */
  readDelay?(ctx: ThreadContext): void;
  /**
   * busted-extend: preemption points a reader keeps using its element after
   * leaving the read side (long enough to span this flavour's grace period).
   */
  readonly extension: number;
  /** Optional: more work at the end of the read side, on the element held (rcu-tasks-torture's stamp check). */
  inSection?(ctx: ThreadContext, p: number): void;
  /** Optional: the writer's check right after the grace period that follows the removal of `old`. */
  afterSync?(ctx: ThreadContext, old: number): void;
}

const L = {
  deref: label('rcutorture:rcu_dereference(current)'),
  mbtest: label('rcutorture:check p->rtort_mbtest'),
  delay: label('rcutorture:reader delay (torture_preempt_schedule)'),
  sleep: label('rcutorture:reader delay (schedule_timeout_interruptible)'),
  assign: label('rcutorture:rcu_assign_pointer(current)'),
  fakeSleep: label('rcutorture:fakewriter schedule_timeout_uninterruptible'),
  fakeDelay: label('rcutorture:fakewriter udelay'),
  age: label('rcutorture:pipe_update'),
};

/** Grace periods every reader thread overlaps at least (unless the writer runs out of budget first). */
export const MIN_OVERLAP_GPS = 2;

/** Has the writer completed MIN_OVERLAP_GPS replacements, or stopped? Readers keep reading until it has. */
export function writerOverlapped(ctx: ThreadContext): boolean {
  return loadOnce(ctx.k, aw(ctx, 'writerGps')) >= MIN_OVERLAP_GPS || loadOnce(ctx.k, aw(ctx, 'writerDone')) !== 0;
}

/**
 * A reader thread: `reads` critical sections, and more until the writer has
 * completed MIN_OVERLAP_GPS grace periods (at most 20 × `reads` in all), so
 * that every iteration has readers running across grace periods, as
 * rcutorture's readers run for the whole test.
 */
export function tortureReaderThread(ctx: ThreadContext, ops: TortureOps, reads: number): void {
  const k = ctx.k;
  const extend = k.mutant(BUSTED_EXTEND);
  for (let r = 0; r < 20 * reads && (r < reads || !writerOverlapped(ctx)); r++) tortureReader(ctx, ops, extend);
  tortureReaderDone(ctx);
}

/** A reader thread is done: the writer may stop once every reader is. */
export function tortureReaderDone(ctx: ThreadContext): void {
  fetchAdd(ctx.k, aw(ctx, 'readersLeft'), -1, Order.RELAXED);
}

/**
 * Harness: the pool on rcu_torture_freelist but for block 0, which is the
 * first current element (rcutorture's readers skip until the writer has
 * published one; here one is published before they start), and how many
 * reader threads will run.
 */
export function tortureSetup(s: { set(name: string, v: number, i?: number): void }, readers: number): void {
  s.set('readersLeft', readers);
  for (let e = 1; e < POOL; e++) s.set('link', e + 2 <= POOL ? e + 2 : 0, e);
  s.set('freeHead', 2);
  s.set('freeTail', POOL);
  s.set('pipe', 0, 0);
  s.set('mbtest', 1, 0);
  s.set('current', 0);
}

function aw(ctx: ThreadContext, name: string, i = 0): number {
  return ctx.addr(name, i);
}

/** What a reader took from rcu_torture_current: the element and the GP count when it did. */
export interface TortureRead {
  readonly p: number;
  readonly start: number;
}

/** Inside the read side: p = rcu_dereference(rcu_torture_current), the GP count, the mbtest check. */
export function tortureDeref(ctx: ThreadContext, ops: TortureOps): TortureRead {
  const k: Kernel = ctx.k;
  k.yieldPoint(L.deref);
  const p = loadAcquire(k, aw(ctx, 'current')); // rcu_dereference()
  const start = ops.completed(ctx);
  k.yieldPoint(L.mbtest);
  if (loadPlain(k, aw(ctx, 'mbtest', p)) === 0) fetchAdd(k, aw(ctx, 'mberror'), 1, Order.RELAXED);
  return { p, start };
}

/**
 * rcu_read_delay(): mostly short, now and then long (its mdelay), as
 * preemption points (torture_preempt_schedule(): a preemption, not a
 * quiescent state); `extra` more for an extended (busted) reader.
 */
export function rcuReadDelay(ctx: ThreadContext, extra = 0): void {
  const delays = (ctx.rng.below(8) === 0 ? 10 + ctx.rng.below(20) : ctx.rng.below(4)) + extra;
  for (let d = 0; d < delays; d++) ctx.k.yieldPoint(L.delay);
}

/** srcu_read_delay()'s sleep, as a run of short sleeps (see srcuReadDelay()). */
export const SRCU_LONGDELAY = 30;

/**
 * srcu_read_delay(): SRCU readers may block, and rcutorture wants "long-running
 * readers, but not all the time": now and then the reader sleeps
 * (schedule_timeout_interruptible(longdelay)) inside its critical section,
 * else rcu_read_delay(). The sleep is a run of short polling sleeps: in
 * controlled mode the strategy may end each at any decision, so the reader
 * stays inside for about SRCU_LONGDELAY scheduling rounds, long enough for
 * grace periods that do not wait for it to complete (the long reader the
 * stale-index races need, R3 and R4), without waiting for every other task
 * to block. A task that sleeps resumes on another CPU, so the reader unlocks
 * on another CPU than it locked on.
 */
export function srcuReadDelay(ctx: ThreadContext): void {
  const k = ctx.k;
  if (ctx.rng.below(16) !== 0) return rcuReadDelay(ctx);
  for (let j = 0; j < SRCU_LONGDELAY; j++) pollSleep(k, L.sleep);
}

/** The end of a read: READ_ONCE of the pipe count, the GPs elapsed, both histograms. */
export function tortureRecord(ctx: ThreadContext, ops: TortureOps, r: TortureRead): void {
  const k = ctx.k;
  const pipe = Math.min(loadOnce(k, aw(ctx, 'pipe', r.p)), RCU_TORTURE_PIPE_LEN);
  const batch = Math.min(Math.max(ops.completed(ctx) - r.start, 0), RCU_TORTURE_PIPE_LEN);
  // this_cpu_inc(rcu_torture_count[pipe]), this_cpu_inc(rcu_torture_batch[batch]).
  fetchAdd(k, aw(ctx, 'readerPipe', pipe), 1, Order.RELAXED);
  fetchAdd(k, aw(ctx, 'readerBatch', batch), 1, Order.RELAXED);
}

/**
 * One reader critical section. `extend` (busted-extend) leaves the read
 * side before looking at the element, as busted_srcud's readers do.
 */
export function tortureReader(ctx: ThreadContext, ops: TortureOps, extend: boolean): void {
  const idx = ops.readLock(ctx);
  const r = tortureDeref(ctx, ops);
  if (extend) ops.readUnlock(ctx, idx);
  // An extended reader keeps using the element well past its unlock.
  if (extend) rcuReadDelay(ctx, ops.extension);
  else if (ops.readDelay) ops.readDelay(ctx);
  else rcuReadDelay(ctx);
  tortureRecord(ctx, ops, r);
  ops.inSection?.(ctx, r.p);
  if (!extend) ops.readUnlock(ctx, idx);
}

/** rcu_torture_alloc(): the first block of rcu_torture_freelist, or -1. */
function tortureAlloc(ctx: ThreadContext): number {
  const k = ctx.k;
  // Only the writer touches the lists (no deferred frees from callbacks),
  // so rcu_torture_lock, which orders it against them, is not needed.
  const head = loadPlain(k, aw(ctx, 'freeHead'));
  if (head === 0) {
    fetchAdd(k, aw(ctx, 'nAllocFail'), 1, Order.RELAXED);
    return -1;
  }
  fetchAdd(k, aw(ctx, 'nAlloc'), 1, Order.RELAXED);
  const next = loadPlain(k, aw(ctx, 'link', head - 1));
  storePlain(k, aw(ctx, 'freeHead'), next);
  if (next === 0) storePlain(k, aw(ctx, 'freeTail'), 0);
  storePlain(k, aw(ctx, 'link', head - 1), 0); // list_del_init()
  return head - 1;
}

/** rcu_torture_free(): list_add_tail() to rcu_torture_freelist. */
function tortureFree(ctx: ThreadContext, e: number): void {
  const k = ctx.k;
  fetchAdd(k, aw(ctx, 'nFree'), 1, Order.RELAXED);
  storePlain(k, aw(ctx, 'link', e), 0);
  const tail = loadPlain(k, aw(ctx, 'freeTail'));
  if (tail === 0) storePlain(k, aw(ctx, 'freeHead'), e + 1);
  else storePlain(k, aw(ctx, 'link', tail - 1), e + 1);
  storePlain(k, aw(ctx, 'freeTail'), e + 1);
}

/**
 * One step down the pipe: count the block in Free-Block Circulation at its
 * current age, age it, and at RCU_TORTURE_PIPE_LEN clear mbtest. The writer
 * is the only task that writes the blocks: its own reads of them are plain;
 * WRITE_ONCE(rp->rtort_pipe_count, i + 1), which readers READ_ONCE.
 * Returns true when the block has gone through the whole pipe
 * (rcu_torture_pipe_update_one()).
 */
function pipeUpdateOne(ctx: ThreadContext, e: number): boolean {
  const k = ctx.k;
  const i = Math.min(loadPlain(k, aw(ctx, 'pipe', e)), RCU_TORTURE_PIPE_LEN);
  fetchAdd(k, aw(ctx, 'wcount', i), 1, Order.RELAXED);
  storeOnce(k, aw(ctx, 'pipe', e), i + 1);
  if (i + 1 >= RCU_TORTURE_PIPE_LEN) {
    storePlain(k, aw(ctx, 'mbtest', e), 0);
    return true;
  }
  return false;
}

/**
 * rcu_torture_pipe_update(old): put the replaced block on
 * rcu_torture_removed, age every removed block by the grace period just
 * completed and free those that went through the whole pipe.
 */
function pipeUpdate(ctx: ThreadContext, old: number): void {
  const k = ctx.k;
  storePlain(k, aw(ctx, 'link', old), loadPlain(k, aw(ctx, 'removed')));
  storePlain(k, aw(ctx, 'removed'), old + 1);
  let prev = -1;
  for (let e1 = loadPlain(k, aw(ctx, 'removed')); e1 !== 0; ) {
    const e = e1 - 1;
    const next = loadPlain(k, aw(ctx, 'link', e));
    if (pipeUpdateOne(ctx, e)) {
      // list_del(), then rcu_torture_free().
      if (prev < 0) storePlain(k, aw(ctx, 'removed'), next);
      else storePlain(k, aw(ctx, 'link', prev), next);
      tortureFree(ctx, e);
    } else {
      prev = e;
    }
    e1 = next;
  }
}

/**
 * The writer, rcu_torture_writer() with its synchronous grace periods
 * (RTWS_SYNC): replacements, each followed by a grace period and the aging
 * of removed blocks, for as long as readers run (at most `gps`).
 */
export function tortureWriter(ctx: ThreadContext, ops: TortureOps, gps: number): void {
  const k = ctx.k;
  for (let g = 0; g < gps && loadOnce(k, aw(ctx, 'readersLeft')) > 0; g++) {
    const rp = tortureAlloc(ctx);
    if (rp < 0) {
      // rcutorture retries after schedule_timeout_uninterruptible(1) and its
      // stats print reports the stalled version. Blocks come back only through
      // this writer's rcu_torture_pipe_update(), which needs a replacement
      // first: no retry can succeed, so the stall is certain now.
      throw k.fail(
        new KernelFailure(
          FailKind.GP_STALL,
          `??? Writer stall state RTWS_FIXED_DELAY: rcu_torture_alloc() failed (rtaf ${loadPlain(k, aw(ctx, 'nAllocFail'))}, ` +
            `rta ${loadPlain(k, aw(ctx, 'nAlloc'))}, rtf ${loadPlain(k, aw(ctx, 'nFree'))}), ver ${loadPlain(k, aw(ctx, 'writerGps'))} cannot advance: ` +
            `rcu_torture_freelist is empty and only this writer refills it`,
        ),
      );
    }
    storeOnce(k, aw(ctx, 'pipe', rp), 0);
    storePlain(k, aw(ctx, 'mbtest', rp), 1);
    k.yieldPoint(L.assign);
    // old_rp = rcu_dereference_check(rcu_torture_current, ...); rcu_assign_pointer(rcu_torture_current, rp);
    // smp_wmb(): "Mods to old_rp must follow rcu_assign_pointer()".
    const old = loadPlain(k, aw(ctx, 'current'));
    storeRelease(k, aw(ctx, 'current'), rp);
    smpWmb(k);
    // Removed from readers' view: age 1, counted in Free-Block Circulation.
    const i = Math.min(loadPlain(k, aw(ctx, 'pipe', old)), RCU_TORTURE_PIPE_LEN);
    fetchAdd(k, aw(ctx, 'wcount', i), 1, Order.RELAXED);
    storeOnce(k, aw(ctx, 'pipe', old), loadPlain(k, aw(ctx, 'pipe', old)) + 1);
    ops.sync(ctx);
    ops.afterSync?.(ctx, old);
    k.yieldPoint(L.age);
    pipeUpdate(ctx, old);
    // WRITE_ONCE(rcu_torture_current_version, rcu_torture_current_version + 1).
    storeOnce(k, aw(ctx, 'writerGps'), loadPlain(k, aw(ctx, 'writerGps')) + 1);
  }
  storeOnce(k, aw(ctx, 'writerDone'), 1);
}

/**
 * rcu_torture_fakewriter(): grace periods and nothing else, "with a random
 * delay between calls" (a short sleep, then a busy delay), for as long as
 * the writer runs. They make grace periods frequent and contend with the
 * writer for the GP machinery; the Reader Batch histogram counts theirs too.
 */
export function tortureFakeWriter(ctx: ThreadContext, ops: TortureOps): void {
  const k = ctx.k;
  while (loadOnce(k, aw(ctx, 'writerDone')) === 0) {
    // schedule_timeout_uninterruptible(1 + torture_random() % 10).
    pollSleep(k, L.fakeSleep, TASK_UNINTERRUPTIBLE, 0.01 * (1 + ctx.rng.below(10)));
    // udelay(torture_random() & 0x3ff).
    for (let d = ctx.rng.below(4); d > 0; d--) k.yieldPoint(L.fakeDelay);
    ops.sync(ctx);
  }
}

/**
 * A short sleep that the controlled strategy may end at any decision (a
 * polling sleep): time passes for the sleeper without waiting for every
 * other task to block.
 */
export function pollSleep(k: Kernel, lbl: number, state = TASK_INTERRUPTIBLE, ms = 0.01): void {
  k.yieldPoint(lbl);
  prepareToWait(k, WaitKind.TIMEOUT, 0, 0, state, lbl);
  scheduleTimeout(k, ms, lbl, true);
  finishWait(k, 0);
}

function histogram(c: Pick<CheckContext, 'get'>, name: string): number[] {
  return Array.from({ length: RCU_TORTURE_PIPE_LEN + 1 }, (_, i) => c.get(name, i));
}

/**
 * The Free-Block Circulation check, run on the final state: every block is
 * current, on rcu_torture_freelist or on rcu_torture_removed, exactly once
 * (rcu_torture_writer()'s "rtort_pipe_count" WARN: a block on no list that
 * is not current has leaked); no block was aged past the pipe
 * (rcu_torture_wcount[RCU_TORTURE_PIPE_LEN] stays 0: a freed block aged
 * again); the circulation never grows down the pipe; and every block that
 * left the pipe was freed (rtf). Returns the first problem, or null.
 */
export function freeBlockCirculation(c: Pick<CheckContext, 'get'>): string | null {
  const where = new Array<string | null>(POOL).fill(null);
  const place = (e: number, list: string): string | null => {
    if (e < 0 || e >= POOL) return `${list} links to block ${e}, outside rcu_tortures[${POOL}]`;
    if (where[e] !== null) return `block ${e} is both ${where[e]} and ${list}`;
    where[e] = list;
    return null;
  };
  const walk = (first: number, list: string): string | null => {
    let n = 0;
    for (let e1 = first; e1 !== 0; e1 = c.get('link', e1 - 1)) {
      const bad = place(e1 - 1, list);
      if (bad) return bad;
      if (++n > POOL) return `${list} has a cycle`;
    }
    return null;
  };
  const bad = place(c.get('current'), 'current') ?? walk(c.get('freeHead'), 'on rcu_torture_freelist') ?? walk(c.get('removed'), 'on rcu_torture_removed');
  if (bad) return bad;
  const lost = where.findIndex((w) => w === null);
  if (lost >= 0) return `rcu_torture_writer: rtort_pipe_count: ${c.get('pipe', lost)}: block ${lost} is on no list and is not current`;
  const w = histogram(c, 'wcount');
  if (w[RCU_TORTURE_PIPE_LEN] !== 0) return `block aged past RCU_TORTURE_PIPE_LEN (Free-Block Circulation index ${RCU_TORTURE_PIPE_LEN}: ${w[RCU_TORTURE_PIPE_LEN]})`;
  for (let i = 1; i < RCU_TORTURE_PIPE_LEN; i++) {
    if (w[i]! > w[i - 1]!) return `more blocks aged from ${i} than reached it (Free-Block Circulation ${w[i - 1]} then ${w[i]})`;
  }
  if (c.get('nFree') !== w[RCU_TORTURE_PIPE_LEN - 1]) return `rtf ${c.get('nFree')} but ${w[RCU_TORTURE_PIPE_LEN - 1]} blocks left the pipe`;
  return null;
}

/**
 * rcu_torture_stats_print()'s verdict, and the Free-Block Circulation check.
 * `flavourStats` is the flavour's own line (cur_ops->stats(), e.g. SRCU's
 * per-CPU counts), printed with the histograms.
 */
export function tortureCheck(c: CheckContext, spec: string, flavourStats?: string): void {
  const pipe = histogram(c, 'readerPipe');
  const batch = histogram(c, 'readerBatch');
  const mberror = c.get('mberror');
  const hi = (h: number[]): number => h.reduce((m, v, i) => (v !== 0 ? i : m), 0);
  const stats =
    `Reader Pipe: ${pipe.join(' ')}\nReader Batch: ${batch.join(' ')}\nFree-Block Circulation: ${histogram(c, 'wcount').join(' ')}\n` +
    `ver: ${c.get('writerGps')} rta: ${c.get('nAlloc')} rtaf: ${c.get('nAllocFail')} rtf: ${c.get('nFree')} rtmbe: ${mberror}` +
    (flavourStats ? `\n${flavourStats}` : '');
  if (hi(pipe) > 1 || mberror !== 0) return c.fail(`!!! Too-short grace period (Reader Pipe index ${hi(pipe)} > 1${mberror ? `, rtmbe ${mberror}` : ''})\n${stats}`, spec);
  if (hi(batch) > 1) return c.fail(`!!! Reader Batch index ${hi(batch)} > 1: a reader spanned two grace periods\n${stats}`, spec);
  const circulation = freeBlockCirculation(c);
  if (circulation) return c.fail(`!!! Free-Block Circulation: ${circulation}\n${stats}`);
}
