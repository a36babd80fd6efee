/**
 * seccomp_bpf.c detect_seccomp_filter_flags as it stands: every flag in its
 * list (TSYNC, LOG, SPEC_ALLOW, NEW_LISTENER, TSYNC_ESRCH) with a NULL
 * program gives EFAULT (the flag is known: the program is copied after the
 * flag checks), all of them together (the exclusive pair TSYNC /
 * NEW_LISTENER one at a time) too, unknown bits give EINVAL, and so does
 * `last_flag << 1`. That bit is SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
 * which the list does not name: it is known, but refused without
 * NEW_LISTENER (kernel/seccomp.c: seccomp_set_mode_filter()), which is why
 * the selftest still passes. Beyond the selftest: WAIT_KILLABLE_RECV with
 * NEW_LISTENER gives EFAULT (known), the bit above it EINVAL (unknown); then
 * every other error of seccomp_set_mode_filter() in the order it checks
 * them: EACCES without NNP and CAP_SYS_ADMIN, EINVAL for len 0 and len >
 * BPF_MAXINSNS, ENOMEM past MAX_INSNS_PER_PATH, EBUSY for a second listener
 * in the chain; failed calls change nothing (filter_count).
 */
import { EACCES, EBUSY, EFAULT, EINVAL, ENOMEM, label, mainline } from '../../runtime/index.js';
import { closeFd } from '../../subsystems/file/fdtable.js';
import {
  __NR_getppid,
  BPF_MAXINSNS,
  SECCOMP_FILTER_FLAG_LOG as LOG,
  SECCOMP_FILTER_FLAG_NEW_LISTENER as NEW_LISTENER,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW as SPEC_ALLOW,
  SECCOMP_FILTER_FLAG_TSYNC as TSYNC,
  SECCOMP_FILTER_FLAG_TSYNC_ESRCH as TSYNC_ESRCH,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV as WAIT_KILLABLE_RECV,
  SECCOMP_RET_USER_NOTIF,
  SECCOMP_SET_MODE_FILTER,
} from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { prctlSetNoNewPrivs, procStatus, seccomp } from '../../subsystems/seccomp/user.js';
import { ROOT_PROG, tsyncFixture } from './kit.js';

const FLAGS = [TSYNC, LOG, SPEC_ALLOW, NEW_LISTENER, TSYNC_ESRCH];
const EXCLUSIVE = [TSYNC, NEW_LISTENER];
const L_CLOSE = label('sys_close');
const FILTERS_PER_PATH = 7; // 7 * (4096 + 4) + 4096 > 32768: the 8th does not fit

export default tsyncFixture({
  name: 'seccomp-detect-filter-flags',
  description: 'seccomp_bpf.c detect_seccomp_filter_flags (EFAULT for known flags, EINVAL for unknown), plus every other error of seccomp_set_mode_filter() in check order.',
  threads: { default: 1, min: 1, max: 1 },
  variants: [mainline(MAINLINE_DESIGN)],
  main(fx) {
    const { ctx } = fx;
    let all = 0;
    for (const flag of FLAGS) {
      fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, flag, null));
      all |= flag;
    }
    const exclusiveMask = EXCLUSIVE.reduce((a, b) => a | b, 0);
    for (const ex of EXCLUSIVE) fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, (all & ~exclusiveMask) | ex, null));
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, -1 & ~exclusiveMask, null));
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, FLAGS[FLAGS.length - 1]! << 1, null));
    // Beyond the selftest: the flag that `last_flag << 1` hits is known.
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, WAIT_KILLABLE_RECV | NEW_LISTENER, null));
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, WAIT_KILLABLE_RECV << 1, null));
    // The other errors, in check order. No NNP and no CAP_SYS_ADMIN yet:
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG));
    prctlSetNoNewPrivs(ctx);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, { ...ROOT_PROG, len: 0 }));
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, { ...ROOT_PROG, len: BPF_MAXINSNS + 1 }));
    let ok = 0;
    for (let i = 0; i < FILTERS_PER_PATH; i++) if (seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, { ...ROOT_PROG, len: BPF_MAXINSNS }) === 0) ok++;
    fx.record(ok);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, { ...ROOT_PROG, len: BPF_MAXINSNS }));
    fx.record(procStatus(ctx).filters);
    const notif = { len: 4, nr: __NR_getppid, ret: SECCOMP_RET_USER_NOTIF };
    const fd = seccomp(ctx, SECCOMP_SET_MODE_FILTER, NEW_LISTENER, notif);
    fx.record(fd >= 0 ? 0 : fd);
    fx.record(seccomp(ctx, SECCOMP_SET_MODE_FILTER, NEW_LISTENER, notif));
    fx.record(procStatus(ctx).filters);
    if (fd >= 0) ctx.sys.call(L_CLOSE, () => closeFd(ctx.k, fd));
    fx.quiescent('after the listener was closed');
  },
  rets: () => [
    ...FLAGS.map(() => -EFAULT),
    ...EXCLUSIVE.map(() => -EFAULT),
    -EINVAL,
    -EINVAL,
    -EFAULT,
    -EINVAL,
    -EACCES,
    -EINVAL,
    -EINVAL,
    FILTERS_PER_PATH,
    -ENOMEM,
    FILTERS_PER_PATH,
    0,
    -EBUSY,
    FILTERS_PER_PATH + 1,
  ],
  retSpec: () => 'I-SC2',
});
