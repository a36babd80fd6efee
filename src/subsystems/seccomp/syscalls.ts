/**
 * seccomp(2) and prctl(PR_SET_SECCOMP) (kernel/seccomp.c):
 * seccomp_set_mode_filter() with seccomp_attach_filter(),
 * seccomp_may_assign_mode(), has_duplicate_listener() and the listener file;
 * seccomp_set_mode_strict().
 *
 * The steps of seccomp_set_mode_filter() are numbered in the kernel
 * function's order. The yield-point labels carry the numbers as
 * `seccomp:2c.<step>:...`; the old "2c." prefix stays because a label's id
 * is part of every recorded schedule (scheduleHash, seed logs):
 *   1. flags validated               7. seccomp_may_assign_mode()
 *   2. flag combinations             8. has_duplicate_listener()
 *   3. seccomp_prepare_user_filter() 9. seccomp_attach_filter(): 9.1 total
 *   4. get_unused_fd_flags(),           insns, 9.2 seccomp_can_sync_threads(),
 *      init_listener()                  9.3 LOG, 9.4 filter->prev, 9.5 cache,
 *   5. cred_guard_mutex (TSYNC)         9.6 publish, 9.7 seccomp_sync_threads()
 *   6. siglock                      10. seccomp_assign_mode()
 *  11. unlock                       12. fd_install, or put_unused_fd + fput
 *
 * Lock order: cred_guard_mutex -> siglock. I-SC1 and I-SC2 (docs/SECCOMP.md,
 * "Invariants") are checked online right before siglock is dropped (step
 * 11), when the thread group's seccomp state cannot change under the check.
 */
import {
  deref,
  EBUSY,
  EINVAL,
  ENOMEM,
  ESRCH,
  fetchAdd,
  kmemCacheAlloc,
  label,
  loadPlain,
  lockSiglock,
  mutexLock,
  mutexLockKillable,
  mutexUnlock,
  Order,
  signalOf,
  storePlain,
  unlockSiglock,
  type Kernel,
} from '../../runtime/index.js';
import { SIG_CRED_GUARD_MUTEX } from '../../runtime/kernel/layout.js';
import { fdInstall, fdInstallReserved, filePut, getUnusedFd, initFile, putUnusedFd } from '../file/fdtable.js';
import { file, FILE_OBJ, FileKind, FMODE_CAN_READ, FMODE_READ } from '../file/layout.js';
import {
  MAX_INSNS_PER_PATH,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_MASK,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
  SECCOMP_MODE_FILTER,
  SECCOMP_MODE_STRICT,
  SECCOMP_SET_MODE_FILTER,
  SECCOMP_SET_MODE_STRICT,
} from './consts.js';
import { __getSeccompFilter, filterLen, markLog, seccompFilterFree, seccompPrepareFilter, type Prog } from './filter.js';
import { snapshotGroup, verifyTsyncFailure, verifyTsyncSuccess } from './invariants.js';
import { mayUnlock } from './design.js';
import { SF_HAS_LISTENER, SF_PREV, seccomp } from './layout.js';
import { S10, S13, S14, S15, S2, S3, S9 } from './mutants.js';
import { seccompAssignMode, seccompCanSyncThreads, seccompSyncThreads, taskMode } from './tsync.js';

const L = {
  entry: label('seccomp:2c:seccomp_set_mode_filter'),
  getFd: label('seccomp:2c.4:get_unused_fd_flags'),
  listener: label('seccomp:2c.4:init_listener'),
  guard: label('seccomp:2c.5:mutex_lock_killable(cred_guard_mutex)'),
  guardS15: label('seccomp:2c.5:S15:mutex_lock(cred_guard_mutex)'),
  siglock: label('seccomp:2c.6:spin_lock_irq(siglock)'),
  mayAssign: label('seccomp:2c.7:seccomp_may_assign_mode'),
  dupListener: label('seccomp:2c.8:has_duplicate_listener'),
  total: label('seccomp:2c.9.1:total insns'),
  s2gap: label('seccomp:2c.9.2+:S2 siglock dropped'),
  attach: label('seccomp:2c.9.4:filter->prev = current->seccomp.filter'),
  publish: label('seccomp:2c.9.6:current->seccomp.filter = filter'),
  unlock: label('seccomp:2c.11:unlock'),
  install: label('seccomp:2c.12:fd_install'),
  strict: label('seccomp:seccomp_set_mode_strict'),
};

