/**
 * Benchmark scenario: the latency of one synchronize_srcu() with N reader
 * tasks looping srcu_read_lock() / srcu_read_unlock() on their own threads
 * (threads = N + 1). The writer first runs WARM untimed grace periods
 * while the readers are held back (a fresh worker's code is not optimised
 * yet), lets them go, waits until each has completed a read-side section,
 * then times CALLS grace periods, each inside the writer, and stores them
 * (ns) in `ns`; bench/gp-latency.ts reads them after the iteration.
 *
 * A reader's section is one preemption point long (rcutorture's readers
 * mostly hold theirs for a short delay); the readers never sleep, so a
 * grace period waits only for sections in flight at its flip, and for the
 * cores the readers keep busy.
 */
import { defineScenario, label } from '../../src/runtime/index.js';
import { initSrcuStruct, srcuReadLock, srcuReadUnlock, synchronizeSrcu } from '../../src/subsystems/srcu/index.js';

/** Grace periods timed per iteration. */
export const SRCU_CALLS = 25;
/** Untimed grace periods first, readers held back. */
export const SRCU_WARM = 100;
const L_SECTION = label('bench:srcu read-side section');

export default defineScenario({
  name: 'bench-srcu-latency',
  description: 'synchronize_srcu() latency with N readers looping lock/unlock',
  threads: { default: 3, min: 1, max: 65 },
  variants: [{ name: 'mainline', kind: 'correct', expect: 'pass', spec: null, description: 'Tree SRCU (kernel/rcu/srcutree.c)' }],
  shared: { ssp: 1, go: 1, ready: 1, stop: 1, sections: 1, ns: SRCU_CALLS },
  bodies: {
    writer(ctx) {
      const { k, sys } = ctx;
      const h = ctx.load('ssp');
      const n = ctx.threads - 1;
      for (let i = 0; i < SRCU_WARM; i++) synchronizeSrcu(k, h);
      ctx.store('go', 1);
      sys.futexWake(ctx.addr('go'), 1 << 20);
      for (let r = ctx.load('ready'); r < n; r = ctx.load('ready')) sys.futexWait(ctx.addr('ready'), r);
      for (let i = 0; i < SRCU_CALLS; i++) {
        const t0 = performance.now();
        synchronizeSrcu(k, h);
        Atomics.store(k.i32, ctx.addr('ns', i), Math.min(2 ** 31 - 1, Math.round((performance.now() - t0) * 1e6)));
      }
      ctx.store('stop', 1);
    },
    reader(ctx) {
      const k = ctx.k;
      const h = ctx.load('ssp');
      const stop = ctx.addr('stop');
      while (ctx.load('go') === 0) ctx.sys.futexWait(ctx.addr('go'), 0);
      let sections = 0;
      do {
        const idx = srcuReadLock(k, h);
        k.yieldPoint(L_SECTION);
        srcuReadUnlock(k, h, idx);
        if (sections++ === 0) {
          ctx.add('ready', 1);
          ctx.sys.futexWake(ctx.addr('ready'), 1);
        }
      } while (Atomics.load(k.i32, stop) === 0);
      Atomics.add(k.i32, ctx.addr('sections'), sections);
    },
  },
  setup(s) {
    s.set('ssp', initSrcuStruct(s.k));
    s.spawn('writer');
    for (let r = 0; r < s.threads - 1; r++) s.spawn('reader', r);
  },
});
