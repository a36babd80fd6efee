/**
 * PID namespaces (kernel/pid.c, kernel/pid_namespace.c): struct
 * pid_namespace in kernel memory, alloc_pid() in copy_process() and
 * free_pid() in release_task().
 *
 * A task's pid lives in its namespace and in every ancestor below the
 * initial one (the initial namespace is handle 0 and keeps no count here:
 * lockstep's init is the harness). pid_allocated counts those pids per
 * namespace, plus PIDNS_ADDING until disable_pid_allocation(). The first
 * process forked into a namespace gets nr 1 and becomes its child_reaper.
 *
 * References: a task holds its active namespace (the struct pid's ref) and
 * its pid_ns_for_children (the nsproxy's); a namespace holds its parent.
 *
 * pid_allocated and the idr cursor change under pidmap_lock, with plain
 * accesses, as in kernel/pid.c: alloc_pid() takes a number per level
 * (idr_alloc_cyclic()) under the lock, then checks PIDNS_ADDING and counts
 * the pid at every level under the lock again; disable_pid_allocation()
 * clears PIDNS_ADDING under it, so once that returns no new pid enters the
 * namespace; free_pid() counts down and wakes the reaper under it. Readers
 * outside the lock: zap_pid_ns_processes()'s wait loop reads it plainly, as
 * the kernel does (its ordering against free_pid()'s wake-up comes from
 * set_current_state() and try_to_wake_up(), in the runtime); reports use
 * READ_ONCE.
 */
import {
  CLONE_THREAD,
  deref,
  EINVAL,
  ENOMEM,
  exitHooks,
  fetchAdd,
  kget,
  kmemCacheAlloc,
  kput,
  label,
  loadOnce,
  loadPlain,
  Order,
  setCacheRelease,
  spinLock,
  spinUnlock,
  storePlain,
  tryToWakeUp,
  TASK_NORMAL,
  type Kernel,
} from '../../runtime/index.js';
import { T_TGID } from '../../runtime/kernel/layout.js';
import { PIDNS_ADDING, pidns, PN_CHILD_REAPER, PN_ID, PN_LEVEL, PN_NEXT_NR, PN_PARENT, PN_PID_ALLOCATED } from './layout.js';

const L = {
  create: label('pidns:create_pid_namespace'),
  alloc: label('pidns:alloc_pid'),
  free: label('pidns:free_pid'),
  put: label('pidns:put_pid_ns'),
  pidmap: label('pidns:pidmap_lock'),
};

function lockPidmap(k: Kernel): void {
  spinLock(k, pidns.global.pidmap_lock, L.pidmap);
}
function unlockPidmap(k: Kernel): void {
  spinUnlock(k, pidns.global.pidmap_lock, L.pidmap);
}

/** MAX_PID_NS_LEVEL. */
export const MAX_PID_NS_LEVEL = 32;

// id, level and parent are set before the namespace is published: plain reads.
export function nsId(k: Kernel, ns: number): number {
  return ns === 0 ? 0 : loadPlain(k, deref(k, ns) + PN_ID);
}
export function nsParent(k: Kernel, ns: number): number {
  return loadPlain(k, deref(k, ns) + PN_PARENT);
}
/** pid_ns->pid_allocated, read without pidmap_lock (observers and checks; data_race() in kernel/pid.c). */
export function pidAllocated(k: Kernel, ns: number): number {
  return loadOnce(k, deref(k, ns) + PN_PID_ALLOCATED);
}
/** pid_ns->child_reaper, read without tasklist_lock (observers and checks). */
export function childReaper(k: Kernel, ns: number): number {
  return loadOnce(k, deref(k, ns) + PN_CHILD_REAPER);
}

/** task_active_pid_ns(t). */
export function taskActivePidNs(k: Kernel, slot: number): number {
  return k.tget(slot, pidns.task.pid_ns);
}

/** Does namespace `ns` contain (is it, or an ancestor of) namespace `inner`? */
export function nsContains(k: Kernel, ns: number, inner: number): boolean {
  for (let n = inner; n !== 0; n = nsParent(k, n)) if (n === ns) return true;
  return false;
}

/** create_pid_namespace(): a child of `parent` (0: the initial namespace), allocation enabled. */
export function createPidNamespace(k: Kernel, parent: number): number {
  const level = parent === 0 ? 1 : loadPlain(k, deref(k, parent) + PN_LEVEL) + 1;
  if (level > MAX_PID_NS_LEVEL) return -28; // -ENOSPC
  const ns = kmemCacheAlloc(k, pidns.cache.pid_namespace, L.create);
  if (ns === 0) return -ENOMEM;
  const a = deref(k, ns);
  // A namespace nobody can see yet: plain initialising stores.
  storePlain(k, a + PN_ID, fetchAdd(k, pidns.global.pid_ns_next_id, 1, Order.RELAXED) + 1);
  storePlain(k, a + PN_LEVEL, level);
  storePlain(k, a + PN_PARENT, parent === 0 ? 0 : kget(k, parent, L.create));
  storePlain(k, a + PN_CHILD_REAPER, 0);
  storePlain(k, a + PN_NEXT_NR, 1);
  storePlain(k, a + PN_PID_ALLOCATED, PIDNS_ADDING);
  return ns;
}

