/**
 * Threads exit while TSYNC runs (the PF_EXITING skips of
 * seccomp_can_sync_threads() / seccomp_sync_threads(), kernel/seccomp.c):
 * TSYNC must return 0 (exiting threads are skipped since 6.11; before,
 * they are synced like any other and release at release_task), the live
 * ones end with the new filter, and every filter is released exactly once
 * (I-SC4, checked after the iteration: a filter handed to a thread that
 * already ran seccomp_filter_release() is never put, S7).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN, PRE_611 } from '../../subsystems/seccomp/design.js';
import { S7 } from '../../subsystems/seccomp/mutants.js';
import { clone, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { historical, ROOT_PROG, seccompScenario } from './kit.js';
import { checkProbes, MAX_TASKS, probe, SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

export default seccompScenario({
  name: 'seccomp-exit-race',
  description: 'Siblings exit while TSYNC runs: it returns 0, live threads get the filter, every filter is released exactly once.',
  threads: { default: 5, min: 2, max: 32 },
  variants: [mainline(MAINLINE_DESIGN), historical(PRE_611, { expect: 'pass' }), mutantVariant(S7)],
  shared: { go: 1, stop: 1, ret: 1, probe: MAX_TASKS, probed: MAX_TASKS },
  bodies: {
    main(ctx) {
      ctx.store('ret', UNSET);
      prctlSetNoNewPrivs(ctx);
      seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG);
      for (let i = 0; i < ctx.threads - 1; i++) clone(ctx, i % 2 === 0 ? 'exiter' : 'idler', i);
      wakeAll(ctx, 'go');
      ctx.store('ret', seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG));
      wakeAll(ctx, 'stop');
      probe(ctx);
    },
    exiter(ctx) {
      waitFor(ctx, 'go');
      for (let i = 0; i < ctx.arg % 3; i++) ctx.yield();
      ctx.sys.exit(0);
    },
    idler(ctx) {
      waitFor(ctx, 'stop');
      probe(ctx);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const ret = c.get('ret');
    if (ret !== 0) return c.fail(`TSYNC returned ${ret} while siblings were exiting, expected 0`, 'I-SC1');
    checkProbes(c, 'I-SC1');
  },
});
