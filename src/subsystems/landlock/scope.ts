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
import { deref, EPERM, fetchAdd, label, loadOnce, loadPlain, Order, registerKillHook, type Kernel } from '../../runtime/index.js';
import { T_CRED } from '../../runtime/kernel/layout.js';
import { LANDLOCK_SCOPE_SIGNAL } from './consts.js';
import { domainChain, landlockCred, numLayers, type LandlockCred } from './domain.js';
import { LOG_MUTED, LOG_NEW_EXEC, LOG_SAME_EXEC, LR_LOG, LR_LOGGED_DENIALS, LR_SCOPE } from './layout.js';
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

/**
 * The youngest layer of `domain` that scopes signals
 * (landlock_get_applicable_subject()'s handle_layer), or 0.
 */
function youngestSignalLayer(k: Kernel, domain: number): number {
  for (const layer of domainChain(k, domain)) {
    if ((loadPlain(k, deref(k, layer) + LR_SCOPE) & LANDLOCK_SCOPE_SIGNAL) !== 0) return layer;
  }
  return 0;
}

/**
 * landlock_log_denial() (security/landlock/audit.c) for a denied signal,
 * which hook_task_kill() attributes to the youngest layer handling the
 * signal scope: no record if that layer's log_status is
 * LANDLOCK_LOG_DISABLED (created with log_subdomains_off already set, or
 * with both exec flags off); else one record if the layer was enforced by
 * this execution (domain_exec) and logs the same execution, or was not and
 * logs new executions. The record is counted on the layer.
 */
function logDenial(k: Kernel, subject: LandlockCred, layer: number): void {
  const a = deref(k, layer);
  const log = loadPlain(k, a + LR_LOG);
  if ((log & LOG_MUTED) !== 0 || (log & (LOG_SAME_EXEC | LOG_NEW_EXEC)) === 0) return;
  const sameExec = (subject.domainExec & (1 << (numLayers(k, layer) - 1))) !== 0;
  if ((log & (sameExec ? LOG_SAME_EXEC : LOG_NEW_EXEC)) === 0) return;
  fetchAdd(k, a + LR_LOGGED_DENIALS, 1, Order.RELAXED);
}

/** The AUDIT_LANDLOCK_ACCESS records logged so far for denials by the signal-scoping layer of `domain`. */
export function loggedSignalDenials(k: Kernel, domain: number): number {
  const layer = youngestSignalLayer(k, domain);
  return layer === 0 ? 0 : loadOnce(k, deref(k, layer) + LR_LOGGED_DENIALS);
}

registerKillHook((k, targetSlot) => {
  if (k.cur < 0) return 0;
  k.yieldPoint(L_SCOPE);
  const subject = landlockCred(k, k.tget(k.cur, T_CRED));
  const tcred = getTaskCred(k, targetSlot, L_SCOPE);
  if (tcred === 0) return 0; // the target is gone; delivery finds nothing to do
  try {
    if (signalAllowed(k, subject.domain, landlockCred(k, tcred).domain)) return 0;
    logDenial(k, subject, youngestSignalLayer(k, subject.domain));
    return -EPERM;
  } finally {
    putCred(k, tcred, L_SCOPE);
  }
});

export { domainChain, type Kernel };
