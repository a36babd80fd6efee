/**
 * landlock_create_ruleset(2) and landlock_restrict_self(2)
 * (security/landlock/syscalls.c). The checks and steps of
 * sys_landlock_restrict_self() are numbered 1–10 below, in the kernel's
 * order as of ABI 11 (flags before privileges).
 */
import {
  deref,
  E2BIG,
  EBADF,
  EBADFD,
  EINVAL,
  ENOMEM,
  EOPNOTSUPP,
  EPERM,
  kget,
  label,
  loadPlain,
  PFA_NO_NEW_PRIVS,
  storePlain,
  type Kernel,
} from '../../runtime/index.js';
import { T_ATOMIC_FLAGS } from '../../runtime/kernel/layout.js';
import { abortCreds, commitCreds, currentCred, hasCapSysAdmin, prepareCreds } from '../cred/cred.js';
import { fdget, fdInstallNew, fileKind, fileMode, fileObj, fput, setFileRelease } from '../file/fdtable.js';
import { FileKind, FMODE_CAN_READ, FMODE_READ } from '../file/layout.js';
import {
  LANDLOCK_MASK_RESTRICT_SELF,
  LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON,
  LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF,
  LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF,
  LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS,
  LANDLOCK_RESTRICT_SELF_TSYNC,
} from './consts.js';
import { createRulesetObject, landlockCred, landlockMergeRuleset, landlockPutRuleset, numLayers } from './domain.js';
import { landlock, LOG_MUTED, LOG_NEW_EXEC, LOG_SAME_EXEC, LR_LOG } from './layout.js';
import { L13A, L17 } from './mutants.js';
import { landlockRestrictSiblingThreads } from './tsync.js';
// The LSM's hooks come with its syscalls: signal scoping (security_task_kill).
import './scope.js';

const L_RESTRICT = label('landlock_restrict_self');
const L_CREATE = label('landlock_create_ruleset');

// fput() of a ruleset fd: fop_ruleset_release() puts the ruleset.
setFileRelease(FileKind.RULESET, (k, r) => landlockPutRuleset(k, r, L_RESTRICT));

/** landlock_initialized is __ro_after_init (security/landlock/setup.c): a plain read. */
function initialized(k: Kernel): boolean {
  return loadPlain(k, landlock.global.disabled) === 0;
}

function nnp(k: Kernel): boolean {
  return (k.tget(k.cur, T_ATOMIC_FLAGS) & PFA_NO_NEW_PRIVS) !== 0;
}

/** landlock_create_ruleset(attr): a ruleset fd, or -errno. */
export function landlockCreateRuleset(k: Kernel, accessFs: number, scope: number): number {
  k.yieldPoint(L_CREATE);
  if (!initialized(k)) return -EOPNOTSUPP;
  const r = createRulesetObject(k, accessFs, scope);
  if (r === 0) return -ENOMEM;
  return fdInstallNew(k, FileKind.RULESET, FMODE_READ | FMODE_CAN_READ, r);
}

/** A plain file fd (for the -EBADFD case: an fd that is not a ruleset). */
export function openRegularFile(k: Kernel, readable = true): number {
  return fdInstallNew(k, FileKind.REGULAR, readable ? FMODE_READ | FMODE_CAN_READ : 0, 0);
}

/** get_ruleset_from_fd(fd, FMODE_CAN_READ): a ruleset reference, or -errno. */
function getRulesetFromFd(k: Kernel, fd: number): number {
  const f = fdget(k, fd);
  if (f === 0) return -EBADF;
  try {
    if (fileKind(k, f) !== FileKind.RULESET) return -EBADFD;
    if ((fileMode(k, f) & FMODE_CAN_READ) === 0) return -EPERM;
    return kget(k, fileObj(k, f), L_RESTRICT);
  } finally {
    fput(k, f);
  }
}

