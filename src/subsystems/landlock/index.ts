/** Landlock: rulesets, domains, restrict_self with TSYNC, signal scoping. */
export * from './consts.js';
export { createRulesetObject, domainChain, domainId, landlockCred, landlockCredCopy, landlockMergeRuleset, numLayers } from './domain.js';
export { signalAllowed } from './scope.js';
export { landlockCreateRuleset, landlockRestrictSelf, openRegularFile } from './syscalls.js';
export { landlockRestrictSiblingThreads } from './tsync.js';
export * as user from './user.js';
