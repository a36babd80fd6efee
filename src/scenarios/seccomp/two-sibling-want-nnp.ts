/**
 * seccomp_bpf.c TSYNC.two_sibling_want_nnp: siblings started before any
 * prctl(), no TSYNC at all: both see no NNP (SIBLING_EXIT_NEWPRIVS). The
 * control for the NNP propagation the other tests rely on.
 */
import { mainline } from '../../runtime/index.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { SIBLING_EXIT_NEWPRIVS, tsyncFixture } from './kit.js';

export default tsyncFixture({
  name: 'seccomp-two-sibling-want-nnp',
  description: 'seccomp_bpf.c TSYNC.two_sibling_want_nnp: without TSYNC, siblings started before NNP report SIBLING_EXIT_NEWPRIVS.',
  variants: [mainline(MAINLINE_DESIGN)],
  main(fx) {
    fx.startSiblings();
    fx.releaseAll();
    fx.joinAll();
    fx.quiescent('siblings joined');
  },
  rets: () => [],
  status: (r) => r.tids.map(() => SIBLING_EXIT_NEWPRIVS),
});
