/**
 * A waiter of the raw floors: wait for a new generation, ack, and the last
 * one notifies back. Broadcast: every waiter waits on one word (one notify
 * wakes them all). Per-thread (`slot` set): each waits on a word of its own,
 * as a task parks on its own word and the kernel wakes each sibling on its
 * own (task_work_add(), complete_all() over a wait queue).
 */
import { workerData } from 'node:worker_threads';

const { sab, n, slot } = workerData as { sab: SharedArrayBuffer; n: number; slot?: number };
const i32 = new Int32Array(sab); // [0] generation, [1] acks, [2] stop, [3 + slot] per-thread generation
const gen = slot === undefined ? 0 : 3 + slot;
let seen = 0;
for (;;) {
  while (Atomics.load(i32, gen) === seen) Atomics.wait(i32, gen, seen);
  seen = Atomics.load(i32, gen);
  if (Atomics.load(i32, 2) !== 0) break;
  if (Atomics.add(i32, 1, 1) + 1 === n) Atomics.notify(i32, 1);
}
