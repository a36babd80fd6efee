/**
 * audit_test.c tsync_override_log_subdomains_off: a sibling that muted its
 * own subdomain logs (restrict_self(-1, LOG_SUBDOMAINS_OFF)) logs no denial
 * from the domain it then creates (round 1). The caller's
 * restrict_self(fd, TSYNC) without LOG_SUBDOMAINS_OFF overrides the
 * sibling's log_subdomains_off with its own 0, so the domain the sibling
 * stacks afterwards logs its denial (round 2).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L23, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { auditTsyncScenario } from './audit-kit.js';

export default auditTsyncScenario({
  name: 'landlock-tsync-override-log-subdomains-off',
  description:
    "audit_test.c tsync_override_log_subdomains_off: TSYNC without LOG_SUBDOMAINS_OFF clears a sibling's own muting; its next domain logs its denial.",
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L23)],
  muteSibling: true,
  tsync: { fd: 'ruleset', flags: TSYNC },
  logged: [0, 1],
});