/** seccomp_may_assign_mode(): a task already in another mode cannot switch. */
function seccompMayAssignMode(k: Kernel, mode: number): boolean {
  k.yieldPoint(L.mayAssign);
  const cur = taskMode(k, k.cur);
  return !(cur !== 0 && cur !== mode);
}

/**
 * has_duplicate_listener(): one listener per chain; the caller's chain
 * suffices (TSYNC installs one parent everywhere). Under siglock, and a
 * chain never changes once attached: plain loads.
 */
function hasDuplicateListener(k: Kernel): boolean {
  k.yieldPoint(L.dupListener);
  for (let f = k.tget(k.cur, seccomp.task.filter); f !== 0; f = loadPlain(k, deref(k, f) + SF_PREV)) {
    if (loadPlain(k, deref(k, f) + SF_HAS_LISTENER) !== 0) return true;
  }
  return false;
}

/**
 * init_listener(): the listener file (not yet in the fd table) holds a refs
 * reference. Neither the file nor the prepared filter is reachable yet:
 * plain stores. Returns the file or -ENOMEM.
 */
function initListener(k: Kernel, filter: number): number {
  const f = kmemCacheAlloc(k, file.cache.file, L.listener);
  if (f === 0) return -ENOMEM;
  __getSeccompFilter(k, filter, L.listener);
  initFile(k, f, FileKind.SECCOMP_LISTENER, FMODE_READ | FMODE_CAN_READ, filter);
  storePlain(k, deref(k, filter) + SF_HAS_LISTENER, 1);
  return f;
}

/**
 * S14: the listener's fd taken only now, after the filter is attached and
 * synced (alloc_fd() + fd_install() in one): a full table fails the call
 * after the point of no return. -EMFILE, or the fd.
 */
function fdInstallListenerLate(k: Kernel, listener: number): number {
  k.yieldPoint(L.install);
  return fdInstall(k, listener);
}

/**
 * seccomp_attach_filter() (step 9). Caller holds siglock (and, for TSYNC,
 * cred_guard_mutex). Returns 0, a TID, -ESRCH or -ENOMEM.
 */
