/**
 * seccomp(2) and prctl(PR_SET_SECCOMP) (kernel/seccomp.c):
 * seccomp_set_mode_filter() exactly as spec 2c steps 1–12, with
 * seccomp_attach_filter() (9.1–9.7), seccomp_may_assign_mode(),
 * has_duplicate_listener() and the listener file; seccomp_set_mode_strict().
 *
 * Lock order: cred_guard_mutex -> siglock. I-SC1 and I-SC2 are checked
 * online right before siglock is dropped (step 11), when the thread group's
 * seccomp state cannot change under the check.
 */
import {
  CACHE,
  deref,
  EBUSY,
  EINVAL,
  ENOMEM,
  ESRCH,
  kmemCacheAlloc,
  kput,
  label,
  lockSiglock,
  mutexLockKillable,
  mutexUnlock,
  signalOf,
  unlockSiglock,
  type Kernel,
} from '../../runtime/index.js';
import {
  FD_BASE,
  FDTABLE_SIZE,
  FILE_KIND,
  FILE_MODE,
  FILE_OBJ,
  FileKind,
  FMODE_CAN_READ,
  FMODE_READ,
  SF_HAS_LISTENER,
  SF_PREV,
  SIG_CRED_GUARD_MUTEX,
  SIG_FDTABLE,
  T_SECCOMP_FILTER,
  T_SECCOMP_FILTER_COUNT,
} from '../../runtime/kernel/layout.js';
import {
  MAX_INSNS_PER_PATH,
  SECCOMP_FILTER_FLAG_LOG,
  SECCOMP_FILTER_FLAG_MASK,
  SECCOMP_FILTER_FLAG_NEW_LISTENER,
  SECCOMP_FILTER_FLAG_TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
  SECCOMP_MODE_FILTER,
  SECCOMP_MODE_STRICT,
  SECCOMP_SET_MODE_FILTER,
  SECCOMP_SET_MODE_STRICT,
} from './consts.js';
import { __getSeccompFilter, filterLen, markLog, seccompFilterFree, seccompPrepareFilter, type Prog } from './filter.js';
import { snapshotGroup, verifyTsyncFailure, verifyTsyncSuccess } from './invariants.js';
import { mayUnlock } from './design.js';
import { seccompAssignMode, seccompCanSyncThreads, seccompSyncThreads, taskMode } from './tsync.js';

