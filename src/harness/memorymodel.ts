/**
 * `--memory-model sc|weak`: which memory a run's accesses see
 * (docs/MEMORY-MODEL.md). `sc` (the default) is one sequentially consistent
 * `Atomics` operation per access; `weak` gives the run an arena for the weak
 * memory model, used in controlled mode (access.ts).
 */
import type { LayoutConfig } from '../runtime/kernel/layout.js';
import { WEAK_THREADS, weakArenaWords } from '../runtime/kernel/memory.js';
import type { Params, Scenario } from '../runtime/kernel/scenario.js';

export type MemoryModel = 'sc' | 'weak';
export const MEMORY_MODELS: readonly MemoryModel[] = ['sc', 'weak'];

/** The layout settings a run under this memory model needs. */
export function memoryLayout(mm: MemoryModel | undefined): Partial<LayoutConfig> {
  return mm === 'weak' ? { weakWords: weakArenaWords() } : {};
}

/**
 * Why this scenario cannot run under the weak model, or null: the model has
 * one clock entry per task slot, WEAK_THREADS in all (slot 0 is init).
 */
export function weakMisfit(sc: Scenario, threads: number, params: Params): string | null {
  const tasks = sc.maxTasks ? sc.maxTasks(threads, params) : threads + 1;
  if (tasks + 1 > WEAK_THREADS) {
    return `${sc.name} with ${threads} threads may create ${tasks} tasks; --memory-model weak holds ${WEAK_THREADS - 1} (one clock entry per task)`;
  }
  return null;
}
