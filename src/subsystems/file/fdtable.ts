/**
 * A minimal file descriptor table per thread group (files_struct, shared by
 * CLONE_FILES threads): fds 3..10 refer to refcounted `file` objects, which
 * point at what the fd opened (a Landlock ruleset, a seccomp listener, or a
 * plain file for the -EBADFD case). The table is the `file` subsystem's
 * slice of signal_struct (layout.ts).
 *
 * lockstep has no files->file_lock: claiming a free fd and publishing the
 * file into it (alloc_fd() + fd_install()) is one cmpxchg, and reading and
 * clearing an fd under the lock (pick_file()) one fully ordered cmpxchg. A caller that must
 * know it has an fd before it can fail (seccomp's NEW_LISTENER) reserves one
 * first, as get_unused_fd_flags() does: the fd then holds FD_RESERVED, which
 * nobody else can claim and a lookup does not see, until fd_install() or
 * put_unused_fd().
 */
import {
  bug,
  cmpxchg,
  deref,
  EBADF,
  kget,
  kmemCacheAlloc,
  kput,
  label,
  loadAcquire,
  loadPlain,
  Order,
  setCacheRelease,
  signalOf,
  storePlain,
  storeRelease,
  xchg,
  type Kernel,
} from '../../runtime/index.js';
import { handleCache } from '../../runtime/kernel/layout.js';
import { EMFILE, FD_BASE, FD_RESERVED, FDTABLE_SIZE, file, FILE_KIND, FILE_MODE, FILE_OBJ } from './layout.js';

const L_FDGET = label('fdget');
const L_FDINSTALL = label('fd_install');

/** What a file's object needs on release (by file kind). */
const releases = new Map<number, (k: Kernel, obj: number) => void>();
export function setFileRelease(kind: number, fn: (k: Kernel, obj: number) => void): void {
  releases.set(kind, fn);
}

/**
 * __fput(): the last reference is gone, nobody else can reach the file, so
 * its fields are read plainly; the kind's release puts what it holds.
 */
function fileRelease(k: Kernel, h: number): void {
  // Bound under an id that a later layout of this thread gave to another cache.
  if (handleCache(h) !== file.cache.file) return;
  const a = deref(k, h);
  const obj = loadPlain(k, a + FILE_OBJ);
  const rel = releases.get(loadPlain(k, a + FILE_KIND));
  if (obj !== 0 && rel) rel(k, obj);
}

setCacheRelease('file', fileRelease);

/** Drop a reference to a file (fput()); the last one runs its kind's release. */
export function filePut(k: Kernel, f: number, lbl: number): void {
  kput(k, f, lbl);
}

// exit_files(): the last reference to a thread group's signal_struct closes its files.
setCacheRelease('signal_struct', (k, h) => closeAll(k, deref(k, h)));

/** Address of the calling thread group's fd slot `i`. */
function fdSlot(k: Kernel, i: number): number {
  return signalOf(k, k.cur) + file.signal.fdtable + i;
}

/**
 * alloc_fd() + fd_install(): put `f` (a file reference the caller owns) in
 * the lowest free fd. The file's fields were written before, plainly:
 * fd_install() publishes it with rcu_assign_pointer(), hence the release.
 * Returns the fd, or -EMFILE (the reference stays with the caller).
 */
export function fdInstall(k: Kernel, f: number): number {
  for (let i = 0; i < FDTABLE_SIZE; i++) {
    if (cmpxchg(k, fdSlot(k, i), 0, f, Order.RELEASE) === 0) return FD_BASE + i;
  }
  return -EMFILE;
}

/**
 * get_unused_fd_flags(): reserve the lowest free fd without a file yet
 * (alloc_fd() sets its bit in open_fds). Nothing is published, so the claim
 * needs no ordering of its own. Returns the fd or -EMFILE.
 */
export function getUnusedFd(k: Kernel): number {
  for (let i = 0; i < FDTABLE_SIZE; i++) {
    if (cmpxchg(k, fdSlot(k, i), 0, FD_RESERVED, Order.RELAXED) === 0) return FD_BASE + i;
  }
  return -EMFILE;
}

function reservedSlot(k: Kernel, fd: number, what: string): number {
  const i = fd - FD_BASE;
  const at = i >= 0 && i < FDTABLE_SIZE ? fdSlot(k, i) : -1;
  // Only the reserving task touches its reservation: a plain load.
  if (at < 0 || loadPlain(k, at) !== FD_RESERVED) throw k.fail(bug(`${what}(${fd}): fd ${fd} was not reserved by get_unused_fd_flags()`));
  return at;
}

