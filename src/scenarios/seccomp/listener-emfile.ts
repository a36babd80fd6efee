/**
 * NEW_LISTENER with a full fd table. seccomp_set_mode_filter()
 * (kernel/seccomp.c) reserves the listener's fd with get_unused_fd_flags()
 * right after preparing the filter, before any lock and before anything is
 * attached, so a full table makes the call fail with -EMFILE and change
 * nothing, on the caller or (with TSYNC) on any sibling (I-SC2). Once an fd
 * is closed the same call succeeds and returns that fd. S14 takes the fd
 * only after the filter is attached and synced: -EMFILE with the filter
 * installed on every thread.
 */
import { label, mainline, mutantVariant } from '../../runtime/index.js';
import { closeFd, EMFILE, FD_BASE, FDTABLE_SIZE, fdInstallNew, FileKind, FMODE_CAN_READ, FMODE_READ } from '../../subsystems/file/index.js';
import {
  SECCOMP_FILTER_FLAG_NEW_LISTENER as NEW_LISTENER,
  SECCOMP_FILTER_FLAG_TSYNC as TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH as TSYNC_ESRCH,
  SECCOMP_SET_MODE_FILTER,
} from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S14 } from '../../subsystems/seccomp/mutants.js';
import { prctlSetNoNewPrivs, procStatus, procTaskStatus, seccomp } from '../../subsystems/seccomp/user.js';
import { NOTIF_PROG, SIBLING_EXIT_UNKILLED, tsyncFixture, type TsyncFixture } from './kit.js';

const FLAGS = NEW_LISTENER | TSYNC | TSYNC_ESRCH;
const L_OPEN = label('sys_open');
const L_CLOSE = label('sys_close');
/** The fd closed to make room: the listener must get exactly this one (the lowest free). */
const FREED = FD_BASE + 3;
/** The value recorded for "the listener got the freed fd". */
const LISTENER_AT_FREED = 1000;

/** Seccomp_filters of every thread: the caller's, then the siblings' total. */
function recordFilters(fx: TsyncFixture): void {
  fx.record(procStatus(fx.ctx).filters);
  let siblings = 0;
  for (let i = 0; i < fx.n; i++) siblings += procTaskStatus(fx.ctx, fx.tid(i)).filters;
  fx.record(siblings);
}

export default tsyncFixture({
  name: 'seccomp-listener-emfile',
  description: 'NEW_LISTENER|TSYNC with a full fd table: -EMFILE before anything is installed (the fd is reserved first); after a close, the freed fd.',
  threads: { default: 2, min: 2, max: 8 },
  variants: [mainline(MAINLINE_DESIGN), mutantVariant(S14)],
  main(fx) {
    const { ctx } = fx;
    prctlSetNoNewPrivs(ctx);
    fx.startSiblings();
    // Fill the fd table: open until the kernel says EMFILE.
    let opened = 0;
    while (ctx.sys.call(L_OPEN, () => fdInstallNew(ctx.k, FileKind.REGULAR, FMODE_READ | FMODE_CAN_READ, 0)) >= 0) opened++;
    fx.record(opened);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, FLAGS, NOTIF_PROG));
    recordFilters(fx);
    fx.quiescent('after the -EMFILE');
    ctx.sys.call(L_CLOSE, () => closeFd(ctx.k, FREED));
    const fd = seccomp(ctx, SECCOMP_SET_MODE_FILTER, FLAGS, NOTIF_PROG);
    fx.record(fd === FREED ? LISTENER_AT_FREED : fd);
    recordFilters(fx);
    if (fd >= 0) ctx.sys.call(L_CLOSE, () => closeFd(ctx.k, fd));
    fx.quiescent('after the listener was closed');
    fx.releaseAll();
    fx.joinAll();
  },
  // The siblings never call getppid(), so the notifying filter never fires.
  rets: (r) => [FDTABLE_SIZE, -EMFILE, 0, 0, LISTENER_AT_FREED, 1, r.tids.length],
  retSpec: (i) => (i >= 4 ? 'I-SC1' : 'I-SC2'),
  what: (i) =>
    [
      'fds opened before EMFILE:',
      'seccomp(NEW_LISTENER|TSYNC|TSYNC_ESRCH) with a full fd table returned',
      "after it, the caller's Seccomp_filters is",
      "after it, the siblings' Seccomp_filters add up to",
      `after closing fd ${FREED}, the same call returned (${LISTENER_AT_FREED}: that fd)`,
      "after it, the caller's Seccomp_filters is",
      "after it, the siblings' Seccomp_filters add up to",
    ][i] ?? 'recorded',
  status: (r) => r.tids.map(() => SIBLING_EXIT_UNKILLED),
});
