/**
 * tsync_test.c multi_threaded.success: 2 idle threads started *before* NNP
 * is set on main; restrict_self(fd, TSYNC) returns 0 and both siblings
 * report NNP = 1 (propagated, as seccomp does).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L13B, L2, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-multi-threaded',
  description: 'tsync_test.c multi_threaded.success: idle siblings started before NNP; TSYNC returns 0 and propagates the domain and NNP.',
  threads: { default: 3, min: 2, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L13B), mutantVariant(L2)],
  dropCaps: true,
  nnp: 'after-siblings',
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
  siblingNnp: true,
});
