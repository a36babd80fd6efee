/**
 * One configurable program for the Landlock TSYNC scenarios, shaped like
 * the kernel's tsync_test.c: a main thread (optionally privileged first,
 * then disable_caps() and PR_SET_NO_NEW_PRIVS), idle sibling threads (the
 * selftests' `idle()` loop, which reports its NNP when it is cancelled),
 * optional competitors calling TSYNC at the same time, an optional
 * signaller hammering threads with SIGUSR1, and a list of
 * landlock_restrict_self() calls whose results are checked on the spot
 * (I-LL1/2/3/10 by `verifyRestrict`) and after the iteration.
 */
import {
  defineScenario,
  EINTR,
  ERESTARTNOINTR,
  failNthAlloc,
  label,
  loadOnce,
  signalOf,
  SIGUSR1,
  type CheckContext,
  type Params,
  type Scenario,
  type ThreadContext,
  type VariantDef,
} from '../../runtime/index.js';
import { CACHE } from '../../runtime/kernel/layout.js';
import { dropCaps, setresuidThread } from '../../subsystems/cred/cred.js';
import { LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS, LANDLOCK_RESTRICT_SELF_TSYNC } from '../../subsystems/landlock/consts.js';
import { snapshotThreads, verifyRestrict } from '../../subsystems/landlock/invariants.js';
import { landlock } from '../../subsystems/landlock/layout.js';
import { openRegularFile } from '../../subsystems/landlock/syscalls.js';
import { close, createRuleset, ownDomainId, restrictSelf } from '../../subsystems/landlock/user.js';

/** Room for the siblings of the largest run: tsync_test.c's 200 idle threads fit (MAX_TASKS_CAPACITY). */
export const MAX_THREADS = 256;
const MAX_STEPS = 8;
const MAX_COMPETITORS = 4;

const L_SETRESUID = label('sys_setresuid(thread)');
const L_CAPSET = label('sys_capset');
const L_PREP = label('landlock-kit:sibling prepared');

export interface SiblingPlan {
  /** Before idling: take a domain of its own (restrict_self without TSYNC), or change its uid (raw setresuid). */
  readonly diverge?: 'domain' | 'uid' | 'both';
  /** Clone this many idle children, one after another, while TSYNC may be running. */
  readonly clones?: number;
  /** Exit after this many preemption points instead of idling. */
  readonly exitAfter?: number;
}

export interface Step {
  /** 'ruleset': the ruleset fd; a number: that fd as is (-1 ...); 'file': a non-ruleset fd; 'unreadable': a ruleset fd without read mode. */
  readonly fd: 'ruleset' | 'file' | number;
  readonly flags: number;
  /** Expected return value (0 or a negative errno); undefined: any. */
  readonly expect?: number;
}

export interface AllocFault {
  readonly cache: 'cred' | 'tsync_work';
  /** Fail the n-th allocation of that cache counted from just before the TSYNC call. */
  readonly nth: number;
}

