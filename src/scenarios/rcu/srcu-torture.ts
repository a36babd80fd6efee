/**
 * rcutorture's `srcu` type (kernel/rcu/rcutorture.c, srcu_ops) on the SAB SRCU: one writer,
 * fake writers that only run grace periods (rcu_torture_fakewriter()),
 * readers with srcu_read_delay() inside their critical sections (mostly
 * preemption points, now and then a sleep, after which the reader runs on
 * another CPU), the Reader Pipe and Reader Batch histograms, and one
 * "chain" reader that keeps a continuous, overlapping stream of critical
 * sections (it takes the next read lock before releasing the previous one,
 * as rcutorture_one_extend() does), the load that I-SRCU4 says a grace
 * period must survive.
 *
 * I-SRCU4 check: while one grace period waits in SCAN2 for rank r, new
 * readers use the other rank (the flip), so at most one of the chain's
 * sections (one that fetched srcu_idx before the flip) can land on r.
 * STARVE consecutive sections on the rank that the same grace period (no
 * completion in between) waits for is a starving grace period (R5),
 * whatever the timing.
 *
 * The chain streams through every other replacement of the writer: while
 * the writer's count of completed replacements is odd it stays outside the
 * read side (sleeping, as rcu_torture_reader() sleeps now and then between
 * sections). Half of the grace periods then run under a continuous stream
 * (I-SRCU4, R5) and half without one. Under a stream, every SCAN2 has to
 * wait for the chain to move to the new rank, and a reader that fetched a
 * stale srcu_idx must stay preempted through that too before it can slip
 * past the grace period (R4); without one, only through the flip and one
 * check.
 *
 * The barrier checks (param `marks`, 0 by default; docs/RCU.md, "Barriers
 * A–E"): `marks` marker readers and one marker updater. A marker reader
 * stores its section number s inside each section, right after
 * srcu_read_lock() (markIn) and right before srcu_read_unlock() (markOut).
 * The updater reads markIn = s, calls synchronize_srcu() and then reads
 * markOut, which must be at least s: section s began before the grace
 * period (a store inside it was visible before the call), so the grace
 * period waited for all of it, and a store made inside a read-side critical
 * section that began before synchronize_srcu() is visible to the updater
 * after it returns (Documentation/RCU/Design/Requirements/Requirements.rst,
 * "Grace-Period Guarantee"; srcutree.c's synchronize_srcu() comment: each
 * CPU "has executed a full memory barrier since the end of its last
 * corresponding SRCU read-side critical section"). Under sequential
 * consistency it is implied by the torture's own check; under weak memory it
 * sees what the Reader Pipe cannot: a section's stores that reach the
 * updater after the unlock increment it counted (no barrier C). Marker
 * readers sleep only inside their sections: a sleep's set_current_state()
 * is a full barrier, which would publish the section's stores at once.
 */
import { defineScenario, FailKind, invariant, KernelFailure, label, loadOnce, mainline, mutantVariant, storeOnce, storeRelease, type ThreadContext, type VariantDef } from '../../runtime/index.js';
import {
  BUSTED,
  I_SRCU1,
  I_SRCU4,
  initSrcuStruct,
  R3_LOCKS_FIRST,
  R3_NO_MB_A,
  R4,
  R5,
  R6,
  SRCU_NO_MB_B,
  SRCU_NO_MB_C,
  SRCU_NO_MB_D,
  SRCU_NO_MB_E,
  srcuCompleted,
  srcuReadLock,
  srcuReadUnlock,
  srcuScan2WaitIdx,
  srcuTortureStatsPrint,
  synchronizeSrcu,
} from '../../subsystems/srcu/index.js';
import {
  BUSTED_EXTEND,
  pollSleep,
  srcuReadDelay,
  TORTURE_SHARED,
  tortureCheck,
  tortureFakeWriter,
  tortureReaderThread,
  tortureSetup,
  tortureWriter,
  type TortureOps,
} from './torture.js';

const STARVE = 50;
/** Sleeps the chain takes at most per pause (a writer stuck in a grace period must not keep it out forever). */
const PAUSE_MAX = 64;
const L_CHAIN = label('rcutorture:srcu chain reader');
const L_CHAIN_PAUSE = label('rcutorture:srcu chain reader pauses');

/** rcutorture's `srcu_ops`: the writers' flavour, shared with `srcu-down-up-read`. */
export const srcuOps: TortureOps = {
  readLock: (ctx) => srcuReadLock(ctx.k, ctx.load('ssp')),
  readUnlock: (ctx, idx) => srcuReadUnlock(ctx.k, ctx.load('ssp'), idx),
  sync: (ctx) => synchronizeSrcu(ctx.k, ctx.load('ssp')),
  readDelay: srcuReadDelay,
  extension: 16,
  completed: (ctx) => srcuCompleted(ctx.k, ctx.load('ssp')),
};

