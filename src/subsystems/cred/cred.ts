/**
 * struct cred (kernel/cred.c): refcounted, immutable once committed.
 *
 * prepare_creds() copies current's committed cred into a new object
 * (taking references on what it points to, through the LSM hooks below);
 * commit_creds() installs it as task->cred and drops the old one;
 * abort_creds() drops a prepared cred that was never committed. ENOMEM is
 * injected through the slab's fault injection (failNthAlloc on the cred
 * cache).
 *
 * A committed cred is immutable and a prepared one is private to its task
 * until commit_creds(), so its fields are read and written with plain
 * accesses, as in the kernel.
 */
import {
  CACHE,
  CAP_SYS_ADMIN,
  capMask,
  deref,
  EXIT_DEAD,
  kget,
  kmemCacheAlloc,
  kput,
  ktryget,
  label,
  loadPlain,
  setCacheRelease,
  storePlain,
  storeRelease,
  type Kernel,
} from '../../runtime/index.js';
import { CRED_CAPS, CRED_EUID, CRED_UID, T_CRED, T_EXIT_STATE } from '../../runtime/kernel/layout.js';

const L_PREPARE = label('prepare_creds');
const L_COMMIT = label('commit_creds');
const L_ABORT = label('abort_creds');
const L_GET = label('get_cred');

/** LSM hooks on the cred blob: take references when a cred is copied, drop them when it is freed. */
export interface CredHooks {
  /** security_prepare_creds(): `dst` is a fresh copy of `src`; take references for dst. */
  prepare(k: Kernel, dst: number, src: number): void;
  /** security_cred_free(): drop the blob's references. */
  free(k: Kernel, cred: number): void;
}

const hooks: CredHooks[] = [];

export function registerCredHooks(h: CredHooks): void {
  hooks.push(h);
}

setCacheRelease('cred', (k, h) => {
  for (const hook of hooks) hook.free(k, h);
});

/** current_cred(). */
export function currentCred(k: Kernel): number {
  return k.tget(k.cur, T_CRED);
}

/**
 * get_task_cred(): a counted reference to another task's current cred. The
 * task may commit a new cred (and free the old one) at any moment, so this
 * retries until it takes a reference on a cred that is still live.
 */
export function getTaskCred(k: Kernel, slot: number, lbl = L_GET): number {
  for (;;) {
    const c = k.tget(slot, T_CRED);
    if (ktryget(k, c, lbl)) return c;
    // release_task() dropped the cred of a task that is gone (the kernel
    // keeps it until the task_struct is freed): nothing left to read.
    if (k.tget(slot, T_EXIT_STATE) === EXIT_DEAD) return 0;
  }
}

/** get_cred(): another reference to a cred. */
export function getCred(k: Kernel, cred: number, lbl = L_GET): number {
  return kget(k, cred, lbl);
}

export function putCred(k: Kernel, cred: number, lbl = L_ABORT): void {
  kput(k, cred, lbl);
}

/** prepare_creds(): a modifiable copy of current's cred, or 0 on -ENOMEM. */
export function prepareCreds(k: Kernel, lbl = L_PREPARE): number {
  const old = currentCred(k);
  const c = kmemCacheAlloc(k, CACHE.cred, lbl);
  if (c === 0) return 0;
  const src = deref(k, old, 'prepare_creds: current_cred()');
  const dst = deref(k, c);
  // The whole cred, core fields and every LSM's blob (the cred cache's payload).
  const words = k.L.cacheById[CACHE.cred]!.spec.words;
  for (let w = 0; w < words; w++) storePlain(k, dst + w, loadPlain(k, src + w));
  for (const hook of hooks) hook.prepare(k, c, old);
  return c;
}

/** commit_creds(): install `cred` as current's cred (consumes the caller's reference). */
export function commitCreds(k: Kernel, cred: number, lbl = L_COMMIT): number {
  k.yieldPoint(lbl);
  const old = k.tget(k.cur, T_CRED);
  // rcu_assign_pointer(task->cred, new) (kernel/cred.c: commit_creds()).
  storeRelease(k, k.base(k.cur) + T_CRED, cred);
  kput(k, old, lbl);
  return 0;
}

/** abort_creds(): discard a prepared, uncommitted cred. */
export function abortCreds(k: Kernel, cred: number, lbl = L_ABORT): void {
  kput(k, cred, lbl);
}

export function credUid(k: Kernel, cred: number): number {
  return loadPlain(k, deref(k, cred) + CRED_UID);
}

/** ns_capable(current_user_ns(), cap) on the current cred. */
export function capable(k: Kernel, cap: number): boolean {
  return (loadPlain(k, deref(k, currentCred(k)) + CRED_CAPS) & capMask(cap)) !== 0;
}

export function hasCapSysAdmin(k: Kernel): boolean {
  return capable(k, CAP_SYS_ADMIN);
}

/**
 * A per-thread raw setresuid(): this thread alone gets a new cred with
 * other ids (glibc would broadcast it to every thread; a raw syscall does
 * not). Returns 0 or -ENOMEM.
 */
export function setresuidThread(k: Kernel, uid: number): number {
  const c = prepareCreds(k);
  if (c === 0) return -12;
  const a = deref(k, c);
  storePlain(k, a + CRED_UID, uid);
  storePlain(k, a + CRED_EUID, uid);
  return commitCreds(k, c);
}

/** capset() dropping every capability of this thread (the selftests' disable_caps()). */
export function dropCaps(k: Kernel): number {
  const c = prepareCreds(k);
  if (c === 0) return -12;
  storePlain(k, deref(k, c) + CRED_CAPS, 0);
  return commitCreds(k, c);
}