function seccompAttachFilter(k: Kernel, flags: number, filter: number): number {
  const tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) !== 0;
  // 9.1: the whole path may not exceed MAX_INSNS_PER_PATH.
  let total = filterLen(k, filter, L.total);
  for (let w = k.tget(k.cur, seccomp.task.filter); w !== 0; w = loadPlain(k, deref(k, w) + SF_PREV)) {
    total += filterLen(k, w, L.total) + 4;
  }
  if (total > MAX_INSNS_PER_PATH) return -ENOMEM;
  // 9.2
  if (tsync) {
    // S10 (the v11 bug; its exact code is unknown, this is its observable
    // shape): TSYNC refused while the caller has no filter yet, so a first
    // filter cannot be installed with TSYNC.
    if (k.mutant(S10) && taskMode(k, k.cur) !== SECCOMP_MODE_FILTER) return -EINVAL;
    const ret = seccompCanSyncThreads(k);
    if (ret !== 0) {
      const esrch = (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) !== 0;
      // S9: the TID is returned despite TSYNC_ESRCH.
      if (k.mutant(S9)) return ret;
      // S13: with NEW_LISTENER the TID is returned anyway, and it
      // collides with the listener-fd return space (7a0df7fbc145, 51891498f2da).
      if (k.mutant(S13) && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0) return ret;
      return esrch ? -ESRCH : ret;
    }
    if (k.mutant(S2)) {
      // S2: siglock dropped between the check and the sync
      // (check-then-act): siblings may install filters, clone() may link
      // threads, while the sync below runs. Re-taken before step 10.
      unlockSiglock(k, k.cur, L.s2gap);
    }
  }
  // 9.3
  if ((flags & SECCOMP_FILTER_FLAG_LOG) !== 0) markLog(k, filter, L.attach);
  // 9.4: the caller's reference on its old head moves to the prev link
  // (filter->prev = current->seccomp.filter: the filter is not reachable yet).
  k.yieldPoint(L.attach);
  const me = k.base(k.cur);
  storePlain(k, deref(k, filter) + SF_PREV, loadPlain(k, me + seccomp.task.filter));
  // 9.5: seccomp_cache_prepare() (per-arch allow bitmaps: not modelled).
  // 9.6: current->seccomp.filter = filter, a plain store in
  // seccomp_attach_filter() (other threads read it only under siglock; the
  // task itself is the only lockless reader), then
  // atomic_inc(&current->seccomp.filter_count).
  k.yieldPoint(L.publish);
  storePlain(k, me + seccomp.task.filter, filter);
  fetchAdd(k, me + seccomp.task.filter_count, 1, Order.RELAXED);
  // 9.7
  if (tsync) {
    seccompSyncThreads(k);
    if (k.mutant(S2)) lockSiglock(k, k.cur, L.s2gap);
  }
  return 0;
}

/** seccomp_set_mode_filter(flags, prog), steps 1–12 (see the top of this file). */
export function seccompSetModeFilter(k: Kernel, flags: number, prog: Prog | null): number {
  k.yieldPoint(L.entry);
  const tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) !== 0;
  const wantListener = (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0;
  // 1.
  if ((flags & ~SECCOMP_FILTER_FLAG_MASK) !== 0) return -EINVAL;
  // 2. The TID and listener-fd return spaces would collide. S9:
  // TSYNC|NEW_LISTENER accepted without TSYNC_ESRCH.
  if (tsync && wantListener && (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) === 0 && !k.mutant(S9)) return -EINVAL;
  // WAIT_KILLABLE_RECV is about receiving notifications: meaningless without a listener.
  if ((flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) !== 0 && !wantListener) return -EINVAL;
  // 3. Before any lock.
  let prepared = seccompPrepareFilter(k, prog);
  if (prepared < 0) return prepared;
  let ret = -EINVAL;
  // 4. The listener's fd is reserved before any lock and before anything is
  // installed, so a full fd table fails the call here and changes nothing
  // (I-SC2). S14 takes it only at step 12.
  let listenerFd = -1;
  let listenerFile = 0;
  if (wantListener) {
    if (!k.mutant(S14)) {
      k.yieldPoint(L.getFd);
      listenerFd = getUnusedFd(k);
      if (listenerFd < 0) {
        seccompFilterFree(k, prepared);
        return listenerFd;
      }
    }
    listenerFile = initListener(k, prepared);
    if (listenerFile < 0) {
      if (listenerFd >= 0) putUnusedFd(k, listenerFd);
      seccompFilterFree(k, prepared);
      return listenerFile;
    }
  }
  // 5. Against execve's check_unsafe_exec..commit (I-SC7); killable because
  // de_thread() of a concurrent exec kills us while it holds the mutex and
  // waits for us to die. S3: not taken. S15: uninterruptible, so that
  // de_thread() waits forever.
  const guard = signalOf(k, k.cur) + SIG_CRED_GUARD_MUTEX;
  let guarded = false;
  if (tsync && !k.mutant(S3)) {
    if (k.mutant(S15)) {
      mutexLock(k, guard, L.guardS15);
      guarded = true;
    } else if (mutexLockKillable(k, guard, L.guard) === 0) {
      guarded = true;
    }
  }
  if (!tsync || guarded || k.mutant(S3)) {
    // 6.
    lockSiglock(k, k.cur, L.siglock);
    try {
      const before = tsync ? snapshotGroup(k) : null;
      if (!seccompMayAssignMode(k, SECCOMP_MODE_FILTER)) {
        // 7. Already in STRICT mode.
        ret = -EINVAL;
      } else if (wantListener && hasDuplicateListener(k)) {
        // 8.
        ret = -EBUSY;
      } else {
        // 9.
        ret = seccompAttachFilter(k, flags, prepared);
        if (ret === 0) {
          prepared = 0; // now owned by the chain
          // 10.
          seccompAssignMode(k, k.cur, SECCOMP_MODE_FILTER);
        }
      }
      if (before) {
        if (ret === 0) verifyTsyncSuccess(k, before);
        else if (ret > 0 || ret === -ESRCH) verifyTsyncFailure(k, ret, before);
      }
    } finally {
      // 11.
      if (mayUnlock(k)) {
        unlockSiglock(k, k.cur, L.unlock);
        if (guarded) mutexUnlock(k, guard, L.unlock);
      }
    }
  }
  // 12.
  if (wantListener) {
    if (ret !== 0) {
      // listener_f->private_data = NULL (plain: the file was never
      // installed); fput(): the file no longer puts the filter; the fd goes
      // back; seccomp_notify_detach(prepared) (the filter was not attached,
      // so it is still ours: a plain store).
      storePlain(k, deref(k, listenerFile) + FILE_OBJ, 0);
      filePut(k, listenerFile, L.install);
      if (listenerFd >= 0) putUnusedFd(k, listenerFd);
      storePlain(k, deref(k, prepared) + SF_HAS_LISTENER, 0);
    } else if (k.mutant(S14)) {
      const fd = fdInstallListenerLate(k, listenerFile);
      if (fd < 0) filePut(k, listenerFile, L.install);
      ret = fd;
    } else {
      // fd_install() on the fd reserved at step 4: cannot fail.
      k.yieldPoint(L.install);
      fdInstallReserved(k, listenerFd, listenerFile);
      ret = listenerFd;
    }
  }
  if (prepared !== 0) seccompFilterFree(k, prepared);
  return ret;
}

