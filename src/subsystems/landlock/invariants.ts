/**
 * Landlock TSYNC invariants I-LL1..I-LL10 (docs/LANDLOCK.md, "Invariants"),
 * as checks a scenario runs right after landlock_restrict_self() returns in
 * the caller (online, while every sibling is still alive) and after the
 * iteration.
 *
 * Online inside the protocol (tsync.ts): I-LL4 (no T4 before S3, no
 * prepare after S3), I-LL6 (counters never negative, all_finished once),
 * I-LL7 (works bookkeeping). I-LL5 is KASAN's: the shared context is freed
 * when the caller returns. I-LL8 is counted per thread group and checked
 * after the iteration; I-LL9 is the watchdog's (deadlock / hang).
 */
import { EINTR, ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, invariant, label, PF_EXITING, PFA_NO_NEW_PRIVS, threadsOf, type Kernel } from '../../runtime/index.js';
import { T_ATOMIC_FLAGS, T_FLAGS, T_TGID } from '../../runtime/kernel/layout.js';
import { credUid, getTaskCred, putCred } from '../cred/cred.js';
import { landlockCred, type LandlockCred } from './domain.js';

/**
 * A failure names its invariant by label id (the SAB holds numbers): every
 * thread that loads Landlock registers the ids, so that the harness can print
 * the "I-LL4" a worker reported.
 */
export const LANDLOCK_INVARIANTS: readonly string[] = Array.from({ length: 10 }, (_, i) => `I-LL${i + 1}`);
for (const id of LANDLOCK_INVARIANTS) label(id);

const RESTART_CODES: readonly number[] = [ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND];

export interface ThreadSnap {
  readonly tid: number;
  readonly cred: number;
  readonly nnp: boolean;
  readonly uid: number;
  readonly ll: LandlockCred;
}

function nnpOf(k: Kernel, slot: number): boolean {
  return (k.tget(slot, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0;
}

function snapOne(k: Kernel, slot: number): ThreadSnap | null {
  const c = getTaskCred(k, slot);
  if (c === 0) return null; // released meanwhile
  try {
    return { tid: k.tid(slot), cred: c, nnp: nnpOf(k, slot), uid: credUid(k, c), ll: landlockCred(k, c) };
  } finally {
    putCred(k, c);
  }
}

/** Every live, non-exiting thread of the caller's process, with its cred and NNP. */
export function snapshotThreads(k: Kernel): ThreadSnap[] {
  const out: ThreadSnap[] = [];
  for (const s of threadsOf(k, k.tget(k.cur, T_TGID))) {
    if ((k.tget(s, T_FLAGS) & PF_EXITING) !== 0) continue;
    const snap = snapOne(k, s);
    if (snap) out.push(snap);
  }
  return out;
}

export interface RestrictCall {
  readonly ret: number;
  readonly tsync: boolean;
  /** NNP must hold everywhere after success (caller had it, or the NO_NEW_PRIVS flag). */
  readonly wantNnp: boolean;
  readonly before: readonly ThreadSnap[];
}

/**
 * I-LL1, I-LL2, I-LL3, I-LL10 at the moment the syscall returned, from the
 * caller's point of view. Throws the first violation as a KernelFailure.
 */
export function verifyRestrict(k: Kernel, call: RestrictCall): void {
  const fail = (msg: string, spec: string): never => {
    throw k.fail(invariant(msg, spec));
  };
  // An interrupted TSYNC is restarted (-ERESTARTNOINTR, restart_syscall()):
  // user space sees neither a restart code nor -EINTR, whatever the
  // handler's SA_RESTART.
  if (RESTART_CODES.includes(-call.ret)) fail(`user space saw ${call.ret} (a restart code) from landlock_restrict_self`, 'I-LL10');
  if (call.ret === -EINTR) fail('user space saw -EINTR from landlock_restrict_self: an interrupted call must restart', 'I-LL10');
  const me = call.before.find((t) => t.tid === k.curTid);
  const after = snapshotThreads(k);
  const mine = after.find((t) => t.tid === k.curTid)!;
  if (call.ret === 0) {
    if (!call.tsync) return;
    for (const t of after) {
      if (t.ll.domain !== mine.ll.domain) {
        fail(`TSYNC returned 0 but tid ${t.tid} has domain ${t.ll.domain} instead of the caller's ${mine.ll.domain}`, 'I-LL1');
      }
      if (t.ll.logSubdomainsOff !== mine.ll.logSubdomainsOff || t.ll.domainExec !== mine.ll.domainExec) {
        fail(`TSYNC returned 0 but tid ${t.tid}'s Landlock log state differs from the caller's`, 'I-LL1');
      }
      if (call.wantNnp && !t.nnp) fail(`TSYNC returned 0 but tid ${t.tid} lacks no_new_privs`, 'I-LL2');
      const b = call.before.find((x) => x.tid === t.tid);
      if (b && me && t.tid !== me.tid && b.cred === me.cred && t.cred !== mine.cred) {
        fail(`tid ${t.tid} shared the caller's cred but now has its own`, 'I-LL3');
      }
      if (b && b.uid !== t.uid) fail(`tid ${t.tid}'s uid changed from ${b.uid} to ${t.uid}: only Landlock state may be copied`, 'I-LL1');
    }
    return;
  }
  for (const b of call.before) {
    const t = after.find((x) => x.tid === b.tid);
    if (!t) continue; // exited meanwhile
    if (t.cred !== b.cred) fail(`landlock_restrict_self failed (${call.ret}) but tid ${t.tid}'s cred changed`, 'I-LL1');
    if (t.nnp !== b.nnp) fail(`landlock_restrict_self failed (${call.ret}) but tid ${t.tid}'s no_new_privs changed`, 'I-LL2');
  }
}

