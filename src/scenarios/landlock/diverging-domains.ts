/**
 * tsync_test.c multi_threaded_success_despite_diverging_domains: main takes
 * a domain of its own first (restrict_self(fd, 0)), then TSYNC overrides
 * the siblings' different domain: both calls return 0. One sibling also
 * changed its own uid with a raw per-thread setresuid(): only Landlock
 * state may be copied to it, its uid must survive (L14).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L14, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-diverging-domains',
  description: 'tsync_test.c multi_threaded_success_despite_diverging_domains, plus a sibling with its own uid: TSYNC overrides domains, keeps uids.',
  threads: { default: 3, min: 3, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L14)],
  dropCaps: true,
  nnp: 'before-siblings',
  waitReady: true,
  siblings: (threads) => Array.from({ length: threads - 1 }, (_, i) => (i === 0 ? { diverge: 'uid' as const } : i === 1 ? { diverge: 'domain' as const } : {})),
  steps: [
    { fd: 'ruleset', flags: 0, expect: 0 },
    { fd: 'ruleset', flags: TSYNC, expect: 0 },
  ],
  siblingNnp: true,
  check(c, r) {
    r.sibDomain.forEach((d, i) => {
      if (d !== r.mainDomain) c.fail(`sibling ${i} ends in domain ${d}, the caller in ${r.mainDomain}`, 'I-LL1');
    });
  },
});
