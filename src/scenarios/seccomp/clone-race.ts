/**
 * Threads clone while TSYNC runs (I-SC5, docs/SECCOMP.md): every thread that exists
 * when TSYNC returns 0, children created concurrently included, runs a
 * chain containing the new filter. copy_seccomp() runs under the parent's
 * siglock right before the child is linked, so a child either existed for
 * the sync or copies a parent that was already synced. Checked online in
 * copy_seccomp() and at TSYNC's return (under siglock), and by every thread
 * calling getppid() afterwards (EACCES expected).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S2, S12 } from '../../subsystems/seccomp/mutants.js';
import { clone, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { ROOT_PROG, seccompScenario } from './kit.js';
import { checkProbes, MAX_TASKS, probe, SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

export default seccompScenario({
  name: 'seccomp-clone-race',
  description: 'Siblings clone threads while TSYNC runs: every thread alive when it returns, late children included, has the new filter (I-SC5).',
  threads: { default: 3, min: 2, max: 16 },
  params: { clones: 3 },
  maxTasks: (threads, params) => threads + 1 + (threads - 1) * Number(params['clones']),
  variants: [
    mainline(MAINLINE_DESIGN),
    mutantVariant(S12),
    mutantVariant(S2),
  ],
  shared: { go: 1, stop: 1, ret: 1, probe: MAX_TASKS, probed: MAX_TASKS },
  bodies: {
    main(ctx) {
      ctx.store('ret', UNSET);
      prctlSetNoNewPrivs(ctx);
      seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG);
      const n = ctx.threads - 1;
      for (let i = 0; i < n; i++) clone(ctx, 'cloner', i);
      wakeAll(ctx, 'go');
      const ret = seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG);
      ctx.store('ret', ret);
      wakeAll(ctx, 'stop');
      probe(ctx);
    },
    cloner(ctx) {
      waitFor(ctx, 'go');
      const clones = Number(ctx.params['clones']);
      for (let c = 0; c < clones && ctx.load('stop') === 0; c++) clone(ctx, 'child', c);
      waitFor(ctx, 'stop');
      probe(ctx);
    },
    child(ctx) {
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
    checkProbes(c, 'I-SC5');
  },
});
