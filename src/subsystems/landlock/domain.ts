/**
 * Landlock rulesets and domains (security/landlock/ruleset.c, cred.h).
 *
 * A domain is an immutable, refcounted ruleset stacked on its parent
 * domain (at most LANDLOCK_MAX_NUM_LAYERS). The cred's Landlock blob holds a
 * reference to the domain, log_subdomains_off and domain_exec; the cred
 * hooks take and drop that reference when creds are copied and freed.
 *
 * Rulesets and domains are immutable once built, and a cred is immutable
 * once committed (a prepared one is private to its task), so every field
 * access here is a plain C access, as in the kernel.
 */
import {
  deref,
  E2BIG,
  fetchAdd,
  kget,
  kmemCacheAlloc,
  kput,
  label,
  ld,
  loadPlain,
  Order,
  setCacheRelease,
  storePlain,
  type Kernel,
} from '../../runtime/index.js';
import { handleCache } from '../../runtime/kernel/layout.js';
import { registerCredHooks } from '../cred/cred.js';
import { LANDLOCK_MAX_NUM_LAYERS } from './consts.js';
import { landlock, LR_ACCESS_FS, LR_ID, LR_IS_DOMAIN, LR_NUM_LAYERS, LR_PARENT, LR_SCOPE } from './layout.js';
import { L23 } from './mutants.js';

const L_MERGE = label('landlock_merge_ruleset');
const L_PUT = label('landlock_put_ruleset');
const L_CRED = label('landlock_cred');

/**
 * free_ruleset() (security/landlock/ruleset.c), as the slab release of the
 * last reference: a domain keeps its parent alive, so freeing it puts the
 * parent (landlock_put_hierarchy() walking up).
 */
function freeRuleset(k: Kernel, h: number): void {
  // Bound under an id that a later layout of this thread gave to another cache.
  if (handleCache(h) !== landlock.cache.landlock_ruleset) return;
  const parent = loadPlain(k, deref(k, h) + LR_PARENT);
  if (parent !== 0) landlockPutRuleset(k, parent, L_PUT);
}

setCacheRelease('landlock_ruleset', freeRuleset);

/** landlock_put_ruleset(): drop a reference; the last one frees the ruleset. */
export function landlockPutRuleset(k: Kernel, ruleset: number, lbl = L_PUT): void {
  kput(k, ruleset, lbl);
}

registerCredHooks({
  // hook_cred_transfer() / landlock_cred_copy(): the copy holds its own reference.
  prepare(k, dst) {
    const d = loadPlain(k, deref(k, dst) + landlock.cred.domain);
    if (d !== 0) kget(k, d, L_CRED);
  },
  // hook_cred_free()
  free(k, cred) {
    const d = loadPlain(k, deref(k, cred) + landlock.cred.domain);
    if (d !== 0) landlockPutRuleset(k, d, L_PUT);
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
    domain: loadPlain(k, a + landlock.cred.domain),
    logSubdomainsOff: loadPlain(k, a + landlock.cred.log_subdomains_off),
    domainExec: loadPlain(k, a + landlock.cred.domain_exec),
  };
}

/**
 * landlock_cred_copy(dst, src): put dst's domain, copy the whole blob, get
 * the new domain. A sibling's diverging domain is thereby overridden.
 */
export function landlockCredCopy(k: Kernel, dst: number, src: number, lbl = L_CRED): void {
  const d = deref(k, dst, 'landlock_cred_copy dst');
  const old = loadPlain(k, d + landlock.cred.domain);
  if (old !== 0) landlockPutRuleset(k, old, lbl);
  const s = landlockCred(k, src);
  storePlain(k, d + landlock.cred.domain, s.domain);
  // L23: copying the domain alone (as seccomp's TSYNC copies the filter)
  // leaves a sibling's own muting of subdomain logs in place.
  if (!k.mutant(L23)) storePlain(k, d + landlock.cred.log_subdomains_off, s.logSubdomainsOff);
  storePlain(k, d + landlock.cred.domain_exec, s.domainExec);
  if (s.domain !== 0) kget(k, s.domain, lbl);
}

export function numLayers(k: Kernel, domain: number): number {
  return domain === 0 ? 0 : loadPlain(k, deref(k, domain) + LR_NUM_LAYERS);
}

/** A new, empty ruleset (landlock_create_ruleset). Returns a handle or 0 on -ENOMEM. */
export function createRulesetObject(k: Kernel, accessFs: number, scope: number): number {
  const r = kmemCacheAlloc(k, landlock.cache.landlock_ruleset, L_MERGE);
  if (r === 0) return 0;
  const a = deref(k, r);
  storePlain(k, a + LR_ACCESS_FS, accessFs);
  storePlain(k, a + LR_SCOPE, scope);
  return r;
}

/**
 * landlock_merge_ruleset(parent, ruleset): a new domain one layer above
 * `parent`. Returns the handle, -E2BIG past 16 layers, or -ENOMEM.
 */
export function landlockMergeRuleset(k: Kernel, parent: number, ruleset: number): number {
  const layers = numLayers(k, parent);
  if (layers >= LANDLOCK_MAX_NUM_LAYERS) return -E2BIG;
  const d = kmemCacheAlloc(k, landlock.cache.landlock_ruleset, L_MERGE);
  if (d === 0) return -12;
  const a = deref(k, d);
  storePlain(k, a + LR_IS_DOMAIN, 1);
  storePlain(k, a + LR_NUM_LAYERS, layers + 1);
  storePlain(k, a + LR_ACCESS_FS, ld(k, ruleset, LR_ACCESS_FS, L_MERGE));
  storePlain(k, a + LR_SCOPE, ld(k, ruleset, LR_SCOPE, L_MERGE));
  // get_id_range() (security/landlock/id.c): atomic64_fetch_add(step, &next_id).
  storePlain(k, a + LR_ID, fetchAdd(k, landlock.global.next_id, 1, Order.FULL) + 1);
  if (parent !== 0) storePlain(k, a + LR_PARENT, kget(k, parent, L_MERGE));
  return d;
}

/** The chain from `domain` up to its root (the domain itself first). */
export function domainChain(k: Kernel, domain: number): number[] {
  const out: number[] = [];
  for (let d = domain; d !== 0; d = loadPlain(k, deref(k, d) + LR_PARENT)) out.push(d);
  return out;
}

export function domainId(k: Kernel, domain: number): number {
  return domain === 0 ? 0 : loadPlain(k, deref(k, domain) + LR_ID);
}