export interface TsyncProgram {
  readonly name: string;
  readonly description: string;
  readonly threads: {
    readonly default: number;
    readonly min: number;
    readonly max: number;
    /** The thread count follows from the run's parameters (ScenarioDef.threads.fromParams). */
    readonly fromParams?: (params: Params) => number;
  };
  readonly variants: readonly VariantDef[];
  readonly params?: Params;
  /** Apply this many domains while still privileged (the max_layers fixture). */
  readonly presetLayers?: number;
  /** disable_caps(): NNP becomes necessary. */
  readonly dropCaps?: boolean;
  /** PR_SET_NO_NEW_PRIVS before the siblings exist (they inherit it) or after (they do not). */
  readonly nnp?: 'before-siblings' | 'after-siblings' | 'none';
  /** Scope of the ruleset (LANDLOCK_SCOPE_SIGNAL ...). */
  readonly scoped?: number;
  /** Wait until every sibling reached its idle loop before the first step. */
  readonly waitReady?: boolean;
  /** Number of siblings for a run with `threads` threads (default threads - 1 - competitors). */
  readonly siblings?: (threads: number, ctx: ThreadContext) => readonly SiblingPlan[];
  /** Threads besides main that call restrict_self(TSYNC) at the same time as main's first step. */
  readonly competitors?: number;
  /**
   * A thread sending SIGUSR1 to the caller or to the siblings while the
   * steps run, until they have returned (tsync_test.c's signaler_thread()),
   * but at most `signals` of them (a number, or one drawn from the run's
   * parameters). The bound is what lets a run end under any schedule: an
   * unbounded storm can keep a signal pending every time the caller reaches
   * its interruptible wait, and then the kernel makes no progress either.
   */
  readonly signaller?: { readonly target: 'caller' | 'siblings'; readonly signals: number | ((params: Params) => number) };
  /**
   * SA_RESTART on the SIGUSR1 handler (default true). tsync_test.c's
   * tsync_interrupt installs it with sa_flags = 0, where only the restart
   * codes that ignore SA_RESTART (-ERESTARTNOINTR) stay invisible.
   */
  readonly saRestart?: boolean | ((params: Params) => boolean);
  /** Fault injection armed right before the first TSYNC step (drawn per iteration). */
  readonly fault?: (ctx: ThreadContext) => AllocFault | null;
  readonly steps: readonly Step[];
  /** Extra checks after the iteration (the standard ones run first). */
  readonly check?: (c: CheckContext, r: Recorded) => void;
  /** Expected NNP of the siblings when they are stopped (the selftests' cleanup handler). */
  readonly siblingNnp?: boolean | ((c: CheckContext) => boolean | null);
  readonly stepLimit?: number;
  readonly hangMs?: number;
  /**
   * Check I-LL1/2/3 in the caller the moment the call returns (default). Off
   * when other TSYNC callers may legitimately override the result meanwhile
   * (competing_enablement): then the final state is checked instead.
   */
  readonly verifyOnline?: boolean;
  /** Tasks created besides the threads (children of clone races), for sizing the pool. */
  readonly extraTasks?: (threads: number, params: Params) => number;
}

/** What the threads recorded, as the check sees it. */
export interface Recorded {
  readonly siblings: number;
  readonly rets: readonly number[];
  readonly compRets: readonly number[];
  readonly compDomain: readonly number[];
  readonly sibNnp: readonly boolean[];
  readonly sibDomain: readonly number[];
  readonly mainDomain: number;
  readonly tsyncMax: number;
  readonly children: number;
}

function siblingPlans(p: TsyncProgram, threads: number, ctx: ThreadContext): readonly SiblingPlan[] {
  if (p.siblings) return p.siblings(threads, ctx);
  const n = Math.max(0, threads - 1 - (p.competitors ?? 0) - (p.signaller ? 1 : 0));
  return Array.from({ length: n }, () => ({}));
}

function idle(ctx: ThreadContext): void {
  while (ctx.load('stop') === 0) ctx.sys.futexWait(ctx.addr('stop'), 0);
}

function fdFor(ctx: ThreadContext, step: Step): number {
  if (step.fd === 'ruleset') return ctx.load('fd');
  if (step.fd === 'file') return ctx.load('fileFd');
  return step.fd;
}

function restrictChecked(ctx: ThreadContext, fd: number, flags: number, wantNnp: boolean, online: boolean): number {
  const tsync = (flags & LANDLOCK_RESTRICT_SELF_TSYNC) !== 0;
  if (!online) return restrictSelf(ctx, fd, flags);
  const before = tsync ? snapshotThreads(ctx.k) : [];
  const ret = restrictSelf(ctx, fd, flags);
  verifyRestrict(ctx.k, {
    ret,
    tsync,
    wantNnp: wantNnp || (flags & LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS) !== 0,
    before,
  });
  return ret;
}

