/**
 * seccomp_bpf.c TSYNC.siblings_fail_prctl: the caller installs a filter
 * making prctl() fail with EINVAL (no TSYNC), then starts the siblings,
 * which inherit it at clone: sibling 0 tries to diverge with
 * prctl(PR_SET_SECCOMP) and fails (SIBLING_EXIT_FAILURE); sibling 1's
 * prctl(PR_GET_NO_NEW_PRIVS) fails too, so it goes on to read() and, with
 * no apply_prog anywhere, survives (SIBLING_EXIT_UNKILLED).
 */
import { mainline } from '../../runtime/index.js';
import { SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { PRCTL_EINVAL_PROG, SIBLING_EXIT_FAILURE, SIBLING_EXIT_UNKILLED, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-siblings-fail-prctl',
  description: 'seccomp_bpf.c TSYNC.siblings_fail_prctl: siblings inherit a prctl->EINVAL filter at clone; sibling 0 cannot diverge.',
  variants: [mainline(MAINLINE_DESIGN)],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, PRCTL_EINVAL_PROG));
    fx.startSiblings((i) => i === 0);
    fx.releaseAll();
    fx.joinAll();
    fx.quiescent('siblings joined');
  },
  rets: () => [0],
  status: (r) => r.tids.map((_, i) => (i === 0 ? SIBLING_EXIT_FAILURE : SIBLING_EXIT_UNKILLED)),
});
