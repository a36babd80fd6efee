/**
 * LANDLOCK_RESTRICT_SELF_TSYNC (security/landlock/tsync.c): enforce the
 * caller's new Landlock configuration on every sibling thread, all or
 * nothing. lockstep names the steps of the protocol, and every yield point
 * carries its step's label:
 *
 *   landlock_restrict_sibling_threads() (the caller)
 *     S0 init the shared context     S1 take exec_update_lock (trylock)
 *     S2 discovery rounds: count_additional_threads(), tsync_works_grow_by(),
 *        schedule_task_work(), wait for all_prepared (cancel_tsync_works()
 *        when interrupted)
 *     S3 complete_all(ready_to_commit)   S4 wait for all_finished
 *     S5 tsync_works_release()   S6 release exec_update_lock
 *     S7 return preparation_error (the shared context goes with the stack frame)
 *   restrict_one_thread() (each sibling, in its own task_work)
 *     T1 prepare (re-wire to new_cred, or prepare_creds() + landlock_cred_copy())
 *     T2 num_preparing--   T3 wait for ready_to_commit   T4 read preparation_error
 *     T5 set no_new_privs  T6 commit_creds()             OUT num_unfinished--
 *
 * The planted bugs (mutants.ts) sit beside the code they break, each behind
 * `k.mutant(Ln)`. tsync.c has no barrier of its own: the completions and the
 * value-returning atomics (atomic_dec_return(), fully ordered) order it.
 *
 * The caller's `struct tsync_shared_context` lives on its kernel stack; here
 * it is a slab object freed (poisoned) when the function returns, so any
 * sibling access after that is a KASAN report (I-LL5).
 */
import {
  atomicDecReturn,
  atomicInc,
  atomicRead,
  atomicSet,
  CACHE,
  cmpxchg,
  completeAll,
  deref,
  downWriteKillable,
  downWriteTrylock,
  EINTR,
  ENOMEM,
  EOVERFLOW,
  ERESTARTNOINTR,
  ERESTARTSYS,
  ESRCH,
  fetchAdd,
  initCompletion,
  invariant,
  kasan,
  kfree,
  kmemCacheAlloc,
  label,
  ld,
  loadOnce,
  loadPlain,
  Order,
  PF_EXITING,
  PFA_NO_NEW_PRIVS,
  registerTaskWork,
  registerWaitResolver,
  reinitCompletion,
  restartSyscall,
  signalOf,
  st,
  storeOnce,
  storePlain,
  taskWorkAdd,
  taskWorkCancel,
  threadsOf,
  TWA_SIGNAL,
  upWrite,
  waitForCompletion,
  waitForCompletionInterruptible,
  type Kernel,
} from '../../runtime/index.js';
import {
  C_BUMP,
  CB_DATA,
  CB_FUNC,
  handleCache,
  makeHandle,
  ObjState,
  S_GEN,
  S_STATE,
  SIG_EXEC_UPDATE_LOCK,
  SLAB_HDR_WORDS,
  T_ATOMIC_FLAGS,
  T_FLAGS,
  T_TGID,
} from '../../runtime/kernel/layout.js';
import { abortCreds, commitCreds, currentCred, getCred, prepareCreds } from '../cred/cred.js';
import { landlockCredCopy } from './domain.js';
import { landlock } from './layout.js';
import { L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13A, L13B, L14, L15, L16, L18, L19, L20, L21, L22 } from './mutants.js';
import {
  TS_ALL_FINISHED,
  TS_ALL_PREPARED,
  TS_CALLER,
  TS_FINISHED_COUNT,
  TS_NEW_CRED,
  TS_NUM_PREPARING,
  TS_NUM_UNFINISHED,
  TS_OLD_CRED,
  TS_PREP_ERROR,
  TS_READY_TO_COMMIT,
  TS_S3_DONE,
  TS_SET_NNP,
  TW_CB,
  TW_SHARED,
  TW_STATE,
  TW_TASK,
  TWA_MAX,
} from './tsync-context.js';

