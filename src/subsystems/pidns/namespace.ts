/**
 * PID namespaces (spec 3b, 3c2): struct pid_namespace in kernel memory,
 * alloc_pid() in copy_process() and free_pid() in release_task().
 *
 * A task's pid lives in its namespace and in every ancestor below the
 * initial one (the initial namespace is handle 0 and keeps no count here:
 * lockstep's init is the harness). pid_allocated counts those pids per
 * namespace, plus PIDNS_ADDING until disable_pid_allocation(). The first
 * process forked into a namespace gets nr 1 and becomes its child_reaper.
 *
 * References: a task holds its active namespace (the struct pid's ref) and
 * its pid_ns_for_children (the nsproxy's); a namespace holds its parent.
 */
import {
  CACHE,
  CLONE_THREAD,
  deref,
  EINVAL,
  ENOMEM,
  exitHooks,
  kget,
  kmemCacheAlloc,
  kput,
  label,
  setCacheRelease,
  tryToWakeUp,
  TASK_NORMAL,
  type Kernel,
} from '../../runtime/index.js';
import {
  kPidNsNextId,
  PIDNS_ADDING,
  PN_CHILD_REAPER,
  PN_ID,
  PN_LEVEL,
  PN_NEXT_NR,
  PN_PARENT,
  PN_PID_ALLOCATED,
  T_PID_NR,
  T_PID_NS,
  T_PID_NS_FOR_CHILDREN,
  T_TGID,
} from '../../runtime/kernel/layout.js';

const L = {
  create: label('pidns:create_pid_namespace'),
  alloc: label('pidns:alloc_pid'),
  free: label('pidns:free_pid'),
  put: label('pidns:put_pid_ns'),
};

/** MAX_PID_NS_LEVEL. */
export const MAX_PID_NS_LEVEL = 32;

export function nsId(k: Kernel, ns: number): number {
  return ns === 0 ? 0 : Atomics.load(k.i32, deref(k, ns) + PN_ID);
}
export function nsParent(k: Kernel, ns: number): number {
  return Atomics.load(k.i32, deref(k, ns) + PN_PARENT);
}
export function pidAllocated(k: Kernel, ns: number): number {
  return Atomics.load(k.i32, deref(k, ns) + PN_PID_ALLOCATED);
}
export function childReaper(k: Kernel, ns: number): number {
  return Atomics.load(k.i32, deref(k, ns) + PN_CHILD_REAPER);
}

/** task_active_pid_ns(t). */
export function taskActivePidNs(k: Kernel, slot: number): number {
  return k.tget(slot, T_PID_NS);
}

/** Does namespace `ns` contain (is it, or an ancestor of) namespace `inner`? */
export function nsContains(k: Kernel, ns: number, inner: number): boolean {
  for (let n = inner; n !== 0; n = nsParent(k, n)) if (n === ns) return true;
  return false;
}

/** create_pid_namespace(): a child of `parent` (0: the initial namespace), allocation enabled. */
export function createPidNamespace(k: Kernel, parent: number): number {
  const level = parent === 0 ? 1 : Atomics.load(k.i32, deref(k, parent) + PN_LEVEL) + 1;
  if (level > MAX_PID_NS_LEVEL) return -28; // -ENOSPC
  const ns = kmemCacheAlloc(k, CACHE.pid_namespace, L.create);
  if (ns === 0) return -ENOMEM;
  const a = deref(k, ns);
  const i32 = k.i32;
  Atomics.store(i32, a + PN_ID, Atomics.add(i32, kPidNsNextId, 1) + 1);
  Atomics.store(i32, a + PN_LEVEL, level);
  Atomics.store(i32, a + PN_PARENT, parent === 0 ? 0 : kget(k, parent, L.create));
  Atomics.store(i32, a + PN_CHILD_REAPER, 0);
  Atomics.store(i32, a + PN_NEXT_NR, 1);
  Atomics.store(i32, a + PN_PID_ALLOCATED, PIDNS_ADDING);
  return ns;
}

