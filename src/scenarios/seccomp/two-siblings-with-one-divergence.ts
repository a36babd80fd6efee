/**
 * seccomp_bpf.c TSYNC.two_siblings_with_one_divergence: the caller installs
 * root_prog; sibling 0 re-applies root on top (its own branch of the tree);
 * TSYNC apply_prog returns sibling 0's TID and changes nothing anywhere:
 * both siblings survive read() (SIBLING_EXIT_UNKILLED). S1 overwrites
 * sibling 0's branch instead (I-SC3); the first TSYNC patch's design
 * (force-add-2014) returns 0 with a copy of apply_prog stacked on sibling
 * 0's own branch, so sibling 0 no longer runs the caller's chain (I-SC1).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { FORCE_ADD_2014, MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S1 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { APPLY_PROG, historical, ROOT_PROG, SIBLING_EXIT_UNKILLED, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-siblings-with-one-divergence',
  description: 'seccomp_bpf.c TSYNC.two_siblings_with_one_divergence: TSYNC returns the diverged sibling\'s TID; nothing is installed anywhere.',
  variants: [mainline(MAINLINE_DESIGN), historical(FORCE_ADD_2014), mutantVariant(S1)],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG));
    fx.startSiblings((i) => i === 0);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, APPLY_PROG));
    fx.quiescent('after the failed TSYNC');
    fx.releaseAll();
    fx.joinAll();
  },
  rets: (r) => [0, r.tids[0]!],
  status: (r) => r.tids.map(() => SIBLING_EXIT_UNKILLED),
});
