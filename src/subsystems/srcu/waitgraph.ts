/**
 * Who can end an SRCU grace period: the tasks still inside a read-side
 * critical section of that srcu_struct. Registered with the runtime's
 * wait-for graph so that a deadlock through an SRCU reader (the A → B edge
 * of the seed's deadlock, docs/RCU.md) shows up as an edge, and its cycle is
 * named. Only srcu_read_lock() sections have an owner; an srcu_down_read()
 * section is counted but has none.
 */
import { loadOnce, payloadAddr, registerWaitKindResolver, type Kernel } from '../../runtime/index.js';
import { kNextSlot, T_TID, T_WAIT_AUX } from '../../runtime/kernel/layout.js';
import { SS_DOWN_READERS, SS_WQ, srcu } from './layout.js';
import { readersOf } from './struct.js';
import { SRCU_GP_WAIT } from './tree.js';

// By wait kind, not by object name: srcu_gp_mutex lives in the same
// srcu_struct, and a task waiting for it waits for the mutex's owner.
registerWaitKindResolver(SRCU_GP_WAIT, (k: Kernel, slot: number, obj: number) => {
  const ss = obj - SS_WQ;
  const idx = k.tget(slot, T_WAIT_AUX);
  const readers: number[] = [];
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) {
    const h = k.tget(s, srcu.task.srcu_held);
    if (h === 0 || k.tget(s, srcu.task.srcu_nesting) <= 0) continue;
    if (payloadAddr(k, h) === ss) readers.push(k.tget(s, T_TID));
  }
  // srcu_down_read() sections belong to no task: whichever task calls
  // srcu_up_read() releases them, so they are named but have no edge.
  const down = loadOnce(k, ss + SS_DOWN_READERS);
  return {
    releasers: readers,
    why: `readers inside its SRCU read side (rank ${idx}: ${readersOf(k, ss, idx)} outstanding${down > 0 ? `; ${down} srcu_down_read() section(s) that no task holds, ended by whichever task calls srcu_up_read()` : ''})`,
  };
});
