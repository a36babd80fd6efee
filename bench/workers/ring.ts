/**
 * One thread of the raw random-handoff ring (bench/controlled.ts): wait on
 * its own word; when woken, pick another thread with the shared xorshift
 * state and wake it, as a controlled scheduler hands its baton on, but with
 * no work in between. Only the first `active` threads pass the token; the
 * others stay asleep in Atomics.wait until stopped, as the parked tasks of
 * bench-steps do. Words: [0] stop, [1] PRNG state, [2] handoffs,
 * [3 + id] each thread's park word.
 */
import { workerData } from 'node:worker_threads';

const { sab, id, active } = workerData as { sab: SharedArrayBuffer; id: number; active: number };
const i32 = new Int32Array(sab);
const me = 3 + id;
for (;;) {
  while (Atomics.load(i32, me) === 0) Atomics.wait(i32, me, 0);
  Atomics.store(i32, me, 0);
  if (Atomics.load(i32, 0) !== 0) break;
  let s = Atomics.load(i32, 1);
  s ^= s << 13;
  s ^= s >>> 17;
  s ^= s << 5;
  Atomics.store(i32, 1, s);
  Atomics.add(i32, 2, 1);
  let next = (s >>> 0) % (active - 1);
  if (next >= id) next++;
  Atomics.store(i32, 3 + next, 1);
  Atomics.notify(i32, 3 + next, 1);
}
