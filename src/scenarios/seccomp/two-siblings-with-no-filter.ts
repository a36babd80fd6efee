/**
 * seccomp_bpf.c TSYNC.two_siblings_with_no_filter: siblings started before
 * any prctl(); then the caller sets NNP and TSYNCs apply_prog with no filter
 * of its own: 0 (a NULL filter counts as an ancestor), and both siblings are
 * killed by read(), so they got the filter *and* NNP.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S4, S5 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { APPLY_PROG, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-siblings-with-no-filter',
  description: 'seccomp_bpf.c TSYNC.two_siblings_with_no_filter: NULL counts as an ancestor and NNP propagates: TSYNC returns 0, read() kills both.',
  variants: [mainline(MAINLINE_DESIGN), mutantVariant(S4), mutantVariant(S5)],
  main(fx) {
    const { ctx } = fx;
    fx.startSiblings();
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, APPLY_PROG));
    fx.quiescent('after TSYNC');
    fx.releaseAll();
    fx.joinAll();
  },
  rets: () => [0],
  status: (r) => r.tids.map(() => 'killed' as const),
});
