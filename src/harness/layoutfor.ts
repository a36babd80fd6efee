/**
 * The SAB layout a run needs: task slots and executors sized from the scenario
 * and thread count, and every subsystem that owns a slice of kernel memory.
 * The built-in subsystems are registered by importing src/subsystems/index.ts
 * here, before any scenario module is loaded, so their slices sit first and in
 * the same place in every run of this process; a scenario's own subsystem
 * registers when the scenario module loads and is placed after them.
 */
import '../subsystems/index.js';
import { DEFAULT_LAYOUT_CONFIG, type LayoutConfig } from '../runtime/kernel/layout.js';
import { sharedLayout, type Params, type Scenario } from '../runtime/kernel/scenario.js';
import { registeredSubsystems } from '../runtime/kernel/subsystem.js';

export function layoutFor(sc: Scenario, threads: number, params: Params, extra: Partial<LayoutConfig> = {}): LayoutConfig {
  const maxTasks = sc.maxTasks ? sc.maxTasks(threads, params) : threads + 1;
  return {
    ...DEFAULT_LAYOUT_CONFIG,
    maxTasks: Math.max(DEFAULT_LAYOUT_CONFIG.maxTasks, maxTasks + 2),
    maxExecutors: maxTasks,
    scenarioWords: Math.max(DEFAULT_LAYOUT_CONFIG.scenarioWords, sharedLayout(sc, params).words),
    subsystems: registeredSubsystems(),
    ...extra,
  };
}
