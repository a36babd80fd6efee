/**
 * Who can end an SRCU grace period: the tasks still inside a read-side
 * critical section of that srcu_struct. Registered with the runtime's
 * wait-for graph so that a deadlock through an SRCU reader (the A → B edge
 * of the seed's deadlock, docs/RCU.md) shows up as an edge, and its cycle is
 * named.
 */
import { loadOnce, payloadAddr, registerWaitResolver, type Kernel } from '../../runtime/index.js';
import { kNextSlot, T_TID, T_WAIT_AUX } from '../../runtime/kernel/layout.js';
import { SS_WQ, srcu } from './layout.js';
import { readersOf } from './struct.js';

registerWaitResolver('srcu_struct#', (k: Kernel, slot: number, obj: number) => {
  const ss = obj - SS_WQ;
  const idx = k.tget(slot, T_WAIT_AUX);
  const readers: number[] = [];
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) {
    const h = k.tget(s, srcu.task.srcu_held);
    if (h === 0 || k.tget(s, srcu.task.srcu_nesting) <= 0) continue;
    if (payloadAddr(k, h) === ss) readers.push(k.tget(s, T_TID));
  }
  return {
    releasers: readers,
    why: `readers inside its SRCU read side (rank ${idx}: ${readersOf(k, ss, idx)} outstanding)`,
  };
});
