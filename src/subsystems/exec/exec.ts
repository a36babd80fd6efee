/**
 * execve(2) (fs/exec.c), reduced to the locks and the privilege decision
 * that seccomp and Landlock TSYNC race against (docs/SECCOMP.md, I-SC7 and
 * planted bugs S3 and S15; docs/LANDLOCK.md, "execve in a sibling"):
 *
 *   prepare_bprm_creds():   cred_guard_mutex, prepare_exec_creds()
 *   check_unsafe_exec():    sample NNP (and ptrace) into bprm->unsafe
 *   ⟂ exec_binprm() / load_binary (the window TSYNC must not enter)
 *   begin_new_exec():
 *     bprm_creds_from_file(): a set-uid-root image gains uid 0 and every
 *                             capability, unless bprm->unsafe has NO_NEW_PRIVS
 *     de_thread():           kill the other threads, wait until they are gone
 *                            (dethread.ts)
 *     exec_mmap():           down_write_killable(exec_update_lock)
 *     commit_creds()
 *   setup_new_exec():       up_write(exec_update_lock), mutex_unlock(cred_guard_mutex)
 *
 * prepare_bprm_creds() takes cred_guard_mutex with mutex_lock_interruptible()
 * and returns -ERESTARTNOINTR; the runtime's mutex has no interruptible
 * variant, so it is killable here. The only signal these scenarios send an
 * exec is de_thread()'s SIGKILL, and for a fatal signal both end the same
 * way: the task dies before user space sees the return value.
 *
 * Not modelled: the new mm, file loading, the pid swap of a non-leader exec
 * (dethread.ts). Seccomp filters and the Landlock domain survive exec
 * unchanged (they are in task->seccomp and the cred, which is copied), as in
 * the kernel.
 */
import {
  CAP_SYS_ADMIN,
  capMask,
  deref,
  doGroupExit,
  downWriteKillable,
  EINTR,
  ENOMEM,
  fatalSignalPending,
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
import { deThread } from './dethread.js';
import { exec } from './layout.js';
import { E1 } from './mutants.js';

/** Release locks in a finally only while the iteration is alive and nothing failed (replays stay exact). */
function mayUnlock(k: Kernel): boolean {
  return !k.aborted && loadOnce(k, kFailSet) === 0;
}

/** check_unsafe_exec() result bit (include/linux/security.h). */
export const LSM_UNSAFE_NO_NEW_PRIVS = 4;

/** SIGSEGV: what bprm_execve() forces on a task whose exec failed past the point of no return. */
const SIGSEGV = 11;

const L = {
  entry: label('exec:do_execve'),
  guard: label('exec:prepare_bprm_creds:mutex_lock_killable(cred_guard_mutex)'),
  prepare: label('exec:prepare_exec_creds'),
  unsafe: label('exec:check_unsafe_exec'),
  load: label('exec:exec_binprm(load_binary)'),
  fromFile: label('exec:bprm_creds_from_file'),
  update: label('exec:begin_new_exec:down_write_killable(exec_update_lock)'),
  early: label('exec:E1:down_write_killable(exec_update_lock) before de_thread'),
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

/**
 * An exec that failed past the point of no return cannot go back to the old
 * program: bprm_execve() forces SIGSEGV unless a fatal signal is already
 * pending (de_thread() fails only when this task was killed, so the kill
 * wins in practice). Returns the error for the syscall's exit path.
 */
function pastNoReturn(k: Kernel, err: number): number {
  if (!fatalSignalPending(k)) doGroupExit(k, SIGSEGV);
  return err;
}

/** execve(image): 0, -ENOMEM, -EINTR when killed while waiting for a lock, -EAGAIN when killed in de_thread(). */
export function doExecve(k: Kernel, image: BinaryImage): number {
  k.yieldPoint(L.entry);
  const sig = signalOf(k, k.cur);
  const guard = sig + SIG_CRED_GUARD_MUTEX;
  const update = sig + SIG_EXEC_UPDATE_LOCK;
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
      // begin_new_exec(): bprm_creds_from_file() / bprm_fill_uid(): set-uid root, unless unsafe.
      k.yieldPoint(L.fromFile);
      const gained = image.setuidRoot && (unsafe & LSM_UNSAFE_NO_NEW_PRIVS) === 0;
      if (gained) {
        // bprm->cred is the exec's private copy until commit_creds(): plain stores.
        const a = deref(k, cred);
        storePlain(k, a + CRED_UID, 0);
        storePlain(k, a + CRED_EUID, 0);
        storePlain(k, a + CRED_CAPS, -1);
      }
      // bprm->point_of_no_return. E1: exec_update_lock taken already here,
      // before the other threads are gone: a Landlock TSYNC holding it waits
      // for this thread's task_work, which never runs inside execve.
      let updateLocked = false;
      if (k.mutant(E1)) {
        if (downWriteKillable(k, update, L.early) !== 0) {
          abortCreds(k, cred, L.early);
          return pastNoReturn(k, -EINTR);
        }
        updateLocked = true;
      }
      const err = deThread(k);
      if (err !== 0) {
        abortCreds(k, cred, L.update);
        if (updateLocked && mayUnlock(k)) upWrite(k, update, L.done);
        return pastNoReturn(k, err);
      }
      // exec_mmap()
      if (!updateLocked && downWriteKillable(k, update, L.update) !== 0) {
        abortCreds(k, cred, L.update);
        return pastNoReturn(k, -EINTR);
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
        if (mayUnlock(k)) upWrite(k, update, L.done);
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
