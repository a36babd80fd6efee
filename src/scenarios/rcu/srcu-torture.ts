/**
 * rcutorture's `srcu` type (spec 3f) on the SAB SRCU: one writer, readers
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
import { defineScenario, FailKind, KernelFailure, label, type ThreadContext } from '../../runtime/index.js';
import { initSrcuStruct, srcuCompleted, srcuReadLock, srcuReadUnlock, srcuScan2WaitIdx, synchronizeSrcu } from '../../subsystems/srcu/index.js';
import { TORTURE_SHARED, tortureCheck, tortureReaderThread, tortureSetup, tortureWriter, type TortureOps } from './torture.js';

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
          'I-SRCU4',
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
    { name: 'mainline', kind: 'correct', expect: 'pass', spec: null, description: 'Tree SRCU (spec 3c5)' },
    { name: 'busted', kind: 'mutant', expect: 'fail', spec: 'busted', description: 'rcu_busted: synchronize_srcu() returns at once (calibration)' },
    { name: 'busted-extend', kind: 'mutant', expect: 'fail', spec: 'busted-extend', description: 'busted_srcud: readers extend past srcu_read_unlock() (calibration)' },
    { name: 'R4', kind: 'mutant', expect: 'fail', spec: 'R4', description: 'skip SCAN1: flip at once, then check the old rank' },
    { name: 'R5', kind: 'mutant', expect: 'fail', spec: 'R5', description: 'no flip: the GP waits on the rank readers keep using (I-SRCU4)' },
    { name: 'R6', kind: 'mutant', expect: 'fail', spec: 'R6', description: 'srcu_read_unlock() uses the current srcu_idx, not the returned idx' },
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
    tortureCheck(c, 'I-SRCU1');
  },
});