/**
 * fd_install(fd, f) on an fd reserved by getUnusedFd(): cannot fail. The
 * file's fields were written before, plainly: rcu_assign_pointer(), hence
 * the release.
 */
export function fdInstallReserved(k: Kernel, fd: number, f: number): void {
  storeRelease(k, reservedSlot(k, fd, 'fd_install'), f);
}

/** put_unused_fd(): give a reservation back (the call that made it failed). */
export function putUnusedFd(k: Kernel, fd: number): void {
  storeRelease(k, reservedSlot(k, fd, 'put_unused_fd'), 0);
}

/** Initialise a new file's fields (not yet reachable: plain stores, as alloc_file() does). */
export function initFile(k: Kernel, f: number, kind: number, mode: number, obj: number): void {
  const a = deref(k, f);
  storePlain(k, a + FILE_KIND, kind);
  storePlain(k, a + FILE_MODE, mode);
  storePlain(k, a + FILE_OBJ, obj);
}

/** Create a file of `kind` holding `obj` (consumes one reference to obj); returns its fd or -errno. */
export function fdInstallNew(k: Kernel, kind: number, mode: number, obj: number): number {
  const f = kmemCacheAlloc(k, file.cache.file, L_FDINSTALL);
  if (f === 0) return -12;
  initFile(k, f, kind, mode, obj);
  const fd = fdInstall(k, f);
  if (fd < 0) filePut(k, f, L_FDINSTALL);
  return fd;
}

/**
 * files_lookup_fd_raw(): the file behind `fd` without a reference (0 if
 * none), read as __fget_files_rcu() does, with rcu_dereference(). For
 * checks by the group's own threads.
 */
export function filesLookupFdRaw(k: Kernel, fd: number): number {
  const i = fd - FD_BASE;
  if (i < 0 || i >= FDTABLE_SIZE) return 0;
  const f = loadAcquire(k, fdSlot(k, i));
  // A reserved fd has no file yet (fdt->fd[fd] is still NULL).
  return f === FD_RESERVED ? 0 : f;
}

/** fdget(): a new reference to the file behind `fd`, or 0 (-EBADF). */
export function fdget(k: Kernel, fd: number): number {
  k.yieldPoint(L_FDGET);
  const f = filesLookupFdRaw(k, fd);
  if (f === 0) return 0;
  return kget(k, f, L_FDGET);
}

// A file's kind, mode and object are set before it is installed and never
// change while it is reachable: plain loads.
export function fileKind(k: Kernel, f: number): number {
  return loadPlain(k, deref(k, f) + FILE_KIND);
}
export function fileMode(k: Kernel, f: number): number {
  return loadPlain(k, deref(k, f) + FILE_MODE);
}
export function fileObj(k: Kernel, f: number): number {
  return loadPlain(k, deref(k, f) + FILE_OBJ);
}

/** fput() of a reference taken by fdget(). */
export function fput(k: Kernel, f: number): void {
  filePut(k, f, L_FDGET);
}

/**
 * close(fd): pick_file() reads the fd and clears it with
 * rcu_assign_pointer(NULL) under files->file_lock; without the lock the
 * read and the clear are one fully ordered cmpxchg, so a concurrent install
 * or close of the same fd cannot be lost. A reserved fd has no file: EBADF,
 * and the reservation stays its owner's.
 */
export function closeFd(k: Kernel, fd: number): number {
  const i = fd - FD_BASE;
  if (i < 0 || i >= FDTABLE_SIZE) return -EBADF;
  const at = fdSlot(k, i);
  for (;;) {
    const f = loadAcquire(k, at);
    if (f === 0 || f === FD_RESERVED) return -EBADF;
    if (cmpxchg(k, at, f, 0, Order.FULL) !== f) continue;
    filePut(k, f, L_FDINSTALL);
    return 0;
  }
}

/**
 * Drop every open file of a thread group: close_files() (fs/file.c) clears
 * each fd with xchg(). The last thread is gone, so no reservation can be
 * outstanding; one would have no file to put.
 */
export function closeAll(k: Kernel, signalAddr: number): void {
  for (let i = 0; i < FDTABLE_SIZE; i++) {
    const f = xchg(k, signalAddr + file.signal.fdtable + i, 0, Order.FULL);
    if (f !== 0 && f !== FD_RESERVED) filePut(k, f, L_FDINSTALL);
  }
}
