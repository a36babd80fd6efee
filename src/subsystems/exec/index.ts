/** A minimal execve model: cred_guard_mutex, check_unsafe_exec, commit (for seccomp TSYNC's I-SC7). */
export { doExecve, hasCapSysAdmin, LSM_UNSAFE_NO_NEW_PRIVS, type BinaryImage } from './exec.js';
export { exec } from './layout.js';
