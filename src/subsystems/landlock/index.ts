/** Landlock: rulesets, domains, restrict_self with TSYNC, signal scoping. */
export * from './consts.js';
export { landlock } from './layout.js';
export * from './mutants.js';
export {
  createRulesetObject,
  domainChain,
  domainId,
  landlockCred,
  landlockCredCopy,
  landlockMergeRuleset,
  landlockPutRuleset,
  numLayers,
} from './domain.js';
export { LANDLOCK_INVARIANTS, snapshotThreads, verifyRestrict } from './invariants.js';
export { loggedSignalDenials, signalAllowed } from './scope.js';
export { landlockCreateRuleset, landlockRestrictSelf, openRegularFile } from './syscalls.js';
export { landlockRestrictSiblingThreads } from './tsync.js';
export * as user from './user.js';
