/**
 * seccomp_bpf.c TSYNC.two_siblings_with_one_divergence_no_tid_in_err: the
 * same divergence, with SECCOMP_FILTER_FLAG_TSYNC_ESRCH: -ESRCH instead of
 * the TID, and still nothing installed anywhere.
 */
import { ESRCH, mainline, mutantVariant } from '../../runtime/index.js';
import {
  SECCOMP_FILTER_FLAG_TSYNC as TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH as TSYNC_ESRCH,
  SECCOMP_SET_MODE_FILTER,
} from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S9 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { APPLY_PROG, ROOT_PROG, SIBLING_EXIT_UNKILLED, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-siblings-with-one-divergence-no-tid-in-err',
  description: 'seccomp_bpf.c TSYNC.two_siblings_with_one_divergence_no_tid_in_err: with TSYNC_ESRCH the failure is -ESRCH, not the TID.',
  variants: [mainline(MAINLINE_DESIGN), mutantVariant(S9)],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG));
    fx.startSiblings((i) => i === 0);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC | TSYNC_ESRCH, APPLY_PROG));
    fx.quiescent('after the failed TSYNC');
    fx.releaseAll();
    fx.joinAll();
  },
  rets: () => [0, -ESRCH],
  status: (r) => r.tids.map(() => SIBLING_EXIT_UNKILLED),
});
