/**
 * A step's footprint: the kernel-memory words the running task read and
 * wrote between two scheduling decisions (controlled mode under `dfs` only).
 *
 * Exhaustive exploration prunes schedules that differ only in the order of
 * independent steps (docs/EXPLORATION.md). Two steps are dependent when they
 * touch the same word and at least one writes it; every access to kernel
 * memory goes through the accessor layer (access.ts), which notes it here, so
 * the footprint is what the step did, not what a label says it might do.
 * lockstep-internal state that carries program meaning without going
 * through the accessors (the slab free lists, the next task slot) is noted
 * by the code that changes it.
 *
 * The recorder is worker-local: only the task holding the baton runs, and
 * it is the one that makes the next decision, which flushes the recorded
 * words into that step's entry of the exploration log. Accesses made while
 * deciding (the scheduler reading task states) are not the program's and
 * are not recorded.
 */
import { EX_FLAGS, EX_FP, EX_FP_MAX, EX_NFP, EX_WORDS, EXF_ALL } from './layout.js';

export class Footprint {
  /** Inside a scheduling decision: nothing is recorded. */
  suspended = false;
  /** The task's exit is one unexplored step (a scenario's `explore.exit: 'atomic'`): nothing is recorded. */
  muted = false;
  private n = 0;
  private overflow = false;
  private readonly words = new Int32Array(EX_FP_MAX);

  /** The running task read (`write` false) or wrote word `a`. */
  note(a: number, write: boolean): void {
    if (this.suspended || this.muted || this.overflow) return;
    const e = (a << 1) | (write ? 1 : 0);
    const w = this.words;
    for (let i = 0; i < this.n; i++) {
      const x = w[i]!;
      if (x >> 1 !== a) continue;
      if (write) w[i] = e; // a write subsumes a read of the same word
      return;
    }
    if (this.n === EX_FP_MAX) {
      this.overflow = true;
      return;
    }
    w[this.n++] = e;
  }

  /** The step did something no list of words names (the weak model's settle): dependent with every step. */
  all(): void {
    if (this.suspended || this.muted) return;
    this.overflow = true;
  }

  /**
   * Append what was recorded to step `step`'s entry (the decision made
   * before it may already have put the scheduler's own effects there) and
   * start afresh.
   */
  flush(i32: Int32Array, exploreLog: number, exploreSteps: number, step: number): void {
    if (step >= 0 && step < exploreSteps) {
      const e = exploreLog + step * EX_WORDS;
      let m = i32[e + EX_NFP]!;
      for (let i = 0; i < this.n; i++) {
        if (m === EX_FP_MAX) {
          this.overflow = true;
          break;
        }
        i32[e + EX_FP + m++] = this.words[i]!;
      }
      i32[e + EX_NFP] = m;
      if (this.overflow) i32[e + EX_FLAGS] = i32[e + EX_FLAGS]! | EXF_ALL;
    }
    this.n = 0;
    this.overflow = false;
  }
}

/** Record an effect of the decision itself (a preemption count, a wake-up) in step `step`'s entry. */
export function noteInEntry(i32: Int32Array, exploreLog: number, exploreSteps: number, step: number, a: number, write: boolean): void {
  if (step < 0 || step >= exploreSteps) return;
  const e = exploreLog + step * EX_WORDS;
  const m = i32[e + EX_NFP]!;
  if (m === EX_FP_MAX) {
    i32[e + EX_FLAGS] = i32[e + EX_FLAGS]! | EXF_ALL;
    return;
  }
  i32[e + EX_FP + m] = (a << 1) | (write ? 1 : 0);
  i32[e + EX_NFP] = m + 1;
}
