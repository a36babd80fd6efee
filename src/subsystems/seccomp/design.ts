/**
 * Which seccomp design the kernel runs, like a Kconfig choice made per run.
 * Planted bugs (mutants.ts) and the two historical designs are all runtime
 * mutant bits (a variant's `mutants` list), so every thread sees the same
 * choice through `k.mutant(...)`:
 *
 *  - `pre-6.11`: filters released in release_task() (3a15fb6ed92c), not at
 *    exit; no PF_EXITING skip in seccomp_can_sync_threads/sync_threads.
 *  - `force-add-2014`: the first TSYNC patch ("seccomp: TSYNC", Kees Cook,
 *    2014), before the ancestry check: no check, never a failure; a thread
 *    still on the caller's old filter gets the new one, any other thread
 *    gets the new filter added on top of its own chain ("we won't override
 *    it; we'll just compose").
 */
import { defineMutant, loadOnce, type Kernel } from '../../runtime/index.js';
import { kFailSet } from '../../runtime/kernel/layout.js';
import { S1 } from './mutants.js';

/** What `mainline` runs: kernel/seccomp.c as of 6.11 (bfafe5efa975). */
export const MAINLINE_DESIGN = 'the current mainline algorithm (kernel/seccomp.c since 6.11: filters released at exit, PF_EXITING threads skipped)';

export const PRE_611 = defineMutant('pre-6.11', 'filters released at release_task(), exiting threads checked and synced (before bfafe5efa975)');
export const FORCE_ADD_2014 = defineMutant(
  'force-add-2014',
  "the first TSYNC patch (2014): no ancestry check; a thread on the caller's old filter gets the new one, any other gets it added on top of its own chain",
);

/** Before v6.11: release at release_task, exiting threads checked and synced like any other. */
export function pre611(k: Kernel): boolean {
  return k.mutant(PRE_611);
}

/** The 2014 force-add design: compose on diverged threads instead of failing. */
export function forceAdd(k: Kernel): boolean {
  return k.mutant(FORCE_ADD_2014);
}

/** Planted bug S1: no ancestry check, and every thread's chain replaced by the caller's. */
export function overwriteAll(k: Kernel): boolean {
  return k.mutant(S1);
}

/**
 * Whether a `finally` may still release locks: not once the iteration was
 * aborted, nor once a checker reported a failure (the failing task stops
 * where it is; releasing locks after the report would add steps whose
 * number depends on when the harness aborts, and replays would diverge).
 */
export function mayUnlock(k: Kernel): boolean {
  return !k.aborted && loadOnce(k, kFailSet) === 0;
}
