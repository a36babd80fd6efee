/** A waiter of the raw broadcast-ack baseline: wait for a new generation, ack, and the last one notifies back. */
import { workerData } from 'node:worker_threads';

const { sab, n } = workerData as { sab: SharedArrayBuffer; n: number };
const i32 = new Int32Array(sab); // [0] generation, [1] acks, [2] stop
let seen = 0;
for (;;) {
  while (Atomics.load(i32, 0) === seen) Atomics.wait(i32, 0, seen);
  seen = Atomics.load(i32, 0);
  if (Atomics.load(i32, 2) !== 0) break;
  if (Atomics.add(i32, 1, 1) + 1 === n) Atomics.notify(i32, 1);
}
