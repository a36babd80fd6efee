/**
 * seccomp_bpf.c TSYNC.two_siblings_not_under_filter, all five steps:
 *  (1) sibling 0 has its own filter, sibling 1 none, the caller installs
 *      root_prog; TSYNC apply_prog returns sibling 0's TID;
 *  (2) sibling 0 is released, joins SIBLING_EXIT_UNKILLED, and is polled
 *      until really gone;
 *  (3) TSYNC again: 0 (sibling 1's NULL filter is an ancestor);
 *  (4) sibling 1 is released and killed by read() (it got the filter and
 *      NNP); polled until gone;
 *  (5) TSYNC with only the caller left: 0 ("just us chickens").
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN, PRE_611 } from '../../subsystems/seccomp/design.js';
import { S5 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { APPLY_PROG, historical, ROOT_PROG, SIBLING_EXIT_UNKILLED, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-siblings-not-under-filter',
  description: 'seccomp_bpf.c TSYNC.two_siblings_not_under_filter (all five steps): fail on the diverged sibling, sync the one without a filter once it is gone, then sync alone.',
  variants: [mainline(MAINLINE_DESIGN), historical(PRE_611, { expect: 'pass' }), mutantVariant(S5)],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.startSiblings((i) => i === 0);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG));
    // (1)
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, APPLY_PROG));
    fx.quiescent('step 1');
    // (2)
    fx.release(0);
    fx.join(0);
    fx.quiescent('step 2');
    // (3)
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, APPLY_PROG));
    fx.quiescent('step 3');
    // (4)
    for (let i = 1; i < fx.n; i++) fx.release(i);
    for (let i = 1; i < fx.n; i++) fx.join(i);
    fx.quiescent('step 4');
    // (5)
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, APPLY_PROG));
    fx.quiescent('step 5');
  },
  rets: (r) => [0, r.tids[0]!, 0, 0],
  status: (r) => r.tids.map((_, i) => (i === 0 ? SIBLING_EXIT_UNKILLED : ('killed' as const))),
});