// Step labels (see the header). Label texts are schedule identity: a seed log
// and a scheduleHash name them, so they do not change.
const L = {
  S0: label('tsync:S0:init shared'),
  S1: label('tsync:S1:down_write_trylock exec_update_lock'),
  S2count: label('tsync:S2:count_additional_threads'),
  S2grow: label('tsync:S2:tsync_works_grow_by'),
  S2prep: label('tsync:S2:num_preparing = 1'),
  S2sched: label('tsync:S2:schedule_task_work'),
  S2add: label('tsync:S2:task_work_add'),
  S2wait: label('tsync:S2:wait all_prepared'),
  S2cancel: label('tsync:S2:cancel_tsync_works'),
  S3: label('tsync:S3:complete_all ready_to_commit'),
  S4: label('tsync:S4:wait all_finished'),
  S5: label('tsync:S5:tsync_works_release'),
  S6: label('tsync:S6:up_write exec_update_lock'),
  S7: label('tsync:S7:return preparation_error'),
  T1: label('tsync:T1:prepare cred'),
  T2: label('tsync:T2:num_preparing--'),
  T3: label('tsync:T3:wait ready_to_commit'),
  T4: label('tsync:T4:read preparation_error'),
  T5: label('tsync:T5:set no_new_privs'),
  T6: label('tsync:T6:commit_creds'),
  OUT: label('tsync:OUT:num_unfinished--'),
};

/** tsync_work progress (TW_STATE), read by the wait-for graph. */
const QUEUED = 1;
const PREPARED = 2;
const FINISHED = 3;

function field(k: Kernel, shared: number, f: number, what: string): number {
  return deref(k, shared, what) + f;
}

/** atomic_dec_return on a counter of the shared context, with the I-LL6 check. */
function decCounter(k: Kernel, shared: number, f: number, lbl: number, what: string): number {
  const v = atomicDecReturn(k, field(k, shared, f, what), lbl);
  if (v < 0) throw k.fail(invariant(`${what} went negative (${v})`, 'I-LL6'));
  return v;
}

function completeAllFinished(k: Kernel, shared: number, lbl: number): void {
  atomicInc(k, field(k, shared, TS_FINISHED_COUNT, 'all_finished'), lbl);
  if (loadOnce(k, field(k, shared, TS_FINISHED_COUNT, 'all_finished')) > 1) {
    throw k.fail(invariant('num_unfinished reached 0 more than once', 'I-LL6'));
  }
  completeAll(k, field(k, shared, TS_ALL_FINISHED, 'complete_all(all_finished)'), lbl);
}

// ---------------------------------------------------------------------------
// Sibling side: restrict_one_thread() in the sibling's own task_work.
// ---------------------------------------------------------------------------

function restrictOneThread(k: Kernel, shared: number, work: number): void {
  // T1: prepare. A sibling that shares the caller's cred object takes the
  // caller's new cred (re-wiring: no allocation); any other prepares its own.
  const oldCred = ld(k, shared, TS_OLD_CRED, L.T1);
  const newCred = ld(k, shared, TS_NEW_CRED, L.T1);
  // I-LL4: no prepare after S3 unless the call has already failed (a work
  // dequeued before an interruption may start late; it will abort at T4).
  if (ld(k, shared, TS_S3_DONE, L.T1) !== 0 && ld(k, shared, TS_PREP_ERROR, L.T1) === 0) {
    throw k.fail(invariant(`tid ${k.curTid} prepares after the caller's S3 of a call that is committing`, 'I-LL4'));
  }
  let cred: number;
  if (currentCred(k) === oldCred || k.mutant(L14)) {
    // L14: re-wiring applied unconditionally hands a sibling with
    // other uid/caps the caller's whole cred, not just its Landlock state.
    cred = getCred(k, newCred, L.T1);
  } else {
    cred = prepareCreds(k, L.T1);
    if (cred === 0) {
      atomicSet(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), -ENOMEM, L.T1);
      if (decCounter(k, shared, TS_NUM_PREPARING, L.T2, 'num_preparing') === 0) {
        completeAll(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.T2);
      }
      finish(k, shared, work);
      return;
    }
    landlockCredCopy(k, cred, newCred, L.T1);
  }
  // L15: reading the error before the ready_to_commit barrier lets this
  // sibling commit although another one fails later.
  const earlyError = k.mutant(L15) ? atomicRead(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), L.T1) : 0;

  // T2: prepared.
  if (decCounter(k, shared, TS_NUM_PREPARING, L.T2, 'num_preparing') === 0) {
    completeAll(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.T2);
  }
  st(k, work, TW_STATE, PREPARED, L.T2);

  // T3: wait for the caller's go, uninterruptibly (D state): the shared
  // context lives on the caller's stack and the decision is all or nothing.
  if (k.mutant(L18)) {
    // L18: an interruptible wait lets a signal end it early.
    waitForCompletionInterruptible(k, field(k, shared, TS_READY_TO_COMMIT, 'ready_to_commit'), L.T3);
  } else {
    waitForCompletion(k, field(k, shared, TS_READY_TO_COMMIT, 'ready_to_commit'), L.T3);
  }
  if (ld(k, shared, TS_S3_DONE, L.T4) === 0) {
    throw k.fail(invariant(`tid ${k.curTid} passed T3 before the caller executed S3`, 'I-LL4'));
  }

  // T4: the error is final now.
  const setNnp = ld(k, shared, TS_SET_NNP, L.T4) !== 0;
  if (k.mutant(L13A) && setNnp) {
    // L13A: NNP set before the error check survives a failed call.
    k.tor(k.cur, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
  }
  const err = k.mutant(L15) ? earlyError : atomicRead(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), L.T4);
  if (err !== 0) {
    abortCreds(k, cred, L.T4);
    finish(k, shared, work);
    return;
  }
  // T5: NNP iff the caller had it. L13B: never set it.
  k.yieldPoint(L.T5);
  if (setNnp && !k.mutant(L13B)) k.tor(k.cur, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
  // T6
  commitCreds(k, cred, L.T6);
  finish(k, shared, work);
}

