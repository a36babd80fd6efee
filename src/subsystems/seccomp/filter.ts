/**
 * struct seccomp_filter (kernel/seccomp.c): refcounted filters with
 * both `refs` (the slab refcount, S_REF) and `users` (SF_USERS), each
 * pointing at its `prev`, so every task's chain is a singly-linked list and
 * all chains together form a tree with edges toward the root.
 *
 *  - refs: +1 per directly attached task, +1 from a child filter's prev,
 *    +1 per listener file; reaching 0 frees the filter, iterating down prev
 *    (here: the cache's release hook puts prev).
 *  - users: +1 per directly attached task, +1 from a dependent filter;
 *    reaching 0 means no task can run the filter any more: the listener sees
 *    EPOLLHUP (__seccomp_filter_orphan, SF_ORPHANED). users <= refs.
 *
 * A "program" is reduced to what the selftests need: one syscall number
 * and the SECCOMP_RET_* value returned for it (RET_ALLOW for the rest), plus
 * the instruction count `len` for the size limits.
 */
import {
  CAP_SYS_ADMIN,
  capMask,
  deref,
  EACCES,
  EFAULT,
  EINVAL,
  ENOMEM,
  fetchAdd,
  invariant,
  kfree,
  kget,
  kmemCacheAlloc,
  kput,
  label,
  ld,
  loadOnce,
  loadPlain,
  Order,
  PFA_NO_NEW_PRIVS,
  setCacheRelease,
  smpRmb,
  st,
  storeOnce,
  storePlain,
  type Kernel,
} from '../../runtime/index.js';
import { C_BUMP, CRED_CAPS, HANDLE_GEN_MASK, handleCache, makeHandle, ObjState, S_GEN, S_STATE, T_ATOMIC_FLAGS, T_CRED } from '../../runtime/kernel/layout.js';
import { FileKind } from '../file/layout.js';
import { setFileRelease } from '../file/fdtable.js';
import { BPF_MAXINSNS } from './consts.js';
import { SF_ACTION, SF_HAS_LISTENER, SF_ID, SF_LEN, SF_LOG, SF_ORPHANED, SF_PREV, SF_SYSCALL, SF_USERS, seccomp } from './layout.js';
import { S5, S6 } from './mutants.js';

const L = {
  prepare: label('seccomp:2c.3:seccomp_prepare_filter'),
  get: label('seccomp:get_seccomp_filter'),
  orphan: label('seccomp:__seccomp_filter_orphan'),
  put: label('seccomp:__put_seccomp_filter'),
  free: label('seccomp:seccomp_filter_free'),
  ancestor: label('seccomp:is_ancestor'),
  listener: label('seccomp:seccomp_notify_release'),
};

/** struct sock_fprog, reduced: `nr` -> `ret`, every other syscall -> RET_ALLOW. NULL is `null`. */
export interface Prog {
  readonly len: number;
  /** Syscall number the program acts on (-1: none). */
  readonly nr: number;
  /** SECCOMP_RET_* (action | data) returned for `nr`. */
  readonly ret: number;
}

function fieldAddr(k: Kernel, f: number, field: number, what: string): number {
  return deref(k, f, what) + field;
}

// Checks and reports read filters without yield points: users as
// refcount_read() does (READ_ONCE), the fields that never change once the
// filter is attached (prev, id) plainly.

/** users of a live filter, without a yield point (checks and reports). */
export function usersOf(k: Kernel, f: number): number {
  return loadOnce(k, fieldAddr(k, f, SF_USERS, 'seccomp_filter->users'));
}

export function prevOf(k: Kernel, f: number): number {
  return loadPlain(k, fieldAddr(k, f, SF_PREV, 'seccomp_filter->prev'));
}

export function filterId(k: Kernel, f: number): number {
  return f === 0 ? 0 : loadPlain(k, fieldAddr(k, f, SF_ID, 'seccomp_filter->id'));
}

/** The chain from `f` down to the root (f first), without yield points. */
export function chainOf(k: Kernel, f: number): number[] {
  const out: number[] = [];
  for (let w = f; w !== 0; w = prevOf(k, w)) {
    out.push(w);
    if (out.length > 4096) throw k.fail(invariant(`seccomp filter chain from #${filterId(k, f)} does not end (a cycle?)`, 'I-SC4'));
  }
  return out;
}

/**
 * A filter's last refs reference: users must be gone (orphaned, EPOLLHUP
 * sent) before it is freed (I-SC4: users <= refs); then put prev, which is
 * how __put_seccomp_filter() iterates down the chain (`orig = orig->prev`,
 * a plain load: the last reference is gone).
 */
