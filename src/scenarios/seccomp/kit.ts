/**
 * Shared pieces of the seccomp TSYNC scenarios:
 *
 *  - `seccompScenario(def)`: defineScenario plus, after the scenario's own
 *    check, the harness-side I-SC4 check (`checkAfterIteration`); which
 *    design the kernel runs (mainline, `pre-6.11`, `force-add-2014`) comes
 *    from the variant's mutant bits (subsystems/seccomp/design.ts);
 *  - the programs of seccomp_bpf.c's TSYNC fixture (root_prog, apply_prog);
 *  - `tsyncFixture(def)`: FIXTURE(TSYNC) itself. Siblings run
 *    `tsync_sibling()` (record the TID, optionally diverge with
 *    prctl(PR_SET_SECCOMP), post `started`, wait to be released, check NNP,
 *    read(-1) and return SIBLING_EXIT_UNKILLED if still alive); each test's
 *    main body drives them through a `TsyncFixture` and records what its
 *    ASSERTs look at; the check compares with the test's expectations.
 */
import {
  defineScenario,
  EINVAL,
  ESRCH,
  label,
  type CheckContext,
  type Mutant,
  type Params,
  type Scenario,
  type ScenarioDef,
  type ThreadContext,
  type VariantDef,
} from '../../runtime/index.js';
import { T_EXIT_STATE } from '../../runtime/kernel/layout.js';
import {
  __NR_getppid,
  __NR_prctl,
  __NR_read,
  SECCOMP_MODE_FILTER,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_USER_NOTIF,
  SIBLING_EXIT_FAILURE,
  SIBLING_EXIT_NEWPRIVS,
  SIBLING_EXIT_UNKILLED,
  SIGSYS,
} from '../../subsystems/seccomp/consts.js';
import type { Prog } from '../../subsystems/seccomp/filter.js';
import { checkAfterIteration, checkFilterAccounting } from '../../subsystems/seccomp/invariants.js';
import { clone, gettid, prctlGetNoNewPrivs, prctlSetSeccomp, read } from '../../subsystems/seccomp/user.js';

export const MAX_THREADS = 32;

/** root_prog: BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW). */
export const ROOT_PROG: Prog = { len: 1, nr: -1, ret: SECCOMP_RET_ALLOW };
/** apply_prog: load the syscall number; __NR_read -> SECCOMP_RET_KILL_THREAD; else ALLOW. */
export const APPLY_PROG: Prog = { len: 4, nr: __NR_read, ret: SECCOMP_RET_KILL_THREAD };
/** siblings_fail_prctl's filter: __NR_prctl -> SECCOMP_RET_ERRNO | EINVAL; else ALLOW. */
export const PRCTL_EINVAL_PROG: Prog = { len: 4, nr: __NR_prctl, ret: SECCOMP_RET_ERRNO | EINVAL };
/** user_notification_with_tsync's filter: __NR_getppid -> SECCOMP_RET_USER_NOTIF; else ALLOW. */
export const NOTIF_PROG: Prog = { len: 4, nr: __NR_getppid, ret: SECCOMP_RET_USER_NOTIF };

/**
 * A historical design as a variant, described by its mutant (design.ts).
 * `spec` names the planted bug it demonstrates, if any; `expect: 'pass'`
 * where the design is correct for the scenario (shown for comparison).
 */
export function historical(design: Mutant, opts: { expect?: 'pass' | 'fail'; spec?: Mutant } = {}): VariantDef {
  return {
    name: design.id,
    kind: 'historical',
    expect: opts.expect ?? 'fail',
    spec: opts.spec?.id ?? null,
    mutants: [design.id],
    description: design.description,
  };
}

/** defineScenario + the harness-side I-SC4 check. */
export function seccompScenario<P extends Params = Params>(def: ScenarioDef<P>): Scenario<P> {
  return defineScenario<P>({
    ...def,
    check(c) {
      def.check?.(c);
      checkAfterIteration(c as unknown as CheckContext);
    },
  });
}

// ---------------------------------------------------------------------------
// FIXTURE(TSYNC)
// ---------------------------------------------------------------------------

