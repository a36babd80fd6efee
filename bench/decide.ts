/**
 * The controlled scheduler's own part of a step beside sleeping tasks: one
 * decide() at a yield point with 4 runnable tasks among N, the other N - 4
 * asleep, on the main thread of the bench (a Kernel set up as
 * test/strategies.test.ts does, strategy random). The step rows of the
 * parked curve (controlled.ts) also hold the futex handoff and the OS's wake
 * of the chosen task; these rows hold only what lockstep reads and writes to
 * choose, with warm caches. A decision reads the runqueue
 * (src/runtime/kernel/runqueue.ts), not every slot, so they must not grow
 * with N (issue 16).
 */
import type { Bench } from 'tinybench';
import { decide } from '../src/runtime/explore/controlled.js';
import { random } from '../src/runtime/explore/random.js';
import { TASK_INTERRUPTIBLE, TASK_RUNNING } from '../src/runtime/kernel/constants.js';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { label } from '../src/runtime/kernel/labels.js';
import { DEFAULT_LAYOUT_CONFIG, kNextSlot, T_EXECUTOR, T_STATE } from '../src/runtime/kernel/layout.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';

/** Runnable tasks in every decide() row. */
export const DECIDE_RUNNABLE = 4;
/** Task counts of the decide() rows (the parked curve's widths). */
export const DECIDE_TASKS = [4, 16, 64, 128] as const;

const L_BENCH = label('bench: decide');
const DECISIONS = 20_000;

export function decideRowName(tasks: number): string {
  return `decide() at a yield point, ${DECIDE_RUNNABLE} runnable among ${tasks} tasks (${tasks - DECIDE_RUNNABLE} asleep)`;
}

/** A main-thread Kernel with `tasks` tasks on executors: the first 4 runnable, task 1 deciding, the rest asleep. */
function kernelWith(tasks: number): Kernel {
  const mem = KernelMemory.create({ ...DEFAULT_LAYOUT_CONFIG, maxTasks: tasks + 1, maxExecutors: 1, ringEvents: 16 });
  mem.resetIteration();
  mem.i32[kNextSlot] = tasks + 1;
  const k = new Kernel(mem, false);
  for (let s = 1; s <= tasks; s++) {
    k.tset(s, T_EXECUTOR, s);
    k.tset(s, T_STATE, s <= DECIDE_RUNNABLE ? TASK_RUNNING : TASK_INTERRUPTIBLE);
  }
  random.beginIteration(mem, { iterSeed: 1, depth: 3, maxSteps: 0, perturbPermille: 0 });
  k.strategy = random;
  k.cur = 1;
  k.curBase = k.base(1);
  return k;
}

/** One row per width: µs per decision over DECISIONS decisions a sample. */
export function addDecideRows(bench: Bench): void {
  for (const tasks of DECIDE_TASKS) {
    let k: Kernel | null = null;
    bench.add(
      decideRowName(tasks),
      () => {
        const t0 = performance.now();
        for (let i = 0; i < DECISIONS; i++) decide(k!, L_BENCH, true);
        return { overriddenDuration: (performance.now() - t0) / DECISIONS };
      },
      {
        beforeAll() {
          k = kernelWith(tasks);
          for (let i = 0; i < DECISIONS; i++) decide(k, L_BENCH, true);
        },
        afterAll() {
          k = null;
        },
      },
    );
  }
}

/** Each wider row against the 4-task row; the 4-task row against the step it is part of (`stepRow`). */
export function decideBaselines(stepRow: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const [lo, ...rest] = DECIDE_TASKS;
  for (const n of rest) out[decideRowName(n)] = decideRowName(lo);
  if (stepRow !== undefined) out[decideRowName(lo)] = stepRow;
  return out;
}