function finish(k: Kernel, shared: number, work: number): void {
  st(k, work, TW_STATE, FINISHED, L.OUT);
  if (decCounter(k, shared, TS_NUM_UNFINISHED, L.OUT, 'num_unfinished') === 0) completeAllFinished(k, shared, L.OUT);
}

/** restrict_one_thread_callback(): container_of(work) -> the tsync_work -> its shared context. */
const RESTRICT_ONE_THREAD = registerTaskWork('landlock:restrict_one_thread_callback', (k, _cb, work) => {
  const shared = ld(k, work, TW_SHARED, L.T1);
  restrictOneThread(k, shared, work);
});

// ---------------------------------------------------------------------------
// struct tsync_works: a growable array of pointers to individually
// allocated works (they must not move once queued; L12 breaks that).
// ---------------------------------------------------------------------------

class TsyncWorks {
  /** Handle of the pointer array (tsync_works_array), or 0. */
  arr = 0;
  size = 0;
  capacity = 0;
  constructor(private readonly k: Kernel) {}

  // The works array is the caller's own: plain accesses.
  at(i: number): number {
    return loadPlain(this.k, deref(this.k, this.arr, 'works->works') + i);
  }
  private set(i: number, v: number): void {
    storePlain(this.k, deref(this.k, this.arr, 'works->works') + i, v);
  }

  /** Allocate one tsync_work with its embedded callback_head (one kzalloc in the kernel). */
  private allocWork(): number {
    const k = this.k;
    const w = kmemCacheAlloc(k, landlock.cache.tsync_work, L.S2grow);
    if (w === 0) return 0;
    const cb = kmemCacheAlloc(k, CACHE.callback_head, L.S2grow);
    if (cb === 0) {
      kfree(k, w, L.S2grow);
      return 0;
    }
    storePlain(k, deref(k, cb) + CB_DATA, w);
    storePlain(k, deref(k, w) + TW_CB, cb);
    return w;
  }

  private freeWork(w: number): void {
    const k = this.k;
    kfree(k, ld(k, w, TW_CB, L.S5), L.S5);
    kfree(k, w, L.S5);
  }

