/**
 * tsync_test.c tsync_without_ruleset, all five variants in one run:
 * restrict_self(-1, flags) gives EBADF for TSYNC alone, SUBDOMAINS_OFF with
 * another log flag, and all flags; 0 for exactly LOG_SUBDOMAINS_OFF|TSYNC,
 * which mutes subdomain logs on every thread (the April 2026 stable fix).
 */
import { EBADF, mainline, mutantVariant } from '../../runtime/index.js';
import {
  ALL_FLAGS,
  LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON as NEW_EXEC_ON,
  LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF as SAME_EXEC_OFF,
  LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF as SUBDOMAINS_OFF,
  LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC,
} from '../../subsystems/landlock/consts.js';
import { L17, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-without-ruleset',
  description: 'tsync_test.c tsync_without_ruleset (five variants): fd -1 gives EBADF except for LOG_SUBDOMAINS_OFF|TSYNC, which mutes every thread.',
  threads: { default: 3, min: 2, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L17)],
  dropCaps: true,
  nnp: 'before-siblings',
  steps: [
    { fd: -1, flags: TSYNC, expect: -EBADF },
    { fd: -1, flags: SUBDOMAINS_OFF | SAME_EXEC_OFF | TSYNC, expect: -EBADF },
    { fd: -1, flags: SUBDOMAINS_OFF | NEW_EXEC_ON | TSYNC, expect: -EBADF },
    { fd: -1, flags: ALL_FLAGS, expect: -EBADF },
    { fd: -1, flags: SUBDOMAINS_OFF | TSYNC, expect: 0 },
  ],
  siblingNnp: true,
});
