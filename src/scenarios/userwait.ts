/** User-space flags shared by scenario threads: wait with futex(FUTEX_WAIT) until set, set and wake everyone. */
import type { ThreadContext } from '../runtime/index.js';

export function waitFor(ctx: ThreadContext, name: string, i = 0): void {
  while (ctx.load(name, i) === 0) ctx.sys.futexWait(ctx.addr(name, i), 0);
}

export function wakeAll(ctx: ThreadContext, name: string, v = 1): void {
  ctx.store(name, v);
  ctx.sys.futexWake(ctx.addr(name), 1 << 20);
}
