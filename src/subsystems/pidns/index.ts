/** PID namespaces on the runtime (kernel/pid.c, kernel/pid_namespace.c): unshare(CLONE_NEWPID), alloc_pid/free_pid, zap_pid_ns_processes. */
import './waitgraph.js';
export { I_PN1 } from './invariants.js';
export { PIDNS_ADDING, pidns } from './layout.js';
export { R10 } from './mutants.js';
export {
  childReaper,
  createPidNamespace,
  nsContains,
  nsId,
  pidAllocated,
  taskActivePidNs,
} from './namespace.js';
export { sysUnshare } from './unshare.js';
export { PIDNS_ZAP_WAIT } from './waitgraph.js';
export { zapPidNsProcesses } from './zap.js';
