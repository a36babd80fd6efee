/**
 * A sibling execs while the caller runs Landlock TSYNC (docs/LANDLOCK.md,
 * "execve in a sibling: de_thread()").
 *
 * The TSYNC caller holds exec_update_lock and waits interruptibly until
 * every sibling's task_work has prepared (security/landlock/tsync.c). The
 * exec'ing sibling runs no task_work inside execve: its de_thread()
 * (fs/exec.c), with cred_guard_mutex held and before exec_mmap() takes
 * exec_update_lock, kills the caller and the idle siblings and waits for
 * them. The SIGKILL interrupts the caller's wait; it cancels the queued
 * works, releases the prepared siblings, gives exec_update_lock back and
 * dies, and the exec goes on alone. Or TSYNC finishes first (the sibling
 * ran its task_work before entering execve), and the exec keeps the new
 * domain.
 *
 * So the exec always returns 0 in a process of one thread, and its thread
 * is either restricted (the caller's domain and NNP, which TSYNC hands
 * over) or untouched, never half of it (I-LL1, I-LL2); if the caller saw
 * 0, restricted. E1 takes exec_update_lock before de_thread(), the order
 * lockstep's execve model had: the caller waits for the sibling's
 * task_work, the sibling for the lock (deadlock). L5 waits for all_prepared
 * uninterruptibly, so de_thread()'s SIGKILL cannot end it (deadlock).
 */
import { defineScenario, label, mainline, mutantVariant, threadsOf, type ThreadContext } from '../../runtime/index.js';
import { T_TGID } from '../../runtime/kernel/layout.js';
import { dropCaps } from '../../subsystems/cred/cred.js';
import { E1 } from '../../subsystems/exec/mutants.js';
import { execve } from '../../subsystems/exec/user.js';
import { LANDLOCK_RESTRICT_SELF_TSYNC as TSYNC } from '../../subsystems/landlock/consts.js';
import { snapshotThreads, verifyRestrict } from '../../subsystems/landlock/invariants.js';
import { L5, LANDLOCK_MAINLINE } from '../../subsystems/landlock/mutants.js';
import { createRuleset, ownDomainId, restrictSelf } from '../../subsystems/landlock/user.js';
import { waitFor, wakeAll } from '../userwait.js';

const MAX_THREADS = 16;
const UNSET = -0x7fff;
const L_CAPSET = label('sys_capset');

function waitReady(ctx: ThreadContext, n: number): void {
  for (let r = ctx.load('ready'); r < n; r = ctx.load('ready')) ctx.sys.futexWait(ctx.addr('ready'), r);
}

export default defineScenario({
  name: 'landlock-exec-race',
  description:
    "A sibling execs while the caller runs Landlock TSYNC: de_thread() kills the caller, whose interruptible wait ends and frees exec_update_lock, or TSYNC finishes first; the exec'd thread is restricted or untouched, never half.",
  threads: { default: 3, min: 2, max: MAX_THREADS },
  variants: [mainline(LANDLOCK_MAINLINE), mutantVariant(E1), mutantVariant(L5)],
  shared: { go: 1, never: 1, ready: 1, ret: 1, mainDomain: 1, exec: 1, domain: 1, nnp: 1, alone: 1 },
  bodies: {
    main(ctx) {
      const { k, sys } = ctx;
      ctx.store('ret', UNSET);
      ctx.store('exec', UNSET);
      sys.call(L_CAPSET, () => dropCaps(k));
      const fd = createRuleset(ctx);
      // The siblings start without NNP: TSYNC hands it to them with the domain.
      sys.clone('execer', 0);
      for (let i = 0; i < ctx.threads - 2; i++) sys.clone('idle', i);
      waitReady(ctx, ctx.threads - 2);
      sys.setNoNewPrivs();
      wakeAll(ctx, 'go');
      const before = snapshotThreads(k);
      const ret = restrictSelf(ctx, fd, TSYNC);
      verifyRestrict(k, { ret, tsync: true, wantNnp: true, before });
      // The exec's SIGKILL may end this thread at any user-mode step: the
      // domain is recorded first, so a recorded 0 always comes with it.
      ctx.store('mainDomain', ownDomainId(ctx));
      ctx.store('ret', ret);
      // The sibling's exec always succeeds, and its de_thread() ends this wait.
      waitFor(ctx, 'never');
    },
    execer(ctx) {
      waitFor(ctx, 'go');
      const r = execve(ctx, { setuidRoot: false });
      ctx.store('exec', r);
      if (r !== 0) return;
      // The new program.
      ctx.store('alone', threadsOf(ctx.k, ctx.k.tget(ctx.k.cur, T_TGID)).length === 1 ? 1 : 0);
      ctx.store('domain', ownDomainId(ctx));
      ctx.store('nnp', ctx.sys.getNoNewPrivs() ? 1 : 0);
    },
    idle(ctx) {
      ctx.add('ready', 1);
      ctx.sys.futexWake(ctx.addr('ready'), 1);
      waitFor(ctx, 'never');
    },
  },
  setup(s) {
    s.spawn('main', 0, { caps: -1 });
  },
  check(c) {
    const ret = c.get('ret');
    const exec = c.get('exec');
    if (exec !== 0) return c.fail(`the sibling's execve returned ${exec}, expected 0 (nothing kills it)`);
    if (c.get('alone') !== 1) return c.fail("the exec'd thread is not alone in its process: de_thread() let a sibling live");
    if (ret !== 0 && ret !== UNSET) {
      return c.fail(`landlock_restrict_self(TSYNC) returned ${ret} to user space; it either succeeds or its caller is killed by the exec`, ret === -513 ? 'I-LL10' : 'I-LL1');
    }
    const domain = c.get('domain');
    const nnp = c.get('nnp') === 1;
    // All or nothing: TSYNC hands the sibling the domain and NNP together.
    if ((domain !== 0) !== nnp) {
      return c.fail(`the exec'd thread has domain ${domain} and no_new_privs ${nnp ? 1 : 0}: TSYNC applied only half of its change`, domain !== 0 ? 'I-LL2' : 'I-LL1');
    }
    if (ret === 0 && domain !== c.get('mainDomain')) {
      return c.fail(`TSYNC returned 0 with domain ${c.get('mainDomain')}, yet the sibling's exec ended with domain ${domain}`, 'I-LL1');
    }
  },
});
