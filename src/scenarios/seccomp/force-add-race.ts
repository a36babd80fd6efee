/**
 * The 2014 design question (docs/SECCOMP.md, "Planted bugs and historical
 * designs"): a sibling installs a filter of its
 * own (no TSYNC) while the caller TSYNCs. With the merged ancestry check,
 * either the sibling installs first and TSYNC fails with its TID (nothing
 * changes anywhere), or TSYNC first and the sibling stacks its filter on
 * the synced chain: its own filter is never lost. The force-add alternative
 * (`force-add-2014`, S1) overwrites the sibling's chain: its filter is
 * silently dropped (I-SC3). S2 (siglock dropped between the check and the
 * sync) loses it the same way when the sibling installs in the gap.
 *
 * Afterwards each sibling calls getpid() (its own filter: ENOENT) and
 * getppid() (the TSYNC'ed filter: EACCES) and the check compares with
 * what the two calls returned.
 */
import { EACCES, ENOENT, mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { FORCE_ADD_2014, MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S1, S2 } from '../../subsystems/seccomp/mutants.js';
import { clone, getpid, getppid, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { historical, MAX_THREADS, ROOT_PROG, seccompScenario } from './kit.js';
import { OWN_PROG, SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

export default seccompScenario({
  name: 'seccomp-force-add-race',
  description: 'A sibling installs its own filter while the caller TSYNCs: mainline returns its TID or stacks it; force-add silently drops it (I-SC3).',
  threads: { default: 3, min: 2, max: MAX_THREADS },
  variants: [
    mainline(MAINLINE_DESIGN),
    historical(FORCE_ADD_2014, { spec: S1 }),
    mutantVariant(S1),
    mutantVariant(S2),
  ],
  shared: { go: 1, stop: 1, ret: 1, mainProbe: 1, tid: MAX_THREADS, own: MAX_THREADS, pid: MAX_THREADS, ppid: MAX_THREADS },
  bodies: {
    main(ctx) {
      ctx.store('ret', UNSET);
      prctlSetNoNewPrivs(ctx);
      seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG);
      for (let i = 0; i < ctx.threads - 1; i++) ctx.store('tid', clone(ctx, 'sibling', i), i);
      wakeAll(ctx, 'go');
      ctx.store('ret', seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG));
      ctx.store('mainProbe', getppid(ctx));
      wakeAll(ctx, 'stop');
    },
    sibling(ctx) {
      const i = ctx.arg;
      ctx.store('own', UNSET, i);
      waitFor(ctx, 'go');
      ctx.store('own', seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, OWN_PROG), i);
      waitFor(ctx, 'stop');
      ctx.store('pid', getpid(ctx), i);
      ctx.store('ppid', getppid(ctx), i);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const n = c.threads - 1;
    const ret = c.get('ret');
    const tids = Array.from({ length: n }, (_, i) => c.get('tid', i));
    for (let i = 0; i < n; i++) {
      if (c.get('own', i) !== 0) return c.fail(`sibling ${i}'s own seccomp() returned ${c.get('own', i)}, expected 0`);
      if (c.get('pid', i) !== -ENOENT) {
        return c.fail(`sibling ${i} (tid ${tids[i]}) installed its own filter (getpid -> ENOENT) but getpid() now returns ${c.get('pid', i)}: its filter was silently dropped (TSYNC returned ${ret})`, 'I-SC3');
      }
    }
    if (ret === 0) {
      if (c.get('mainProbe') !== -EACCES) return c.fail(`TSYNC returned 0 but the caller's getppid() returned ${c.get('mainProbe')}`, 'I-SC1');
      for (let i = 0; i < n; i++) {
        if (c.get('ppid', i) !== -EACCES) return c.fail(`TSYNC returned 0 but sibling ${i}'s getppid() returned ${c.get('ppid', i)}, not -EACCES`, 'I-SC1');
      }
    } else if (tids.includes(ret)) {
      if (c.get('mainProbe') === -EACCES) return c.fail(`TSYNC failed (${ret}) but the caller's own filter was installed`, 'I-SC2');
      for (let i = 0; i < n; i++) {
        if (c.get('ppid', i) === -EACCES) return c.fail(`TSYNC failed (${ret}) but sibling ${i} got its filter`, 'I-SC2');
      }
    } else {
      c.fail(`TSYNC returned ${ret}: neither 0 nor a sibling's TID`, 'I-SC2');
    }
  },
});
