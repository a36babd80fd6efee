/**
 * The orderings the runtime makes outside the weak memory model
 * (docs/MEMORY-MODEL.md §7): the program's accesses go through access.ts,
 * but a task's creation and a task's return to the CPU after sleeping are
 * the scheduler's work, which the kernel orders with full barriers
 * (kernel/sched/core.c: wake_up_new_task(), __schedule()'s
 * smp_mb__after_spinlock()). Both no-ops unless the current task runs under
 * the model.
 */
import { kAbort } from './layout.js';
import type { Kernel } from './kernel.js';
import { FailKind } from './constants.js';
import { KernelFailure } from './errors.js';

/** Under exploration, these change views the footprint cannot name: dependent with every step. */
export const VIEW_WORD = 0;

/**
 * Every store made so far has propagated to the current task. Called when a
 * task is back on the CPU after a sleep, a sched_yield() or a restarted
 * syscall: LKMM promises that stores propagate in finite time, and a task
 * that polls a flag across sleeps or retries must eventually see the latest
 * value (otherwise `dfs` would explore a stale read forever). Only removes
 * behaviours.
 */
export function settleCurrent(k: Kernel): void {
  const wm = k.wm;
  if (wm === null || Atomics.load(k.i32, kAbort) !== 0) return; // lockstep-internal
  if (k.fp !== null) k.fp.all();
  wm.settle(k.cur);
}

/**
 * wake_up_new_task(): the child starts with everything its parent did or
 * observed (fork is a full ordering point: the child's first access comes
 * after the parent's copy_process() in every execution).
 */
export function syncNewTask(k: Kernel, child: number): void {
  const wm = k.wm;
  if (wm === null || Atomics.load(k.i32, kAbort) !== 0) return; // lockstep-internal
  if (child >= wm.geometry.threads) {
    throw k.fail(new KernelFailure(FailKind.CRASH, `--memory-model weak holds ${wm.geometry.threads} tasks (one clock entry each); tid ${k.tid(child)} is one too many`));
  }
  if (k.fp !== null) k.fp.note(VIEW_WORD, false);
  wm.syncFrom(child, k.cur);
}

