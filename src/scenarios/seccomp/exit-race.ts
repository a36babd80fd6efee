/**
 * Threads exit while TSYNC runs (spec 2e "Threads that are exiting"):
 * TSYNC must return 0 (exiting threads are skipped since 6.11; before,
 * they are synced like any other and release at release_task), the live
 * ones end with the new filter, and every filter is released exactly once
 * (I-SC4, checked after the iteration: a filter handed to a thread that
 * already ran seccomp_filter_release() is never put, S7).
 */
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { clone, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { MAINLINE, mutant, passes, PRE_611, ROOT_PROG, seccompScenario } from './kit.js';
import { checkProbes, MAX_TASKS, probe, SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

export default seccompScenario({
  name: 'seccomp-exit-race',
  description: 'Siblings exit while TSYNC runs: it returns 0, live threads get the filter, every filter is released exactly once.',
  threads: { default: 5, min: 2, max: 32 },
  variants: [MAINLINE, passes(PRE_611), mutant('S7', 'filters released at exit (6.11) but PF_EXITING threads not skipped by can_sync/sync')],
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
