/**
 * seccomp_bpf.c TSYNC_first (a plain TEST): NNP, then the first filter the
 * process ever installs is installed *with* TSYNC: 0. Regression test for
 * the v11 bug fixed in v12 (David Drysdale), planted as S10.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S10 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { ROOT_PROG, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-tsync-first',
  description: 'seccomp_bpf.c TSYNC_first: NNP, then the very first filter installed with TSYNC returns 0.',
  threads: { default: 1, min: 1, max: 1 },
  variants: [mainline(MAINLINE_DESIGN), mutantVariant(S10)],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, ROOT_PROG));
    fx.quiescent('after TSYNC_first');
  },
  rets: () => [0],
});
