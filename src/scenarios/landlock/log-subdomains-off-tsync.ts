/**
 * audit_test.c log_subdomains_off_tsync: restrict_self(-1,
 * LOG_SUBDOMAINS_OFF | TSYNC) carries log_subdomains_off to a sibling thread
 * without creating a domain (the April 2026 stable fix). Round 1, before it:
 * the sibling's signal-scoped domain logs its denial. Round 2, after it: the
 * domain the sibling stacks is created with log_subdomains_off set, so its
 * log_status is LANDLOCK_LOG_DISABLED and the denial is not logged. (TSYNC
 * also replaced the sibling's domain with the caller's, which is none:
 * landlock_cred_copy() copies the whole blob.)
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import {
  LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF as SUBDOMAINS_OFF,
  LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC,
} from '../../subsystems/landlock/consts.js';
import { L17, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { auditTsyncScenario } from './audit-kit.js';

export default auditTsyncScenario({
  name: 'landlock-log-subdomains-off-tsync',
  description:
    'audit_test.c log_subdomains_off_tsync: restrict_self(-1, LOG_SUBDOMAINS_OFF|TSYNC) mutes the sibling; its next domain logs no denial.',
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L17)],
  muteSibling: false,
  tsync: { fd: -1, flags: SUBDOMAINS_OFF | TSYNC },
  logged: [1, 0],
});
