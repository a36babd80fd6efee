/**
 * LANDLOCK_SCOPE_SIGNAL (security/landlock/task.c): a task whose domain has
 * a layer that scopes signals may signal a target only if the target is in
 * that layer's domain or a domain nested under it.
 *
 * Modelled as before the v6.15 erratum 18eb75f3af40, which later allowed all
 * signals between threads of one process: the behaviour that motivated
 * TSYNC (libpsx siblings end in distinct, non-nested domains and can no
 * longer signal each other; docs/LANDLOCK.md, the landlock-scope-signal
 * scenario).
 */
import { deref, EPERM, label, loadPlain, registerKillHook, type Kernel } from '../../runtime/index.js';
import { T_CRED } from '../../runtime/kernel/layout.js';
import { LANDLOCK_SCOPE_SIGNAL } from './consts.js';
import { domainChain, landlockCred } from './domain.js';
import { LR_SCOPE } from './layout.js';
import { getTaskCred, putCred } from '../cred/cred.js';

const L_SCOPE = label('landlock:hook_task_kill');

/** Is `target` allowed to be signalled from a task in domain `client`? (domain_is_scoped()) */
export function signalAllowed(k: Kernel, client: number, target: number): boolean {
  if (client === 0) return true;
  const targetChain = new Set(domainChain(k, target));
  for (const layer of domainChain(k, client)) {
    const scoped = (loadPlain(k, deref(k, layer) + LR_SCOPE) & LANDLOCK_SCOPE_SIGNAL) !== 0;
    if (scoped && !targetChain.has(layer)) return false;
  }
  return true;
}

registerKillHook((k, targetSlot) => {
  if (k.cur < 0) return 0;
  k.yieldPoint(L_SCOPE);
  const client = landlockCred(k, k.tget(k.cur, T_CRED)).domain;
  const tcred = getTaskCred(k, targetSlot, L_SCOPE);
  if (tcred === 0) return 0; // the target is gone; delivery finds nothing to do
  try {
    return signalAllowed(k, client, landlockCred(k, tcred).domain) ? 0 : -EPERM;
  } finally {
    putCred(k, tcred, L_SCOPE);
  }
});

export { domainChain, type Kernel };
