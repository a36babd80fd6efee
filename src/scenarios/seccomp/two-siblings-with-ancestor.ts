/**
 * seccomp_bpf.c TSYNC.two_siblings_with_ancestor: NNP, the caller installs
 * root_prog, starts two siblings (they inherit root), then TSYNCs
 * apply_prog: 0, and both siblings are killed by read(). Ancestry holds.
 * The refs/users accounting (I-SC4) and filter_count are checked at every
 * quiescent point.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S6, S11 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { APPLY_PROG, ROOT_PROG, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-siblings-with-ancestor',
  description: 'seccomp_bpf.c TSYNC.two_siblings_with_ancestor: siblings inherit root_prog; TSYNC apply_prog returns 0 and read() kills both.',
  variants: [
    mainline(MAINLINE_DESIGN),
    mutantVariant(S6),
    mutantVariant(S11),
  ],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG));
    fx.startSiblings();
    fx.quiescent('siblings started');
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, APPLY_PROG));
    fx.quiescent('after TSYNC');
    fx.releaseAll();
    fx.joinAll();
    fx.quiescent('siblings joined');
  },
  rets: () => [0, 0],
  status: (r) => r.tids.map(() => 'killed' as const),
});
