/**
 * A minimal file descriptor table per thread group (files_struct, shared by
 * CLONE_FILES threads): fds 3..10 refer to refcounted `file` objects, which
 * point at what the fd opened (a Landlock ruleset, or a plain file for the
 * -EBADFD case).
 */
import { CACHE, deref, EBADF, kget, kmemCacheAlloc, kput, label, setCacheRelease, signalOf, type Kernel } from '../../runtime/index.js';
import { FD_BASE, FDTABLE_SIZE, FILE_KIND, FILE_MODE, FILE_OBJ, SIG_FDTABLE } from '../../runtime/kernel/layout.js';

const L_FDGET = label('fdget');
const L_FDINSTALL = label('fd_install');

/** What a file's object needs on release (by file kind). */
const releases = new Map<number, (k: Kernel, obj: number) => void>();
export function setFileRelease(kind: number, fn: (k: Kernel, obj: number) => void): void {
  releases.set(kind, fn);
}

setCacheRelease(CACHE.file, (k, h) => {
  const a = deref(k, h);
  const obj = Atomics.load(k.i32, a + FILE_OBJ);
  const rel = releases.get(Atomics.load(k.i32, a + FILE_KIND));
  if (obj !== 0 && rel) rel(k, obj);
});

// exit_files(): the last reference to a thread group's signal_struct closes its files.
setCacheRelease(CACHE.signal_struct, (k, h) => closeAll(k, deref(k, h)));

/** Create a file of `kind` holding `obj` (consumes one reference to obj); returns its fd or -errno. */
export function fdInstallNew(k: Kernel, kind: number, mode: number, obj: number): number {
  const f = kmemCacheAlloc(k, CACHE.file, L_FDINSTALL);
  if (f === 0) return -12;
  const a = deref(k, f);
  Atomics.store(k.i32, a + FILE_KIND, kind);
  Atomics.store(k.i32, a + FILE_MODE, mode);
  Atomics.store(k.i32, a + FILE_OBJ, obj);
  const table = signalOf(k, k.cur) + SIG_FDTABLE;
  for (let i = 0; i < FDTABLE_SIZE; i++) {
    if (Atomics.compareExchange(k.i32, table + i, 0, f) === 0) return FD_BASE + i;
  }
  kput(k, f, L_FDINSTALL);
  return -24; // EMFILE
}

/** fdget(): a new reference to the file behind `fd`, or 0 (-EBADF). */
export function fdget(k: Kernel, fd: number): number {
  k.yieldPoint(L_FDGET);
  const i = fd - FD_BASE;
  if (i < 0 || i >= FDTABLE_SIZE) return 0;
  const table = signalOf(k, k.cur) + SIG_FDTABLE;
  const f = Atomics.load(k.i32, table + i);
  if (f === 0) return 0;
  return kget(k, f, L_FDGET);
}

export function fileKind(k: Kernel, f: number): number {
  return Atomics.load(k.i32, deref(k, f) + FILE_KIND);
}
export function fileMode(k: Kernel, f: number): number {
  return Atomics.load(k.i32, deref(k, f) + FILE_MODE);
}
export function fileObj(k: Kernel, f: number): number {
  return Atomics.load(k.i32, deref(k, f) + FILE_OBJ);
}

export function fput(k: Kernel, f: number): void {
  kput(k, f, L_FDGET);
}

/** close(fd). */
export function closeFd(k: Kernel, fd: number): number {
  const i = fd - FD_BASE;
  if (i < 0 || i >= FDTABLE_SIZE) return -EBADF;
  const table = signalOf(k, k.cur) + SIG_FDTABLE;
  const f = Atomics.exchange(k.i32, table + i, 0);
  if (f === 0) return -EBADF;
  kput(k, f, L_FDINSTALL);
  return 0;
}

/** Drop every open file of a thread group (exit_files of the last thread). */
export function closeAll(k: Kernel, signalAddr: number): void {
  for (let i = 0; i < FDTABLE_SIZE; i++) {
    const f = Atomics.exchange(k.i32, signalAddr + SIG_FDTABLE + i, 0);
    if (f !== 0) kput(k, f, L_FDINSTALL);
  }
}
