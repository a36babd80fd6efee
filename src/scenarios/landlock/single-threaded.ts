/** tsync_test.c single_threaded_success: NNP, then restrict_self(fd, TSYNC) with no sibling: 0. */
import { mainline } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-single-threaded',
  description: 'tsync_test.c single_threaded_success: disable caps, set NNP, restrict_self(fd, TSYNC) with no sibling returns 0.',
  threads: { default: 1, min: 1, max: 1 },
  variants: [mainline(LANDLOCK_MAINLINE)],
  dropCaps: true,
  nnp: 'before-siblings',
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
});
