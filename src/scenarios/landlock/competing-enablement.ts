/**
 * tsync_test.c competing_enablement: two threads call restrict_self(fd,
 * TSYNC) at the same time (plus an idle third thread, the shape of the
 * syzbot report): both must return 0, with no deadlock and no leaked 513.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L5, L6, L7, L8, L9, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-competing-enablement',
  description: 'tsync_test.c competing_enablement: two threads enable TSYNC concurrently (and a third idles); both return 0.',
  threads: { default: 3, min: 3, max: 16 },
  variants: [
    mainline(LANDLOCK_MAINLINE),
    mutantVariant(L5),
    // rc1's cancel-then-wait came with rc1's missing serialisation.
    mutantVariant(L6, { design: [L7] }),
    mutantVariant(L7),
    mutantVariant(L8),
    mutantVariant(L9),
  ],
  dropCaps: true,
  nnp: 'before-siblings',
  competitors: 1,
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
  verifyOnline: false,
  siblingNnp: true,
  check(c, r) {
    // Each TSYNC overrides every thread: whichever committed last, the
    // process ends in one domain (I-LL1 over the final state).
    const all = new Set([r.mainDomain, ...r.sibDomain, ...r.compDomain]);
    if (all.size !== 1 || r.mainDomain === 0) c.fail(`after two successful TSYNC calls the threads are in ${all.size} domains: ${[...all].join(', ')}`, 'I-LL1');
  },
  hangMs: 1500,
  // A livelock (L6, L7 with exclusion=false: the callers interrupt and
  // restart each other) is declared after this many controlled steps. It
  // stays below the 65,536-entry schedule log so that its seed log replays
  // exactly; a mainline iteration takes a few hundred steps.
  stepLimit: 60_000,
});
