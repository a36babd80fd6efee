/**
 * Shared pieces of the RCU Tasks / SRCU / PID-namespace scenarios: the
 * three designs as variants (subsystems/rcu-tasks/design.ts) and the setup
 * every scenario needs (RCU Tasks switched on for the iteration). Planted
 * bugs are variants through `mutantVariant` (docs/RCU.md, "Planted bugs").
 */
import { CLONE_NEWPID, EXIT_DEAD, type CheckContext, type SetupContext, type ThreadContext } from '../../runtime/index.js';
import { T_EXIT_STATE } from '../../runtime/kernel/layout.js';
import { I_PN1 } from '../../subsystems/pidns/index.js';
import { unshare } from '../../subsystems/pidns/user.js';
import { FIX_2023, LISTS_2024, rcuTasksInit, SRCU_2022 } from '../../subsystems/rcu-tasks/index.js';

export { FIX_2023, LISTS_2024, SRCU_2022 };

export function setupRcuTasks(s: SetupContext): void {
  rcuTasksInit(s.k);
}

/** Shared words of the A/B/C namespace scenarios. */
export const NAMESPACE_SHARED = { go: 1, never: 1, unshared: 1, reaped: 2, b: 1, c: 1 } as const;

/**
 * Steps 1-3 of the seed's deadlock (docs/RCU.md): A unshares CLONE_NEWPID (staying outside) and
 * forks B (the new namespace's init) and C (whose parent is A).
 */
export function unshareAndForkBC(ctx: ThreadContext): void {
  ctx.store('unshared', unshare(ctx, CLONE_NEWPID) === 0 ? 1 : -1);
  ctx.store('b', ctx.sys.fork('B'));
  ctx.store('c', ctx.sys.fork('C'));
}

/** A reaps its two children, whatever order they die in. */
export function reapBC(ctx: ThreadContext): void {
  for (let i = 0; i < 2; i++) {
    const r = ctx.sys.wait(-1);
    ctx.store('reaped', typeof r === 'number' ? r : r.pid, i);
  }
}

/** C sleeps until zap_pid_ns_processes() kills it. */
export function sleepUntilKilled(ctx: ThreadContext): never {
  for (;;) ctx.sys.futexWait(ctx.addr('never'), 0);
}

/** I-PN1 at the end: A reaped exactly B and C, and both are released. */
export function checkNamespaceGone(c: CheckContext): void {
  if (c.get('unshared') !== 1) return c.fail('unshare(CLONE_NEWPID) failed');
  const want = [c.get('b'), c.get('c')].sort((x, y) => x - y);
  const got = [c.get('reaped', 0), c.get('reaped', 1)].sort((x, y) => x - y);
  if (got[0] !== want[0] || got[1] !== want[1]) return c.fail(`A reaped ${got.join(', ')}, expected B and C (${want.join(', ')})`, I_PN1);
  for (const t of want) if (c.k.tget(c.k.slotOf(t), T_EXIT_STATE) !== EXIT_DEAD) return c.fail(`tid ${t} was not released`, I_PN1);
}
