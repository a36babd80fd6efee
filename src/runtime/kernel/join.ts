/**
 * pthread_join(): wait for a thread of the caller's group to exit.
 *
 * A real pthread_join() sleeps in FUTEX_WAIT on the thread's tid word, which
 * the kernel clears and FUTEX_WAKEs when the thread exits (kernel/fork.c:
 * mm_release(), clear_child_tid). lockstep keeps the same shape: the joiner
 * registers itself in the target's T_JOINER word (glibc's joinid), publishes a
 * breadcrumb of kind WaitKind.JOIN whose aux word is the target's tid, and
 * re-checks the target's exit state before it sleeps; the exiting thread sets
 * its exit state in exit_notify and then wakes its joiner (joinWake, called
 * from do_exit). The pair is the Dekker argument of sched.ts, so the exit
 * cannot be missed.
 *
 * Errors are pthread_join's (POSIX): -EDEADLK for joining oneself, -ESRCH for
 * a tid that is not a thread of the caller's group, -EINVAL for a thread that
 * another thread is already joining or that was joined before. Two threads
 * that join each other are not detected (glibc detects that only when the
 * other join is already registered, a "may fail" of POSIX); they deadlock,
 * and the wait-for graph names each as the other's releaser.
 */
import { Order, cmpxchg, loadOnce, storeOnce } from './access.js';
import { EDEADLK, EINVAL, ERESTARTSYS, ESRCH, TASK_INTERRUPTIBLE, TASK_NORMAL, WaitKind } from './constants.js';
import type { Kernel } from './kernel.js';
import { label } from './labels.js';
import { T_EXIT_CODE, T_EXIT_STATE, T_JOINER, T_TGID, T_WAIT_AUX, T_WAIT_KIND } from './layout.js';
import { finishWait, prepareToWait, schedule, tryToWakeUp } from './sched.js';
import { signalPending } from './sigpending.js';
import { registerWaitKindResolver } from './waitgraph.js';

const L_JOIN = label('pthread_join');

/** T_JOINER once the join has returned: the thread is no longer joinable. */
const JOINED = -1;

/**
 * The kernel side of pthread_join(tid): the thread's exit code, a negative
 * errno, or -ERESTARTSYS when a signal interrupted the sleep (Sys.join
 * restarts it, as glibc does: pthread_join never returns EINTR).
 */
export function doJoin(k: Kernel, tid: number): number {
  k.yieldPoint(L_JOIN);
  const me = k.curTid;
  if (tid === me) return -EDEADLK;
  const slot = k.slotOf(tid);
  if (slot < 1 || slot >= k.nrSlots() || k.tget(slot, T_TGID) !== k.tget(k.cur, T_TGID)) return -ESRCH;
  const b = k.base(slot);
  const prev = cmpxchg(k, b + T_JOINER, 0, me, Order.FULL);
  if (prev !== 0 && prev !== me) return -EINVAL;
  for (;;) {
    prepareToWait(k, WaitKind.JOIN, 0, 0, TASK_INTERRUPTIBLE, L_JOIN, tid);
    if (loadOnce(k, b + T_EXIT_STATE) !== 0) break;
    if (signalPending(k)) {
      finishWait(k, 0);
      return -ERESTARTSYS;
    }
    schedule(k, L_JOIN);
    finishWait(k, 0);
  }
  finishWait(k, 0);
  storeOnce(k, b + T_JOINER, JOINED);
  return loadOnce(k, b + T_EXIT_CODE);
}

/**
 * do_exit(), once exit_notify has set the exit state: wake the thread that
 * joins this one, if it sleeps in that join. No yield point and no event, so
 * a task nobody joins exits exactly as before.
 */
export function joinWake(k: Kernel): void {
  const joiner = loadOnce(k, k.curBase + T_JOINER);
  if (joiner <= 0) return;
  const s = k.slotOf(joiner);
  if (loadOnce(k, k.base(s) + T_WAIT_KIND) === WaitKind.JOIN && loadOnce(k, k.base(s) + T_WAIT_AUX) === k.curTid) {
    tryToWakeUp(k, s, TASK_NORMAL);
  }
}

// Who releases a joiner: the thread it joins, until that thread has exited.
registerWaitKindResolver(WaitKind.JOIN, (k, slot) => {
  const tid = k.tget(slot, T_WAIT_AUX);
  const s = k.slotOf(tid);
  if (s < 1 || s >= k.nrSlots() || k.tget(s, T_EXIT_STATE) !== 0) return { releasers: [], why: `thread ${tid} exited (wake-up pending)` };
  return { releasers: [tid], why: `thread ${tid} must exit` };
});
