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
 */
import { defineScenario, FailKind, KernelFailure, label, mainline, mutantVariant, type ThreadContext } from '../../runtime/index.js';
import {
  BUSTED,
  I_SRCU1,
  I_SRCU4,
  initSrcuStruct,
  R3_LOCKS_FIRST,
  R4,
  R5,
  R6,
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

export default defineScenario({
  name: 'srcu-torture',
  description: 'rcutorture for SRCU: readers, a continuous reader chain, a writer and fake writers; Reader Pipe / Reader Batch must stay at indices 0 and 1.',
  threads: { default: 4, min: 3, max: 16 },
  maxTasks: (threads, p) => threads + Number(p.fakewriters) + 1,
  // cpus: the srcu_struct's per-CPU counter sets (1..SRCU_CPUS; a small
  // machine, so that a grace period's sums take few steps). fakewriters:
  // rcutorture's nfakewriters (4 there), 0 by default: their grace periods
  // age no block, so a reader that a bug lets slip past one of them shows
  // nothing on the Reader Pipe, and they take the writer's turns.
  params: { gps: 100, reads: 10, chainMax: 400, cpus: 2, fakewriters: 0 },
  variants: [
    mainline('Tree SRCU (kernel/rcu/srcutree.c)'),
    mutantVariant(BUSTED),
    mutantVariant(BUSTED_EXTEND),
    mutantVariant(R3_LOCKS_FIRST),
    mutantVariant(R4),
    mutantVariant(R5),
    mutantVariant(R6),
  ],
  shared: { ...TORTURE_SHARED, ssp: 1 },
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
  },
  setup(s) {
    s.set('ssp', initSrcuStruct(s.k, Number(s.params.cpus)));
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