const L = {
  entry: label('seccomp:2c:seccomp_set_mode_filter'),
  listener: label('seccomp:2c.4:init_listener'),
  guard: label('seccomp:2c.5:mutex_lock_killable(cred_guard_mutex)'),
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

/** has_duplicate_listener(): one listener per chain; the caller's chain suffices (TSYNC installs one parent everywhere). */
function hasDuplicateListener(k: Kernel): boolean {
  k.yieldPoint(L.dupListener);
  for (let f = k.tget(k.cur, T_SECCOMP_FILTER); f !== 0; f = Atomics.load(k.i32, deref(k, f) + SF_PREV)) {
    if (Atomics.load(k.i32, deref(k, f) + SF_HAS_LISTENER) !== 0) return true;
  }
  return false;
}

/** init_listener(): the listener file (not yet in the fd table) holds a refs reference. Returns the file or -ENOMEM. */
function initListener(k: Kernel, filter: number): number {
  const f = kmemCacheAlloc(k, CACHE.file, L.listener);
  if (f === 0) return -ENOMEM;
  const a = deref(k, f);
  __getSeccompFilter(k, filter, L.listener);
  Atomics.store(k.i32, a + FILE_KIND, FileKind.SECCOMP_LISTENER);
  Atomics.store(k.i32, a + FILE_MODE, FMODE_READ | FMODE_CAN_READ);
  Atomics.store(k.i32, a + FILE_OBJ, filter);
  Atomics.store(k.i32, deref(k, filter) + SF_HAS_LISTENER, 1);
  return f;
}

/** fd_install() of a file allocated earlier; -EMFILE if the table is full. */
function fdInstall(k: Kernel, file: number): number {
  k.yieldPoint(L.install);
  const table = signalOf(k, k.cur) + SIG_FDTABLE;
  for (let i = 0; i < FDTABLE_SIZE; i++) {
    if (Atomics.compareExchange(k.i32, table + i, 0, file) === 0) return FD_BASE + i;
  }
  return -24;
}

/**
 * seccomp_attach_filter() (2c.9). Caller holds siglock (and, for TSYNC,
 * cred_guard_mutex). Returns 0, a TID, -ESRCH or -ENOMEM.
 */
function seccompAttachFilter(k: Kernel, flags: number, filter: number): number {
  const tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) !== 0;
  // 9.1: the whole path may not exceed MAX_INSNS_PER_PATH.
  let total = filterLen(k, filter, L.total);
  for (let w = k.tget(k.cur, T_SECCOMP_FILTER); w !== 0; w = Atomics.load(k.i32, deref(k, w) + SF_PREV)) {
    total += filterLen(k, w, L.total) + 4;
  }
  if (total > MAX_INSNS_PER_PATH) return -ENOMEM;
  // 9.2
  if (tsync) {
    // S10 (spec 2g, the v11 bug; its exact code is [UNVERIFIED]): TSYNC
    // refused while the caller has no filter yet, so a first filter cannot
    // be installed with TSYNC.
    if (k.mutant('S10') && taskMode(k, k.cur) !== SECCOMP_MODE_FILTER) return -EINVAL;
    const ret = seccompCanSyncThreads(k);
    if (ret !== 0) {
      const esrch = (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) !== 0;
      // S9 (spec 2g): the TID is returned despite TSYNC_ESRCH.
      if (k.mutant('S9')) return ret;
      // S13 (spec 2g): with NEW_LISTENER the TID is returned anyway, and it
      // collides with the listener-fd return space (7a0df7fbc145, 51891498f2da).
      if (k.mutant('S13') && (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0) return ret;
      return esrch ? -ESRCH : ret;
    }
    if (k.mutant('S2')) {
      // S2 (spec 2g): siglock dropped between the check and the sync
      // (check-then-act): siblings may install filters, clone() may link
      // threads, while the sync below runs. Re-taken before step 10.
      unlockSiglock(k, k.cur, L.s2gap);
    }
  }
  // 9.3
  if ((flags & SECCOMP_FILTER_FLAG_LOG) !== 0) markLog(k, filter, L.attach);
  // 9.4: the caller's reference on its old head moves to the prev link.
  k.yieldPoint(L.attach);
  Atomics.store(k.i32, deref(k, filter) + SF_PREV, k.tget(k.cur, T_SECCOMP_FILTER));
  // 9.5: seccomp_cache_prepare() (per-arch allow bitmaps: not modelled).
  // 9.6
  k.yieldPoint(L.publish);
  k.tset(k.cur, T_SECCOMP_FILTER, filter);
  k.tset(k.cur, T_SECCOMP_FILTER_COUNT, k.tget(k.cur, T_SECCOMP_FILTER_COUNT) + 1);
  // 9.7
  if (tsync) {
    seccompSyncThreads(k);
    if (k.mutant('S2')) lockSiglock(k, k.cur, L.s2gap);
  }
  return 0;
}

/** seccomp_set_mode_filter(flags, prog) (spec 2c steps 1–12). */
export function seccompSetModeFilter(k: Kernel, flags: number, prog: Prog | null): number {
  k.yieldPoint(L.entry);
  const tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) !== 0;
  const wantListener = (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0;
  // 1.
  if ((flags & ~SECCOMP_FILTER_FLAG_MASK) !== 0) return -EINVAL;
  // 2. The TID and listener-fd return spaces would collide. S9 (spec 2g):
  // TSYNC|NEW_LISTENER accepted without TSYNC_ESRCH.
  if (tsync && wantListener && (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) === 0 && !k.mutant('S9')) return -EINVAL;
  // 3. Before any lock.
  let prepared = seccompPrepareFilter(k, prog);
  if (prepared < 0) return prepared;
  let ret = -EINVAL;
  // 4.
  let listenerFile = 0;
  if (wantListener) {
    listenerFile = initListener(k, prepared);
    if (listenerFile < 0) {
      seccompFilterFree(k, prepared);
      return listenerFile;
    }
  }
  // 5. Against execve's check_unsafe_exec..commit (I-SC7); killable because
  // de_thread() of a concurrent exec may kill us. S3 (spec 2g): not taken.
  const guard = signalOf(k, k.cur) + SIG_CRED_GUARD_MUTEX;
  let guarded = false;
  if (tsync && !k.mutant('S3')) {
    if (mutexLockKillable(k, guard, L.guard) === 0) guarded = true;
  }
  if (!tsync || guarded || k.mutant('S3')) {
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
      // listener_f->private_data = NULL; fput(): the file no longer puts the filter.
      Atomics.store(k.i32, deref(k, listenerFile) + FILE_OBJ, 0);
      kput(k, listenerFile, L.install);
    } else {
      const fd = fdInstall(k, listenerFile);
      if (fd < 0) kput(k, listenerFile, L.install);
      ret = fd;
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
