/**
 * Which RCU Tasks exit-tracking design the kernel runs, chosen by the run's
 * variant through the runtime's mutants, like a Kconfig choice:
 *
 *   lists-2024  (none)                 v6.9+: per-CPU exit lists; a sleeping
 *                                       exiting task is quiescent (mainline)
 *   fix-2023    [tasks-srcu]           v6.3..v6.8: tasks_rcu_exit_srcu, and
 *                                       zap_pid_ns_processes() drops the read
 *                                       side around schedule() (28319d6dc5e2)
 *   srcu-2022   [tasks-srcu, R1]       2015..v6.2: tasks_rcu_exit_srcu held
 *                                       across the whole exit window
 */
import { mainline, type Kernel, type VariantDef } from '../../runtime/index.js';
import { R1, TASKS_SRCU } from './mutants.js';

/** tasks_rcu_exit_srcu exit tracking (3f95aa81d265) instead of the v6.9 lists. */
export function srcuDesign(k: Kernel): boolean {
  return k.mutant(TASKS_SRCU);
}

/**
 * zap_pid_ns_processes() wraps its schedule() in exit_tasks_rcu_stop() /
 * exit_tasks_rcu_start() (the 2023 fix). R1 removes it (the pre-6.3 code);
 * the list design has no such calls (reverted in v6.11, 9855c37edf00).
 */
export function zapDropsExitReadSide(k: Kernel): boolean {
  return srcuDesign(k) && !k.mutant(R1);
}

export const LISTS_2024: VariantDef = mainline('v6.9+ per-CPU exit lists: an exiting task that sleeps is quiescent (1612160b9127)', {
  name: 'lists-2024',
});

export const FIX_2023: VariantDef = {
  name: 'fix-2023',
  kind: 'historical',
  expect: 'pass',
  spec: null,
  mutants: [TASKS_SRCU.id],
  description: 'v6.3: tasks_rcu_exit_srcu, dropped around schedule() in zap_pid_ns_processes (28319d6dc5e2)',
};

export const SRCU_2022: VariantDef = {
  name: 'srcu-2022',
  kind: 'historical',
  expect: 'fail',
  spec: R1.id,
  mutants: [TASKS_SRCU.id, R1.id],
  description: "before v6.3: tasks_rcu_exit_srcu held across zap_pid_ns_processes (3f95aa81d265); the seed's deadlock (docs/RCU.md)",
};
