/**
 * The user-space view of Landlock for thread bodies: syscalls through the
 * syscall facade (so restarts are transparent, as for a real program), plus
 * the observations the kernel's selftests make (prctl(PR_GET_NO_NEW_PRIVS),
 * a thread's domain).
 */
import { closeFd } from '../file/fdtable.js';
import { label, type ThreadContext } from '../../runtime/index.js';
import { T_CRED } from '../../runtime/kernel/layout.js';
import { domainId, landlockCred } from './domain.js';
import { landlockCreateRuleset, landlockRestrictSelf, openRegularFile } from './syscalls.js';
import { LANDLOCK_ACCESS_FS_TRUNCATE, LANDLOCK_ACCESS_FS_WRITE_FILE } from './consts.js';

const L_CREATE = label('sys_landlock_create_ruleset');
const L_RESTRICT = label('sys_landlock_restrict_self');
const L_CLOSE = label('sys_close');
const L_OPEN = label('sys_open');

export interface RulesetAttr {
  readonly handledAccessFs?: number;
  readonly scoped?: number;
}

/** The selftests' create_ruleset(): handled_access_fs = WRITE_FILE | TRUNCATE. */
export function createRuleset(ctx: ThreadContext, attr: RulesetAttr = {}): number {
  const access = attr.handledAccessFs ?? LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
  return ctx.sys.call(L_CREATE, () => landlockCreateRuleset(ctx.k, access, attr.scoped ?? 0));
}

export function restrictSelf(ctx: ThreadContext, fd: number, flags: number): number {
  return ctx.sys.call(L_RESTRICT, () => landlockRestrictSelf(ctx.k, fd, flags));
}

export function close(ctx: ThreadContext, fd: number): number {
  return ctx.sys.call(L_CLOSE, () => closeFd(ctx.k, fd));
}

export function openFile(ctx: ThreadContext, readable = true): number {
  return ctx.sys.call(L_OPEN, () => openRegularFile(ctx.k, readable));
}

/** The id of this thread's Landlock domain (0: none), as an audit record would show it. */
export function ownDomainId(ctx: ThreadContext): number {
  const k = ctx.k;
  return domainId(k, landlockCred(k, k.tget(k.cur, T_CRED)).domain);
}