function filterRelease(k: Kernel, f: number): void {
  // Bound under an id that a later layout of this thread gave to another cache.
  if (handleCache(f) !== seccomp.cache.seccomp_filter) return;
  const a = deref(k, f, 'seccomp_filter');
  const users = loadOnce(k, a + SF_USERS);
  if (users !== 0) throw k.fail(invariant(`filter#${loadPlain(k, a + SF_ID)} freed with users = ${users} (refs reached 0 first)`, 'I-SC4'));
  const prev = loadPlain(k, a + SF_PREV);
  if (prev !== 0) kput(k, prev, L.put);
}

setCacheRelease('seccomp_filter', filterRelease);

// seccomp_notify_release(): the listener file drops its refs reference and
// detaches the notifier (seccomp_notify_detach(): filter->notif = NULL, a
// plain store under notify_lock), so a new listener may be attached again.
setFileRelease(FileKind.SECCOMP_LISTENER, (k, f) => {
  storePlain(k, fieldAddr(k, f, SF_HAS_LISTENER, 'seccomp_notify_release'), 0);
  putSeccompFilter(k, f, L.listener);
});

function taskNoNewPrivs(k: Kernel, slot = k.cur): boolean {
  return (k.tget(slot, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0;
}

/** security_capable(current_cred(), CAP_SYS_ADMIN): a committed cred never changes, a plain load. */
function capSysAdmin(k: Kernel): boolean {
  return (loadPlain(k, deref(k, k.tget(k.cur, T_CRED), 'current_cred()') + CRED_CAPS) & capMask(CAP_SYS_ADMIN)) !== 0;
}

/**
 * seccomp_prepare_user_filter() + seccomp_prepare_filter() (step 3 of
 * seccomp_set_mode_filter(), syscalls.ts), before any lock: a new filter
 * with refs = 1, users = 1, or -errno. Nothing else can reach it yet: the
 * program is written plainly, users with refcount_set() (atomic_set).
 */
export function seccompPrepareFilter(k: Kernel, prog: Prog | null): number {
  k.yieldPoint(L.prepare);
  // copy_from_user() of a NULL pointer: how user space detects flags.
  if (prog === null) return -EFAULT;
  if (prog.len === 0 || prog.len > BPF_MAXINSNS) return -EINVAL;
  // Installing a filter requires NNP or CAP_SYS_ADMIN in the user namespace.
  if (!taskNoNewPrivs(k) && !capSysAdmin(k)) return -EACCES;
  const f = kmemCacheAlloc(k, seccomp.cache.seccomp_filter, L.prepare);
  if (f === 0) return -ENOMEM;
  const a = deref(k, f);
  storeOnce(k, a + SF_USERS, 1);
  storePlain(k, a + SF_SYSCALL, prog.nr);
  storePlain(k, a + SF_ACTION, prog.ret);
  storePlain(k, a + SF_LEN, prog.len);
  // A report identity only (the kernel has none): nothing is ordered by it.
  storePlain(k, a + SF_ID, fetchAdd(k, seccomp.global.next_id, 1, Order.RELAXED) + 1);
  return f;
}

/**
 * force-add-2014's compose step: a copy of `src`'s program stacked on a
 * thread's own head `prev`, for that thread alone (refs = users = 1). The
 * thread's references on `prev` become the copy's prev link, so no count
 * changes there. Under siglock, and nothing can reach the copy before the
 * caller publishes it: plain stores, as for a prepared filter. The 2014
 * design cannot fail at this point; an exhausted cache is a harness limit.
 */
export function seccompStackCopy(k: Kernel, src: number, prev: number, lbl: number): number {
  k.yieldPoint(lbl);
  const f = kmemCacheAlloc(k, seccomp.cache.seccomp_filter, lbl);
  if (f === 0) throw new Error('seccomp_filter cache exhausted (force-add-2014 copy)');
  const s = deref(k, src, 'seccomp_filter (force-add-2014 source)');
  const a = deref(k, f);
  storeOnce(k, a + SF_USERS, 1);
  storePlain(k, a + SF_PREV, prev);
  // A filter never changes once attached: plain loads of the source's program.
  storePlain(k, a + SF_SYSCALL, loadPlain(k, s + SF_SYSCALL));
  storePlain(k, a + SF_ACTION, loadPlain(k, s + SF_ACTION));
  storePlain(k, a + SF_LEN, loadPlain(k, s + SF_LEN));
  storePlain(k, a + SF_LOG, loadPlain(k, s + SF_LOG));
  storePlain(k, a + SF_ID, fetchAdd(k, seccomp.global.next_id, 1, Order.RELAXED) + 1);
  return f;
}

/** seccomp_filter_free(): free a filter that was never attached (error paths), whatever its counts. */
export function seccompFilterFree(k: Kernel, f: number): void {
  kfree(k, f, L.free);
}

/** __get_seccomp_filter(): refs++. */
export function __getSeccompFilter(k: Kernel, f: number, lbl = L.get): void {
  kget(k, f, lbl);
}

/**
 * get_seccomp_filter(tsk): refs++ and users++ on tsk's head (a new user:
 * fork, TSYNC). Returns the head.
 */
export function getSeccompFilter(k: Kernel, slot: number, lbl = L.get): number {
  const f = k.tget(slot, seccomp.task.filter);
  if (f === 0) return 0;
  __getSeccompFilter(k, f, lbl);
  // S6: a refcount mistake, get_seccomp_filter() forgets users++
  // (the users count then runs ahead to 0 while tasks still run the filter).
  if (!k.mutant(S6)) {
    k.yieldPoint(lbl);
    // refcount_inc(): relaxed.
    fetchAdd(k, fieldAddr(k, f, SF_USERS, 'refcount_inc(&filter->users)'), 1, Order.RELAXED);
  }
  return f;
}

/**
 * __seccomp_filter_orphan(): users-- down the chain until one stays
 * non-zero; a filter reaching 0 can never run again, so its listener is
 * woken with EPOLLHUP.
 */
export function seccompFilterOrphan(k: Kernel, orig: number, lbl = L.orphan): void {
  while (orig !== 0) {
    k.yieldPoint(lbl);
    const a = fieldAddr(k, orig, SF_USERS, 'refcount_dec_and_test(&orig->users)');
    // refcount_dec_and_test(): release before the drop, acquire when it hits zero
    // (Documentation/core-api/refcount-vs-atomic.rst).
    const users = fetchAdd(k, a, -1, Order.RELEASE) - 1;
    if (users === 0) smpRmb(k);
    if (users < 0) throw k.fail(invariant(`refcount_t: underflow of users on filter#${filterId(k, orig)}`, 'I-SC4'));
    if (users !== 0) return;
    // wake_up_poll(&orig->wqh, EPOLLHUP)
    st(k, orig, SF_ORPHANED, 1, lbl);
    orig = ld(k, orig, SF_PREV, lbl);
  }
}

/** __put_seccomp_filter(): refs-- down the chain until one stays non-zero (the release hook frees and puts prev). */
export function putSeccompFilter(k: Kernel, orig: number, lbl = L.put): void {
  if (orig !== 0) kput(k, orig, lbl);
}

/** __seccomp_filter_release(): the orphan pass, then the put pass. */
export function __seccompFilterRelease(k: Kernel, orig: number, lbl = L.put): void {
  seccompFilterOrphan(k, orig, lbl);
  putSeccompFilter(k, orig, lbl);
}

/**
 * is_ancestor(parent, child): NULL is everybody's ancestor; otherwise walk
 * child's chain through prev looking for parent.
 */
export function isAncestor(k: Kernel, parent: number, child: number, lbl = L.ancestor): boolean {
  // S5: a NULL filter no longer counts as an ancestor, so threads
  // without a filter (and TSYNC on a first filter with siblings) fail.
  if (parent === 0) return !k.mutant(S5);
  for (let w = child; w !== 0; w = ld(k, w, SF_PREV, lbl)) {
    if (w === parent) return true;
  }
  return false;
}

/** The same predicate for checkers: no yield point, never mutated. */
export function isAncestorPeek(k: Kernel, parent: number, child: number): boolean {
  if (parent === 0) return true;
  return chainOf(k, child).includes(parent);
}

/** Instruction count of a live filter. */
export function filterLen(k: Kernel, f: number, lbl: number): number {
  return ld(k, f, SF_LEN, lbl);
}

export function markLog(k: Kernel, f: number, lbl: number): void {
  st(k, f, SF_LOG, 1, lbl);
}

/**
 * Every live seccomp_filter object in the slab (for the I-SC4 accounting).
 * The checks run at quiescent points (or on the harness after the
 * iteration): the slab's bookkeeping words are read plainly.
 */
export function liveFilters(k: Kernel): number[] {
  const c = k.L.cacheById[seccomp.cache.seccomp_filter]!;
  const out: number[] = [];
  const bump = loadPlain(k, c.ctl + C_BUMP);
  for (let s = 0; s < bump; s++) {
    const at = c.base + s * c.stride;
    if (loadPlain(k, at + S_STATE) !== ObjState.LIVE) continue;
    out.push(makeHandle(c.spec.id, loadPlain(k, at + S_GEN) & HANDLE_GEN_MASK, s));
  }
  return out;
}
