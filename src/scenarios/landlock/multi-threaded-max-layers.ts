/**
 * tsync_test.c multi_threaded.no_new_privs_max_layers: 16 domains applied
 * while still privileged; TSYNC | NO_NEW_PRIVS then fails with E2BIG and NNP
 * stays clear on the caller and every sibling.
 */
import { E2BIG, mainline, mutantVariant } from '../../runtime/index.js';
import {
  LANDLOCK_MAX_NUM_LAYERS,
  LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS as NNP,
  LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC,
} from '../../subsystems/landlock/consts.js';
import { L13A, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-multi-threaded-max-layers',
  description: 'tsync_test.c multi_threaded.no_new_privs_max_layers: with 16 layers, TSYNC|NO_NEW_PRIVS fails with E2BIG and leaves NNP clear everywhere.',
  threads: { default: 3, min: 2, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L13A)],
  presetLayers: LANDLOCK_MAX_NUM_LAYERS,
  dropCaps: true,
  nnp: 'none',
  steps: [{ fd: 'ruleset', flags: TSYNC | NNP, expect: -E2BIG }],
  siblingNnp: false,
  check(c, r) {
    void r;
    const main = c.tasks().find((t) => t.tid === c.tasks()[0]!.tid)!;
    if (main.noNewPrivs) c.fail('the caller has no_new_privs after a failed TSYNC|NO_NEW_PRIVS', 'I-LL2');
  },
});
