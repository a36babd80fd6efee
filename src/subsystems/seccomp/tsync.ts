/**
 * SECCOMP_FILTER_FLAG_TSYNC (kernel/seccomp.c): seccomp_can_sync_threads(),
 * is_ancestor() (filter.ts) and seccomp_sync_threads(). The caller writes
 * the other threads' task->seccomp directly under the thread group's
 * siglock, with cred_guard_mutex held against execve; there is no
 * task_work. The planted bugs that live here (docs/SECCOMP.md, "Planted
 * bugs and historical designs") sit beside the code they break, each behind
 * `k.mutant(Sn)`, and the two historical designs behind `pre611(k)` /
 * `forceAdd(k)` (design.ts).
 *
 * Publication to the synced threads' lockless readers (entry.ts) has the
 * kernel's barriers: smp_store_release() of thread->seccomp.filter in
 * seccomp_sync_threads(), and smp_mb__before_atomic() between the mode and
 * SYSCALL_WORK_SECCOMP in seccomp_assign_mode().
 */
import {
  assertSpinLocked,
  bug,
  ESRCH,
  fetchOr,
  invariant,
  label,
  loadOnce,
  mutexIsLocked,
  Order,
  PF_EXITING,
  PFA_NO_NEW_PRIVS,
  siglock,
  signalOf,
  smpMbBeforeAtomic,
  storeOnce,
  storePlain,
  storeRelease,
  threadsOf,
  type Kernel,
} from '../../runtime/index.js';
import { SIG_CRED_GUARD_MUTEX, T_ATOMIC_FLAGS, T_FLAGS, T_TGID } from '../../runtime/kernel/layout.js';
import { exec } from '../exec/layout.js';
import { MODE_NAMES, SECCOMP_MODE_DISABLED, SECCOMP_MODE_FILTER, SYSCALL_WORK_SECCOMP } from './consts.js';
import { forceAdd, overwriteAll, pre611 } from './design.js';
import { __seccompFilterRelease, chainOf, filterId, getSeccompFilter, isAncestor, isAncestorPeek, prevOf, seccompStackCopy } from './filter.js';
import { seccomp } from './layout.js';
import { S11, S2, S3, S4, S5, S7, S8_FLAG_FIRST, S8_PLAIN_FILTER } from './mutants.js';

export const L = {
  canSync: label('seccomp:2c.9.2:can_sync_threads'),
  canSyncThread: label('seccomp:2c.9.2:can_sync_threads:for_each_thread'),
  sync: label('seccomp:2c.9.7:sync_threads'),
  syncGet: label('seccomp:2c.9.7.1:get_seccomp_filter(caller)'),
  syncCompose: label('seccomp:2c.9.7.1:force-add-2014:stack a copy on the thread\'s chain'),
  syncRelease: label('seccomp:2c.9.7.2:__seccomp_filter_release(thread)'),
  syncStore: label('seccomp:2c.9.7.3:smp_store_release(thread->filter)'),
  syncCount: label('seccomp:2c.9.7.4:atomic_set(filter_count)'),
  syncNnp: label('seccomp:2c.9.7.5:task_set_no_new_privs'),
  assignMode: label('seccomp:seccomp_assign_mode'),
  assignWork: label('seccomp:seccomp_assign_mode:set_task_syscall_work'),
};

/** task->seccomp.mode, read under siglock (or by the task itself): a plain load. */
export function taskMode(k: Kernel, slot: number): number {
  return k.tget(slot, seccomp.task.mode);
}

function exiting(k: Kernel, slot: number): boolean {
  return (k.tget(slot, T_FLAGS) & PF_EXITING) !== 0;
}

/**
 * Since 6.11 (bfafe5efa975) both loops skip PF_EXITING threads, whose
 * filters are released at exit. Before (`pre-6.11`), and with planted bug
 * S7, they are checked and synced like any other thread.
 */
function skipExiting(k: Kernel, slot: number): boolean {
  if (pre611(k)) return false;
  // S7: the 6.11 release-on-exit without the PF_EXITING skips: a
  // zombie leader (filter already released, NULL) passes the check and is
  // then handed the caller's filter, which nothing will ever release.
  if (k.mutant(S7)) return false;
  return exiting(k, slot);
}

