/**
 * seccomp_bpf.c TSYNC.two_siblings_with_ancestor: NNP, the caller installs
 * root_prog, starts two siblings (they inherit root), then TSYNCs
 * apply_prog: 0, and both siblings are killed by read(). Ancestry holds.
 * The refs/users accounting (I-SC4) and filter_count are checked at every
 * quiescent point.
 */
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { APPLY_PROG, MAINLINE, mutant, ROOT_PROG, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-siblings-with-ancestor',
  description: 'seccomp_bpf.c TSYNC.two_siblings_with_ancestor: siblings inherit root_prog; TSYNC apply_prog returns 0 and read() kills both.',
  variants: [
    MAINLINE,
    mutant('S6', 'get_seccomp_filter() forgets users++ (refcount mistake)'),
    mutant('S11', 'filter_count not copied to synced threads'),
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
