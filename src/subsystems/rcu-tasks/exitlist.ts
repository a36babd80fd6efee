/**
 * The v6.9 per-CPU exit lists (spec 3c3 "Redesign"): rtp_exit_list heads
 * with their raw spinlocks in the kernel-wide header, and each task's
 * rcu_tasks_exit_list node in its task record. A list_head is two words,
 * next and prev, holding absolute word addresses of other list_heads.
 *
 * The list operations are not atomic, as in the kernel: there are
 * preemption points between their pointer writes, and CONFIG_DEBUG_LIST's
 * checks (__list_add_valid, __list_del_entry_valid) report corruption. That
 * is how R11 (removing under the wrong CPU's lock) shows itself.
 */
import { bug, label, spinLock, spinUnlock, type Kernel } from '../../runtime/index.js';
import {
  kNextSlot,
  kRcuTasksExitLists,
  RT_EXIT_WORDS,
  RTE_HEAD,
  RTE_LOCK,
  SIM_NR_CPUS,
  T_RCU_TASKS_EXIT_LIST,
} from '../../runtime/kernel/layout.js';

const L = {
  add: label('rcu_tasks:list_add(rtp_exit_list)'),
  del: label('rcu_tasks:list_del_init(rcu_tasks_exit_list)'),
  lock: label('rcu_tasks:rtpcp->lock'),
};

const NEXT = 0;
const PREV = 1;

export function exitListLock(cpu: number): number {
  return kRcuTasksExitLists + cpu * RT_EXIT_WORDS + RTE_LOCK;
}
export function exitListHead(cpu: number): number {
  return kRcuTasksExitLists + cpu * RT_EXIT_WORDS + RTE_HEAD;
}
export function taskNode(k: Kernel, slot: number): number {
  return k.base(slot) + T_RCU_TASKS_EXIT_LIST;
}
/** The task whose rcu_tasks_exit_list node is at `node`, or -1 for a list head or garbage. */
export function nodeTask(k: Kernel, node: number): number {
  const off = node - k.L.tasks - T_RCU_TASKS_EXIT_LIST;
  if (off < 0 || off % k.taskWords !== 0) return -1;
  const slot = off / k.taskWords;
  return slot < Atomics.load(k.i32, kNextSlot) ? slot : -1;
}

/** INIT_LIST_HEAD for every CPU's list (harness, at rcu_tasks setup). */
export function initExitLists(k: Kernel): void {
  for (let c = 0; c < SIM_NR_CPUS; c++) {
    const h = exitListHead(c);
    k.i32[h + NEXT] = h;
    k.i32[h + PREV] = h;
  }
}

export function lockExitList(k: Kernel, cpu: number): void {
  spinLock(k, exitListLock(cpu), L.lock);
}
export function unlockExitList(k: Kernel, cpu: number): void {
  spinUnlock(k, exitListLock(cpu), L.lock);
}

function corrupt(k: Kernel, what: string): never {
  throw k.fail(bug(`list corruption in an RCU Tasks exit list: ${what}`));
}

/** list_add(new, head): insert right after the head. */
export function listAdd(k: Kernel, node: number, head: number): void {
  const i32 = k.i32;
  const next = Atomics.load(i32, head + NEXT);
  // __list_add_valid()
  if (Atomics.load(i32, next + PREV) !== head) corrupt(k, `list_add: next->prev should be ${head}, is ${Atomics.load(i32, next + PREV)}`);
  Atomics.store(i32, node + NEXT, next);
  Atomics.store(i32, node + PREV, head);
  k.yieldPoint(L.add, head);
  Atomics.store(i32, next + PREV, node);
  Atomics.store(i32, head + NEXT, node);
}

/** list_del_init(entry). */
export function listDelInit(k: Kernel, node: number): void {
  const i32 = k.i32;
  const next = Atomics.load(i32, node + NEXT);
  const prev = Atomics.load(i32, node + PREV);
  // __list_del_entry_valid()
  if (next === 0 || prev === 0) corrupt(k, `list_del: entry ${node} is not on a list`);
  if (Atomics.load(i32, prev + NEXT) !== node) corrupt(k, `list_del: prev->next should be ${node}, is ${Atomics.load(i32, prev + NEXT)}`);
  if (Atomics.load(i32, next + PREV) !== node) corrupt(k, `list_del: next->prev should be ${node}, is ${Atomics.load(i32, next + PREV)}`);
  Atomics.store(i32, next + PREV, prev);
  k.yieldPoint(L.del, node);
  Atomics.store(i32, prev + NEXT, next);
  Atomics.store(i32, node + NEXT, node);
  Atomics.store(i32, node + PREV, node);
}

/**
 * list_for_each_entry over one CPU's list (caller holds its lock). A walk
 * that meets a node that is not a task, or runs longer than there are
 * tasks, has found a corrupted list.
 */
export function exitListTasks(k: Kernel, cpu: number): number[] {
  const i32 = k.i32;
  const head = exitListHead(cpu);
  const out: number[] = [];
  const limit = Atomics.load(i32, kNextSlot) + 1;
  for (let p = Atomics.load(i32, head + NEXT); p !== head; p = Atomics.load(i32, p + NEXT)) {
    const slot = nodeTask(k, p);
    if (slot < 0) corrupt(k, `CPU ${cpu}'s list reaches ${p}, which is no task's node`);
    if (out.length > limit) corrupt(k, `CPU ${cpu}'s list does not end (a cycle)`);
    out.push(slot);
  }
  return out;
}

/** At quiescence every exit list is empty and its head points at itself. */
export function exitListsEmpty(k: Kernel): string | null {
  for (let c = 0; c < SIM_NR_CPUS; c++) {
    const h = exitListHead(c);
    const n = Atomics.load(k.i32, h + NEXT);
    const p = Atomics.load(k.i32, h + PREV);
    if (n !== h || p !== h) {
      const t = nodeTask(k, n);
      return `CPU ${c}'s rtp_exit_list is not empty at quiescence (next ${t >= 0 ? `tid ${k.tid(t)}` : `@${n}`}, prev @${p})`;
    }
  }
  return null;
}
