/** execve(2): cred_guard_mutex, check_unsafe_exec, de_thread(), exec_update_lock, commit (docs/SECCOMP.md, docs/LANDLOCK.md). */
export { doExecve, hasCapSysAdmin, LSM_UNSAFE_NO_NEW_PRIVS, type BinaryImage } from './exec.js';
export { deThread, DE_THREAD_WAIT } from './dethread.js';
export { exec } from './layout.js';
export { E1 } from './mutants.js';
export * as user from './user.js';
