/**
 * ENOMEM injected at sibling k (docs/LANDLOCK.md): siblings with creds of
 * their own (raw setresuid) must prepare_creds(); the k-th one fails, or the
 * allocation of a tsync_work fails. The call returns -ENOMEM and nothing
 * changed anywhere: no cred, no domain, no NNP (I-LL1, I-LL2).
 */
import { ENOMEM, mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L11, L13A, L15, L3, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-enomem',
  description: 'ENOMEM injected at sibling k (prepare_creds) or in a tsync_work allocation: TSYNC returns -ENOMEM and nothing changes anywhere.',
  threads: { default: 5, min: 3, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L15), mutantVariant(L13A), mutantVariant(L11), mutantVariant(L3)],
  dropCaps: true,
  nnp: 'after-siblings',
  waitReady: true,
  siblings: (threads) => Array.from({ length: threads - 1 }, () => ({ diverge: 'uid' as const })),
  fault: (ctx) => {
    // The caller's own prepare_creds() is the first cred allocation; the
    // siblings' follow. Half the iterations fail a tsync_work allocation.
    const n = ctx.threads - 1;
    return ctx.rng.below(2) === 0 ? { cache: 'cred', nth: 2 + ctx.rng.below(n) } : { cache: 'tsync_work', nth: 1 + ctx.rng.below(n) };
  },
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: -ENOMEM }],
  siblingNnp: false,
  check(c, r) {
    r.sibDomain.forEach((d, i) => {
      if (d !== 0) c.fail(`sibling ${i} has domain ${d} after a failed TSYNC`, 'I-LL1');
    });
    if (r.mainDomain !== 0) c.fail('the caller has a domain after a failed TSYNC', 'I-LL1');
  },
});
