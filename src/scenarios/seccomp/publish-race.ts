/**
 * TSYNC publishes to siblings that are in a syscall loop (the race of v9,
 * "added barriers for TIF_SECCOMP vs seccomp.mode race"): every syscall
 * entry reads the sibling's own syscall_work, mode and filter locklessly
 * (entry.ts) while the caller writes them under siglock
 * (seccomp_sync_threads(), seccomp_assign_mode() in kernel/seccomp.c).
 * Half the siblings are cloned before the caller has a filter (DISABLED:
 * TSYNC gives them mode, filter and SYSCALL_WORK_SECCOMP), half after its
 * first filter, which makes getpid() fail with ENOENT (already in FILTER
 * mode: TSYNC swaps their head for a filter whose prev is that one). Each
 * calls getpid() until TSYNC has returned, then getppid() as the probe
 * (EACCES expected). A late sibling's getpid() must fail every time: its
 * chain always holds the ENOENT filter.
 *
 * The kernel orders the publication with smp_store_release() of the
 * filter and smp_mb__before_atomic() before the work flag, paired with
 * smp_rmb() and READ_ONCE() at syscall entry. Without the barrier
 * (S8-flag-first) a DISABLED sibling may see the work flag with the old
 * mode (BUG()) or a NULL filter (WARN_ON, KILL_PROCESS), I-SC6; with a
 * plain store of the filter (S8-plain-filter) a FILTER-mode sibling may
 * see the new head before its ->prev, written by seccomp_attach_filter()
 * after the caller's last full barrier: it runs the new filter alone and
 * its getpid() succeeds, out of the filter it inherited (I-SC1; only with
 * no DISABLED sibling before it, variant params `early: 0`). Both show
 * only under --memory-model weak: with sequentially consistent memory
 * every store is seen in program order.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S8_FLAG_FIRST, S8_PLAIN_FILTER } from '../../subsystems/seccomp/mutants.js';
import { clone, getpid, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { seccompScenario } from './kit.js';
import { checkProbes, MAX_TASKS, OWN_PROG, probe, SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

/** Syscalls a sibling makes at most while TSYNC runs. */
const LOOP = 64;

export default seccompScenario({
  name: 'seccomp-publish-race',
  description: 'Siblings in a getppid() loop while TSYNC publishes mode, filter and SYSCALL_WORK_SECCOMP to them: no sibling sees the work flag without the mode and a filter (I-SC6).',
  threads: { default: 5, min: 2, max: 16 },
  params: { early: -1 },
  variants: [
    mainline(MAINLINE_DESIGN),
    mutantVariant(S8_FLAG_FIRST),
    // Only FILTER-mode siblings: with a DISABLED one first in the list, the
    // barrier of its seccomp_assign_mode() orders ->prev before every later
    // head store, in the kernel as here.
    { ...mutantVariant(S8_PLAIN_FILTER), params: { early: 0 } },
  ],
  shared: { go: 1, stop: 1, ret: 1, probe: MAX_TASKS, probed: MAX_TASKS, escaped: MAX_TASKS },
  bodies: {
    main(ctx) {
      ctx.store('ret', UNSET);
      prctlSetNoNewPrivs(ctx);
      const n = ctx.threads - 1;
      // `early` DISABLED siblings (-1: half). seccomp_sync_threads() walks the
      // thread list in clone order, so the early ones come first, and their
      // seccomp_assign_mode()'s barrier also orders every later store.
      const early = Number(ctx.params.early) < 0 ? Math.ceil(n / 2) : Math.min(Number(ctx.params.early), n);
      for (let i = 0; i < early; i++) clone(ctx, 'sibling', 0);
      seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, OWN_PROG);
      for (let i = early; i < n; i++) clone(ctx, 'sibling', early);
      wakeAll(ctx, 'go');
      ctx.store('ret', seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG));
      wakeAll(ctx, 'stop');
      probe(ctx);
    },
    sibling(ctx) {
      waitFor(ctx, 'go');
      // Syscall entries racing with the publication (no sleep in between:
      // a task back from a sleep has seen every store).
      // A late sibling (arg != 0) inherited the ENOENT filter: getpid() never succeeds.
      for (let i = 0; i < LOOP && ctx.load('stop') === 0; i++) {
        const r = getpid(ctx);
        if (ctx.arg !== 0 && r >= 0) ctx.store('escaped', 1, ctx.k.cur);
      }
      waitFor(ctx, 'stop');
      probe(ctx);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const ret = c.get('ret');
    if (ret !== 0) return c.fail(`TSYNC returned ${ret}, expected 0`, 'I-SC1');
    for (const t of c.tasks()) {
      if (c.get('escaped', t.tid - 1) !== 0) return c.fail(`tid ${t.tid}'s getpid() succeeded although its chain holds the filter it inherited (getpid -> ENOENT)`, 'I-SC1');
    }
    checkProbes(c, 'I-SC1');
  },
});