/** The lock assertions both loops start with: BUG_ON(!mutex_is_locked(cred_guard_mutex)), assert_spin_locked(siglock). */
function assertTsyncLocks(k: Kernel, what: string): void {
  // S3 removes the mutex together with its BUG_ON; S2 drops siglock (and its assertion) before the sync.
  if (!k.mutant(S3)) {
    const m = signalOf(k, k.cur) + SIG_CRED_GUARD_MUTEX;
    if (!mutexIsLocked(k, m)) throw k.fail(bug(`${what}: BUG_ON(!mutex_is_locked(&current->signal->cred_guard_mutex))`));
  }
  if (!k.mutant(S2) || what === 'seccomp_can_sync_threads') assertSpinLocked(k, siglock(k), `${what}: current->sighand->siglock`);
}

/**
 * seccomp_can_sync_threads(): 0 if every other thread is DISABLED or in
 * FILTER mode with a filter that is an ancestor of the caller's head (the
 * caller's *current* head, before attach, which is the new filter's prev);
 * otherwise the TID of the first thread that is not, in thread-list order
 * (-ESRCH if that were 0). STRICT and not-yet-exiting DEAD threads fail.
 */
export function seccompCanSyncThreads(k: Kernel): number {
  k.yieldPoint(L.canSync);
  assertTsyncLocks(k, 'seccomp_can_sync_threads');
  const caller = k.cur;
  const callerFilter = k.tget(caller, seccomp.task.filter);
  for (const t of threadsOf(k, k.tget(caller, T_TGID))) {
    k.yieldPoint(L.canSyncThread);
    if (t === caller) continue;
    if (skipExiting(k, t)) continue;
    const mode = taskMode(k, t);
    // S5: "a NULL filter counts as an ancestor" lost. Against the
    // merged code the NULL rule of is_ancestor() is only reached by a
    // FILTER-mode thread whose head is NULL (released at exit, so skipped),
    // so the planted delta also judges DISABLED threads by their (NULL)
    // head, the way the rule is meant to be used: threads without a filter
    // then block TSYNC (two_siblings_with_no_filter fails with a TID).
    const judgeNull = mode === SECCOMP_MODE_DISABLED && k.mutant(S5);
    if (mode === SECCOMP_MODE_DISABLED && !judgeNull) continue;
    if (mode === SECCOMP_MODE_FILTER || judgeNull) {
      // force-add-2014: no ancestry check, a diverged thread will get the
      // new filter composed on its own chain. S1: no check, every thread
      // will be overwritten with the caller's chain.
      if (forceAdd(k) || overwriteAll(k)) continue;
      if (isAncestor(k, k.tget(t, seccomp.task.filter), callerFilter, L.canSyncThread)) continue;
    }
    const failed = k.tid(t);
    if (failed === 0) return -ESRCH; // WARN_ON(failed == 0)
    return failed;
  }
  return 0;
}

/**
 * seccomp_assign_mode(task, mode, flags): the mode, then (after
 * smp_mb__before_atomic(), so the work flag is never seen before mode and
 * filter) SYSCALL_WORK_SECCOMP. The speculation mitigation unless
 * SPEC_ALLOW is not modelled. Caller holds task's siglock.
 */
export function seccompAssignMode(k: Kernel, slot: number, mode: number): void {
  k.yieldPoint(L.assignMode);
  const old = taskMode(k, slot);
  // I-SC3: modes only go DISABLED -> FILTER (or stay).
  if (old !== SECCOMP_MODE_DISABLED && old !== mode) {
    throw k.fail(invariant(`tid ${k.tid(slot)}: seccomp mode ${MODE_NAMES[old]} -> ${MODE_NAMES[mode]}`, 'I-SC3'));
  }
  const t = k.base(slot);
  storePlain(k, t + seccomp.task.mode, mode);
  // "Make sure SYSCALL_WORK_SECCOMP cannot be set before the mode (and
  // filter) is set": pairs with the smp_rmb() in __seccomp_filter().
  // S8-flag-first: without it a sibling in its syscall loop may see the
  // work flag with the old mode (BUG()) or a NULL filter (WARN, KILL_PROCESS).
  if (!k.mutant(S8_FLAG_FIRST)) smpMbBeforeAtomic(k);
  k.yieldPoint(L.assignWork);
  // set_task_syscall_work(): set_bit(), a relaxed RMW made fully ordered by the barrier.
  fetchOr(k, t + seccomp.task.syscall_work, SYSCALL_WORK_SECCOMP, Order.RELAXED);
}

