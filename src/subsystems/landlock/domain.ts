/**
 * Landlock rulesets and domains (security/landlock/ruleset.c, cred.h).
 *
 * A domain is an immutable, refcounted ruleset stacked on its parent
 * domain (at most LANDLOCK_MAX_NUM_LAYERS). The cred's Landlock blob holds a
 * reference to the domain, log_subdomains_off and domain_exec; the cred
 * hooks take and drop that reference when creds are copied and freed.
 */
import { CACHE, deref, E2BIG, kget, kmemCacheAlloc, kput, label, ld, setCacheRelease, type Kernel } from '../../runtime/index.js';
import {
  CRED_LL_DOMAIN,
  CRED_LL_DOMAIN_EXEC,
  CRED_LL_LOG_SUBDOMAINS_OFF,
  kLandlockNextId,
  LR_ACCESS_FS,
  LR_ID,
  LR_IS_DOMAIN,
  LR_NUM_LAYERS,
  LR_PARENT,
  LR_SCOPE,
} from '../../runtime/kernel/layout.js';
import { registerCredHooks } from '../cred/cred.js';
import { LANDLOCK_MAX_NUM_LAYERS } from './consts.js';

const L_MERGE = label('landlock_merge_ruleset');
const L_PUT = label('landlock_put_ruleset');
const L_CRED = label('landlock_cred');

// A domain keeps its parent alive.
setCacheRelease(CACHE.landlock_ruleset, (k, h) => {
  const parent = Atomics.load(k.i32, deref(k, h) + LR_PARENT);
  if (parent !== 0) kput(k, parent, L_PUT);
});

registerCredHooks({
  prepare(k, dst) {
    const d = Atomics.load(k.i32, deref(k, dst) + CRED_LL_DOMAIN);
    if (d !== 0) kget(k, d, L_CRED);
  },
  free(k, cred) {
    const d = Atomics.load(k.i32, deref(k, cred) + CRED_LL_DOMAIN);
    if (d !== 0) kput(k, d, L_PUT);
  },
});

export interface LandlockCred {
  readonly domain: number;
  readonly logSubdomainsOff: number;
  readonly domainExec: number;
}

/** landlock_cred(cred): the blob's three fields. */
export function landlockCred(k: Kernel, cred: number): LandlockCred {
  const a = deref(k, cred, 'landlock_cred');
  return {
    domain: Atomics.load(k.i32, a + CRED_LL_DOMAIN),
    logSubdomainsOff: Atomics.load(k.i32, a + CRED_LL_LOG_SUBDOMAINS_OFF),
    domainExec: Atomics.load(k.i32, a + CRED_LL_DOMAIN_EXEC),
  };
}

/**
 * landlock_cred_copy(dst, src): put dst's domain, copy the whole blob, get
 * the new domain. A sibling's diverging domain is thereby overridden.
 */
export function landlockCredCopy(k: Kernel, dst: number, src: number, lbl = L_CRED): void {
  const d = deref(k, dst, 'landlock_cred_copy dst');
  const old = Atomics.load(k.i32, d + CRED_LL_DOMAIN);
  if (old !== 0) kput(k, old, lbl);
  const s = landlockCred(k, src);
  Atomics.store(k.i32, d + CRED_LL_DOMAIN, s.domain);
  Atomics.store(k.i32, d + CRED_LL_LOG_SUBDOMAINS_OFF, s.logSubdomainsOff);
  Atomics.store(k.i32, d + CRED_LL_DOMAIN_EXEC, s.domainExec);
  if (s.domain !== 0) kget(k, s.domain, lbl);
}

export function numLayers(k: Kernel, domain: number): number {
  return domain === 0 ? 0 : Atomics.load(k.i32, deref(k, domain) + LR_NUM_LAYERS);
}

/** A new, empty ruleset (landlock_create_ruleset). Returns a handle or 0 on -ENOMEM. */
export function createRulesetObject(k: Kernel, accessFs: number, scope: number): number {
  const r = kmemCacheAlloc(k, CACHE.landlock_ruleset, L_MERGE);
  if (r === 0) return 0;
  const a = deref(k, r);
  Atomics.store(k.i32, a + LR_ACCESS_FS, accessFs);
  Atomics.store(k.i32, a + LR_SCOPE, scope);
  return r;
}

/**
 * landlock_merge_ruleset(parent, ruleset): a new domain one layer above
 * `parent`. Returns the handle, -E2BIG past 16 layers, or -ENOMEM.
 */
export function landlockMergeRuleset(k: Kernel, parent: number, ruleset: number): number {
  const layers = numLayers(k, parent);
  if (layers >= LANDLOCK_MAX_NUM_LAYERS) return -E2BIG;
  const d = kmemCacheAlloc(k, CACHE.landlock_ruleset, L_MERGE);
  if (d === 0) return -12;
  const a = deref(k, d);
  const i32 = k.i32;
  Atomics.store(i32, a + LR_IS_DOMAIN, 1);
  Atomics.store(i32, a + LR_NUM_LAYERS, layers + 1);
  Atomics.store(i32, a + LR_ACCESS_FS, ld(k, ruleset, LR_ACCESS_FS, L_MERGE));
  Atomics.store(i32, a + LR_SCOPE, ld(k, ruleset, LR_SCOPE, L_MERGE));
  Atomics.store(i32, a + LR_ID, Atomics.add(i32, kLandlockNextId, 1) + 1);
  if (parent !== 0) Atomics.store(i32, a + LR_PARENT, kget(k, parent, L_MERGE));
  return d;
}

/** The chain from `domain` up to its root (the domain itself first). */
export function domainChain(k: Kernel, domain: number): number[] {
  const out: number[] = [];
  for (let d = domain; d !== 0; d = Atomics.load(k.i32, deref(k, d) + LR_PARENT)) out.push(d);
  return out;
}

export function domainId(k: Kernel, domain: number): number {
  return domain === 0 ? 0 : Atomics.load(k.i32, deref(k, domain) + LR_ID);
}
