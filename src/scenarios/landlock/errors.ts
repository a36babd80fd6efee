/**
 * Every error of landlock_restrict_self() from one thread, in the order
 * sys_landlock_restrict_self() (security/landlock/syscalls.c, ABI 11) checks
 * them: -EOPNOTSUPP when Landlock is not initialised, -EINVAL for unknown
 * flags (before the privilege check, even without NNP and CAP_SYS_ADMIN),
 * -EPERM without NNP, the NO_NEW_PRIVS flag or CAP_SYS_ADMIN, -EBADF for a
 * bad fd (also when the NO_NEW_PRIVS flag stands in for NNP: the fd comes
 * next), -EBADFD for an fd that is not a ruleset, -EPERM for a ruleset fd
 * without read mode, -ENOMEM when the caller's prepare_creds() fails, and
 * -E2BIG past 16 layers; the unprivileged cases follow base_test.c
 * restrict_self_checks_ordering. A failed call changes nothing (no layer, no
 * NNP); the successful ones stack one layer each.
 */
import {
  defineScenario,
  E2BIG,
  EBADF,
  EBADFD,
  EINVAL,
  ENOMEM,
  EOPNOTSUPP,
  EPERM,
  failNthAlloc,
  label,
  mainline,
  storePlain,
  type ThreadContext,
} from '../../runtime/index.js';
import { CACHE, T_CRED } from '../../runtime/kernel/layout.js';
import { dropCaps } from '../../subsystems/cred/cred.js';
import { fdInstallNew } from '../../subsystems/file/fdtable.js';
import { FileKind } from '../../subsystems/file/layout.js';
import {
  LANDLOCK_MAX_NUM_LAYERS,
  LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS as NNP,
  LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC,
} from '../../subsystems/landlock/consts.js';
import { createRulesetObject, landlockCred, numLayers } from '../../subsystems/landlock/domain.js';
import { landlock } from '../../subsystems/landlock/layout.js';
import { LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { createRuleset, openFile, restrictSelf } from '../../subsystems/landlock/user.js';

const L_CAPSET = label('sys_capset');
const L_OPEN = label('sys_open(ruleset, O_WRONLY)');
const CASES = 16;
/** The cases main runs (see its body). */
const EXPECTED_CASES = 13;
/** The first flag bit past LANDLOCK_MASK_RESTRICT_SELF (ABI 11). */
const UNKNOWN_FLAG = 1 << 5;

function layers(ctx: ThreadContext): number {
  return numLayers(ctx.k, landlockCred(ctx.k, ctx.k.tget(ctx.k.cur, T_CRED)).domain);
}

export default defineScenario({
  name: 'landlock-errors',
  description: 'Every error of landlock_restrict_self, in the order the syscall checks them; failed calls change nothing.',
  threads: { default: 2, min: 1, max: 8 },
  variants: [mainline(LANDLOCK_MAINLINE)],
  shared: { got: CASES, want: CASES, layers: CASES, wantLayers: CASES, nnp: CASES, wantNnp: CASES, count: 1 },
  bodies: {
    main(ctx) {
      const { k, sys } = ctx;
      let n = 0;
      // One case: what the call returned, and the caller's layers and NNP
      // right after it, against what the kernel gives.
      const step = (want: number, got: number, wantLayers: number, wantNnp: boolean): void => {
        ctx.store('want', want, n);
        ctx.store('got', got, n);
        ctx.store('layers', layers(ctx), n);
        ctx.store('wantLayers', wantLayers, n);
        ctx.store('nnp', sys.getNoNewPrivs() ? 1 : 0, n);
        ctx.store('wantNnp', wantNnp ? 1 : 0, n);
        n++;
      };
      const fd = createRuleset(ctx);
      for (let i = 1; i < ctx.threads; i++) sys.clone('idle', i);
      // Landlock not initialised at boot (landlock_initialized false). Only
      // this thread calls into Landlock meanwhile: plain stores.
      storePlain(k, landlock.global.disabled, 1);
      step(-EOPNOTSUPP, restrictSelf(ctx, fd, TSYNC), 0, false);
      storePlain(k, landlock.global.disabled, 0);
      // Without NNP and without CAP_SYS_ADMIN: the flags are checked first,
      // then the privileges; the NO_NEW_PRIVS flag satisfies the privilege
      // check, so the fd is checked next.
      sys.call(L_CAPSET, () => dropCaps(k));
      step(-EINVAL, restrictSelf(ctx, fd, UNKNOWN_FLAG), 0, false);
      step(-EINVAL, restrictSelf(ctx, -1, -1), 0, false);
      step(-EPERM, restrictSelf(ctx, fd, 0), 0, false);
      step(-EPERM, restrictSelf(ctx, -1, 0), 0, false);
      step(-EBADF, restrictSelf(ctx, -1, NNP), 0, false);
      sys.setNoNewPrivs();
      step(-EINVAL, restrictSelf(ctx, fd, UNKNOWN_FLAG), 0, true);
      step(-EBADF, restrictSelf(ctx, 42, TSYNC), 0, true);
      step(-EBADF, restrictSelf(ctx, -1, 0), 0, true);
      step(-EBADFD, restrictSelf(ctx, openFile(ctx), TSYNC), 0, true);
      const wronly = sys.call(L_OPEN, () => {
        const r = createRulesetObject(k, 2, 0);
        return r === 0 ? -ENOMEM : fdInstallNew(k, FileKind.RULESET, 0, r);
      });
      step(-EPERM, restrictSelf(ctx, wronly, TSYNC), 0, true);
      // The caller's own prepare_creds() fails.
      failNthAlloc(k, CACHE.cred, 1);
      step(-ENOMEM, restrictSelf(ctx, fd, TSYNC), 0, true);
      for (let i = 0; i < LANDLOCK_MAX_NUM_LAYERS; i++) if (restrictSelf(ctx, fd, i % 2 ? TSYNC : 0) !== 0) throw new Error(`layer ${i + 1} refused`);
      step(-E2BIG, restrictSelf(ctx, fd, TSYNC), LANDLOCK_MAX_NUM_LAYERS, true);
      ctx.store('count', n);
    },
    idle(ctx) {
      ctx.sys.nanosleep(0);
    },
  },
  setup(s) {
    s.spawn('main', 0, { caps: -1 });
  },
  check(c) {
    const n = c.get('count');
    if (n !== EXPECTED_CASES) c.fail(`only ${n} of ${EXPECTED_CASES} error cases ran`);
    for (let i = 0; i < n; i++) {
      const want = c.get('want', i);
      const got = c.get('got', i);
      if (got !== want) c.fail(`case ${i + 1}: landlock_restrict_self returned ${got}, expected ${want}`, 'I-LL1');
      if (c.get('layers', i) !== c.get('wantLayers', i)) {
        c.fail(`case ${i + 1}: the caller has ${c.get('layers', i)} layer(s) after it, expected ${c.get('wantLayers', i)}`, 'I-LL1');
      }
      if (c.get('nnp', i) !== c.get('wantNnp', i)) c.fail(`case ${i + 1}: the caller's no_new_privs is ${c.get('nnp', i)}, expected ${c.get('wantNnp', i)}`, 'I-LL2');
    }
  },
});
