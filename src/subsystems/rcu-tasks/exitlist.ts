/**
 * The v6.9 per-CPU exit lists (kernel/rcu/tasks.h: rtp_exit_list in struct
 * rcu_tasks_percpu, 1612160b9127): list heads with their raw spinlocks in
 * the kernel-wide words, and each task's rcu_tasks_exit_list node in its
 * task record. A list_head is two words, next and prev, holding absolute
 * word addresses of other list_heads.
 *
 * The list operations are not atomic, as in the kernel (include/linux/list.h):
 * there are preemption points between their pointer writes, and
 * CONFIG_DEBUG_LIST's checks (__list_add_valid, __list_del_entry_valid)
 * report corruption. That is how R11 (removing under the wrong CPU's lock)
 * shows itself.
 */
import { bug, label, loadOnce, loadPlain, smpMbAfterUnlockLock, spinLock, spinUnlock, storeOnce, storePlain, type Kernel } from '../../runtime/index.js';
import { kNextSlot, SIM_NR_CPUS } from '../../runtime/kernel/layout.js';
import { rcuTasks, RT_EXIT_WORDS, RTE_HEAD, RTE_LOCK } from './layout.js';

const L = {
  add: label('rcu_tasks:list_add(rtp_exit_list)'),
  del: label('rcu_tasks:list_del_init(rcu_tasks_exit_list)'),
  lock: label('rcu_tasks:rtpcp->lock'),
};

const NEXT = 0;
const PREV = 1;

export function exitListLock(cpu: number): number {
  return rcuTasks.global.exit_lists + cpu * RT_EXIT_WORDS + RTE_LOCK;
}
export function exitListHead(cpu: number): number {
  return rcuTasks.global.exit_lists + cpu * RT_EXIT_WORDS + RTE_HEAD;
}
export function taskNode(k: Kernel, slot: number): number {
  return k.base(slot) + rcuTasks.task.rcu_tasks_exit_list;
}
/** The task whose rcu_tasks_exit_list node is at `node`, or -1 for a list head or garbage. */
export function nodeTask(k: Kernel, node: number): number {
  const off = node - k.L.tasks - rcuTasks.task.rcu_tasks_exit_list;
  if (off < 0 || off % k.taskWords !== 0) return -1;
  const slot = off / k.taskWords;
  return slot < loadOnce(k, kNextSlot) ? slot : -1;
}

/** INIT_LIST_HEAD for every CPU's list (harness, at rcu_tasks setup). */
export function initExitLists(k: Kernel): void {
  for (let c = 0; c < SIM_NR_CPUS; c++) {
    const h = exitListHead(c);
    storeOnce(k, h + NEXT, h);
    storeOnce(k, h + PREV, h);
  }
}

/** raw_spin_lock_irqsave_rcu_node(rtpcp) (kernel/rcu/rcu.h): the lock, then smp_mb__after_unlock_lock(). */
export function lockExitList(k: Kernel, cpu: number): void {
  spinLock(k, exitListLock(cpu), L.lock);
  smpMbAfterUnlockLock(k);
}
export function unlockExitList(k: Kernel, cpu: number): void {
  spinUnlock(k, exitListLock(cpu), L.lock);
}

function corrupt(k: Kernel, what: string): never {
  throw k.fail(bug(`list corruption in an RCU Tasks exit list: ${what}`));
}

/** list_add(new, head): insert right after the head; __list_add() publishes with WRITE_ONCE(prev->next, new). */
export function listAdd(k: Kernel, node: number, head: number): void {
  const next = loadPlain(k, head + NEXT);
  // __list_add_valid()
  const nextPrev = loadPlain(k, next + PREV);
  if (nextPrev !== head) corrupt(k, `list_add: next->prev should be ${head}, is ${nextPrev}`);
  storePlain(k, node + NEXT, next);
  storePlain(k, node + PREV, head);
  k.yieldPoint(L.add, head);
  storePlain(k, next + PREV, node);
  storeOnce(k, head + NEXT, node);
}

/** list_del_init(entry): __list_del() (WRITE_ONCE(prev->next, next)), then INIT_LIST_HEAD(entry). */
export function listDelInit(k: Kernel, node: number): void {
  const next = loadPlain(k, node + NEXT);
  const prev = loadPlain(k, node + PREV);
  // __list_del_entry_valid()
  if (next === 0 || prev === 0) corrupt(k, `list_del: entry ${node} is not on a list`);
  const prevNext = loadPlain(k, prev + NEXT);
  if (prevNext !== node) corrupt(k, `list_del: prev->next should be ${node}, is ${prevNext}`);
  const nextPrev = loadPlain(k, next + PREV);
  if (nextPrev !== node) corrupt(k, `list_del: next->prev should be ${node}, is ${nextPrev}`);
  storePlain(k, next + PREV, prev);
  k.yieldPoint(L.del, node);
  storeOnce(k, prev + NEXT, next);
  storeOnce(k, node + NEXT, node);
  storeOnce(k, node + PREV, node);
}

/**
 * list_for_each_entry over one CPU's list (caller holds its lock). A walk
 * that meets a node that is not a task, or runs longer than there are
 * tasks, has found a corrupted list.
 */
export function exitListTasks(k: Kernel, cpu: number): number[] {
  const head = exitListHead(cpu);
  const out: number[] = [];
  const limit = loadOnce(k, kNextSlot) + 1;
  for (let p = loadPlain(k, head + NEXT); p !== head; p = loadPlain(k, p + NEXT)) {
    const slot = nodeTask(k, p);
    if (slot < 0) corrupt(k, `CPU ${cpu}'s list reaches ${p}, which is no task's node`);
    if (out.length > limit) corrupt(k, `CPU ${cpu}'s list does not end (a cycle)`);
    out.push(slot);
  }
  return out;
}

/** At quiescence every exit list is empty (list_empty(): READ_ONCE(head->next) == head) and its prev points at itself. */
export function exitListsEmpty(k: Kernel): string | null {
  for (let c = 0; c < SIM_NR_CPUS; c++) {
    const h = exitListHead(c);
    const n = loadOnce(k, h + NEXT);
    const p = loadOnce(k, h + PREV);
    if (n !== h || p !== h) {
      const t = nodeTask(k, n);
      return `CPU ${c}'s rtp_exit_list is not empty at quiescence (next ${t >= 0 ? `tid ${k.tid(t)}` : `@${n}`}, prev @${p})`;
    }
  }
  return null;
}
