/** The SAB layout a run needs: task slots and executors sized from the scenario and thread count. */
import { DEFAULT_LAYOUT_CONFIG, type LayoutConfig } from '../runtime/kernel/layout.js';
import type { Params, Scenario } from '../runtime/kernel/scenario.js';

export function layoutFor(sc: Scenario, threads: number, params: Params, extra: Partial<LayoutConfig> = {}): LayoutConfig {
  const maxTasks = sc.maxTasks ? sc.maxTasks(threads, params) : threads + 1;
  return {
    ...DEFAULT_LAYOUT_CONFIG,
    maxTasks: Math.max(DEFAULT_LAYOUT_CONFIG.maxTasks, maxTasks + 2),
    maxExecutors: maxTasks,
    scenarioWords: Math.max(DEFAULT_LAYOUT_CONFIG.scenarioWords, sc.sharedWords),
    ...extra,
  };
}
