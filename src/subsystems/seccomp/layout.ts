/**
 * seccomp's slice of kernel memory: `struct seccomp` in every task
 * (include/linux/seccomp_types.h: mode, filter_count, filter), the task's
 * syscall_work word (thread_info, include/linux/thread_info.h; only
 * SYSCALL_WORK_SECCOMP is modelled), and the `seccomp_filter` slab cache
 * (struct seccomp_filter, kernel/seccomp.c).
 */
import { defineSubsystem } from '../../runtime/index.js';

// ----- cache: seccomp_filter (payload offsets) ------------------------------------
/** The slab refcount (S_REF) is the filter's `refs`; `users` is a payload field. */
export const SF_USERS = 0;
/** Handle of the previous filter in the chain (holds a refs and a users reference). */
export const SF_PREV = 1;
/** Filter program: the syscall number it acts on (-1: none) and the action (SECCOMP_RET_*). */
export const SF_SYSCALL = 2;
export const SF_ACTION = 3;
/** Instruction count (prog->len), for MAX_INSNS_PER_PATH. */
export const SF_LEN = 4;
/** filter->log (SECCOMP_FILTER_FLAG_LOG). */
export const SF_LOG = 5;
/** 1 while a listener (NEW_LISTENER) is attached: filter->notif; the listener file holds a refs reference. */
export const SF_HAS_LISTENER = 6;
/** Set once users reached 0: the listener saw EPOLLHUP (__seccomp_filter_orphan). */
export const SF_ORPHANED = 7;
/** lockstep's identity of a filter, for reports ("filter#3"). */
export const SF_ID = 8;
export const SF_WORDS = 12;

export const seccomp = defineSubsystem({
  name: 'seccomp',
  url: import.meta.url,
  global: {
    /** Next filter id (SF_ID). */
    next_id: 1,
  },
  task: {
    /** task->seccomp.mode (SECCOMP_MODE_*). */
    mode: 1,
    /** task->seccomp.filter: handle of the head of the task's chain. */
    filter: 1,
    /** task->seccomp.filter_count (/proc Seccomp_filters). */
    filter_count: 1,
    /** task_thread_info(task)->syscall_work (SYSCALL_WORK_SECCOMP). */
    syscall_work: 1,
  },
  caches: {
    seccomp_filter: { words: SF_WORDS, capacity: 512, fields: { [SF_USERS]: 'users', [SF_PREV]: 'prev' } },
  },
});
