/**
 * Which seccomp design the kernel runs, like a Kconfig choice made per run.
 * Planted bugs (S1..S13) and the two historical designs are all runtime
 * mutant bits (a variant's `mutants` list), so every thread sees the same
 * choice through `k.mutant(...)`:
 *
 *  - `pre-6.11`: filters released in release_task() (3a15fb6ed92c), not at
 *    exit; no PF_EXITING skip in seccomp_can_sync_threads/sync_threads.
 *  - `force-add-2014`: the alternative debated in 2014, TSYNC overwrites
 *    every thread's filter with the caller's chain (no ancestry check).
 */
import type { Kernel } from '../../runtime/index.js';
import { kFailSet } from '../../runtime/kernel/layout.js';

/** Before v6.11: release at release_task, exiting threads checked and synced like any other. */
export function pre611(k: Kernel): boolean {
  return k.mutant('pre-6.11');
}

/** The 2014 force-add alternative (or planted bug S1, the same delta). */
export function forceAdd(k: Kernel): boolean {
  return k.mutant('force-add-2014') || k.mutant('S1');
}

/**
 * Whether a `finally` may still release locks: not once the iteration was
 * aborted, nor once a checker reported a failure (the failing task stops
 * where it is; releasing locks after the report would add steps whose
 * number depends on when the harness aborts, and replays would diverge).
 */
export function mayUnlock(k: Kernel): boolean {
  return !k.aborted && Atomics.load(k.i32, kFailSet) === 0;
}
