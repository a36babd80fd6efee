/**
 * Siblings exit while TSYNC runs (docs/LANDLOCK.md), and a signaller keeps
 * interrupting the caller: exiting threads are skipped (PF_EXITING) or their
 * task_work_add() fails and is trimmed silently; the call returns 0, never a
 * spurious -ESRCH, and the works bookkeeping stays exact (I-LL7).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { L10, L16, L4, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-exit-race',
  description: 'Siblings exit while TSYNC runs and a signaller interrupts the caller: TSYNC returns 0 (exiting threads skipped or trimmed).',
  threads: { default: 6, min: 3, max: 32 },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(L4), mutantVariant(L16), mutantVariant(L10)],
  dropCaps: true,
  nnp: 'before-siblings',
  signaller: { target: 'caller', signals: 30 },
  siblings: (threads) => Array.from({ length: threads - 2 }, (_, i) => (i % 2 === 0 ? { exitAfter: 1 + (i % 5) } : {})),
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
});
