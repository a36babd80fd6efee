/**
 * The 2014 design question (docs/SECCOMP.md, "Planted bugs and historical
 * designs"): a sibling installs a filter of its own (no TSYNC) while the
 * caller TSYNCs. Both filters answer getppid() with an errno, the caller's
 * EACCES, the sibling's ENOENT; equal actions tie and the first filter of
 * the chain wins (seccomp_run_filters(), kernel/seccomp.c), so getppid()
 * shows which of the two sits on top of the sibling's chain.
 *
 * With the merged ancestry check there are two outcomes, and TSYNC's return
 * value says which: the sibling installed first and TSYNC fails with its TID
 * (nothing changes anywhere), or TSYNC went first and the sibling stacked
 * its filter on the synced chain. Either way the sibling's own filter is on
 * top (getppid() -> ENOENT) and it runs one more filter than the caller
 * after a 0.
 *
 * The first TSYNC patch (`force-add-2014`) never fails: a sibling that
 * installed first gets a copy of the caller's filter stacked on its own
 * chain, so the same calls leave one of two filter trees depending on the
 * interleaving (getppid() -> EACCES or ENOENT), and a 0 no longer means
 * "every thread runs my chain" (I-SC1). S1 overwrites the sibling's chain,
 * S2 (siglock dropped between the check and the sync) loses it the same way
 * when the sibling installs in the gap: its filter is silently dropped
 * (I-SC3).
 *
 * `--param order=sibling-first` or `tsync-first` forces one interleaving
 * (user-space hand-off), `race` (the default) lets them race.
 */