function chain(ctx: ThreadContext): void {
  const k = ctx.k;
  const h = ctx.load('ssp');
  let idx = srcuReadLock(k, h);
  let onWaited = 0;
  let gp = -1;
  for (let n = 0; n < Number(ctx.params.chainMax) && ctx.load('writerDone') === 0; n++) {
    if (ctx.load('writerGps') % 2 === 1) {
      srcuReadUnlock(k, h, idx);
      for (let i = 0; i < PAUSE_MAX && ctx.load('writerGps') % 2 === 1 && ctx.load('writerDone') === 0; i++) pollSleep(k, L_CHAIN_PAUSE);
      idx = srcuReadLock(k, h);
      onWaited = 0;
      continue;
    }
    const next = srcuReadLock(k, h);
    srcuReadUnlock(k, h, idx);
    idx = next;
    k.yieldPoint(L_CHAIN);
    // Count only sections of one and the same grace period: a GP that
    // completes and a new one that flips back to our rank is progress.
    const done = srcuCompleted(k, h);
    if (done !== gp) onWaited = 0;
    gp = done;
    onWaited = srcuScan2WaitIdx(k, h) === idx ? onWaited + 1 : 0;
    if (onWaited >= STARVE) {
      throw k.fail(
        new KernelFailure(
          FailKind.GP_STALL,
          `??? Writer stall: a grace period has waited in SCAN2 on rank ${idx} through ${onWaited} consecutive reader sections that all used that rank; new readers never moved to the other rank (${srcuCompleted(k, h)} GPs completed)`,
          I_SRCU4,
        ),
      );
    }
  }
  srcuReadUnlock(k, h, idx);
}

/** Marker readers at most (param `marks`). */
const MAX_MARKS = 4;
const L_MARK = label('rcutorture:srcu marker reader delay');

/**
 * The run's end, read outside the memory model: scaffolding, not part of
 * the algorithm (a marker reader must not sleep to see it; see the header).
 */
function markDone(ctx: ThreadContext): boolean {
  const k = ctx.k;
  const wm = k.wm;
  k.wm = null;
  const v = ctx.load('markDone');
  k.wm = wm;
  return v !== 0;
}

/** A marker reader's delay: preemption points only, now and then a long run of them. */
function markDelay(ctx: ThreadContext): void {
  const n = ctx.rng.below(4) === 0 ? 8 + ctx.rng.below(40) : ctx.rng.below(4);
  for (let d = 0; d < n; d++) ctx.k.yieldPoint(L_MARK);
}

/**
 * A marker reader (see the header): sections numbered 1, 2, ..., until the
 * marker updater is done. Inside each: read gpPre, store markIn = s, delay,
 * read gpPost, store markOut = s. A section that saw the store the updater
 * made after grace period g returned (gpPost = g) must have seen the one it
 * made before g began (gpPre >= g): otherwise it began before g and ended
 * after it.
 */
function markReader(ctx: ThreadContext): void {
  const k = ctx.k;
  const h = ctx.load('ssp');
  const i = ctx.arg;
  const limit = 40 * Number(ctx.params.gps);
  for (let s = 1; s <= limit && !markDone(ctx); s++) {
    const idx = srcuReadLock(k, h);
    const pre = loadOnce(k, ctx.addr('gpPre'));
    storeOnce(k, ctx.addr('markIn', i), s);
    markDelay(ctx);
    const post = loadOnce(k, ctx.addr('gpPost'));
    storeOnce(k, ctx.addr('markOut', i), s);
    srcuReadUnlock(k, h, idx);
    if (post > pre) {
      throw k.fail(
        invariant(
          `!!! Too-short grace period: marker reader ${i}'s section ${s} saw the store the marker updater made after grace period ${post} returned (gpPost), but not the one it made before that grace period began (read gpPre ${pre}): the section began before grace period ${post} and ended after it`,
          I_SRCU1,
        ),
      );
    }
    markDelay(ctx);
  }
}

/**
 * The marker updater, `gps` grace periods: gpPre = g, read each marker
 * reader's markIn, synchronize_srcu(), check each markOut, gpPost = g.
 */
function markUpdater(ctx: ThreadContext): void {
  const k = ctx.k;
  const h = ctx.load('ssp');
  const marks = Number(ctx.params.marks);
  for (let g = 1; g <= Number(ctx.params.gps); g++) {
    storeOnce(k, ctx.addr('gpPre'), g);
    const began = Array.from({ length: marks }, (_, i) => loadOnce(k, ctx.addr('markIn', i)));
    synchronizeSrcu(k, h);
    for (let i = 0; i < marks; i++) {
      const ended = loadOnce(k, ctx.addr('markOut', i));
      if (ended < began[i]!) {
        throw k.fail(
          invariant(
            `!!! Too-short grace period: marker reader ${i}'s section ${began[i]} had begun before synchronize_srcu() (its markIn store was read before the call), yet after synchronize_srcu() returned the store it made before srcu_read_unlock() is not visible (read markOut ${ended}); ${srcuCompleted(k, h)} GPs completed`,
            I_SRCU1,
          ),
        );
      }
    }
    storeOnce(k, ctx.addr('gpPost'), g);
  }
  storeRelease(k, ctx.addr('markDone'), 1);
}

