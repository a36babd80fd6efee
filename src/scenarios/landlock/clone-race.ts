/**
 * A sibling clones threads while TSYNC runs (docs/LANDLOCK.md): every thread
 * that exists when the call returns, late children included, must have the
 * new domain (I-LL1). This is what the repeat-until-stable discovery loop is
 * for (L1), and why works must not move once queued (L12).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L1, L12, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-clone-race',
  description: 'Siblings clone threads while TSYNC runs: late children must end in the new domain too (discovery until stable).',
  threads: { default: 4, min: 2, max: 16 },
  params: { clones: 3 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L1), mutantVariant(L12)],
  dropCaps: true,
  nnp: 'before-siblings',
  extraTasks: (threads, params) => (threads - 1) * Number(params['clones']),
  siblings: (threads, ctx) => Array.from({ length: threads - 1 }, () => ({ clones: Number(ctx.params['clones']) })),
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
  siblingNnp: true,
});