/** seccomp_set_mode_strict(). */
export function seccompSetModeStrict(k: Kernel): number {
  k.yieldPoint(L.strict);
  lockSiglock(k, k.cur, L.strict);
  try {
    if (!seccompMayAssignMode(k, SECCOMP_MODE_STRICT)) return -EINVAL;
    seccompAssignMode(k, k.cur, SECCOMP_MODE_STRICT);
    return 0;
  } finally {
    if (mayUnlock(k)) unlockSiglock(k, k.cur, L.strict);
  }
}

/** do_seccomp(op, flags, uargs): the seccomp(2) syscall. */
export function doSeccomp(k: Kernel, op: number, flags: number, prog: Prog | null): number {
  switch (op) {
    case SECCOMP_SET_MODE_STRICT:
      if (flags !== 0 || prog !== null) return -EINVAL;
      return seccompSetModeStrict(k);
    case SECCOMP_SET_MODE_FILTER:
      return seccompSetModeFilter(k, flags, prog);
    default:
      return -EINVAL;
  }
}

/** prctl_set_seccomp(mode, filter): SECCOMP_MODE_STRICT or SECCOMP_MODE_FILTER with flags 0. */
export function prctlSetSeccomp(k: Kernel, mode: number, prog: Prog | null): number {
  if (mode === SECCOMP_MODE_STRICT) return doSeccomp(k, SECCOMP_SET_MODE_STRICT, 0, null);
  if (mode === SECCOMP_MODE_FILTER) return doSeccomp(k, SECCOMP_SET_MODE_FILTER, 0, prog);
  return -EINVAL;
}
