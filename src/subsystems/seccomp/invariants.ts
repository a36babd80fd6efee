/**
 * seccomp TSYNC invariants I-SC1..I-SC7 (docs/SECCOMP.md, "Invariants").
 *
 * Online, inside the protocol:
 *  - I-SC1 / I-SC2 at step 11 of seccomp_set_mode_filter, still under
 *    siglock (verifyTsyncSuccess / verifyTsyncFailure);
 *  - I-SC3 in seccomp_sync_threads (a thread's own head must be in the chain
 *    it is given) and seccomp_assign_mode (modes only DISABLED -> FILTER);
 *  - I-SC4: users never underflow, a filter is never freed with users > 0;
 *  - I-SC5 in copy_seccomp (a new thread links with its parent's state);
 *  - I-SC6 at syscall entry (entry.ts);
 *  - I-SC7 in seccomp_sync_threads and at execve's commit (exec.ts).
 *
 * At quiescence: `checkFilterAccounting` (I-SC4: refs and users equal what
 * points at each filter; filter_count equals the chain length), called by
 * scenarios when nothing else can change seccomp state, and
 * `checkAfterIteration` from the harness.
 */
import {
  deref,
  EXIT_DEAD,
  invariant,
  label,
  loadOnce,
  loadPlain,
  lockSiglock,
  PF_EXITING,
  PFA_NO_NEW_PRIVS,
  refcount,
  spinLock,
  spinUnlock,
  threadsOf,
  unlockSiglock,
  type CheckContext,
  type Kernel,
} from '../../runtime/index.js';
import { kNextSlot, kTasklistLock, T_ATOMIC_FLAGS, T_EXIT_STATE, T_FLAGS, T_TGID } from '../../runtime/kernel/layout.js';
import { MODE_NAMES, SECCOMP_MODE_DEAD, SECCOMP_MODE_DISABLED, SECCOMP_MODE_FILTER } from './consts.js';
import { mayUnlock, pre611 } from './design.js';
import { chainOf, filterId, isAncestorPeek, liveFilters, prevOf, usersOf } from './filter.js';
import { SF_HAS_LISTENER, seccomp } from './layout.js';

const L_CHECK = label('seccomp:I-SC4 accounting');

/**
 * The invariant IDs seccomp (and exec's I-SC7) report. A failure's ID
 * crosses the SharedArrayBuffer as a label id; registering the texts here,
 * in every thread that loads seccomp (the harness included), lets the
 * harness print the ID a worker reported.
 */
export const SECCOMP_INVARIANTS = ['I-SC1', 'I-SC2', 'I-SC3', 'I-SC4', 'I-SC5', 'I-SC6', 'I-SC7'] as const;
for (const id of SECCOMP_INVARIANTS) label(id);

export interface ThreadState {
  readonly slot: number;
  readonly tid: number;
  readonly filter: number;
  readonly mode: number;
  readonly count: number;
  readonly nnp: boolean;
  readonly exiting: boolean;
}

