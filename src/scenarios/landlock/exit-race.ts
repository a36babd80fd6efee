/**
 * Siblings exit while TSYNC runs (spec 1f, extra), and a signaller keeps
 * interrupting the caller: exiting threads are skipped (PF_EXITING) or their
 * task_work_add() fails and is trimmed silently; the call returns 0, never a
 * spurious -ESRCH, and the works bookkeeping stays exact (I-LL7).
 */
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { MAINLINE, mutant, tsyncScenario } from './kit.js';

export default tsyncScenario({
  name: 'landlock-exit-race',
  description: 'Siblings exit while TSYNC runs and a signaller interrupts the caller: TSYNC returns 0 (exiting threads skipped or trimmed).',
  threads: { default: 6, min: 3, max: 32 },
  variants: [
    MAINLINE,
    mutant('L4', 'a task_work_add() failure is recorded as the call\'s error (v2)'),
    mutant('L16', 'PF_EXITING threads are not skipped; a task_work_add() failure is fatal'),
    mutant('L10', 'a failed task_work_add() NULLs the task but keeps the slot (rc1)'),
  ],
  dropCaps: true,
  nnp: 'before-siblings',
  signaller: { target: 'caller', signals: 30 },
  siblings: (threads) => Array.from({ length: threads - 2 }, (_, i) => (i % 2 === 0 ? { exitAfter: 1 + (i % 5) } : {})),
  steps: [{ fd: 'ruleset', flags: TSYNC, expect: 0 }],
});
