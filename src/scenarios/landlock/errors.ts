/**
 * Every error of landlock_restrict_self() from one thread, in the order
 * sys_landlock_restrict_self() (security/landlock/syscalls.c) checks them: -EOPNOTSUPP when Landlock is not
 * initialised, -EPERM without NNP or CAP_SYS_ADMIN, -EINVAL for unknown
 * flags, -EBADF for a bad fd, -EBADFD for an fd that is not a ruleset,
 * -EPERM for a ruleset fd without read mode, -E2BIG past 16 layers, and
 * -ENOMEM when the caller's prepare_creds() fails. A failed call changes
 * nothing; the successful ones stack one layer each.
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
import { LANDLOCK_MAX_NUM_LAYERS, LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { createRulesetObject, landlockCred, numLayers } from '../../subsystems/landlock/domain.js';
import { landlock } from '../../subsystems/landlock/layout.js';
import { LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { createRuleset, openFile, restrictSelf } from '../../subsystems/landlock/user.js';

const L_CAPSET = label('sys_capset');
const L_OPEN = label('sys_open(ruleset, O_WRONLY)');
const CASES = 12;

function layers(ctx: ThreadContext): number {
  return numLayers(ctx.k, landlockCred(ctx.k, ctx.k.tget(ctx.k.cur, T_CRED)).domain);
}

export default defineScenario({
  name: 'landlock-errors',
  description: 'Every error of landlock_restrict_self, in the order the syscall checks them; failed calls change nothing.',
  threads: { default: 2, min: 1, max: 8 },
  variants: [mainline(LANDLOCK_MAINLINE)],
  shared: { got: CASES, want: CASES, layers: CASES, count: 1 },
  bodies: {
    main(ctx) {
      const { k, sys } = ctx;
      const results: [number, number][] = [];
      const step = (want: number, got: number): void => {
        const i = results.length;
        results.push([want, got]);
        ctx.store('want', want, i);
        ctx.store('got', got, i);
        ctx.store('layers', layers(ctx), i);
      };
      const fd = createRuleset(ctx);
      for (let i = 1; i < ctx.threads; i++) sys.clone('idle', i);
      // Landlock not initialised at boot (landlock_initialized false). Only
      // this thread calls into Landlock meanwhile: plain stores.
      storePlain(k, landlock.global.disabled, 1);
      step(-EOPNOTSUPP, restrictSelf(ctx, fd, TSYNC));
      storePlain(k, landlock.global.disabled, 0);
      // Without NNP and without CAP_SYS_ADMIN.
      sys.call(L_CAPSET, () => dropCaps(k));
      step(-EPERM, restrictSelf(ctx, fd, 0));
      sys.setNoNewPrivs();
      step(-EINVAL, restrictSelf(ctx, fd, 1 << 5));
      step(-EBADF, restrictSelf(ctx, 42, TSYNC));
      step(-EBADF, restrictSelf(ctx, -1, 0));
      step(-EBADFD, restrictSelf(ctx, openFile(ctx), TSYNC));
      const wronly = sys.call(L_OPEN, () => {
        const r = createRulesetObject(k, 2, 0);
        return r === 0 ? -ENOMEM : fdInstallNew(k, FileKind.RULESET, 0, r);
      });
      step(-EPERM, restrictSelf(ctx, wronly, TSYNC));
      // The caller's own prepare_creds() fails.
      failNthAlloc(k, CACHE.cred, 1);
      step(-ENOMEM, restrictSelf(ctx, fd, TSYNC));
      for (let i = 0; i < LANDLOCK_MAX_NUM_LAYERS; i++) if (restrictSelf(ctx, fd, i % 2 ? TSYNC : 0) !== 0) throw new Error(`layer ${i + 1} refused`);
      step(-E2BIG, restrictSelf(ctx, fd, TSYNC));
      ctx.store('count', results.length);
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
    if (n !== 9) c.fail(`only ${n} of 9 error cases ran`);
    for (let i = 0; i < n; i++) {
      const want = c.get('want', i);
      const got = c.get('got', i);
      if (got !== want) c.fail(`case ${i + 1}: landlock_restrict_self returned ${got}, expected ${want}`, 'I-LL1');
    }
    for (let i = 0; i < 8; i++) if (c.get('layers', i) !== 0) c.fail(`case ${i + 1}: a failed call left ${c.get('layers', i)} layer(s)`, 'I-LL1');
    if (c.get('layers', 8) !== 16) c.fail(`after the E2BIG case the caller has ${c.get('layers', 8)} layers, expected 16`, 'I-LL1');
  },
});