/**
 * seccomp_sync_threads(flags): point every other thread (not PF_EXITING,
 * since 6.11) at the caller's new head, with refs and users, filter_count,
 * NNP and the mode. Each thread's old head is an ancestor of the caller's
 * chain (checked just before, under the same siglock), so releasing it
 * frees nothing reachable.
 *
 * force-add-2014 runs the first patch's loop instead: a thread whose head is
 * the caller's old head (the new filter's prev) is moved to the new head as
 * above; any other thread keeps its own chain and gets a copy of the new
 * filter stacked on it ("we won't override it; we'll just compose"), so its
 * head is no longer the caller's (I-SC1 at step 11).
 */
export function seccompSyncThreads(k: Kernel): void {
  k.yieldPoint(L.sync);
  assertTsyncLocks(k, 'seccomp_sync_threads');
  const caller = k.cur;
  const callerNnp = (k.tget(caller, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0;
  for (const t of threadsOf(k, k.tget(caller, T_TGID))) {
    k.yieldPoint(L.sync);
    if (t === caller) continue;
    if (skipExiting(k, t)) continue;
    const callerFilter = k.tget(caller, seccomp.task.filter);
    const old = k.tget(t, seccomp.task.filter);
    // I-SC7 (instrumentation): with cred_guard_mutex held, no sibling can
    // be between check_unsafe_exec() and its cred commit right now.
    if (k.tget(t, exec.task.in_execve) !== 0) {
      throw k.fail(
        invariant(`TSYNC syncs tid ${k.tid(t)} while it is between check_unsafe_exec() and commit_creds() of an execve`, 'I-SC7'),
      );
    }
    // The new filter's prev is the caller's head before the attach.
    if (forceAdd(k) && old !== prevOf(k, callerFilter)) {
      // The thread's own chain stays under the copy, so nothing is dropped
      // (I-SC3 holds by construction).
      const head = seccompStackCopy(k, callerFilter, old, L.syncCompose);
      k.yieldPoint(L.syncStore);
      storeRelease(k, k.base(t) + seccomp.task.filter, head);
      k.yieldPoint(L.syncCount);
      storeOnce(k, k.base(t) + seccomp.task.filter_count, loadOnce(k, k.base(t) + seccomp.task.filter_count) + 1);
    } else {
      // I-SC3 (instrumentation): the sync may only add restrictions; the
      // thread's own head must be in the chain it is given.
      if (!isAncestorPeek(k, old, callerFilter)) {
        throw k.fail(
          invariant(
            `TSYNC replaces tid ${k.tid(t)}'s filter#${filterId(k, old)} with the caller's chain [${chainOf(k, callerFilter)
              .map((f) => filterId(k, f))
              .join(' -> ')}], which does not contain it: the thread's own filter is silently dropped`,
            'I-SC3',
          ),
        );
      }
      // 1. A new user of the caller's head.
      getSeccompFilter(k, caller, L.syncGet);
      // 2. Drop the thread's old chain: orphan pass, then put pass.
      __seccompFilterRelease(k, k.tget(t, seccomp.task.filter), L.syncRelease);
      // 3. Publish: the thread reads its head locklessly at syscall entry
      // (READ_ONCE in seccomp_run_filters()): "Make our new filter tree
      // visible" with smp_store_release().
      k.yieldPoint(L.syncStore);
      // S8-plain-filter: a plain store. A DISABLED thread is still covered
      // by seccomp_assign_mode()'s barrier below; a thread already in FILTER
      // mode, reading its head at syscall entry, may see the new head before
      // the filter's initialisation (kernel: a half-initialised prog).
      if (k.mutant(S8_PLAIN_FILTER)) storePlain(k, k.base(t) + seccomp.task.filter, callerFilter);
      else storeRelease(k, k.base(t) + seccomp.task.filter, callerFilter);
      // 4. atomic_set(&thread->seccomp.filter_count,
      // atomic_read(&caller->seccomp.filter_count)). S11: not copied, /proc
      // Seccomp_filters lies.
      if (!k.mutant(S11)) {
        k.yieldPoint(L.syncCount);
        storeOnce(k, k.base(t) + seccomp.task.filter_count, loadOnce(k, k.base(caller) + seccomp.task.filter_count));
      }
    }
    // 5. NNP, so an unprivileged task cannot escape NNP through a thread
    // that sets filters and dies. S4: no NNP propagation.
    if (callerNnp && !k.mutant(S4)) {
      k.yieldPoint(L.syncNnp);
      k.tor(t, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
    }
    // 6. A thread without seccomp enters FILTER mode.
    if (taskMode(k, t) === SECCOMP_MODE_DISABLED) seccompAssignMode(k, t, SECCOMP_MODE_FILTER);
  }
}