import { EACCES, ENOENT, mainline, mutantVariant, type ThreadContext } from '../../runtime/index.js';
import { __NR_getppid, SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_RET_ERRNO, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { FORCE_ADD_2014, MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import type { Prog } from '../../subsystems/seccomp/filter.js';
import { S1, S2 } from '../../subsystems/seccomp/mutants.js';
import { clone, getppid, prctlSetNoNewPrivs, procStatus, seccomp } from '../../subsystems/seccomp/user.js';
import { historical, MAX_THREADS, ROOT_PROG, seccompScenario } from './kit.js';
import { SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

/** The sibling's own filter: the same syscall as SYNC_PROG, another errno. */
const OWN_PROG: Prog = { len: 4, nr: __NR_getppid, ret: SECCOMP_RET_ERRNO | ENOENT };

const ORDERS = ['race', 'sibling-first', 'tsync-first'] as const;
type Order = (typeof ORDERS)[number];

function orderOf(ctx: { params: Readonly<Record<string, unknown>> }): Order {
  const o = String(ctx.params['order']);
  if (!(ORDERS as readonly string[]).includes(o)) throw new Error(`--param order=${o}: one of ${ORDERS.join(', ')}`);
  return o as Order;
}

/** Every sibling has installed its own filter (the sibling-first hand-off). */
function waitSiblings(ctx: ThreadContext, n: number): void {
  for (let d = ctx.load('installed'); d < n; d = ctx.load('installed')) ctx.sys.futexWait(ctx.addr('installed'), d);
}

export default seccompScenario({
  name: 'seccomp-force-add-race',
  description:
    "A sibling installs its own filter while the caller TSYNCs: mainline returns its TID or lets it stack on top; force-add-2014's tree depends on the interleaving, S1/S2 drop the sibling's filter.",
  threads: { default: 3, min: 2, max: MAX_THREADS },
  params: { order: 'race' },
  variants: [
    mainline(MAINLINE_DESIGN),
    historical(FORCE_ADD_2014),
    mutantVariant(S1),
    mutantVariant(S2),
  ],
  shared: {
    go: 1,
    tsynced: 1,
    installed: 1,
    stop: 1,
    ret: 1,
    mainProbe: 1,
    mainFilters: 1,
    tid: MAX_THREADS,
    own: MAX_THREADS,
    ppid: MAX_THREADS,
    filters: MAX_THREADS,
  },
  bodies: {
    main(ctx) {
      const order = orderOf(ctx);
      const n = ctx.threads - 1;
      ctx.store('ret', UNSET);
      prctlSetNoNewPrivs(ctx);
      seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG);
      for (let i = 0; i < n; i++) ctx.store('tid', clone(ctx, 'sibling', i), i);
      if (order === 'race') wakeAll(ctx, 'go');
      if (order === 'sibling-first') {
        wakeAll(ctx, 'go');
        waitSiblings(ctx, n);
      }
      ctx.store('ret', seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG));
      if (order === 'tsync-first') wakeAll(ctx, 'go');
      waitSiblings(ctx, n);
      ctx.store('mainProbe', getppid(ctx));
      ctx.store('mainFilters', procStatus(ctx).filters);
      wakeAll(ctx, 'stop');
    },
    sibling(ctx) {
      const i = ctx.arg;
      ctx.store('own', UNSET, i);
      waitFor(ctx, 'go');
      ctx.store('own', seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, OWN_PROG), i);
      ctx.add('installed', 1);
      ctx.sys.futexWake(ctx.addr('installed'), 1);
      waitFor(ctx, 'stop');
      ctx.store('ppid', getppid(ctx), i);
      ctx.store('filters', procStatus(ctx).filters, i);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const n = c.threads - 1;
    const ret = c.get('ret');
    const tids = Array.from({ length: n }, (_, i) => c.get('tid', i));
    const mainFilters = c.get('mainFilters');
    // A forced order has one answer: every sibling diverged first (the
    // first in thread-list order is named), or none had yet.
    const order = c.params['order'];
    if (order === 'sibling-first' && ret !== tids[0]) {
      return c.fail(`order sibling-first: every sibling installed its own filter first, yet TSYNC returned ${ret}, not sibling 0's TID ${tids[0]}`, ret === 0 ? 'I-SC1' : 'I-SC2');
    }
    if (order === 'tsync-first' && ret !== 0) return c.fail(`order tsync-first: no sibling had diverged, yet TSYNC returned ${ret}`, 'I-SC1');
    for (let i = 0; i < n; i++) {
      if (c.get('own', i) !== 0) return c.fail(`sibling ${i}'s own seccomp() returned ${c.get('own', i)}, expected 0`);
      const ppid = c.get('ppid', i);
      const filters = c.get('filters', i);
      if (ppid === -ENOENT) continue;
      // The caller's filter is above the sibling's own, or the sibling's is gone.
      if (filters <= mainFilters) {
        return c.fail(
          `sibling ${i} (tid ${tids[i]}) installed its own filter (getppid -> ENOENT) but runs ${filters} filters, the caller ${mainFilters}, and getppid() returns ${ppid}: its filter was silently dropped (TSYNC returned ${ret})`,
          'I-SC3',
        );
      }
      return c.fail(
        `sibling ${i} (tid ${tids[i]}) installed its own filter before the TSYNC, which returned ${ret} and stacked the caller's filter on top of it (getppid -> ${ppid}, ${filters} filters): in the other order the same calls leave its own filter on top (ENOENT)`,
        'I-SC1',
      );
    }
    if (ret === 0) {
      if (c.get('mainProbe') !== -EACCES) return c.fail(`TSYNC returned 0 but the caller's getppid() returned ${c.get('mainProbe')}`, 'I-SC1');
      for (let i = 0; i < n; i++) {
        // The sibling installed after the sync: the caller's chain plus its own.
        if (c.get('filters', i) !== mainFilters + 1) {
          return c.fail(`TSYNC returned 0 but sibling ${i} runs ${c.get('filters', i)} filters, the caller ${mainFilters} (expected the caller's chain plus its own)`, 'I-SC1');
        }
      }
    } else if (tids.includes(ret)) {
      if (c.get('mainProbe') === -EACCES) return c.fail(`TSYNC failed (${ret}) but the caller's own filter was installed`, 'I-SC2');
      for (let i = 0; i < n; i++) {
        // root_prog and its own filter: the caller's never reached it.
        if (c.get('filters', i) !== 2) return c.fail(`TSYNC failed (${ret}) but sibling ${i} runs ${c.get('filters', i)} filters, expected 2`, 'I-SC2');
      }
    } else {
      c.fail(`TSYNC returned ${ret}: neither 0 nor a sibling's TID`, 'I-SC2');
    }
  },
});
