/**
 * SRCU read-side cost per srcu_read_lock() + srcu_read_unlock() pair, in
 * the same Bench (and so under the same machine conditions) as the bare
 * Atomics.add baseline of atomics.ts.
 *
 * Set-up, the simplest honest one: a private KernelMemory with one
 * srcu_struct (init_srcu_struct() on a harness Kernel), and the pair run in
 * a loop on the main thread by a Kernel that plays the part of a reader
 * task, timed with `perOp`. Two Kernels, two figures:
 *
 *   - "as a task with --strategy none": `new Kernel(mem, false)` whose
 *     current task is slot 1 on executor 0, parallel mode, no perturber.
 *     Every yield point takes the path a pool worker takes under
 *     `--strategy none` (kernel.ts yieldPoint: the abort checks, the
 *     executor heartbeat, a ticket from the global sequence, the schedule
 *     log entry, the event in the task's ring with its timestamp). This is
 *     what a reader thread pays in lockstep. No other thread touches the
 *     words, so the cache lines stay local: it is the uncontended cost. The
 *     global sequence is reset before each sample, so that all of a
 *     sample's yield points (5 per pair) fit the schedule log, as they do in
 *     the first 65,536 yield points of an iteration.
 *   - "yield points skipped": the harness Kernel (`new Kernel(mem, true)`,
 *     whose yieldPoint returns at once) with the same current task: only the
 *     protocol's own work (two counter increments, the srcu_idx load, the
 *     reader-nesting bookkeeping for the wait-for graph, the waiter check).
 *
 * Both are compared with ATOMICS_ADD_BASELINE.
 */
import type { Bench } from 'tinybench';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { DEFAULT_LAYOUT_CONFIG, kSeq, type LayoutConfig } from '../src/runtime/kernel/layout.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { registeredSubsystems } from '../src/runtime/kernel/subsystem.js';
import '../src/subsystems/index.js';
import { cleanupSrcuStruct, initSrcuStruct, srcuReadLock, srcuReadUnlock } from '../src/subsystems/srcu/index.js';
import { perOp } from './atomics.js';

export const SRCU_READ_AS_TASK = 'SRCU read lock+unlock pair, as a task with --strategy none';
export const SRCU_READ_BARE = 'SRCU read lock+unlock pair, yield points skipped';
export const SRCU_READ_NAMES = [SRCU_READ_AS_TASK, SRCU_READ_BARE] as const;

/** The reader's task slot (slot 0 is init). */
const READER_SLOT = 1;

/**
 * Add both read-side tasks to `bench`; returns the teardown, which runs
 * cleanup_srcu_struct() and throws if the locks and unlocks did not balance.
 */
export function addSrcuReadSide(bench: Bench): () => void {
  // The built-in subsystems' slices, srcu's among them (registered by src/subsystems/index.ts).
  const layout: LayoutConfig = { ...DEFAULT_LAYOUT_CONFIG, maxTasks: 4, maxExecutors: 1, subsystems: registeredSubsystems() };
  const mem = KernelMemory.create(layout);
  mem.resetIteration();
  mem.epoch = performance.timeOrigin + performance.now();
  const hk = new Kernel(mem, true);
  const h = initSrcuStruct(hk);
  const task = new Kernel(mem, false);
  task.exec = 0;
  const bare = new Kernel(mem, true);
  for (const k of [task, bare]) {
    k.cur = READER_SLOT;
    k.curBase = k.base(READER_SLOT);
  }
  perOp(bench, SRCU_READ_AS_TASK, (n) => {
    Atomics.store(mem.i32, kSeq, 0);
    for (let i = 0; i < n; i++) srcuReadUnlock(task, h, srcuReadLock(task, h));
  });
  perOp(bench, SRCU_READ_BARE, (n) => {
    for (let i = 0; i < n; i++) srcuReadUnlock(bare, h, srcuReadLock(bare, h));
  });
  return () => {
    const f = cleanupSrcuStruct(hk, h);
    if (f) throw new Error(`SRCU read-side bench: ${f.message}`);
  };
}