// put_pid_ns(): the last reference drops the parent's.
setCacheRelease(CACHE.pid_namespace, (k, ns) => {
  const parent = Atomics.load(k.i32, deref(k, ns) + PN_PARENT);
  if (parent !== 0) kput(k, parent, L.put);
});

/** disable_pid_allocation(): no new task can enter the namespace. */
export function disablePidAllocation(k: Kernel, ns: number): void {
  Atomics.and(k.i32, deref(k, ns) + PN_PID_ALLOCATED, ~PIDNS_ADDING);
}

/**
 * alloc_pid(), from copy_process() under the parent's siglock. A process
 * goes to its parent's pid_ns_for_children, a thread stays in its group's
 * namespace (and may not be created once the two differ: -EINVAL).
 */
function allocPid(k: Kernel, child: number, flags: number): number {
  const thread = (flags & CLONE_THREAD) !== 0;
  const parent = k.cur >= 0 ? k.cur : thread ? k.slotOf(k.tget(child, T_TGID)) : 0;
  const forChildren = k.tget(parent, T_PID_NS_FOR_CHILDREN);
  const active = k.tget(parent, T_PID_NS);
  if (thread && forChildren !== active) return -EINVAL;
  const ns = thread ? active : forChildren;
  if (ns !== 0) {
    const a = deref(k, ns);
    k.yieldPoint(L.alloc, a + PN_PID_ALLOCATED);
    // The namespace's init is dead or dying: no new pids (-ENOMEM, as the kernel).
    if ((Atomics.load(k.i32, a + PN_PID_ALLOCATED) & PIDNS_ADDING) === 0) return -ENOMEM;
    const nr = Atomics.add(k.i32, a + PN_NEXT_NR, 1);
    for (let n = ns; n !== 0; n = nsParent(k, n)) Atomics.add(k.i32, deref(k, n) + PN_PID_ALLOCATED, 1);
    // is_child_reaper(pid): the namespace's first process is its init.
    if (nr === 1) Atomics.store(k.i32, a + PN_CHILD_REAPER, k.tid(child));
    k.tset(child, T_PID_NR, nr);
    k.tset(child, T_PID_NS, kget(k, ns, L.alloc));
  }
  if (forChildren !== 0) k.tset(child, T_PID_NS_FOR_CHILDREN, kget(k, forChildren, L.alloc));
  return 0;
}

/**
 * free_pid(), from release_task(): one pid less at every level; reaching 2
 * or 1 wakes that namespace's child_reaper (zap_pid_ns_processes waits for
 * it, I-PN2).
 */
function freePid(k: Kernel, slot: number): void {
  const ns = k.tget(slot, T_PID_NS);
  const forChildren = k.tget(slot, T_PID_NS_FOR_CHILDREN);
  if (ns !== 0) {
    for (let n = ns; n !== 0; n = nsParent(k, n)) {
      const a = deref(k, n);
      const left = Atomics.sub(k.i32, a + PN_PID_ALLOCATED, 1) - 1;
      if (left === 2 || left === 1) {
        const reaper = Atomics.load(k.i32, a + PN_CHILD_REAPER);
        if (reaper !== 0) tryToWakeUp(k, k.slotOf(reaper), TASK_NORMAL);
      } else if (left === PIDNS_ADDING) {
        // The first process's fork failed: nothing was ever in here.
        Atomics.store(k.i32, a + PN_PID_ALLOCATED, 0);
      }
    }
    k.tset(slot, T_PID_NS, 0);
    kput(k, ns, L.free);
  }
  if (forChildren !== 0) {
    k.tset(slot, T_PID_NS_FOR_CHILDREN, 0);
    kput(k, forChildren, L.free);
  }
}

exitHooks.allocPid.push(allocPid);
exitHooks.releaseTask.push(freePid);
