/**
 * The controlled scheduler's runqueue, as a mask of the slots it may skip.
 *
 * In the kernel a sleeping task is off its CPU's runqueue, and pick_next_task()
 * never looks at it: try_to_wake_up() puts it back (ttwu_do_activate() ->
 * activate_task() -> enqueue_task(), kernel/sched/core.c), as does
 * wake_up_new_task() for a new one. lockstep's controlled scheduler used to
 * find the runnable tasks by reading the state of every slot at every decision,
 * so a step cost more the more tasks slept (issue 16: 1.4 µs of decide() with
 * 5 slots, 4.0-4.3 µs with 129, most of it cache misses on the task records).
 *
 * Here one bit per slot says "dequeued": a decision found the slot unable to
 * run (asleep, not at a yield point, not polling) and set the bit; the walk of
 * later decisions skips it. Every write that can make a dequeued slot able
 * to run again clears the bit: the wake-up (tryToWakeUp), the start of a new
 * task (wakeUpNewTask), a sleeper's timeout firing (decide); the reset of an
 * iteration clears them all. Nothing else is needed: a slot is handed out once
 * an iteration, after the reset; a task at a yield point (the deciding one, or
 * one preempted there, T_AT_YIELD) is never dequeued; and a task a decision
 * found asleep runs again only after one of those writes. A cleared bit only
 * costs a read of the slot, so the mask errs one way: a set bit is always a
 * slot that cannot run.
 *
 * Who writes it: in controlled mode every one of those writes is made by the
 * baton holder (or by the harness before the first handoff), and decisions too,
 * so the baton's own Atomics order them; plain reads and writes suffice. In
 * parallel mode no decision sets a bit, and a clear first reads the word and
 * writes only if the bit is set: the mask's lines stay shared in every cache.
 */
import type { Kernel } from './kernel.js';

/** The slot may run again: the walk of the next decision reads it. */
export function enqueueTask(k: Kernel, slot: number): void {
  const i32 = k.i32;
  const w = k.L.dequeued + (slot >> 5);
  const bit = 1 << (slot & 31);
  const v = i32[w]!;
  if ((v & bit) !== 0) i32[w] = v & ~bit;
}

/** A decision found the slot unable to run: later decisions skip it until enqueueTask(). */
export function dequeueTask(i32: Int32Array, dequeued: number, slot: number): void {
  i32[dequeued + (slot >> 5)] = i32[dequeued + (slot >> 5)]! | (1 << (slot & 31));
}

/** Every slot enqueued (a new iteration). */
export function resetRunqueue(i32: Int32Array, dequeued: number, maxTasks: number): void {
  i32.fill(0, dequeued, dequeued + ((maxTasks + 31) >> 5));
}
