/**
 * A minimal execve(2) (fs/exec.c), just enough for the seccomp TSYNC
 * exclusion it is guarded against (the cred_guard_mutex that
 * seccomp_set_mode_filter() takes for TSYNC; planted bug S3, invariant
 * I-SC7 in docs/SECCOMP.md):
 *
 *   prepare_bprm_creds():  mutex_lock_killable(cred_guard_mutex), prepare_exec_creds()
 *   check_unsafe_exec():   sample NNP (and ptrace) into bprm->unsafe
 *   ⟂ exec_binprm() / load_binary (the window TSYNC must not enter)
 *   bprm_creds_from_file(): a set-uid-root image gains uid 0 and every
 *                          capability, unless bprm->unsafe has NO_NEW_PRIVS
 *   begin_new_exec():      down_write_killable(exec_update_lock), commit_creds()
 *   setup_new_exec():      up_write, mutex_unlock(cred_guard_mutex)
 *
 * Not modelled: de_thread() (a real exec by a non-leader thread kills every
 * other thread of the group and takes over the leader's pid), the new mm,
 * file loading. Seccomp filters survive exec unchanged, as in the kernel.
 */
import {
  CAP_SYS_ADMIN,
  capMask,
  deref,
  downWriteKillable,
  EINTR,
  ENOMEM,
  invariant,
  label,
  loadOnce,
  loadPlain,
  mutexLockKillable,
  mutexUnlock,
  PFA_NO_NEW_PRIVS,
  signalOf,
  storePlain,
  upWrite,
  type Kernel,
} from '../../runtime/index.js';
import { CRED_CAPS, CRED_EUID, CRED_UID, kFailSet, SIG_CRED_GUARD_MUTEX, SIG_EXEC_UPDATE_LOCK, T_ATOMIC_FLAGS } from '../../runtime/kernel/layout.js';
import { abortCreds, commitCreds, prepareCreds } from '../cred/cred.js';
import { exec } from './layout.js';

/** Release locks in a finally only while the iteration is alive and nothing failed (replays stay exact). */
function mayUnlock(k: Kernel): boolean {
  return !k.aborted && loadOnce(k, kFailSet) === 0;
}

/** check_unsafe_exec() result bit (include/linux/security.h). */
export const LSM_UNSAFE_NO_NEW_PRIVS = 4;

const L = {
  entry: label('exec:do_execve'),
  guard: label('exec:prepare_bprm_creds:mutex_lock_killable(cred_guard_mutex)'),
  prepare: label('exec:prepare_exec_creds'),
  unsafe: label('exec:check_unsafe_exec'),
  load: label('exec:exec_binprm(load_binary)'),
  fromFile: label('exec:bprm_creds_from_file'),
  update: label('exec:begin_new_exec:down_write_killable(exec_update_lock)'),
  commit: label('exec:begin_new_exec:commit_creds'),
  done: label('exec:setup_new_exec:unlock'),
};

export interface BinaryImage {
  /** A set-uid-root binary: the exec gains uid 0 and all capabilities unless NNP forbids it. */
  readonly setuidRoot: boolean;
}

function noNewPrivs(k: Kernel): boolean {
  return (k.tget(k.cur, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0;
}

/** execve(image): 0, -ENOMEM, or -EINTR when killed while waiting for a lock. */
export function doExecve(k: Kernel, image: BinaryImage): number {
  k.yieldPoint(L.entry);
  const sig = signalOf(k, k.cur);
  const guard = sig + SIG_CRED_GUARD_MUTEX;
  // prepare_bprm_creds()
  if (mutexLockKillable(k, guard, L.guard) !== 0) return -EINTR;
  try {
    const cred = prepareCreds(k, L.prepare);
    if (cred === 0) return -ENOMEM;
    // check_unsafe_exec(): what the privilege decision will be based on.
    k.yieldPoint(L.unsafe);
    const unsafe = noNewPrivs(k) ? LSM_UNSAFE_NO_NEW_PRIVS : 0;
    k.tset(k.cur, exec.task.unsafe, unsafe);
    k.tset(k.cur, exec.task.in_execve, 1);
    try {
      // ⟂ exec_binprm(): search_binary_handler, load_elf_binary ...
      k.yieldPoint(L.load);
      // bprm_creds_from_file() / bprm_fill_uid(): set-uid root, unless unsafe.
      k.yieldPoint(L.fromFile);
      const gained = image.setuidRoot && (unsafe & LSM_UNSAFE_NO_NEW_PRIVS) === 0;
      if (gained) {
        // bprm->cred is the exec's private copy until commit_creds(): plain stores.
        const a = deref(k, cred);
        storePlain(k, a + CRED_UID, 0);
        storePlain(k, a + CRED_EUID, 0);
        storePlain(k, a + CRED_CAPS, -1);
      }
      // begin_new_exec(): de_thread() (not modelled), then exec_update_lock.
      if (downWriteKillable(k, sig + SIG_EXEC_UPDATE_LOCK, L.update) !== 0) {
        abortCreds(k, cred, L.update);
        return -EINTR;
      }
      try {
        // I-SC7: privileges gained under no_new_privs. The NNP sampled by
        // check_unsafe_exec() was clear, yet NNP is set now: something (a
        // TSYNC that did not wait for cred_guard_mutex) set it inside the
        // window, together with its filters.
        if (gained && noNewPrivs(k)) {
          throw k.fail(
            invariant(
              `tid ${k.curTid} execs a set-uid-root binary with full privileges while no_new_privs is set: NNP (and seccomp filters) were applied between check_unsafe_exec() and commit_creds()`,
              'I-SC7',
            ),
          );
        }
        commitCreds(k, cred, L.commit);
      } finally {
        if (mayUnlock(k)) upWrite(k, sig + SIG_EXEC_UPDATE_LOCK, L.done);
      }
    } finally {
      k.tset(k.cur, exec.task.in_execve, 0);
    }
    return 0;
  } finally {
    if (mayUnlock(k)) mutexUnlock(k, guard, L.done);
  }
}

/** Does a task hold CAP_SYS_ADMIN (after an exec)? A committed cred never changes: a plain load. */
export function hasCapSysAdmin(k: Kernel, cred: number): boolean {
  return (loadPlain(k, deref(k, cred) + CRED_CAPS) & capMask(CAP_SYS_ADMIN)) !== 0;
}