const MAX_STEPS = 32;
const L_JOIN = label('tsync-fixture:PTHREAD_JOIN');

export interface TsyncFixture {
  readonly ctx: ThreadContext;
  /** Number of siblings (TSYNC_SIBLINGS: 2 by default, threads - 1). */
  readonly n: number;
  /** tsync_start_sibling() for every sibling (sibling i diverges if `diverge(i)`), then sem_wait(started) for each. */
  startSiblings(diverge?: (i: number) => boolean): void;
  /** The sibling's system_tid. */
  tid(i: number): number;
  /** pthread_cond_broadcast with sibling i's num_waits satisfied: it runs on. */
  release(i: number): void;
  releaseAll(): void;
  /** PTHREAD_JOIN, then poll until the task is really gone (kill(tid, 0) fails). */
  join(i: number): void;
  joinAll(): void;
  /** Record the return value of the test's next ASSERT'ed call. */
  record(ret: number): number;
  /** I-SC4 accounting now (siblings parked or gone: a quiescent point). */
  quiescent(where: string): void;
}

/** What the fixture recorded, for the expectations. */
export interface FixtureResult {
  readonly rets: readonly number[];
  readonly tids: readonly number[];
  /** The sibling's return value, or 'killed' (read() killed it: status 0, exit by SIGSYS), or 'none' (never ran). */
  readonly status: readonly (number | 'killed' | 'none')[];
}

export interface TsyncFixtureDef {
  readonly name: string;
  readonly description: string;
  readonly variants: readonly VariantDef[];
  readonly threads?: { readonly default: number; readonly min: number; readonly max: number };
  /** The TEST_F body. */
  readonly main: (fx: TsyncFixture) => void;
  /** Expected recorded return values (in order); may depend on the siblings' TIDs. */
  readonly rets: (r: FixtureResult) => readonly number[];
  /** Expected sibling results; undefined: not checked. */
  readonly status?: (r: FixtureResult) => readonly (number | 'killed')[];
  /** The spec ID a wrong return value of step i violates (default I-SC1 for 0, I-SC2 otherwise). */
  readonly retSpec?: (i: number, want: number) => string;
  /** What recorded value i is, for reports (default: "seccomp returned"). */
  readonly what?: (i: number) => string;
  /** Main is spawned without capabilities (as the selftests run: NNP needed). */
  readonly caps?: number;
}

export function statusName(s: number | 'killed' | 'none'): string {
  if (s === 'killed') return 'killed (status 0)';
  if (s === 'none') return 'never ran';
  if (s === SIBLING_EXIT_UNKILLED) return 'SIBLING_EXIT_UNKILLED';
  if (s === SIBLING_EXIT_FAILURE) return 'SIBLING_EXIT_FAILURE';
  if (s === SIBLING_EXIT_NEWPRIVS) return 'SIBLING_EXIT_NEWPRIVS';
  return `0x${s.toString(16)}`;
}

export function errName(ret: number): string {
  return ret === -ESRCH ? '-ESRCH' : ret === -EINVAL ? '-EINVAL' : String(ret);
}

