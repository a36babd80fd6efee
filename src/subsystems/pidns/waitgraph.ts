/**
 * Who can end zap_pid_ns_processes()'s wait: every task that still holds a
 * pid in the namespace, outside the reaper's own thread group. A zombie
 * among them is released by its parent (the runtime's zombie edge), which
 * closes the B → C → A part of the seed's cycle (docs/RCU.md, "The seed's
 * deadlock").
 */
import { defineWaitKind, EXIT_DEAD, loadOnce, payloadAddr, registerWaitResolver, type Kernel } from '../../runtime/index.js';
import { kNextSlot, T_EXIT_STATE, T_TGID, T_TID, T_WAIT_AUX } from '../../runtime/kernel/layout.js';
import { pidns, PN_PARENT, PN_PID_ALLOCATED } from './layout.js';

/** The breadcrumb of a dying init asleep in zap_pid_ns_processes() until its namespace is empty. */
export const PIDNS_ZAP_WAIT = defineWaitKind('pid namespace teardown');

/** Is the namespace at payload address `ns` the task's, or an ancestor of it? No deref checks: harness-safe. */
function inNamespace(k: Kernel, ns: number, h: number): boolean {
  for (let n = h, depth = 0; n !== 0 && depth < 40; depth++) {
    const a = payloadAddr(k, n);
    if (a === ns) return true;
    n = loadOnce(k, a + PN_PARENT);
  }
  return false;
}

registerWaitResolver('pid_namespace#', (k: Kernel, slot: number, obj: number) => {
  const ns = obj - PN_PID_ALLOCATED;
  const tgid = k.tget(slot, T_TGID);
  const out: number[] = [];
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) {
    if (k.tget(s, T_EXIT_STATE) === EXIT_DEAD || k.tget(s, T_TGID) === tgid) continue;
    const h = k.tget(s, pidns.task.pid_ns);
    if (h !== 0 && inNamespace(k, ns, h)) out.push(k.tget(s, T_TID));
  }
  const left = loadOnce(k, ns + PN_PID_ALLOCATED);
  return {
    releasers: out,
    why: `namespace not empty (pid_allocated ${left}, waits for ${k.tget(slot, T_WAIT_AUX)}): tasks that must be reaped`,
  };
});
