/**
 * The shape of audit_test.c's two TSYNC tests (log_subdomains_off_tsync,
 * tsync_override_log_subdomains_off): a sibling thread runs two rounds of
 * "enforce a signal-scoped domain, signal a process outside it (denied),
 * report whether the denial was logged" (thread_sandbox_deny_twice()), and
 * between the rounds main calls landlock_restrict_self() with TSYNC. Whether
 * the second denial is logged shows whether TSYNC carried the caller's
 * log_subdomains_off to the sibling (landlock_cred_copy() copies the whole
 * Landlock blob, domain and logging state).
 *
 * The selftest signals its parent process with kill(ppid, 0); here main
 * forks an outsider process before any domain exists, and the sibling sends
 * it SIGURG, whose default action is to ignore it (lockstep's kill() skips
 * the LSM hook for signal 0, where the kernel's check_kill_permission() runs
 * it). The denial is what counts, not the delivery.
 */
import { defineScenario, EPERM, label, type Scenario, type ThreadContext, type VariantDef } from '../../runtime/index.js';
import { T_CRED } from '../../runtime/kernel/layout.js';
import { dropCaps } from '../../subsystems/cred/cred.js';
import { LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF as SUBDOMAINS_OFF, LANDLOCK_SCOPE_SIGNAL } from '../../subsystems/landlock/consts.js';
import { landlockCred } from '../../subsystems/landlock/domain.js';
import { snapshotThreads, verifyRestrict } from '../../subsystems/landlock/invariants.js';
import { loggedSignalDenials } from '../../subsystems/landlock/scope.js';
import { createRuleset, restrictSelf } from '../../subsystems/landlock/user.js';

/** Default action: ignore (signal(7)); the scope hook runs before delivery. */
const SIGURG = 23;
const L_CAPSET = label('sys_capset');

export interface AuditTsyncTest {
  readonly name: string;
  readonly description: string;
  readonly variants: readonly VariantDef[];
  /** Phase 1 starts with restrict_self(-1, LOG_SUBDOMAINS_OFF) in the sibling (mute_subdomains). */
  readonly muteSibling: boolean;
  /** main's TSYNC call between the rounds: the ruleset fd or -1, and its flags. */
  readonly tsync: { readonly fd: 'ruleset' | -1; readonly flags: number };
  /** Denial records the sibling's domain of each round must have logged: [round 1, round 2]. */
  readonly logged: readonly [number, number];
}

/** Sibling results, one slot each. */
const R = { mute: 0, restrict1: 1, kill1: 2, logged1: 3, restrict2: 4, kill2: 5, logged2: 6 } as const;

function waitAtLeast(ctx: ThreadContext, name: string, v: number): void {
  for (let x = ctx.load(name); x < v; x = ctx.load(name)) ctx.sys.futexWait(ctx.addr(name), x);
}

function publish(ctx: ThreadContext, name: string, v: number): void {
  ctx.store(name, v);
  ctx.sys.futexWake(ctx.addr(name), 1 << 20);
}

/** One round of thread_sandbox_deny_twice(): enforce, signal the outsider, read the audit count. */
function round(ctx: ThreadContext, restrictAt: number, killAt: number, loggedAt: number): void {
  ctx.store('res', restrictSelf(ctx, ctx.load('fd'), 0), restrictAt);
  ctx.store('res', ctx.sys.kill(ctx.load('outsider'), SIGURG), killAt);
  const k = ctx.k;
  ctx.store('res', loggedSignalDenials(k, landlockCred(k, k.tget(k.cur, T_CRED)).domain), loggedAt);
}

export function auditTsyncScenario(t: AuditTsyncTest): Scenario {
  return defineScenario({
    name: t.name,
    description: t.description,
    threads: { default: 2, min: 2, max: 2 },
    // main, the sibling, the outsider process.
    maxTasks: () => 3,
    variants: t.variants,
    shared: { fd: 1, outsider: 1, phase: 1, done: 1, stop: 1, tsyncRet: 1, res: 8 },
    bodies: {
      main(ctx) {
        const { k, sys } = ctx;
        // The audit fixture: no capabilities, then NNP.
        sys.call(L_CAPSET, () => dropCaps(k));
        sys.setNoNewPrivs();
        ctx.store('outsider', sys.fork('outsider'));
        ctx.store('fd', createRuleset(ctx, { handledAccessFs: 0, scoped: LANDLOCK_SCOPE_SIGNAL }));
        sys.clone('sibling');
        publish(ctx, 'phase', 1);
        waitAtLeast(ctx, 'done', 1);
        const before = snapshotThreads(k);
        const ret = restrictSelf(ctx, t.tsync.fd === 'ruleset' ? ctx.load('fd') : -1, t.tsync.flags);
        verifyRestrict(k, { ret, tsync: true, wantNnp: true, before });
        ctx.store('tsyncRet', ret);
        publish(ctx, 'phase', 2);
        waitAtLeast(ctx, 'done', 2);
        publish(ctx, 'stop', 1);
        sys.wait(ctx.load('outsider'));
      },
      sibling(ctx) {
        waitAtLeast(ctx, 'phase', 1);
        if (t.muteSibling) ctx.store('res', restrictSelf(ctx, -1, SUBDOMAINS_OFF), R.mute);
        round(ctx, R.restrict1, R.kill1, R.logged1);
        publish(ctx, 'done', 1);
        waitAtLeast(ctx, 'phase', 2);
        round(ctx, R.restrict2, R.kill2, R.logged2);
        publish(ctx, 'done', 2);
      },
      outsider(ctx) {
        waitAtLeast(ctx, 'stop', 1);
      },
    },
    setup(s) {
      s.spawn('main', 0, { caps: -1 });
    },
    check(c) {
      const res = (i: number): number => c.get('res', i);
      const calls: [string, number, number][] = [
        ['round 1: restrict_self(fd, 0)', res(R.restrict1), 0],
        ['round 1: kill(outsider)', res(R.kill1), -EPERM],
        ['main: restrict_self(TSYNC)', c.get('tsyncRet'), 0],
        ['round 2: restrict_self(fd, 0)', res(R.restrict2), 0],
        ['round 2: kill(outsider)', res(R.kill2), -EPERM],
      ];
      if (t.muteSibling) calls.unshift(['round 1: restrict_self(-1, LOG_SUBDOMAINS_OFF)', res(R.mute), 0]);
      for (const [what, got, want] of calls) if (got !== want) c.fail(`${what} returned ${got}, expected ${want}`);
      // Round 1 is the selftest's baseline; round 2 is what TSYNC decided.
      if (res(R.logged1) !== t.logged[0]) c.fail(`round 1: the sibling's domain logged ${res(R.logged1)} denial record(s), expected ${t.logged[0]}`);
      if (res(R.logged2) !== t.logged[1]) {
        c.fail(`round 2 (after TSYNC): the sibling's domain logged ${res(R.logged2)} denial record(s), expected ${t.logged[1]}: TSYNC did not carry the caller's log_subdomains_off`, 'I-LL1');
      }
    },
  });
}