  /** tsync_works_grow_by(): room for n more works. 0, -ENOMEM or -EOVERFLOW. */
  growBy(n: number): number {
    const k = this.k;
    // L11 (v2): growing to capacity + n instead of size + n.
    const newCapacity = k.mutant(L11) ? this.capacity + n : this.size + n;
    if (newCapacity > TWA_MAX) return -EOVERFLOW;
    if (newCapacity <= this.capacity) return 0;
    // krealloc_array(): a new pointer array, the old pointers copied over.
    const arr = kmemCacheAlloc(k, landlock.cache.tsync_works_array, L.S2grow);
    if (arr === 0) return -ENOMEM;
    if (this.arr !== 0) {
      for (let i = 0; i < this.capacity; i++) storePlain(k, deref(k, arr) + i, this.at(i));
      kfree(k, this.arr, L.S2grow);
    }
    this.arr = arr;
    if (k.mutant(L12)) {
      // L12: a flat array of structs; krealloc moves the works,
      // including callback_heads already queued on siblings.
      for (let i = 0; i < this.size; i++) {
        const moved = this.allocWork();
        if (moved === 0) return -ENOMEM;
        const old = this.at(i);
        const oa = deref(k, old);
        const na = deref(k, moved);
        for (const f of [TW_TASK, TW_SHARED, TW_STATE]) storePlain(k, na + f, loadPlain(k, oa + f));
        this.freeWork(old);
        this.set(i, moved);
      }
    }
    for (let i = this.capacity; i < newCapacity; i++) {
      const w = this.allocWork();
      if (w === 0) {
        if (k.mutant(L11)) {
          // L11: IS_ERR() on a kzalloc result misses the NULL: the
          // NULL is stored and later used as a work.
          this.set(i, 0);
          continue;
        }
        // Leave the array consistent, but report the error.
        this.capacity = i;
        return -ENOMEM;
      }
      this.set(i, w);
    }
    this.capacity = newCapacity;
    return 0;
  }

  /** tsync_works_provide(): the next preallocated work, bound to `tid`; null if none is left. */
  provide(tid: number): number | null {
    if (this.size >= this.capacity) return null;
    const w = this.at(this.size);
    this.size++;
    st(this.k, w, TW_TASK, tid, L.S2sched); // get_task_struct(); a NULL work (L11) faults here
    return w;
  }

  /** tsync_works_trim(): give back the last provided work after task_work_add() failed. */
  trim(w: number): void {
    st(this.k, w, TW_TASK, 0, L.S2add);
    st(this.k, w, TW_SHARED, 0, L.S2add);
    this.size--;
  }

  contains(tid: number): boolean {
    for (let i = 0; i < this.size; i++) {
      const w = this.at(i);
      if (w !== 0 && loadPlain(this.k, deref(this.k, w) + TW_TASK) === tid) return true;
    }
    return false;
  }

  /** tsync_works_release(): drop task references, free every work and the array. */
  release(): void {
    const k = this.k;
    for (let i = 0; i < this.capacity; i++) {
      const w = this.at(i);
      if (w !== 0) this.freeWork(w);
    }
    if (this.arr !== 0) kfree(k, this.arr, L.S5);
    this.arr = 0;
    this.size = 0;
    this.capacity = 0;
  }
}

// ---------------------------------------------------------------------------
// Caller side.
// ---------------------------------------------------------------------------

function isExiting(k: Kernel, slot: number): boolean {
  return (k.tget(slot, T_FLAGS) & PF_EXITING) !== 0;
}

/** count_additional_threads(): siblings not yet in `works` (RCU walk). */
function countAdditionalThreads(k: Kernel, works: TsyncWorks): number {
  k.yieldPoint(L.S2count);
  let n = 0;
  for (const t of threadsOf(k, k.tget(k.cur, T_TGID))) {
    if (t === k.cur) continue;
    // L16: not skipping PF_EXITING threads.
    if (isExiting(k, t) && !k.mutant(L16)) continue;
    if (works.contains(k.tid(t))) continue;
    n++;
  }
  return n;
}

/** schedule_task_work(): queue a work on every new sibling; true if any sibling was found. */
function scheduleTaskWork(k: Kernel, works: TsyncWorks, shared: number): boolean {
  k.yieldPoint(L.S2sched);
  let foundMore = false;
  for (const t of threadsOf(k, k.tget(k.cur, T_TGID))) {
    if (t === k.cur) continue;
    if (isExiting(k, t) && !k.mutant(L16)) continue;
    if (works.contains(k.tid(t))) continue;
    foundMore = true;
    const w = works.provide(k.tid(t));
    if (w === null) break; // threads appeared since the count: another round
    st(k, w, TW_SHARED, shared, L.S2sched);
    atomicInc(k, field(k, shared, TS_NUM_PREPARING, 'num_preparing'), L.S2sched);
    atomicInc(k, field(k, shared, TS_NUM_UNFINISHED, 'num_unfinished'), L.S2sched);
    const cb = ld(k, w, TW_CB, L.S2add);
    storePlain(k, deref(k, cb) + CB_FUNC, RESTRICT_ONE_THREAD); // init_task_work()
    st(k, w, TW_STATE, QUEUED, L.S2add);
    const err = taskWorkAdd(k, t, cb, TWA_SIGNAL, L.S2add);
    if (err !== 0) {
      // The sibling is past exit_task_work(): it raced into exit. Not an error.
      if (k.mutant(L4) || k.mutant(L16)) {
        // L4 / L16: recording it as the call's error.
        atomicSet(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), -ESRCH, L.S2add);
      }
      if (k.mutant(L10)) {
        // L10 (rc1): NULL the task but keep the slot counted.
        st(k, w, TW_TASK, 0, L.S2add);
        st(k, w, TW_STATE, FINISHED, L.S2add);
      } else {
        st(k, w, TW_STATE, 0, L.S2add);
        works.trim(w);
      }
      decCounter(k, shared, TS_NUM_PREPARING, L.S2add, 'num_preparing');
      decCounter(k, shared, TS_NUM_UNFINISHED, L.S2add, 'num_unfinished');
    }
  }
  checkWorks(k, works);
  return foundMore;
}