/** landlock_restrict_self(ruleset_fd, flags). */
export function landlockRestrictSelf(k: Kernel, fd: number, flags: number): number {
  k.yieldPoint(L_RESTRICT);
  // 1.
  if (!initialized(k)) return -EOPNOTSUPP;
  // 2. Unknown flags. Since ABI 11 the flags come before the privilege
  // check (the commit "landlock: Check landlock_restrict_self(2)'s flags
  // before privileges", with LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS): an
  // unknown bit is -EINVAL even for a caller without NNP or CAP_SYS_ADMIN,
  // as base_test.c restrict_self_checks_ordering expects.
  if ((flags & ~LANDLOCK_MASK_RESTRICT_SELF) !== 0) return -EINVAL;
  // 3. Privilege: NNP, or the NO_NEW_PRIVS flag (ABI 11), or CAP_SYS_ADMIN.
  const wantsNnp = (flags & LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS) !== 0;
  if (!nnp(k) && !wantsNnp && !hasCapSysAdmin(k)) return -EPERM;
  // 4.
  const logSameExec = (flags & LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF) === 0;
  const logNewExec = (flags & LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON) !== 0;
  const logSubdomains = (flags & LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF) === 0;
  const tsync = (flags & LANDLOCK_RESTRICT_SELF_TSYNC) !== 0;
  // 5. fd == -1 is allowed only to mute subdomain logs (with or without TSYNC).
  let ruleset = 0;
  const muteOnly = fd === -1 && (flags & ~LANDLOCK_RESTRICT_SELF_TSYNC) === LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF;
  if (!muteOnly) {
    const r = getRulesetFromFd(k, fd);
    if (r < 0) return r;
    ruleset = r;
  }
  if (wantsNnp && k.mutant(L13A)) {
    // L13A: NNP taken before anything can still fail.
    k.tor(k.cur, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
  }
  try {
    // 6.
    const oldCred = currentCred(k);
    const newCred = prepareCreds(k, L_RESTRICT);
    if (newCred === 0) return -ENOMEM;
    const a = deref(k, newCred);
    // 7. Once muted, always muted.
    // The new cred is ours until commit_creds(): plain accesses.
    const oldOff = loadPlain(k, a + landlock.cred.log_subdomains_off);
    storePlain(k, a + landlock.cred.log_subdomains_off, oldOff !== 0 || !logSubdomains ? 1 : 0);
    // 8.
    if (ruleset !== 0) {
      const parent = landlockCred(k, newCred).domain;
      const dom = landlockMergeRuleset(k, parent, ruleset);
      if (dom < 0) {
        abortCreds(k, newCred, L_RESTRICT);
        return dom === -E2BIG ? -E2BIG : dom;
      }
      const logFlags = (logSameExec ? LOG_SAME_EXEC : 0) | (logNewExec ? LOG_NEW_EXEC : 0) | (oldOff !== 0 ? LOG_MUTED : 0);
      storePlain(k, deref(k, dom) + LR_LOG, logFlags);
      if (parent !== 0) landlockPutRuleset(k, parent, L_RESTRICT);
      storePlain(k, a + landlock.cred.domain, dom);
      const layers = numLayers(k, dom);
      const exec = a + landlock.cred.domain_exec;
      storePlain(k, exec, loadPlain(k, exec) | (1 << (layers - 1)));
    }
    // 9. L17: TSYNC forgotten on the fd == -1 muting path.
    if (tsync && !(ruleset === 0 && k.mutant(L17))) {
      const err = landlockRestrictSiblingThreads(k, oldCred, newCred, wantsNnp);
      if (err !== 0) {
        abortCreds(k, newCred, L_RESTRICT);
        return err;
      }
    }
    // 10. The caller commits last, after every sibling.
    if (wantsNnp) k.tor(k.cur, T_ATOMIC_FLAGS, PFA_NO_NEW_PRIVS);
    return commitCreds(k, newCred, L_RESTRICT);
  } finally {
    if (ruleset !== 0) landlockPutRuleset(k, ruleset, L_RESTRICT);
  }
}
