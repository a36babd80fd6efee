/**
 * The dependency relation exhaustive exploration prunes by (pure; used by
 * the `dfs` strategy in the workers and by the exploration tree in the
 * harness). A step is everything one task does between two scheduling
 * decisions; its footprint is the set of kernel-memory words it read and
 * wrote (kernel/footprint.ts). Two steps of different tasks are dependent
 * when one writes a word the other reads or writes, or when either footprint
 * overflowed or the step fired a timer (then it is dependent with every
 * step). docs/EXPLORATION.md explains why that is sound for the runtime's
 * primitives.
 */
import { EX_FLAGS, EX_FP, EX_NFP, EXF_ALL, EXF_TIMER } from '../kernel/layout.js';

export interface StepFootprint {
  /** Dependent with every step (overflow, timer). */
  readonly all: boolean;
  /** Words only read, ascending. */
  readonly reads: readonly number[];
  /** Words written (and maybe read), ascending. */
  readonly writes: readonly number[];
}

export const EMPTY_FOOTPRINT: StepFootprint = { all: false, reads: [], writes: [] };
export const ALL_FOOTPRINT: StepFootprint = { all: true, reads: [], writes: [] };

/** Build a footprint from encoded entries (addr << 1 | write). */
export function footprintOf(entries: ArrayLike<number>, n: number, all: boolean): StepFootprint {
  if (all) return ALL_FOOTPRINT;
  const w = new Set<number>();
  const r = new Set<number>();
  for (let i = 0; i < n; i++) {
    const e = entries[i]!;
    if (e & 1) w.add(e >> 1);
    else r.add(e >> 1);
  }
  for (const a of w) r.delete(a);
  return { all: false, reads: [...r].sort((x, y) => x - y), writes: [...w].sort((x, y) => x - y) };
}

/** Decode the footprint of an exploration-log entry (or a sleep-table entry laid out the same from `flagsAt`). */
export function readFootprint(i32: Int32Array, entry: number, flagsAt = EX_FLAGS, nAt = EX_NFP, fpAt = EX_FP): StepFootprint {
  const flags = i32[entry + flagsAt]!;
  if (flags & (EXF_ALL | EXF_TIMER)) return ALL_FOOTPRINT;
  const n = i32[entry + nAt]!;
  return footprintOf(i32.subarray(entry + fpAt, entry + fpAt + n), n, false);
}

function intersects(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/** Whether two steps (of different tasks) do not commute. */
export function dependent(a: StepFootprint, b: StepFootprint): boolean {
  if (a.all || b.all) return true;
  return intersects(a.writes, b.writes) || intersects(a.writes, b.reads) || intersects(a.reads, b.writes);
}
