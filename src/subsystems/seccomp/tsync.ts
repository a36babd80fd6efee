/**
 * SECCOMP_FILTER_FLAG_TSYNC (kernel/seccomp.c): seccomp_can_sync_threads(),
 * is_ancestor() (filter.ts) and seccomp_sync_threads(), spec 2c. The caller
 * writes the other threads' task->seccomp directly under the thread group's
 * siglock, with cred_guard_mutex held against execve; there is no
 * task_work. The planted bugs of 2g that live here sit beside the code they
 * break, each behind `k.mutant('Sn')`, and the two historical designs
 * behind `pre611(k)` / `forceAdd(k)` (design.ts).
 */
import {
  assertSpinLocked,
  bug,
  ESRCH,
  invariant,
  label,
  PF_EXITING,
  PFA_NO_NEW_PRIVS,
  siglock,
  signalOf,
  threadsOf,
  type Kernel,
} from '../../runtime/index.js';
import {
  MUTEX_OWNER,
  SIG_CRED_GUARD_MUTEX,
  T_ATOMIC_FLAGS,
  T_FLAGS,
  T_IN_EXEC,
  T_SECCOMP_FILTER,
  T_SECCOMP_FILTER_COUNT,
  T_SECCOMP_MODE,
  T_SYSCALL_WORK,
  T_TGID,
} from '../../runtime/kernel/layout.js';
import { MODE_NAMES, SECCOMP_MODE_DISABLED, SECCOMP_MODE_FILTER, SYSCALL_WORK_SECCOMP } from './consts.js';
import { forceAdd, pre611 } from './design.js';
import { __seccompFilterRelease, chainOf, filterId, getSeccompFilter, isAncestor, isAncestorPeek } from './filter.js';

export const L = {
  canSync: label('seccomp:2c.9.2:can_sync_threads'),
  canSyncThread: label('seccomp:2c.9.2:can_sync_threads:for_each_thread'),
  sync: label('seccomp:2c.9.7:sync_threads'),
  syncGet: label('seccomp:2c.9.7.1:get_seccomp_filter(caller)'),
  syncRelease: label('seccomp:2c.9.7.2:__seccomp_filter_release(thread)'),
  syncStore: label('seccomp:2c.9.7.3:smp_store_release(thread->filter)'),
  syncCount: label('seccomp:2c.9.7.4:atomic_set(filter_count)'),
  syncNnp: label('seccomp:2c.9.7.5:task_set_no_new_privs'),
  assignMode: label('seccomp:seccomp_assign_mode'),
  assignWork: label('seccomp:seccomp_assign_mode:set_task_syscall_work'),
};

export function taskMode(k: Kernel, slot: number): number {
  return k.tget(slot, T_SECCOMP_MODE);
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
  // S7 (spec 2g): the 6.11 release-on-exit without the PF_EXITING skips: a
  // zombie leader (filter already released, NULL) passes the check and is
  // then handed the caller's filter, which nothing will ever release.
  if (k.mutant('S7')) return false;
  return exiting(k, slot);
}

/** The lock assertions both loops start with: BUG_ON(!mutex_is_locked(cred_guard_mutex)), assert_spin_locked(siglock). */
function assertTsyncLocks(k: Kernel, what: string): void {
  // S3 removes the mutex together with its BUG_ON; S2 drops siglock (and its assertion) before the sync.
  if (!k.mutant('S3')) {
    const m = signalOf(k, k.cur) + SIG_CRED_GUARD_MUTEX;
    if (Atomics.load(k.i32, m + MUTEX_OWNER) === 0) throw k.fail(bug(`${what}: BUG_ON(!mutex_is_locked(&current->signal->cred_guard_mutex))`));
  }
  if (!k.mutant('S2') || what === 'seccomp_can_sync_threads') assertSpinLocked(k, siglock(k), `${what}: current->sighand->siglock`);
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
  const callerFilter = k.tget(caller, T_SECCOMP_FILTER);
  for (const t of threadsOf(k, k.tget(caller, T_TGID))) {
    k.yieldPoint(L.canSyncThread);
    if (t === caller) continue;
    if (skipExiting(k, t)) continue;
    const mode = taskMode(k, t);
    // S5 (spec 2g): "a NULL filter counts as an ancestor" lost. Against the
    // merged code the NULL rule of is_ancestor() is only reached by a
    // FILTER-mode thread whose head is NULL (released at exit, so skipped),
    // so the planted delta also judges DISABLED threads by their (NULL)
    // head, the way the rule is meant to be used: threads without a filter
    // then block TSYNC (two_siblings_with_no_filter fails with a TID).
    const judgeNull = mode === SECCOMP_MODE_DISABLED && k.mutant('S5');
    if (mode === SECCOMP_MODE_DISABLED && !judgeNull) continue;
    if (mode === SECCOMP_MODE_FILTER || judgeNull) {
      // force-add-2014 / S1 (spec 2a, 2g): no ancestry check, every thread
      // will simply be overwritten with the caller's chain.
      if (forceAdd(k)) continue;
      if (isAncestor(k, k.tget(t, T_SECCOMP_FILTER), callerFilter, L.canSyncThread)) continue;
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
  k.tset(slot, T_SECCOMP_MODE, mode);
  k.yieldPoint(L.assignWork);
  k.tor(slot, T_SYSCALL_WORK, SYSCALL_WORK_SECCOMP);
}

/**
 * seccomp_sync_threads(flags): point every other thread (not PF_EXITING,
 * since 6.11) at the caller's new head, with refs and users, filter_count,
 * NNP and the mode. Each thread's old head is an ancestor of the caller's
 * chain (checked just before, under the same siglock), so releasing it
 * frees nothing reachable.
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
    const callerFilter = k.tget(caller, T_SECCOMP_FILTER);
    const old = k.tget(t, T_SECCOMP_FILTER);
    // I-SC7 (instrumentation): with cred_guard_mutex held, no sibling can
    // be between check_unsafe_exec() and its cred commit right now.
    if (k.tget(t, T_IN_EXEC) !== 0) {
      throw k.fail(
        invariant(`TSYNC syncs tid ${k.tid(t)} while it is between check_unsafe_exec() and commit_creds() of an execve`, 'I-SC7'),
      );
    }
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
    __seccompFilterRelease(k, k.tget(t, T_SECCOMP_FILTER), L.syncRelease);
    // 3. Publish: the thread reads its head locklessly at syscall entry.
    k.yieldPoint(L.syncStore);
    k.tset(t, T_SECCOMP_FILTER, callerFilter);
    // 4. S11 (spec 2g): filter_count not copied, /proc Seccomp_filters lies.
    if (!k.mutant('S11')) {
      k.yieldPoint(L.syncCount);
      k.tset(t, T_SECCOMP_FILTER_COUNT, k.tget(caller, T_SECCOMP_FILTER_COUNT));
    }
    // 5. NNP, so an unprivileged task cannot escape NNP through a thread
    // that sets filters and dies. S4 (spec 2g): no NNP propagation.
    if (callerNnp && !k.mutant('S4')) {
      k.yieldPoint(L.syncNnp);
      k.tor(t, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
    }
    // 6. A thread without seccomp enters FILTER mode.
    if (taskMode(k, t) === SECCOMP_MODE_DISABLED) seccompAssignMode(k, t, SECCOMP_MODE_FILTER);
  }
}
