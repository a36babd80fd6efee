/**
 * rcutorture's `srcu` type (kernel/rcu/rcutorture.c, srcu_ops) on the SAB SRCU: one writer, readers
 * with random preemption inside their critical sections, the Reader Pipe
 * and Reader Batch histograms, and one "chain" reader that keeps a
 * continuous, overlapping stream of critical sections (it takes the next
 * read lock before releasing the previous one), the load that I-SRCU4 says
 * a grace period must survive.
 *
 * I-SRCU4 check: while one grace period waits in SCAN2 for rank r, new
 * readers use the other rank (the flip), so at most one of the chain's
 * sections (one that fetched srcu_idx before the flip) can land on r.
 * STARVE consecutive sections on the rank that the same grace period (no
 * completion in between) waits for is a starving grace period (R5),
 * whatever the timing.
 */
import { defineScenario, FailKind, KernelFailure, label, mainline, mutantVariant, type ThreadContext } from '../../runtime/index.js';
import { BUSTED, I_SRCU1, I_SRCU4, initSrcuStruct, R4, R5, R6, srcuCompleted, srcuReadLock, srcuReadUnlock, srcuScan2WaitIdx, synchronizeSrcu } from '../../subsystems/srcu/index.js';
import { BUSTED_EXTEND, TORTURE_SHARED, tortureCheck, tortureReaderThread, tortureSetup, tortureWriter, type TortureOps } from './torture.js';

const STARVE = 50;
const L_CHAIN = label('rcutorture:srcu chain reader');

const ops: TortureOps = {
  readLock: (ctx) => srcuReadLock(ctx.k, ctx.load('ssp')),
  readUnlock: (ctx, idx) => srcuReadUnlock(ctx.k, ctx.load('ssp'), idx),
  sync: (ctx) => synchronizeSrcu(ctx.k, ctx.load('ssp')),
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
  description: 'rcutorture for SRCU: readers, a continuous reader chain and a writer; Reader Pipe / Reader Batch must stay at indices 0 and 1.',
  threads: { default: 4, min: 3, max: 16 },
  params: { gps: 100, reads: 10, chainMax: 400 },
  variants: [
    mainline('Tree SRCU (kernel/rcu/srcutree.c)'),
    mutantVariant(BUSTED),
    mutantVariant(BUSTED_EXTEND),
    mutantVariant(R4),
    mutantVariant(R5),
    mutantVariant(R6),
  ],
  shared: { ...TORTURE_SHARED, ssp: 1 },
  bodies: {
    writer(ctx) {
      tortureWriter(ctx, ops, Number(ctx.params.gps));
    },
    reader(ctx) {
      tortureReaderThread(ctx, ops, Number(ctx.params.reads));
    },
    chain,
  },
  setup(s) {
    s.set('ssp', initSrcuStruct(s.k));
    tortureSetup(s, s.threads - 2);
    s.spawn('writer');
    s.spawn('chain');
    for (let r = 0; r < s.threads - 2; r++) s.spawn('reader', r);
  },
  check(c) {
    tortureCheck(c, I_SRCU1);
  },
});
