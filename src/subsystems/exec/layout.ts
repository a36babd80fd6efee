/**
 * exec's slice of the task record: what the minimal execve model (exec.ts)
 * keeps of a running exec, which the kernel keeps in the caller's
 * struct linux_binprm (include/linux/binfmts.h).
 */
import { defineSubsystem } from '../../runtime/index.js';

export const exec = defineSubsystem({
  name: 'exec',
  url: import.meta.url,
  task: {
    /**
     * 1 between check_unsafe_exec() and the cred commit (instrumentation for
     * I-SC7, docs/SECCOMP.md "Invariants"): a TSYNC must never sync a task
     * inside that window.
     */
    in_execve: 1,
    /** bprm->unsafe as check_unsafe_exec() sampled it (LSM_UNSAFE_NO_NEW_PRIVS ...). */
    unsafe: 1,
  },
});
