/**
 * seccomp_bpf.c tsync_vs_dead_thread_leader (6.11, f0c508faea64): with NNP,
 * fork a child. In the child, the leader creates a sibling, installs an
 * allow filter for itself only (no TSYNC) and pthread_exit()s: a zombie
 * leader whose thread group lives on. The sibling joins the leader and
 * installs an allow filter with TSYNC: 0, and the child exits 0.
 *
 * - `mainline` (6.11): the leader released its filter in do_exit() and is
 *   PF_EXITING, so TSYNC skips it.
 * - `pre-6.11`: the zombie keeps its (non-ancestor) filter until
 *   release_task(), which waits for the group: TSYNC returns the leader's
 *   TID, forever.
 * - S7: release at exit but no PF_EXITING skip: the zombie's NULL filter
 *   passes as an ancestor and the zombie is handed the caller's filter,
 *   which nothing ever releases (I-SC4, checked after the iteration).
 */
import { label, mainline, mutantVariant, SIGKILL } from '../../runtime/index.js';
import { T_EXIT_STATE } from '../../runtime/kernel/layout.js';
import { SECCOMP_FILTER_FLAG_TSYNC as TSYNC, SECCOMP_SET_MODE_FILTER } from '../../subsystems/seccomp/consts.js';
import { MAINLINE_DESIGN, PRE_611 } from '../../subsystems/seccomp/design.js';
import { S7 } from '../../subsystems/seccomp/mutants.js';
import { clone, fork, prctlSetNoNewPrivs, seccomp } from '../../subsystems/seccomp/user.js';
import { historical, ROOT_PROG, seccompScenario } from './kit.js';

const L_JOIN = label('dead-leader:pthread_join(leader)');
const UNSET = -0x7fff;

export default seccompScenario({
  name: 'seccomp-tsync-vs-dead-thread-leader',
  description: 'seccomp_bpf.c tsync_vs_dead_thread_leader: a zombie group leader with its own filter must not block TSYNC (6.11); pre-6.11 returns its TID.',
  threads: { default: 3, min: 3, max: 3 },
  variants: [
    mainline(MAINLINE_DESIGN),
    historical(PRE_611),
    mutantVariant(S7),
  ],
  shared: { pid: 1, status: 1, leaderRet: 1, siblingRet: 1, leaderTid: 1 },
  bodies: {
    main(ctx) {
      prctlSetNoNewPrivs(ctx);
      ctx.store('leaderRet', UNSET);
      ctx.store('siblingRet', UNSET);
      const pid = fork(ctx, 'child');
      ctx.store('pid', pid);
      const r = ctx.sys.wait(pid);
      ctx.store('status', typeof r === 'number' ? r : r.status);
    },
    child(ctx) {
      ctx.store('leaderTid', ctx.tid);
      const t = clone(ctx, 'sibling');
      if (t < 0) ctx.sys.exitGroup(2);
      // Install a new filter just to the leader thread, then pthread_exit().
      ctx.store('leaderRet', seccomp(ctx, SECCOMP_SET_MODE_FILTER, 0, ROOT_PROG));
      ctx.sys.exit(0);
    },
    sibling(ctx) {
      const k = ctx.k;
      const leader = k.slotOf(ctx.tgid);
      // pthread_join(leader): returns once the leader is a zombie.
      while (k.tget(leader, T_EXIT_STATE) === 0) {
        k.yieldPoint(L_JOIN);
        ctx.sys.schedYield();
      }
      const ret = seccomp(ctx, SECCOMP_SET_MODE_FILTER, TSYNC, ROOT_PROG);
      ctx.store('siblingRet', ret);
      ctx.sys.exitGroup(ret === 0 ? 0 : 1);
    },
  },
  setup(s) {
    s.spawn('main', 0, { uid: 1000, caps: 0 });
  },
  check(c) {
    const leaderRet = c.get('leaderRet');
    const siblingRet = c.get('siblingRet');
    if (leaderRet !== 0) return c.fail(`the leader's own seccomp() returned ${leaderRet}, expected 0`);
    if (siblingRet === c.get('leaderTid')) {
      return c.fail(`the sibling's TSYNC returned ${siblingRet}, the zombie leader's TID: a dead group leader's filter blocks TSYNC (fixed in 6.11)`);
    }
    if (siblingRet !== 0) return c.fail(`the sibling's TSYNC returned ${siblingRet}, expected 0`, 'I-SC1');
    if (c.get('status') === SIGKILL) c.fail('the child was killed');
  },
});
