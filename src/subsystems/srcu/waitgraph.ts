/**
 * Who can end an SRCU grace period: the tasks still inside a read-side
 * critical section of that srcu_struct. Registered with the runtime's
 * wait-for graph so that a deadlock through an SRCU reader (the A → B edge
 * of spec 3c3) shows up as an edge, and its cycle is named.
 */
import { payloadAddr, registerWaitResolver, type Kernel } from '../../runtime/index.js';
import { kNextSlot, SS_WQ, T_SRCU_HELD, T_SRCU_NESTING, T_TID, T_WAIT_AUX } from '../../runtime/kernel/layout.js';
import { readersOf } from './struct.js';

registerWaitResolver('srcu_struct#', (k: Kernel, slot: number, obj: number) => {
  const ss = obj - SS_WQ;
  const idx = k.tget(slot, T_WAIT_AUX);
  const readers: number[] = [];
  const n = Atomics.load(k.i32, kNextSlot);
  for (let s = 1; s < n; s++) {
    const h = k.tget(s, T_SRCU_HELD);
    if (h === 0 || k.tget(s, T_SRCU_NESTING) <= 0) continue;
    if (payloadAddr(k, h) === ss) readers.push(k.tget(s, T_TID));
  }
  return {
    releasers: readers,
    why: `readers inside its SRCU read side (rank ${idx}: ${readersOf(k, ss, idx)} outstanding)`,
  };
});
