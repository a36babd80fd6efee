/**
 * tsync_test.c tsync_interrupt: a no-op SIGUSR1 handler, many idle threads,
 * and a signaller hammering the caller with SIGUSR1 while it enables TSYNC:
 * the call returns 0; the restarts are invisible to user space.
 */
import { mainline } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-tsync-interrupt',
  description: 'tsync_test.c tsync_interrupt: many idle threads, a signaller hammering the caller; TSYNC still returns 0.',
  threads: { default: 12, min: 3, max: 60 },
  variants: [mainline(LANDLOCK_MAINLINE)],
  dropCaps: true,
  nnp: 'before-siblings',
  signaller: { target: 'caller', signals: 40 },
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
  siblingNnp: true,
});