export function tsyncScenario(p: TsyncProgram): Scenario {
  const competitors = p.competitors ?? 0;
  return defineScenario({
    name: p.name,
    description: p.description,
    threads: p.threads,
    variants: p.variants,
    // exclusion=false turns the I-LL8 check off, to watch what a missing
    // serialisation leads to (L6: the hang syzbot reported) instead.
    params: { exclusion: true, ...(p.params ?? {}) } as Params,
    // Clone races add children: leave room for them.
    maxTasks: (threads, params) => threads + 1 + (p.extraTasks ? p.extraTasks(threads, params) : 0),
    ...(p.stepLimit ? { stepLimit: p.stepLimit } : {}),
    ...(p.hangMs ? { hangMs: p.hangMs } : {}),
    shared: {
      fd: 1,
      fileFd: 1,
      stop: 1,
      ready: 1,
      go: 1,
      sigStop: 1,
      compDone: 1,
      siblings: 1,
      children: 1,
      mainDomain: 1,
      tsyncMax: 1,
      rets: MAX_STEPS,
      compRets: MAX_COMPETITORS,
      compDomain: MAX_COMPETITORS,
      sibNnp: MAX_THREADS,
      sibDomain: MAX_THREADS,
      plan: MAX_THREADS,
    },
    handlers: {
      noop() {},
    },
    bodies: {
      main(ctx) {
        const { k, sys } = ctx;
        for (let i = 0; i < (p.presetLayers ?? 0); i++) {
          const fd = createRuleset(ctx);
          const r = restrictSelf(ctx, fd, 0);
          if (r !== 0) throw new Error(`preset layer ${i}: landlock_restrict_self returned ${r}`);
          close(ctx, fd);
        }
        if (p.dropCaps) sys.call(L_CAPSET, () => dropCaps(k));
        if (p.nnp === 'before-siblings') sys.setNoNewPrivs();
        const saRestart = typeof p.saRestart === 'function' ? p.saRestart(ctx.params) : (p.saRestart ?? true);
        sys.sigaction(SIGUSR1, 'noop', { restart: saRestart });
        const fd = createRuleset(ctx, p.scoped !== undefined ? { scoped: p.scoped } : {});
        ctx.store('fd', fd);
        if (p.steps.some((s) => s.fd === 'file')) ctx.store('fileFd', openFileFd(ctx));
        const plans = siblingPlans(p, ctx.threads, ctx);
        ctx.store('siblings', plans.length);
        plans.forEach((plan, i) => {
          ctx.store('plan', encodePlan(plan), i);
          sys.clone('sibling', i);
        });
        for (let c = 0; c < competitors; c++) sys.clone('competitor', c);
        if (p.nnp === 'after-siblings') sys.setNoNewPrivs();
        if (p.waitReady) {
          for (let r = ctx.load('ready'); r < plans.length; r = ctx.load('ready')) sys.futexWait(ctx.addr('ready'), r);
        }
        if (p.signaller) sys.clone('signaller', 0);
        const fault = p.fault?.(ctx) ?? null;
        if (fault) failNthAlloc(k, fault.cache === 'cred' ? CACHE.cred : landlock.cache.tsync_work, fault.nth);
        // Release the competitors together with main's first step.
        ctx.store('go', 1);
        sys.futexWake(ctx.addr('go'), competitors);
        const nnp = sys.getNoNewPrivs();
        p.steps.forEach((step, i) => {
          const ret = restrictChecked(ctx, fdFor(ctx, step), step.flags, nnp, p.verifyOnline !== false);
          ctx.store('rets', ret, i);
        });
        ctx.store('sigStop', 1);
        for (let d = ctx.load('compDone'); d < competitors; d = ctx.load('compDone')) sys.futexWait(ctx.addr('compDone'), d);
        ctx.store('mainDomain', ownDomainId(ctx));
        ctx.store('tsyncMax', loadOnce(k, signalOf(k, k.cur) + landlock.signal.tsync_max));
        ctx.store('stop', 1);
        sys.futexWake(ctx.addr('stop'), 1 << 20);
      },
      sibling(ctx) {
        const { k, sys } = ctx;
        const plan = decodePlan(ctx.load('plan', ctx.arg));
        if (plan.diverge === 'domain' || plan.diverge === 'both') {
          const r = restrictSelf(ctx, ctx.load('fd'), 0);
          if (r !== 0) throw new Error(`sibling ${ctx.arg}: own restrict_self returned ${r}`);
        }
        if (plan.diverge === 'uid' || plan.diverge === 'both') sys.call(L_SETRESUID, () => setresuidThread(k, 1000 + ctx.arg));
        k.yieldPoint(L_PREP);
        ctx.add('ready', 1);
        sys.futexWake(ctx.addr('ready'), 1);
        if (plan.exitAfter !== undefined) {
          for (let i = 0; i < plan.exitAfter; i++) ctx.yield();
          sys.exit(0);
        }
        for (let c = 0; c < (plan.clones ?? 0) && ctx.load('stop') === 0; c++) {
          const t = sys.clone('child', c);
          if (t > 0) ctx.add('children', 1);
        }
        idle(ctx);
        ctx.store('sibNnp', sys.getNoNewPrivs() ? 1 : 0, ctx.arg);
        ctx.store('sibDomain', ownDomainId(ctx), ctx.arg);
      },
      child(ctx) {
        idle(ctx);
      },
      competitor(ctx) {
        const { sys } = ctx;
        while (ctx.load('go') === 0) sys.futexWait(ctx.addr('go'), 0);
        const ret = restrictSelf(ctx, ctx.load('fd'), LANDLOCK_RESTRICT_SELF_TSYNC);
        ctx.store('compRets', ret, ctx.arg);
        ctx.add('compDone', 1);
        sys.futexWake(ctx.addr('compDone'), 1);
        idle(ctx);
        ctx.store('compDomain', ownDomainId(ctx), ctx.arg);
      },
      signaller(ctx) {
        const { sys } = ctx;
        const s = p.signaller!;
        const main = ctx.tgid;
        const bound = typeof s.signals === 'function' ? s.signals(ctx.params) : s.signals;
        for (let i = 0; i < bound && ctx.load('sigStop') === 0; i++) {
          if (s.target === 'caller') sys.tgkill(ctx.tgid, main, SIGUSR1);
          else {
            const n = ctx.load('siblings');
            if (n > 0) sys.tgkill(ctx.tgid, main + 1 + (i % n), SIGUSR1);
          }
          sys.schedYield();
        }
        idle(ctx);
      },
    },
    setup(s) {
      s.spawn('main', 0, { caps: -1 });
    },
    check(c) {
      const n = c.get('siblings');
      const rec: Recorded = {
        siblings: n,
        rets: p.steps.map((_, i) => c.get('rets', i)),
        compRets: Array.from({ length: competitors }, (_, i) => c.get('compRets', i)),
        compDomain: Array.from({ length: competitors }, (_, i) => c.get('compDomain', i)),
        sibNnp: Array.from({ length: n }, (_, i) => c.get('sibNnp', i) === 1),
        sibDomain: Array.from({ length: n }, (_, i) => c.get('sibDomain', i)),
        mainDomain: c.get('mainDomain'),
        tsyncMax: c.get('tsyncMax'),
        children: c.get('children'),
      };
      p.steps.forEach((step, i) => {
        if (step.expect !== undefined && rec.rets[i] !== step.expect) {
          // A restart code or -EINTR means an interrupted call was not restarted transparently.
          const spec = rec.rets[i] === -ERESTARTNOINTR || rec.rets[i] === -EINTR ? 'I-LL10' : 'I-LL1';
          c.fail(`step ${i + 1}: landlock_restrict_self(${String(step.fd)}, 0x${step.flags.toString(16)}) returned ${rec.rets[i]}, expected ${step.expect}`, spec);
        }
      });
      rec.compRets.forEach((r, i) => {
        if (r === -ERESTARTNOINTR) c.fail(`competitor ${i} saw -ERESTARTNOINTR (513)`, 'I-LL10');
        else if (r !== 0) c.fail(`competitor ${i}: TSYNC returned ${r}, expected 0 (competing_enablement)`, 'I-LL9');
      });
      if (rec.tsyncMax > 1 && c.params['exclusion'] !== false) c.fail(`${rec.tsyncMax} TSYNC calls of one process were inside S2..S5 at once`, 'I-LL8');
      const want = typeof p.siblingNnp === 'function' ? p.siblingNnp(c) : (p.siblingNnp ?? null);
      if (want !== null) {
        rec.sibNnp.forEach((v, i) => {
          if (v !== want) c.fail(`sibling ${i} reports no_new_privs=${v ? 1 : 0}, expected ${want ? 1 : 0}`, 'I-LL2');
        });
      }
      p.check?.(c, rec);
    },
  });
}

const L_OPEN = label('sys_open');
function openFileFd(ctx: ThreadContext): number {
  return ctx.sys.call(L_OPEN, () => openRegularFile(ctx.k, true));
}

function encodePlan(p: SiblingPlan): number {
  const div = p.diverge === 'domain' ? 1 : p.diverge === 'uid' ? 2 : p.diverge === 'both' ? 3 : 0;
  const clones = Math.min(p.clones ?? 0, 255);
  const exit = p.exitAfter === undefined ? 0 : Math.min(p.exitAfter + 1, 255);
  return div | (clones << 4) | (exit << 12);
}

function decodePlan(v: number): SiblingPlan {
  const div = v & 0xf;
  const clones = (v >> 4) & 0xff;
  const exit = (v >> 12) & 0xff;
  return {
    ...(div === 1 ? { diverge: 'domain' as const } : div === 2 ? { diverge: 'uid' as const } : div === 3 ? { diverge: 'both' as const } : {}),
    ...(clones ? { clones } : {}),
    ...(exit ? { exitAfter: exit - 1 } : {}),
  };
}
