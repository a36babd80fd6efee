/**
 * PID namespaces' slice of kernel memory: a slab cache of struct
 * pid_namespace (include/linux/pid_namespace.h), pidmap_lock (kernel/pid.c),
 * an id counter for reports, and the task's namespace fields. Offsets
 * inside a pid_namespace are the PN_* constants below; the rest is in
 * `pidns` once a layout is computed.
 */
import { defineSubsystem } from '../../runtime/index.js';
import { SPINLOCK_WORDS } from '../../runtime/kernel/layout.js';

export const PN_ID = 0;
/** pid_ns->level. */
export const PN_LEVEL = 1;
/** pid_ns->parent: handle of the parent namespace (0: the initial namespace). */
export const PN_PARENT = 2;
/** pid_ns->child_reaper (tid), 0 until the first task is forked into the namespace. */
export const PN_CHILD_REAPER = 3;
/** pid_ns->pid_allocated: allocated pids plus PIDNS_ADDING while allocation is enabled (under pidmap_lock). */
export const PN_PID_ALLOCATED = 4;
/** pid_ns->reboot (0 or the signal reboot_pid_ns() chose). */
export const PN_REBOOT = 5;
/** The idr cursor (idr_get_cursor(&pid_ns->idr)): next pid number to hand out (1 for the child reaper; under pidmap_lock). */
export const PN_NEXT_NR = 6;
export const PN_WORDS = 8;
/** PIDNS_ADDING (1U << 31 in the kernel; bit 30 here so that the word stays a positive int32). */
export const PIDNS_ADDING = 1 << 30;

export const pidns = defineSubsystem({
  name: 'pidns',
  url: import.meta.url,
  global: {
    /** Next pid_namespace id (reports). */
    pid_ns_next_id: 1,
    /** pidmap_lock (SPINLOCK_WORDS): every namespace's idr and pid_allocated. */
    pidmap_lock: SPINLOCK_WORDS,
  },
  task: {
    /** task_active_pid_ns(): handle of the task's pid_namespace (0: the initial namespace). */
    pid_ns: 1,
    /** nsproxy->pid_ns_for_children: where this task's future children go (0: the initial namespace). */
    pid_ns_for_children: 1,
    /** The task's pid number in its own namespace (upid.nr at its level; 0 in the initial namespace). */
    pid_nr: 1,
  },
  caches: {
    pid_namespace: {
      words: PN_WORDS,
      capacity: 32,
      fields: { [PN_CHILD_REAPER]: 'child_reaper', [PN_PID_ALLOCATED]: 'pid_allocated' },
    },
  },
});