/** I-LL7, online: size <= capacity, no sibling twice, no NULL task in mainline. */
function checkWorks(k: Kernel, works: TsyncWorks): void {
  if (works.size > works.capacity) throw k.fail(invariant(`works.size ${works.size} > capacity ${works.capacity}`, 'I-LL7'));
  const seen = new Set<number>();
  for (let i = 0; i < works.size; i++) {
    const w = works.at(i);
    if (w === 0) continue; // L11's NULL: caught where it is used
    const tid = loadPlain(k, deref(k, w) + TW_TASK);
    if (tid === 0) {
      if (k.mutant(L10)) continue; // its crash comes at cancel time
      throw k.fail(invariant(`works[${i}] has a NULL task`, 'I-LL7'));
    }
    if (seen.has(tid)) throw k.fail(invariant(`tid ${tid} queued twice in one call`, 'I-LL7'));
    seen.add(tid);
  }
}

/** cancel_tsync_works(): cancel what is still queued and account for it as if it had run. */
function cancelTsyncWorks(k: Kernel, works: TsyncWorks, shared: number): void {
  for (let i = 0; i < works.size; i++) {
    const w = works.at(i);
    if (w === 0) throw k.fail(kasan('NULL dereference: cancel_tsync_works on a NULL work (works array entry)'));
    const tid = ld(k, w, TW_TASK, L.S2cancel);
    if (tid === 0) {
      // What the L10 code does next: task_work_cancel(NULL, ...).
      throw k.fail(kasan('NULL dereference: task_work_cancel(NULL, ...) on a trimmed work whose slot was kept (L10)', 'L10'));
    }
    if (!taskWorkCancel(k, k.slotOf(tid), ld(k, w, TW_CB, L.S2cancel), L.S2cancel)) continue;
    // The work will not run: act as if it had (the wait-for graph no longer
    // counts it either).
    st(k, w, TW_STATE, FINISHED, L.S2cancel);
    if (decCounter(k, shared, TS_NUM_PREPARING, L.S2cancel, 'num_preparing') === 0) {
      completeAll(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.S2cancel);
    }
    // L21: the cancelled work stays counted in num_unfinished, so the
    // caller's S4 wait for all_finished never ends.
    if (k.mutant(L21)) continue;
    if (decCounter(k, shared, TS_NUM_UNFINISHED, L.S2cancel, 'num_unfinished') === 0) completeAllFinished(k, shared, L.S2cancel);
  }
}

/**
 * landlock_restrict_sibling_threads(old_cred, new_cred): 0, or the error
 * that aborts the whole call (every sibling aborted too). `forceNnp`:
 * LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS asks for NNP on every thread even if
 * the caller does not have it yet.
 */
