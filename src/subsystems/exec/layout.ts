/**
 * exec's slice of kernel memory: what the execve model (exec.ts) keeps of a
 * running exec in the task record, which the kernel keeps in the caller's
 * struct linux_binprm (include/linux/binfmts.h), and de_thread()'s words of
 * signal_struct (include/linux/sched/signal.h).
 */
import { defineSubsystem } from '../../runtime/index.js';
import { WAITQ_WORDS } from '../../runtime/kernel/layout.js';

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
  signal: {
    /** signal->group_exec_task: tid of the thread in de_thread(), 0 if none. */
    group_exec_task: 1,
    /**
     * Where that thread sleeps until the others are gone. The kernel wakes
     * it with wake_up_process() when signal->notify_count runs out; here it
     * sleeps on a wait queue of its own and re-counts the threads on every
     * wake-up.
     */
    exec_wait: WAITQ_WORDS,
  },
});