export function tsyncFixture(def: TsyncFixtureDef): Scenario {
  return seccompScenario({
    name: def.name,
    description: def.description,
    threads: def.threads ?? { default: 3, min: 3, max: MAX_THREADS },
    variants: def.variants,
    shared: {
      rets: MAX_STEPS,
      nrets: 1,
      started: 1,
      siblings: 1,
      tid: MAX_THREADS,
      diverge: MAX_THREADS,
      go: MAX_THREADS,
      status: MAX_THREADS,
      statusSet: MAX_THREADS,
    },
    bodies: {
      main(ctx) {
        const n = ctx.threads - 1;
        ctx.store('siblings', n);
        let steps = 0;
        const fx: TsyncFixture = {
          ctx,
          n,
          startSiblings(diverge = () => false) {
            for (let i = 0; i < n; i++) {
              ctx.store('diverge', diverge(i) ? 1 : 0, i);
              const t = clone(ctx, 'sibling', i);
              if (t < 0) throw new Error(`tsync_start_sibling ${i}: clone returned ${t}`);
            }
            for (let s = ctx.load('started'); s < n; s = ctx.load('started')) ctx.sys.futexWait(ctx.addr('started'), s);
          },
          tid: (i) => ctx.load('tid', i),
          release(i) {
            ctx.add('go', 1, i);
            ctx.sys.futexWake(ctx.addr('go', i), 1);
          },
          releaseAll() {
            for (let i = 0; i < n; i++) fx.release(i);
          },
          join(i) {
            const tid = fx.tid(i);
            const k = ctx.k;
            // pthread_join() returns once the thread is gone; then poll kill(tid, 0) until it fails.
            while (k.tget(k.slotOf(tid), T_EXIT_STATE) === 0) {
              k.yieldPoint(L_JOIN);
              ctx.sys.schedYield();
            }
            while (ctx.sys.tgkill(ctx.tgid, tid, 0) === 0) ctx.sys.schedYield();
          },
          joinAll() {
            for (let i = 0; i < n; i++) fx.join(i);
          },
          record(ret) {
            if (steps >= MAX_STEPS) throw new Error('too many recorded steps');
            ctx.store('rets', ret, steps++);
            ctx.store('nrets', steps);
            return ret;
          },
          quiescent(where) {
            checkFilterAccounting(ctx.k, where);
          },
        };
        def.main(fx);
      },
      /** tsync_sibling() */
      sibling(ctx) {
        const i = ctx.arg;
        const done = (status: number): void => {
          ctx.store('status', status, i);
          ctx.store('statusSet', 1, i);
        };
        ctx.store('tid', gettid(ctx), i);
        let ret = 0;
        // Re-apply the root prog to fork the tree.
        if (ctx.load('diverge', i) !== 0) ret = prctlSetSeccomp(ctx, SECCOMP_MODE_FILTER, ROOT_PROG);
        ctx.add('started', 1);
        ctx.sys.futexWake(ctx.addr('started'), 1);
        // Return outside of started so the parent notices failures.
        if (ret !== 0) return done(SIBLING_EXIT_FAILURE);
        while (ctx.load('go', i) === 0) ctx.sys.futexWait(ctx.addr('go', i), 0);
        if (prctlGetNoNewPrivs(ctx) === 0) return done(SIBLING_EXIT_NEWPRIVS);
        read(ctx);
        return done(SIBLING_EXIT_UNKILLED);
      },
    },
    setup(s) {
      s.spawn('main', 0, { uid: 1000, caps: def.caps ?? 0 });
    },
    check(c) {
      const n = c.get('siblings');
      const tids = Array.from({ length: n }, (_, i) => c.get('tid', i));
      const status = Array.from({ length: n }, (_, i): number | 'killed' | 'none' => {
        if (c.get('statusSet', i) !== 0) return c.get('status', i);
        const t = tids[i] ? c.task(tids[i]!) : null;
        return t && t.exited && t.exitCode === SIGSYS ? 'killed' : 'none';
      });
      const r: FixtureResult = { rets: Array.from({ length: c.get('nrets') }, (_, i) => c.get('rets', i)), tids, status };
      const want = def.rets(r);
      for (let i = 0; i < want.length; i++) {
        if (r.rets[i] !== want[i]) {
          const spec = def.retSpec ? def.retSpec(i, want[i]!) : want[i] === 0 ? 'I-SC1' : 'I-SC2';
          const what = def.what ? def.what(i) : 'seccomp returned';
          c.fail(`step ${i + 1}: ${what} ${errName(r.rets[i] ?? NaN)}, expected ${errName(want[i]!)} (sibling tids ${tids.join(', ')})`, spec);
          return;
        }
      }
      const ws = def.status?.(r);
      if (ws) {
        ws.forEach((w, i) => {
          if (status[i] !== w) {
            const spec = w === 'killed' || status[i] === SIBLING_EXIT_NEWPRIVS ? 'I-SC1' : 'I-SC2';
            c.fail(`sibling ${i} (tid ${tids[i]}) ended ${statusName(status[i]!)}, expected ${statusName(w)}`, spec);
          }
        });
      }
    },
  });
}

export { SIBLING_EXIT_FAILURE, SIBLING_EXIT_NEWPRIVS, SIBLING_EXIT_UNKILLED };
