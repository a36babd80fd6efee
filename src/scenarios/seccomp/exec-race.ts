/**
 * Why TSYNC takes cred_guard_mutex (seccomp_set_mode_filter(), kernel/seccomp.c;
 * Oleg Nesterov's review of v8, 2014): a
 * sibling execs a set-uid-root binary while the caller, which has NNP,
 * TSYNCs a filter. execve() samples NNP in check_unsafe_exec() under
 * cred_guard_mutex and commits the new (root) creds before dropping it; the
 * mutex keeps TSYNC's check and sync out of that window, so either the
 * exec runs first (and the root process then gets NNP and the filter) or
 * TSYNC does (and the exec runs without privileges). Without the mutex
 * (S3) the sibling passes check_unsafe_exec without NNP, TSYNC then hands
 * it NNP and filters, and the exec still commits root: a set-uid program
 * running under an attacker's filters (I-SC7).
 */
import { mainline, mutantVariant } from '../../runtime/index.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S3 } from '../../subsystems/seccomp/mutants.js';
import { clone, execve, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { MAX_THREADS, seccompScenario } from './kit.js';
import { SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

export default seccompScenario({
  name: 'seccomp-exec-race',
  description: 'A sibling execs a set-uid-root binary while the caller TSYNCs NNP and a filter: cred_guard_mutex keeps TSYNC out of the exec window (I-SC7).',
  threads: { default: 2, min: 2, max: MAX_THREADS },
  variants: [mainline(MAINLINE_DESIGN), mutantVariant(S3)],
  shared: { go: 1, ret: 1, exec: MAX_THREADS },
  bodies: {
    main(ctx) {
      ctx.store('ret', UNSET);
      // Siblings first: they do not inherit NNP.
      for (let i = 0; i < ctx.threads - 1; i++) clone(ctx, 'execer', i);
      prctlSetNoNewPrivs(ctx);
      wakeAll(ctx, 'go');
      ctx.store('ret', seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG));
    },
    execer(ctx) {
      ctx.store('exec', UNSET, ctx.arg);
      waitFor(ctx, 'go');
      ctx.store('exec', execve(ctx, { setuidRoot: true }), ctx.arg);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const ret = c.get('ret');
    if (ret !== 0) return c.fail(`TSYNC returned ${ret}, expected 0`, 'I-SC1');
    for (let i = 0; i < c.threads - 1; i++) {
      if (c.get('exec', i) !== 0) return c.fail(`sibling ${i}'s execve returned ${c.get('exec', i)}, expected 0`);
    }
  },
});
