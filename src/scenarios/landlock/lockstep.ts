/**
 * The lockstep itself under pressure (I-LL4, I-LL5, I-LL6): many siblings,
 * half of them with creds of their own (prepare path), half sharing the
 * caller's (re-wiring path), and a signaller sending SIGUSR1 to the
 * siblings while they wait in T3. No sibling may commit before the caller's
 * S3, none may touch the shared context after the caller returned.
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L18, L2, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-lockstep',
  description: 'Many siblings (shared and own creds) signalled while in T3: no commit before S3, no use of the shared context after return.',
  threads: { default: 7, min: 3, max: 48 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L2), mutantVariant(L18)],
  dropCaps: true,
  nnp: 'before-siblings',
  waitReady: true,
  signaller: { target: 'siblings', signals: 60 },
  siblings: (threads) => Array.from({ length: threads - 2 }, (_, i) => (i % 2 === 0 ? { diverge: 'uid' as const } : {})),
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
  siblingNnp: true,
});