export function landlockRestrictSiblingThreads(k: Kernel, oldCred: number, newCred: number, forceNnp = false): number {
  // S0: the shared context on our stack; no sibling sees it before
  // task_work_add() publishes it, so plain stores (and atomic_set()).
  k.yieldPoint(L.S0);
  const shared = kmemCacheAlloc(k, landlock.cache.tsync_shared_context, L.S0);
  if (shared === 0) throw new Error('tsync_shared_context cache exhausted');
  const sa = deref(k, shared);
  storePlain(k, sa + TS_OLD_CRED, oldCred);
  storePlain(k, sa + TS_NEW_CRED, newCred);
  storePlain(k, sa + TS_SET_NNP, forceNnp || (k.tget(k.cur, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0 ? 1 : 0);
  storePlain(k, sa + TS_CALLER, k.curTid);
  // L3 (v2): no caller token in num_unfinished (see S4).
  storeOnce(k, sa + TS_NUM_UNFINISHED, k.mutant(L3) ? 0 : 1);
  initCompletion(k, sa + TS_ALL_PREPARED);
  initCompletion(k, sa + TS_READY_TO_COMMIT);
  initCompletion(k, sa + TS_ALL_FINISHED);
  const sig = signalOf(k, k.cur);
  const lock = sig + SIG_EXEC_UPDATE_LOCK;
  // S1: serialise concurrent TSYNC calls of this process.
  if (!k.mutant(L7) && !k.mutant(L5)) {
    if (k.mutant(L8)) {
      // L8 (fix v1/v2): a killable down_write. The loser sleeps
      // here and never returns to user mode to run the winner's task_work.
      if (downWriteKillable(k, lock, L.S1) !== 0) {
        kfree(k, shared, L.S1);
        return -EINTR;
      }
    } else if (!downWriteTrylock(k, lock, L.S1)) {
      kfree(k, shared, L.S1);
      // L9 (fix v3): -ERESTARTNOINTR without TIF_SIGPENDING leaks to user space.
      return k.mutant(L9) ? -ERESTARTNOINTR : restartSyscall(k);
    }
  }
  // I-LL8 instrumentation: TSYNC calls of this process inside S2..S5 (not
  // kernel code, and not a yield point: it must not perturb the schedule).
  const activeAt = sig + landlock.signal.tsync_active;
  const maxAt = sig + landlock.signal.tsync_max;
  const active = fetchAdd(k, activeAt, 1, Order.FULL) + 1;
  for (;;) {
    const m = loadOnce(k, maxAt);
    if (active <= m || cmpxchg(k, maxAt, m, active, Order.FULL) === m) break;
  }

  const works = new TsyncWorks(k);
  // S2: discovery, repeated until a round finds no new thread.
  let foundMore = false;
  do {
    const n = countAdditionalThreads(k, works);
    if (n === 0) break;
    const err = works.growBy(n);
    if (err !== 0) {
      atomicSet(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), err, L.S2grow);
      break;
    }
    // L2: no caller token in num_preparing.
    atomicSet(k, field(k, shared, TS_NUM_PREPARING, 'num_preparing'), k.mutant(L2) ? 0 : 1, L.S2prep);
    reinitCompletion(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.S2prep);
    foundMore = scheduleTaskWork(k, works, shared);
    const pending = k.mutant(L2)
      ? atomicRead(k, field(k, shared, TS_NUM_PREPARING, 'num_preparing'), L.S2wait)
      : decCounter(k, shared, TS_NUM_PREPARING, L.S2wait, 'num_preparing');
    if (pending > 0) {
      if (k.mutant(L5)) {
        // L5 (v2): uninterruptible; two concurrent callers wait on each other forever.
        waitForCompletion(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.S2wait);
      } else if (waitForCompletionInterruptible(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.S2wait) !== 0) {
        // Interrupted (a signal, or a competing TSYNC's task_work): retry the
        // syscall. -ERESTARTNOINTR is restarted whatever the handler's flags;
        // L19's -EINTR reaches user space, and L20's -ERESTARTSYS is
        // restarted only under SA_RESTART (tsync_test.c installs its
        // handler with sa_flags = 0). The error also makes every sibling
        // that prepared abort at T4; L22 forgets it, so those commit.
        if (!k.mutant(L22)) {
          const restart = k.mutant(L19) ? -EINTR : k.mutant(L20) ? -ERESTARTSYS : -ERESTARTNOINTR;
          atomicSet(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), restart, L.S2cancel);
        }
        cancelTsyncWorks(k, works, shared);
        if (k.mutant(L6)) {
          // L6 (rc1): wait for works that were dequeued but not started.
          waitForCompletion(k, field(k, shared, TS_ALL_PREPARED, 'all_prepared'), L.S2cancel);
        } else {
          break;
        }
      }
    }
    // L1: a single discovery pass.
    if (k.mutant(L1)) break;
  } while (foundMore && atomicRead(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), L.S2count) === 0);

  // S3: release every prepared sibling (commit or abort).
  atomicSet(k, field(k, shared, TS_S3_DONE, 'S3'), 1, L.S3);
  completeAll(k, field(k, shared, TS_READY_TO_COMMIT, 'ready_to_commit'), L.S3);

  // S4: wait for every sibling to finish (uninterruptible: the context is on our stack).
  if (k.mutant(L3)) {
    // L3 (v2, restrict_sibling_threads() in syscalls.c): no caller token,
    // and the wait is gated on `works.size`, not on the counter. Without
    // the token num_unfinished can reach 0 while works are still being
    // queued: a first sibling that fails prepare_creds() skips T3 and
    // completes all_finished before the second is queued. That completion
    // stays done, so this wait returns while the later siblings still use
    // the shared context (I-LL5; or I-LL6 if one of them finishes first
    // and brings num_unfinished to 0 a second time).
    if (works.size > 0) waitForCompletion(k, field(k, shared, TS_ALL_FINISHED, 'all_finished'), L.S4);
  } else if (decCounter(k, shared, TS_NUM_UNFINISHED, L.S4, 'num_unfinished') > 0) {
    waitForCompletion(k, field(k, shared, TS_ALL_FINISHED, 'all_finished'), L.S4);
  } else {
    completeAllFinishedIfZero(k, shared);
  }

  // S5
  k.yieldPoint(L.S5);
  works.release();
  fetchAdd(k, activeAt, -1, Order.RELAXED);
  // S6
  if (!k.mutant(L7) && !k.mutant(L5)) upWrite(k, lock, L.S6);
  // S7: read the result, then the stack frame (and the shared context) is gone.
  const err = atomicRead(k, field(k, shared, TS_PREP_ERROR, 'preparation_error'), L.S7);
  kfree(k, shared, L.S7);
  return err;
}