function stateOf(k: Kernel, slot: number): ThreadState {
  return {
    slot,
    tid: k.tid(slot),
    filter: k.tget(slot, seccomp.task.filter),
    mode: k.tget(slot, seccomp.task.mode),
    count: k.tget(slot, seccomp.task.filter_count),
    nnp: (k.tget(slot, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0,
    exiting: (k.tget(slot, T_FLAGS) & PF_EXITING) !== 0,
  };
}

/** The seccomp state of every thread of the caller's group (no yield point). */
export function snapshotGroup(k: Kernel): ThreadState[] {
  return threadsOf(k, k.tget(k.cur, T_TGID)).map((s) => stateOf(k, s));
}

function ids(k: Kernel, f: number): string {
  return f === 0 ? 'NULL' : `[${chainOf(k, f).map((w) => filterId(k, w)).join(' -> ')}]`;
}

/**
 * I-SC1 (I-SC5 for a thread linked meanwhile without the new filter): TSYNC succeeded, so every
 * thread that is not exiting runs the caller's head, in FILTER mode, with
 * NNP if the caller has it and the same filter_count (/proc Seccomp_filters,
 * S11). Threads that killed themselves locklessly (SECCOMP_MODE_DEAD) are
 * on their way out. Caller holds siglock.
 */
export function verifyTsyncSuccess(k: Kernel, before: readonly ThreadState[]): void {
  const me = stateOf(k, k.cur);
  for (const t of snapshotGroup(k)) {
    if (t.slot === k.cur || t.exiting || t.mode === SECCOMP_MODE_DEAD) continue;
    const fail = (what: string, spec = 'I-SC1'): never => {
      throw k.fail(invariant(`TSYNC returned 0 but tid ${t.tid} ${what}`, spec));
    };
    if (t.filter !== me.filter) {
      // A thread linked while the call ran, and without the new filter, escaped it (I-SC5).
      const late = !before.some((b) => b.slot === t.slot);
      const escaped = late && !isAncestorPeek(k, me.filter, t.filter);
      fail(`${late ? '(created during the call) ' : ''}runs ${ids(k, t.filter)}, the caller ${ids(k, me.filter)}`, escaped ? 'I-SC5' : 'I-SC1');
    }
    if (t.mode !== SECCOMP_MODE_FILTER) fail(`is in seccomp mode ${MODE_NAMES[t.mode]}`);
    if (me.nnp && !t.nnp) fail('lacks no_new_privs although the caller has it');
    if (t.count !== me.count) fail(`has filter_count ${t.count}, the caller ${me.count} (/proc Seccomp_filters)`);
  }
}

/**
 * I-SC2: TSYNC failed (a TID or -ESRCH), so no thread's filter, mode or
 * filter_count changed, the caller's included, and a returned TID belongs
 * to a thread that failed the predicate. NNP is observed by the scenarios
 * (a thread may set its own NNP concurrently, without siglock).
 */
export function verifyTsyncFailure(k: Kernel, ret: number, before: readonly ThreadState[]): void {
  const now = snapshotGroup(k);
  for (const b of before) {
    const t = now.find((x) => x.slot === b.slot);
    if (!t) continue;
    if (t.mode === SECCOMP_MODE_DEAD && b.mode === SECCOMP_MODE_FILTER) continue; // killed itself meanwhile
    if (t.filter !== b.filter || t.mode !== b.mode || t.count !== b.count) {
      throw k.fail(
        invariant(
          `seccomp TSYNC failed (${ret}) but tid ${t.tid} changed: filter ${ids(k, b.filter)} -> ${ids(k, t.filter)}, mode ${MODE_NAMES[b.mode]} -> ${MODE_NAMES[t.mode]}, filter_count ${b.count} -> ${t.count}`,
          'I-SC2',
        ),
      );
    }
  }
  if (ret > 0) {
    const b = before.find((x) => x.tid === ret);
    const me = before.find((x) => x.slot === k.cur)!;
    const passes =
      b !== undefined &&
      (b.mode === SECCOMP_MODE_DISABLED || (b.mode === SECCOMP_MODE_FILTER && isAncestorPeek(k, b.filter, me.filter)));
    if (!b || passes) {
      throw k.fail(invariant(`seccomp TSYNC returned tid ${ret}, which ${b ? 'passes the ancestry/mode predicate' : 'is not a thread of the caller'}`, 'I-SC2'));
    }
  }
}

export interface AccountingOptions {
  /**
   * Online (tasks still running): a filter that no task and no filter
   * points at, with users = 1 and no prev, is a prepared filter of a
   * seccomp() call in progress, not a leak.
   */
  readonly online: boolean;
}

/**
 * I-SC4 over every live filter: refs = #tasks with head f + #live filters
 * with prev f + #listener files of f; users = #tasks with head f + #filters
 * with prev f that still have users; users <= refs; filter_count of every
 * task running a chain equals the chain's length. Returns the first
 * violation as text, or null.
 */
export function filterAccounting(k: Kernel, o: AccountingOptions): string | null {
  const filters = liveFilters(k);
  const heads = new Map<number, number[]>();
  const n = loadOnce(k, kNextSlot);
  for (let s = 1; s < n; s++) {
    const f = k.tget(s, seccomp.task.filter);
    if (f === 0) continue;
    heads.set(f, [...(heads.get(f) ?? []), k.tid(s)]);
    const mode = k.tget(s, seccomp.task.mode);
    const exiting = (k.tget(s, T_FLAGS) & PF_EXITING) !== 0;
    if (mode === SECCOMP_MODE_FILTER && !exiting) {
      const len = chainOf(k, f).length;
      const count = k.tget(s, seccomp.task.filter_count);
      if (count !== len) return `tid ${k.tid(s)} has filter_count ${count} but runs a chain of ${len} filters (/proc Seccomp_filters)`;
    }
  }
  for (const f of filters) {
    const refs = refcount(k, f);
    const users = usersOf(k, f);
    const children = filters.filter((g) => prevOf(k, g) === f);
    const tasks = heads.get(f) ?? [];
    const listener = loadPlain(k, deref(k, f) + SF_HAS_LISTENER) !== 0 ? 1 : 0;
    if (o.online && tasks.length === 0 && children.length === 0 && prevOf(k, f) === 0 && users === 1) continue;
    const wantRefs = tasks.length + children.length + listener;
    const wantUsers = tasks.length + children.filter((g) => usersOf(k, g) > 0).length;
    const who = `filter#${filterId(k, f)} (tasks ${tasks.length ? tasks.join(',') : 'none'}, ${children.length} child filter(s), ${listener} listener)`;
    if (refs !== wantRefs || users !== wantUsers) return `${who} has refs ${refs}, users ${users}; expected refs ${wantRefs}, users ${wantUsers}`;
    if (users > refs) return `${who} has users ${users} > refs ${refs}`;
  }
  return null;
}

/**
 * I-SC4 from inside a task at a quiescent point (the caller's siblings are
 * parked, nobody is exiting): tasklist_lock (release_task before 6.11) and
 * siglock (everything else) are held while counting.
 */
export function checkFilterAccounting(k: Kernel, where: string): void {
  spinLock(k, kTasklistLock, L_CHECK);
  lockSiglock(k, k.cur, L_CHECK);
  let err: string | null;
  try {
    err = filterAccounting(k, { online: true });
  } finally {
    if (mayUnlock(k)) {
      unlockSiglock(k, k.cur, L_CHECK);
      spinUnlock(k, kTasklistLock, L_CHECK);
    }
  }
  if (err !== null) throw k.fail(invariant(`${where}: ${err}`, 'I-SC4'));
}

/**
 * After the iteration (harness): every task is dead. Since 6.11 a task
 * releases its filter in do_exit, before 6.11 in release_task: a released
 * task still holding a filter has leaked it; then the accounting must hold
 * over whatever filters are left (zombies not reaped yet), and a filter no
 * task can reach any more must be gone (its listener saw EPOLLHUP).
 */
export function checkAfterIteration(c: CheckContext): void {
  const k = c.k;
  const late = pre611(k);
  for (const t of c.tasks()) {
    const s = k.slotOf(t.tid);
    const f = k.tget(s, seccomp.task.filter);
    if (f === 0) continue;
    const released = k.tget(s, T_EXIT_STATE) === EXIT_DEAD;
    if (released || !late) {
      c.fail(
        `tid ${t.tid} has exited (${released ? 'released' : 'zombie'}) but still holds filter#${filterId(k, f)} (refs ${refcount(k, f)}, users ${usersOf(k, f)}): assigned after seccomp_filter_release(), never put`,
        'I-SC4',
      );
      return;
    }
  }
  const err = filterAccounting(k, { online: false });
  if (err !== null) c.fail(`after the iteration: ${err}`, 'I-SC4');
}
