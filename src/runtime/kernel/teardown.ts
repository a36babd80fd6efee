/**
 * Subsystem teardown at the end of a completed iteration, before the leak
 * check: free kernel-wide objects a subsystem set up for the iteration
 * (tasks_rcu_exit_srcu, srcu_structs a scenario created) and check what
 * must hold at quiescence (cleanup_srcu_struct() with no active readers,
 * empty RCU Tasks exit lists). Registered at import time, like exit hooks.
 */
import type { KernelFailure } from './errors.js';
import type { Kernel } from './kernel.js';

export type TeardownHook = (k: Kernel) => KernelFailure | null;

const hooks: TeardownHook[] = [];

export function registerTeardown(fn: TeardownHook): void {
  hooks.push(fn);
}

/** Run every hook; the first failure is returned, the others still run (they free memory). */
export function runTeardownHooks(k: Kernel): KernelFailure | null {
  let first: KernelFailure | null = null;
  for (const h of hooks) {
    const r = h(k);
    if (r && !first) first = r;
  }
  return first;
}
