/**
 * Why TSYNC takes cred_guard_mutex, and why killably
 * (seccomp_set_mode_filter(), kernel/seccomp.c; Oleg Nesterov's review of
 * v8, 2014): siblings exec a set-uid-root binary while the caller, which
 * has NNP, TSYNCs a filter.
 *
 * execve() samples NNP in check_unsafe_exec() under cred_guard_mutex and
 * commits the new (root) creds before dropping it; the mutex keeps TSYNC's
 * check and sync out of that window. Inside the window, de_thread()
 * (fs/exec.c) kills every other thread, the caller included, and waits
 * until they are gone. So:
 *
 *  - TSYNC first: the caller returns 0 (it may be killed before it can
 *    record that); the exec then runs with NNP and the filter, and gains no
 *    privilege;
 *  - the exec first: the caller, waiting for the mutex with
 *    mutex_lock_killable(), is killed there and never returns; the exec
 *    gains root and runs without NNP or filter;
 *  - with several execers, one wins; de_thread() kills the others while
 *    they wait for the mutex.
 *
 * Exactly one exec returns, in a process of one thread, in one of the two
 * consistent states (I-SC7). S3 (no mutex) lets TSYNC sync an exec'ing
 * sibling between the check and the commit (I-SC7 online); S15 waits for
 * the mutex uninterruptibly, and de_thread() then waits for the caller
 * forever (a deadlock through the mutex and the de_thread wait).
 */
import { EACCES, mainline, mutantVariant } from '../../runtime/index.js';
import { credUid, currentCred } from '../../subsystems/cred/cred.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN } from '../../subsystems/seccomp/design.js';
import { S15, S3 } from '../../subsystems/seccomp/mutants.js';
import { clone, execve, getppid, prctlGetNoNewPrivs, prctlSetNoNewPrivs, procStatus, seccomp } from '../../subsystems/seccomp/user.js';
import { MAX_THREADS, seccompScenario } from './kit.js';
import { SYNC_PROG, UNSET, waitFor, wakeAll } from './races.js';

export default seccompScenario({
  name: 'seccomp-exec-race',
  description:
    'Siblings exec a set-uid-root binary while the caller TSYNCs NNP and a filter: cred_guard_mutex keeps TSYNC out of the exec window (I-SC7), and de_thread() kills the caller, also while it waits for the mutex.',
  threads: { default: 2, min: 2, max: MAX_THREADS },
  variants: [mainline(MAINLINE_DESIGN), mutantVariant(S3), mutantVariant(S15)],
  shared: { go: 1, never: 1, ret: 1, winners: 1, winner: 1, uid: 1, nnp: 1, ppid: 1, filters: 1, exec: MAX_THREADS },
  bodies: {
    main(ctx) {
      ctx.store('ret', UNSET);
      // Siblings first: they do not inherit NNP.
      for (let i = 0; i < ctx.threads - 1; i++) clone(ctx, 'execer', i);
      prctlSetNoNewPrivs(ctx);
      wakeAll(ctx, 'go');
      ctx.store('ret', seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, SYNC_PROG));
      // One exec always succeeds, and its de_thread() ends this wait.
      waitFor(ctx, 'never');
    },
    execer(ctx) {
      const i = ctx.arg;
      ctx.store('exec', UNSET, i);
      waitFor(ctx, 'go');
      const r = execve(ctx, { setuidRoot: true });
      ctx.store('exec', r, i);
      if (r !== 0) return;
      // The new program, alone in its process.
      ctx.add('winners', 1);
      ctx.store('winner', i + 1);
      ctx.store('uid', credUid(ctx.k, currentCred(ctx.k)));
      ctx.store('nnp', prctlGetNoNewPrivs(ctx));
      ctx.store('ppid', getppid(ctx));
      ctx.store('filters', procStatus(ctx).filters);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const n = c.threads - 1;
    const ret = c.get('ret');
    if (ret !== 0 && ret !== UNSET) return c.fail(`TSYNC returned ${ret} to user space; it either succeeds or its caller is killed by the exec`, 'I-SC1');
    for (let i = 0; i < n; i++) {
      const e = c.get('exec', i);
      if (e !== 0 && e !== UNSET) return c.fail(`sibling ${i}'s execve returned ${e}: a sibling killed by another exec never returns`);
    }
    if (c.get('winners') !== 1) return c.fail(`${c.get('winners')} execs came back, expected exactly one (de_thread() kills the rest)`);
    const w = c.get('winner') - 1;
    const uid = c.get('uid');
    const nnp = c.get('nnp') === 1;
    const filtered = c.get('ppid') === -EACCES;
    const filters = c.get('filters');
    const synced = nnp && filtered && filters === 1 && uid === 1000;
    const unsynced = !nnp && !filtered && filters === 0 && uid === 0;
    const state = `uid ${uid}, no_new_privs ${nnp ? 1 : 0}, getppid -> ${c.get('ppid')}, ${filters} filter(s)`;
    if (!synced && !unsynced) {
      return c.fail(`sibling ${w}'s exec ended with ${state}: neither the synced state (uid 1000, NNP, the filter) nor the unsynced one (root, neither)`, 'I-SC7');
    }
    if (ret === 0 && !synced) return c.fail(`TSYNC returned 0 before the exec, yet sibling ${w}'s exec ended with ${state}`, 'I-SC1');
  },
});
