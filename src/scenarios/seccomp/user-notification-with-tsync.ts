/**
 * seccomp_bpf.c user_notification_with_tsync: with NNP, NEW_LISTENER|TSYNC
 * is -EINVAL (the TID and listener-fd return spaces would collide, 7a0df7fbc145),
 * adding TSYNC_ESRCH gives a listener fd (51891498f2da). Extended with the
 * case that motivated the rule: a sibling with its own filter makes
 * NEW_LISTENER|TSYNC|TSYNC_ESRCH fail, and the failure must be -ESRCH, never
 * a TID that user space would take for the listener fd (S13).
 */
import { EINVAL, ESRCH, label, mainline, mutantVariant, type ThreadContext } from '../../runtime/index.js';
import { closeFd, fileKind, filesLookupFdRaw, FileKind } from '../../subsystems/file/index.js';
import {
  SECCOMP_FILTER_FLAG_NEW_LISTENER as NEW_LISTENER,
  SECCOMP_FILTER_FLAG_TSYNC as TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH as TSYNC_ESRCH,
  SECCOMP_SET_MODE_FILTER,
} from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S9, S13 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { NOTIF_PROG, SIBLING_EXIT_UNKILLED, tsyncFixture } from './kit.js';

const L_CLOSE = label('sys_close');
/** The value recorded for "a listener fd". */
const LISTENER_FD = 1000;

function isListenerFd(ctx: ThreadContext, fd: number): boolean {
  const f = filesLookupFdRaw(ctx.k, fd);
  return f !== 0 && fileKind(ctx.k, f) === FileKind.SECCOMP_LISTENER;
}

export default tsyncFixture({
  name: 'seccomp-user-notification-with-tsync',
  description: 'seccomp_bpf.c user_notification_with_tsync: NEW_LISTENER|TSYNC is EINVAL, with TSYNC_ESRCH a listener fd; a diverged sibling then gives -ESRCH, never a TID.',
  threads: { default: 2, min: 2, max: 8 },
  variants: [
    mainline(MAINLINE_DESIGN),
    mutantVariant(S9),
    mutantVariant(S13),
  ],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    // These were exclusive...
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, NEW_LISTENER | TSYNC, NOTIF_PROG));
    // ...but now they are not.
    const fd = seccomp(ctx, SECCOMP_SET_MODE_FILTER, NEW_LISTENER | TSYNC | TSYNC_ESRCH, NOTIF_PROG);
    fx.record(isListenerFd(ctx, fd) ? LISTENER_FD : fd);
    if (fd >= 0) ctx.sys.call(L_CLOSE, () => closeFd(ctx.k, fd));
    fx.quiescent('after the listener was closed');
    // The collision case: a sibling diverges; the failure must be -ESRCH.
    fx.startSiblings(() => true);
    const ret = seccomp(ctx, SECCOMP_SET_MODE_FILTER, NEW_LISTENER | TSYNC | TSYNC_ESRCH, NOTIF_PROG);
    fx.record(isListenerFd(ctx, ret) ? LISTENER_FD : ret);
    fx.quiescent('after the failed TSYNC with a listener');
    fx.releaseAll();
    fx.joinAll();
  },
  rets: () => [-EINVAL, LISTENER_FD, -ESRCH],
  retSpec: () => 'I-SC2',
  status: (r) => r.tids.map(() => SIBLING_EXIT_UNKILLED),
});