/** The caller's own token brought num_unfinished to 0: count that completion for I-LL6. */
function completeAllFinishedIfZero(k: Kernel, shared: number): void {
  atomicInc(k, field(k, shared, TS_FINISHED_COUNT, 'all_finished'), L.S4);
  if (loadOnce(k, field(k, shared, TS_FINISHED_COUNT, 'all_finished')) > 1) {
    throw k.fail(invariant('num_unfinished reached 0 more than once', 'I-LL6'));
  }
}

// ---------------------------------------------------------------------------
// Wait-for graph: who can complete each of the shared context's completions.
// The graph reads words that running tasks may be writing: READ_ONCE loads.
// ---------------------------------------------------------------------------

function sharedHandleOf(k: Kernel, addr: number): number {
  const c = k.L.cacheById[landlock.cache.tsync_shared_context]!;
  const slot = Math.floor((addr - c.base) / c.stride);
  const gen = loadOnce(k, c.base + slot * c.stride + S_GEN);
  return makeHandle(c.spec.id, gen, slot);
}

/** Tids of siblings whose work for `shared` is queued (below `upTo`) and not yet past that stage. */
function worksBelow(k: Kernel, shared: number, upTo: number): number[] {
  const c = k.L.cacheById[landlock.cache.tsync_work]!;
  const out: number[] = [];
  const bump = loadOnce(k, c.ctl + C_BUMP);
  for (let s = 0; s < bump; s++) {
    const a = c.base + s * c.stride + SLAB_HDR_WORDS;
    if (loadOnce(k, c.base + s * c.stride + S_STATE) !== ObjState.LIVE) continue;
    if (loadOnce(k, a + TW_SHARED) !== shared) continue;
    const state = loadOnce(k, a + TW_STATE);
    const tid = loadOnce(k, a + TW_TASK);
    if (state >= QUEUED && state < upTo && tid !== 0) out.push(tid);
  }
  return out;
}

registerWaitResolver('tsync_shared_context#', (k, _slot, obj) => {
  const shared = sharedHandleOf(k, obj);
  if (handleCache(shared) !== landlock.cache.tsync_shared_context) return null;
  const off = obj - (deref(k, shared) as number);
  if (off === TS_ALL_PREPARED) return { releasers: worksBelow(k, shared, PREPARED), why: 'siblings whose task_work has not prepared yet' };
  if (off === TS_READY_TO_COMMIT) return { releasers: [loadOnce(k, deref(k, shared) + TS_CALLER)], why: 'the TSYNC caller (S3)' };
  if (off === TS_ALL_FINISHED) return { releasers: worksBelow(k, shared, FINISHED), why: 'siblings whose task_work has not finished' };
  return null;
});
