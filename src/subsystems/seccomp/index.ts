/** seccomp: filters (refs/users, prev chains), seccomp(2) with TSYNC, syscall-entry filtering, clone/exit interplay. */
export * from './consts.js';
export * from './layout.js';
export * from './mutants.js';
export { FORCE_ADD_2014, forceAdd, MAINLINE_DESIGN, PRE_611, pre611 } from './design.js';
export { seccompRunFilters, secureComputing } from './entry.js';
export {
  __getSeccompFilter,
  __seccompFilterRelease,
  chainOf,
  filterId,
  getSeccompFilter,
  isAncestor,
  putSeccompFilter,
  seccompFilterOrphan,
  seccompPrepareFilter,
  type Prog,
} from './filter.js';
export { checkAfterIteration, checkFilterAccounting, filterAccounting, snapshotGroup } from './invariants.js';
export { copySeccomp, sysClone } from './lifecycle.js';
export { doSeccomp, prctlSetSeccomp, seccompSetModeFilter, seccompSetModeStrict } from './syscalls.js';
export { seccompAssignMode, seccompCanSyncThreads, seccompSyncThreads } from './tsync.js';
export * as user from './user.js';