/**
 * The barrier variants: the marker checks alone, on one CPU's counters, so
 * that every reader's increments of a rank land on one word. A missing C
 * shows only where the updater counts a marker's unlock through a later
 * reader's increment of that word (docs/RCU.md, "Barriers A–E").
 */
const BARRIER_PARAMS = { marks: 3, cpus: 1, gps: 20 };
function barrierVariant(v: VariantDef): VariantDef {
  return { ...v, params: BARRIER_PARAMS };
}

export default defineScenario({
  name: 'srcu-torture',
  description: 'rcutorture for SRCU: readers, a continuous reader chain, a writer and fake writers; Reader Pipe / Reader Batch must stay at indices 0 and 1.',
  threads: { default: 4, min: 3, max: 16 },
  maxTasks: (threads, p) => (Number(p.marks) > 0 ? Number(p.marks) + 2 : threads + Number(p.fakewriters) + 1),
  // cpus: the srcu_struct's per-CPU counter sets (1..SRCU_CPUS; a small
  // machine, so that a grace period's sums take few steps). fakewriters:
  // rcutorture's nfakewriters (4 there), 0 by default: their grace periods
  // age no block, so a reader that a bug lets slip past one of them shows
  // nothing on the Reader Pipe, and they take the writer's turns. marks:
  // marker readers (0..MAX_MARKS) and, if any, the marker updater (above).
  params: { gps: 100, reads: 10, chainMax: 400, cpus: 2, fakewriters: 0, marks: 0 },
  variants: [
    mainline('Tree SRCU (kernel/rcu/srcutree.c)'),
    mutantVariant(BUSTED),
    mutantVariant(BUSTED_EXTEND),
    mutantVariant(R3_LOCKS_FIRST),
    mutantVariant(R4),
    mutantVariant(R5),
    mutantVariant(R6),
    // Barriers A–E (barriers.ts): A, B, C must fail under --memory-model weak; D, E must not.
    barrierVariant(mainline('Tree SRCU with the barrier checks (marker readers on one CPU\'s counters)', { name: 'mainline-marks' })),
    barrierVariant(mutantVariant(R3_NO_MB_A)),
    barrierVariant(mutantVariant(SRCU_NO_MB_B)),
    barrierVariant(mutantVariant(SRCU_NO_MB_C)),
    barrierVariant(mutantVariant(SRCU_NO_MB_D, { expect: 'pass' })),
    barrierVariant(mutantVariant(SRCU_NO_MB_E, { expect: 'pass' })),
  ],
  shared: { ...TORTURE_SHARED, ssp: 1, markIn: MAX_MARKS, markOut: MAX_MARKS, markDone: 1, gpPre: 1, gpPost: 1 },
  bodies: {
    writer(ctx) {
      tortureWriter(ctx, srcuOps, Number(ctx.params.gps));
    },
    reader(ctx) {
      tortureReaderThread(ctx, srcuOps, Number(ctx.params.reads));
    },
    chain,
    fakewriter(ctx) {
      tortureFakeWriter(ctx, srcuOps);
    },
    markReader,
    markUpdater,
  },
  setup(s) {
    s.set('ssp', initSrcuStruct(s.k, Number(s.params.cpus)));
    const marks = Number(s.params.marks);
    if (!Number.isInteger(marks) || marks < 0 || marks > MAX_MARKS) throw new Error(`srcu-torture: marks=${marks} (0..${MAX_MARKS})`);
    if (marks > 0) {
      // The barrier checks alone: one updater, the only one, so that it
      // never sleeps on srcu_gp_mutex (a sleep settles it, and its
      // set_current_state() publishes what it stored before).
      tortureSetup(s, 0);
      s.spawn('markUpdater');
      for (let i = 0; i < marks; i++) s.spawn('markReader', i);
      return;
    }
    tortureSetup(s, s.threads - 2);
    s.spawn('writer');
    s.spawn('chain');
    for (let r = 0; r < s.threads - 2; r++) s.spawn('reader', r);
    for (let f = 0; f < Number(s.params.fakewriters); f++) s.spawn('fakewriter', f);
  },
  check(c) {
    tortureCheck(c, I_SRCU1, srcuTortureStatsPrint(c.k, c.get('ssp')));
  },
});
