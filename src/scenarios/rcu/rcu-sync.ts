/**
 * synchronize_rcu()'s guarantee (I-RCU1, docs/RCU.md) checked directly, the
 * way an RCU user relies on it: readers take the current element inside a
 * read-side critical section and look at it again before the section ends;
 * an updater publishes a new element (rcu_assign_pointer()), waits for a
 * grace period and frees the old one.
 *
 *   - A reader that finds its element freed held it across a grace period
 *     that began after its critical section did (the element was replaced
 *     before synchronize_rcu() started, and the reader took it before that).
 *   - A reader during whose section two grace periods completed spanned a
 *     whole one (grace periods run one at a time, so the second began after
 *     the section did).
 *
 * Readers use every kind of read side synchronize_rcu() waits for since the
 * v4.20 consolidation: rcu_read_lock(), preempt_disable(), and the two
 * overlapped (preempt_disable(); rcu_read_lock(); preempt_enable(); ...
 * rcu_read_unlock(), one section). Planted bugs (subsystems/rcu/mutants.ts):
 * rcu-gp-early, rcu-preempt-only.
 */
import { defineScenario, fetchAdd, invariant, label, loadAcquire, loadOnce, loadPlain, mainline, mutantVariant, Order, storeOnce, storeRelease, type Kernel, type ThreadContext } from '../../runtime/index.js';
import {
  I_RCU1,
  preemptDisable,
  preemptEnable,
  RCU_GP_EARLY,
  RCU_PREEMPT_ONLY,
  rcuCompleted,
  rcuReadLock,
  rcuReadUnlock,
  synchronizeRcu,
} from '../../subsystems/rcu/index.js';

/** Elements: one per update, plus the first. */
const MAX_UPDATES = 63;

const L = {
  deref: label('rcu-sync:rcu_dereference(current)'),
  delay: label('rcu-sync:reader delay'),
  look: label('rcu-sync:reader looks at its element again'),
  assign: label('rcu-sync:rcu_assign_pointer(current)'),
  free: label('rcu-sync:kfree(old)'),
};

const enum Kind {
  RcuReadLock = 0,
  PreemptDisable = 1,
  Overlapped = 2,
}

/** A reader's delay inside its section: mostly a few preemption points, now and then a long stretch. */
function delay(k: Kernel, ctx: ThreadContext): void {
  for (let d = ctx.rng.below(4) === 0 ? 8 + ctx.rng.below(24) : ctx.rng.below(4); d > 0; d--) k.yieldPoint(L.delay);
}

function section(ctx: ThreadContext, kind: Kind): void {
  const k = ctx.k;
  if (kind === Kind.RcuReadLock) rcuReadLock(k);
  else preemptDisable(k);
  k.yieldPoint(L.deref);
  const p = loadAcquire(k, ctx.addr('current'));
  const c0 = rcuCompleted(k);
  if (kind === Kind.Overlapped) {
    // The section goes on under rcu_read_lock() after preemption is enabled again.
    rcuReadLock(k);
    preemptEnable(k);
  }
  delay(k, ctx);
  k.yieldPoint(L.look);
  const freed = loadOnce(k, ctx.addr('freed', p)) !== 0;
  const c1 = rcuCompleted(k);
  const how = ['rcu_read_lock()', 'preempt_disable()', 'preempt_disable() then rcu_read_lock()'][kind];
  if (freed) {
    throw k.fail(invariant(`use after free: a reader (${how}) still inside the critical section in which it took element ${p} finds it freed; synchronize_rcu() returned before the reader's section ended`, I_RCU1));
  }
  if (c1 - c0 >= 2) {
    throw k.fail(invariant(`a read-side critical section (${how}) spanned a whole grace period: ${c1 - c0} grace periods completed inside it`, I_RCU1));
  }
  if (kind === Kind.PreemptDisable) preemptEnable(k);
  else rcuReadUnlock(k);
  fetchAdd(k, ctx.addr('sections'), 1, Order.RELAXED);
}

export default defineScenario({
  name: 'rcu-sync',
  description: "synchronize_rcu()'s grace period: readers (rcu_read_lock(), preempt_disable(), both overlapped) never see an element freed after a grace period their section predates.",
  threads: { default: 4, min: 2, max: 16 },
  params: { updates: 12, sections: 8 },
  variants: [mainline('Tree RCU, consolidated flavours (kernel/rcu/tree.c)'), mutantVariant(RCU_GP_EARLY), mutantVariant(RCU_PREEMPT_ONLY)],
  shared: { current: 1, freed: MAX_UPDATES + 1, updaterDone: 1, gps: 1, sections: 1 },
  bodies: {
    updater(ctx) {
      const k = ctx.k;
      const updates = Math.min(Number(ctx.params.updates), MAX_UPDATES);
      for (let u = 1; u <= updates; u++) {
        k.yieldPoint(L.assign);
        // The updater is the only writer of `current`: a plain read of it.
        const old = loadPlain(k, ctx.addr('current'));
        storeRelease(k, ctx.addr('current'), u);
        synchronizeRcu(k);
        k.yieldPoint(L.free);
        storeOnce(k, ctx.addr('freed', old), 1);
        fetchAdd(k, ctx.addr('gps'), 1, Order.RELAXED);
      }
      storeOnce(k, ctx.addr('updaterDone'), 1);
    },
    reader(ctx) {
      const n = Number(ctx.params.sections);
      // At least `sections` sections, and on while the updater runs (at most 20 × as many).
      for (let s = 0; s < 20 * n && (s < n || loadOnce(ctx.k, ctx.addr('updaterDone')) === 0); s++) section(ctx, ((ctx.arg + s) % 3) as Kind);
    },
  },
  setup(s) {
    s.spawn('updater');
    for (let r = 1; r < s.threads; r++) s.spawn('reader', r);
  },
  check(c) {
    const updates = Math.min(Number(c.params.updates), MAX_UPDATES);
    if (c.get('gps') !== updates) return c.fail(`the updater completed ${c.get('gps')} of ${updates} grace periods`);
    const want = (c.threads - 1) * Number(c.params.sections);
    if (c.get('sections') < want) c.fail(`${c.get('sections')} reader sections, expected at least ${want}`);
  },
});
