/**
 * tsync_test.c multi_threaded.no_new_privs: no NNP anywhere before; TSYNC |
 * LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS returns 0 and NNP is set on the
 * caller and every sibling.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import {
  LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS as NNP,
  LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC,
} from '../../subsystems/landlock/consts.js';
import { L13B, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-multi-threaded-no-new-privs',
  description: 'tsync_test.c multi_threaded.no_new_privs: TSYNC|NO_NEW_PRIVS without prior NNP returns 0 and sets NNP on every thread.',
  threads: { default: 3, min: 2, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L13B)],
  dropCaps: true,
  nnp: 'none',
  steps: [{ fd: 'ruleset', flags: TSYNC | NNP, expect: 0 }],
  siblingNnp: true,
});