/** put_pid_ns(): the last reference drops the parent's. */
setCacheRelease('pid_namespace', (k, ns) => {
  const parent = loadPlain(k, deref(k, ns) + PN_PARENT);
  if (parent !== 0) kput(k, parent, L.put);
});

/** disable_pid_allocation(): no new task can enter the namespace (`pid_allocated &= ~PIDNS_ADDING` under pidmap_lock). */
export function disablePidAllocation(k: Kernel, ns: number): void {
  const w = deref(k, ns) + PN_PID_ALLOCATED;
  lockPidmap(k);
  storePlain(k, w, loadPlain(k, w) & ~PIDNS_ADDING);
  unlockPidmap(k);
}

/**
 * alloc_pid(), from copy_process() under the parent's siglock. A process
 * goes to its parent's pid_ns_for_children, a thread stays in its group's
 * namespace (and may not be created once the two differ: -EINVAL).
 */
function allocPid(k: Kernel, child: number, flags: number): number {
  const t = pidns.task;
  const thread = (flags & CLONE_THREAD) !== 0;
  const parent = k.cur >= 0 ? k.cur : thread ? k.slotOf(k.tget(child, T_TGID)) : 0;
  const forChildren = k.tget(parent, t.pid_ns_for_children);
  const active = k.tget(parent, t.pid_ns);
  if (thread && forChildren !== active) return -EINVAL;
  const ns = thread ? active : forChildren;
  if (ns !== 0) {
    const a = deref(k, ns);
    k.yieldPoint(L.alloc, a + PN_PID_ALLOCATED);
    // idr_alloc_cyclic() under pidmap_lock: the pid number in the task's
    // own namespace (its numbers in the ancestors are not modelled).
    lockPidmap(k);
    const nr = loadPlain(k, a + PN_NEXT_NR);
    storePlain(k, a + PN_NEXT_NR, nr + 1);
    unlockPidmap(k);
    // Under pidmap_lock again: is the namespace still taking pids, and one
    // more at every level (`upid->ns->pid_allocated++`).
    lockPidmap(k);
    if ((loadPlain(k, a + PN_PID_ALLOCATED) & PIDNS_ADDING) === 0) {
      // out_unlock: the namespace's init is dead or dying (-ENOMEM, as the
      // kernel). out_free's idr_remove() frees the number; the cyclic
      // cursor stays where it is.
      unlockPidmap(k);
      return -ENOMEM;
    }
    for (let n = ns; n !== 0; n = nsParent(k, n)) {
      const w = deref(k, n) + PN_PID_ALLOCATED;
      storePlain(k, w, loadPlain(k, w) + 1);
    }
    unlockPidmap(k);
    // copy_process(): is_child_reaper(pid), the namespace's first process is
    // its init (a plain store under tasklist_lock).
    if (nr === 1) storePlain(k, a + PN_CHILD_REAPER, k.tid(child));
    k.tset(child, t.pid_nr, nr);
    k.tset(child, t.pid_ns, kget(k, ns, L.alloc));
  }
  if (forChildren !== 0) k.tset(child, t.pid_ns_for_children, kget(k, forChildren, L.alloc));
  return 0;
}

/**
 * free_pid(), from release_task(): one pid less at every level; reaching 2
 * or 1 wakes that namespace's child_reaper (zap_pid_ns_processes waits for
 * it, I-PN2).
 */
function freePid(k: Kernel, slot: number): void {
  const t = pidns.task;
  const ns = k.tget(slot, t.pid_ns);
  const forChildren = k.tget(slot, t.pid_ns_for_children);
  if (ns !== 0) {
    lockPidmap(k);
    for (let n = ns; n !== 0; n = nsParent(k, n)) {
      const a = deref(k, n);
      // switch (--ns->pid_allocated)
      const left = loadPlain(k, a + PN_PID_ALLOCATED) - 1;
      storePlain(k, a + PN_PID_ALLOCATED, left);
      if (left === 2 || left === 1) {
        const reaper = loadPlain(k, a + PN_CHILD_REAPER);
        if (reaper !== 0) tryToWakeUp(k, k.slotOf(reaper), TASK_NORMAL);
      } else if (left === PIDNS_ADDING) {
        // The first process's fork failed: nothing was ever in here.
        storePlain(k, a + PN_PID_ALLOCATED, 0);
      }
    }
    unlockPidmap(k);
    k.tset(slot, t.pid_ns, 0);
    kput(k, ns, L.free);
  }
  if (forChildren !== 0) {
    k.tset(slot, t.pid_ns_for_children, 0);
    kput(k, forChildren, L.free);
  }
}

exitHooks.allocPid.push(allocPid);
exitHooks.releaseTask.push(freePid);
