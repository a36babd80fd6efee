/**
 * Why TSYNC exists (docs/LANDLOCK.md): a process enforces a signal-scoped
 * ruleset on all its threads, then its threads signal each other.
 *
 * - `mainline`: one landlock_restrict_self(fd, TSYNC): every thread ends in
 *   the same domain and the signals pass.
 * - `libpsx`: the user-space broadcast that libpsx / nptl setxid use: the
 *   caller signals every thread, and each thread's handler calls
 *   landlock_restrict_self(fd, 0) itself. Each call creates its own domain,
 *   so the threads end in distinct, non-nested domains and, under
 *   LANDLOCK_SCOPE_SIGNAL, may no longer signal each other (modelled before
 *   the v6.15 same-process erratum). The check reports both.
 */
import { defineScenario, label, mainline, SIGUSR1, SIGUSR2 } from '../../runtime/index.js';
import { dropCaps } from '../../subsystems/cred/cred.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC, LANDLOCK_SCOPE_SIGNAL } from '../../subsystems/landlock/consts.js';
import { LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { createRuleset, ownDomainId, restrictSelf } from '../../subsystems/landlock/user.js';

const MAX = 32;
const L_CAPSET = label('sys_capset');

export default defineScenario({
  name: 'landlock-scope-signal',
  description: 'Signal-scoped ruleset on every thread, then threads signal each other: TSYNC gives one domain and signals pass; the libpsx broadcast gives distinct domains and denied signals.',
  threads: { default: 3, min: 2, max: MAX },
  variants: [
    mainline(LANDLOCK_MAINLINE),
    // A user-space design, not a kernel one: the thread bodies choose it by
    // variant name, so it switches no mutant on.
    {
      name: 'libpsx',
      kind: 'historical',
      expect: 'fail',
      spec: null,
      description: 'user space enforces per thread by a signal broadcast (libpsx / nptl setxid)',
    },
  ],
  shared: { fd: 1, ready: 1, acks: 1, probe: 1, stop: 1, done: 1, psxRet: MAX, domain: MAX, sigRet: MAX, backRet: MAX },
  handlers: {
    noop() {},
    /** libpsx's handler: the same syscall, in this thread. */
    psx(ctx) {
      ctx.store('psxRet', restrictSelf(ctx, ctx.load('fd'), 0), ctx.arg + 1);
      ctx.add('acks', 1);
      ctx.sys.futexWake(ctx.addr('acks'), 1);
    },
  },
  bodies: {
    main(ctx) {
      const { k, sys } = ctx;
      sys.call(L_CAPSET, () => dropCaps(k));
      sys.setNoNewPrivs();
      sys.sigaction(SIGUSR1, 'noop', { restart: true });
      sys.sigaction(SIGUSR2, 'psx', { restart: true });
      ctx.store('fd', createRuleset(ctx, { scoped: LANDLOCK_SCOPE_SIGNAL }));
      const n = ctx.threads - 1;
      const tids: number[] = [];
      for (let i = 0; i < n; i++) tids.push(sys.clone('sibling', i));
      for (let r = ctx.load('ready'); r < n; r = ctx.load('ready')) sys.futexWait(ctx.addr('ready'), r);
      if (ctx.variant === 'libpsx') {
        for (const t of tids) sys.tgkill(ctx.tgid, t, SIGUSR2);
        ctx.store('psxRet', restrictSelf(ctx, ctx.load('fd'), 0), 0);
        for (let a = ctx.load('acks'); a < n; a = ctx.load('acks')) sys.futexWait(ctx.addr('acks'), a);
      } else {
        ctx.store('psxRet', restrictSelf(ctx, ctx.load('fd'), TSYNC), 0);
      }
      ctx.store('domain', ownDomainId(ctx), 0);
      // Every thread now signals across: main to each sibling, each sibling back to main.
      tids.forEach((t, i) => ctx.store('sigRet', sys.tgkill(ctx.tgid, t, SIGUSR1), i + 1));
      ctx.store('probe', 1);
      sys.futexWake(ctx.addr('probe'), n);
      for (let d = ctx.load('done'); d < n; d = ctx.load('done')) sys.futexWait(ctx.addr('done'), d);
      ctx.store('stop', 1);
      sys.futexWake(ctx.addr('stop'), n);
    },
    sibling(ctx) {
      const { sys } = ctx;
      ctx.add('ready', 1);
      sys.futexWake(ctx.addr('ready'), 1);
      while (ctx.load('probe') === 0) sys.futexWait(ctx.addr('probe'), 0);
      ctx.store('domain', ownDomainId(ctx), ctx.arg + 1);
      ctx.store('backRet', sys.tgkill(ctx.tgid, ctx.tgid, SIGUSR1), ctx.arg + 1);
      ctx.add('done', 1);
      sys.futexWake(ctx.addr('done'), 1);
      while (ctx.load('stop') === 0) sys.futexWait(ctx.addr('stop'), 0);
    },
  },
  setup(s) {
    s.spawn('main', 0, { caps: -1 });
  },
  check(c) {
    const n = c.threads;
    const domains = new Set<number>();
    let denied = 0;
    for (let i = 0; i < n; i++) {
      if (c.get('psxRet', i) !== 0) c.fail(`thread ${i}: landlock_restrict_self returned ${c.get('psxRet', i)}`);
      domains.add(c.get('domain', i));
      if (i > 0 && c.get('sigRet', i) !== 0) denied++;
      if (i > 0 && c.get('backRet', i) !== 0) denied++;
    }
    if (domains.size !== 1 || denied > 0) {
      c.fail(
        `threads of one process in ${domains.size} distinct domain(s); ${denied} of ${2 * (n - 1)} cross-thread signals denied (LANDLOCK_SCOPE_SIGNAL)`,
        'I-LL1',
      );
    }
  },
});
