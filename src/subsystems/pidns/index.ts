/** PID namespaces on the runtime (spec 3c2): unshare(CLONE_NEWPID), alloc_pid/free_pid, zap_pid_ns_processes. */
import './waitgraph.js';
export {
  childReaper,
  createPidNamespace,
  nsContains,
  nsId,
  pidAllocated,
  taskActivePidNs,
} from './namespace.js';
export { sysUnshare } from './unshare.js';
export { zapPidNsProcesses } from './zap.js';
