/**
 * Shared pieces of the RCU Tasks / SRCU / PID-namespace scenarios: the
 * three designs as variants (subsystems/rcu-tasks/design.ts), planted bugs
 * of spec 3g as variants, and the setup every scenario needs (RCU Tasks
 * switched on for the iteration).
 */
import type { SetupContext, VariantDef } from '../../runtime/index.js';
import { FIX_2023, LISTS_2024, rcuTasksInit, SRCU_2022 } from '../../subsystems/rcu-tasks/index.js';

export { FIX_2023, LISTS_2024, SRCU_2022 };

/** A planted bug on top of a design (default: the list design). */
export function mutant(id: string, description: string, design: readonly string[] = [], expect: 'pass' | 'fail' = 'fail'): VariantDef {
  return { name: id, kind: 'mutant', expect, spec: id, mutants: [...design, id], description };
}

export function setupRcuTasks(s: SetupContext): void {
  rcuTasksInit(s.k);
}
