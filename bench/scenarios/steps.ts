/**
 * Benchmark scenario: the same work for every thread, so that the cost of
 * one controlled scheduling step can be read at any thread count. Setup
 * spawns `threads` tasks; each passes STEPS user yield points (ctx.yield)
 * and exits. Under the random strategy almost every decision switches to
 * another task, so a step costs one baton handoff, and every task that is
 * not chosen stays parked: bench/controlled.ts reads µs per step at 4 to 128
 * threads.
 *
 * With `active` = A > 0, only A tasks pass the yield points; the others park
 * on a futex first and stay parked until the active ones are done. The
 * active phase (from the moment every other task is parked to the last
 * active task's last step) records its scheduling steps and µs in shared
 * words: the cost of a step among A tasks beside N - A parked ones, which is
 * what "a step does not cost more because other tasks are parked" means.
 * `phase` sets the active tasks' yield points (STEPS by default): the
 * parked curve runs a long phase, so that it times the steady step and not
 * only the first steps after the parked tasks ran, which cost more for
 * tens of milliseconds (a transient, measured apart). `sweep` > 0: the first
 * active task reads and writes that many MB just before the phase, an
 * eviction of the caches with nobody parked, the transient's control
 * (bench/controlled.ts compares the two).
 */
import { defineScenario, type ThreadContext } from '../../src/runtime/index.js';
import { kSchedStep } from '../../src/runtime/kernel/layout.js';

/** User yield points per thread. */
export const STEPS = 20;

/** Shared words the active phase writes (read by bench/controlled.ts). */
export const PHASE_WORDS = ['stepsAt0', 'stepsAt1', 'usAt0', 'usAt1'] as const;

function activeOf(ctx: { readonly params: Record<string, unknown>; readonly threads: number }): number {
  const a = Number(ctx.params['active'] ?? 0);
  return a > 0 && a < ctx.threads ? a : ctx.threads;
}

function phaseOf(ctx: { readonly params: Record<string, unknown> }): number {
  const n = Number(ctx.params['phase'] ?? 0);
  return n > 0 ? n : STEPS;
}

/** A buffer per worker (isolate) for the cache sweep, kept across schedules. */
let sweepBuf: Int32Array | null = null;

/**
 * Read and write `mb` MB, one word per 64-byte line: what the caches held
 * before is evicted, as many other threads running in between would.
 */
function sweepCaches(mb: number): void {
  if (sweepBuf === null || sweepBuf.length !== mb << 18) sweepBuf = new Int32Array(mb << 18);
  for (let i = 0; i < sweepBuf.length; i += 16) sweepBuf[i]!++;
}

function mark(ctx: ThreadContext, steps: string, us: string): void {
  ctx.store(steps, Atomics.load(ctx.k.i32, kSchedStep));
  ctx.store(us, ctx.k.nowUs());
}

export default defineScenario({
  name: 'bench-steps',
  description: `every thread passes ${STEPS} yield points and exits (controlled-mode step cost by thread count)`,
  threads: { default: 4, min: 1, max: 128 },
  params: { active: 0, phase: 0, sweep: 0 },
  variants: [{ name: 'mainline', kind: 'correct', expect: 'pass', spec: null, description: 'no protocol: yield points only' }],
  shared: { steps: 1, parked: 1, release: 1, started: 1, stepsAt0: 1, stepsAt1: 1, usAt0: 1, usAt1: 1 },
  setup(ctx) {
    for (let i = 0; i < ctx.threads; i++) ctx.spawn('worker', i);
  },
  bodies: {
    worker(ctx) {
      const active = activeOf(ctx);
      const parked = ctx.threads - active;
      if (ctx.arg >= active) {
        // A parked task: counted, then asleep until the active phase is over.
        ctx.add('parked', 1);
        ctx.sys.futexWake(ctx.addr('parked'), active);
        while (ctx.load('release') === 0) ctx.sys.futexWait(ctx.addr('release'), 0);
        return;
      }
      for (let p = ctx.load('parked'); p < parked; p = ctx.load('parked')) ctx.sys.futexWait(ctx.addr('parked'), p);
      // One task at a time runs (controlled mode) and the sweep has no yield
      // point: every sweep of a task that saw no one started ends before the phase's first mark.
      const sweep = Number(ctx.params['sweep'] ?? 0);
      if (sweep > 0 && ctx.load('started') === 0) sweepCaches(sweep);
      if (ctx.add('started', 1) === 0) mark(ctx, 'stepsAt0', 'usAt0');
      const phase = phaseOf(ctx);
      for (let i = 0; i < phase; i++) ctx.yield();
      if (ctx.add('steps', 1) === active - 1) {
        mark(ctx, 'stepsAt1', 'usAt1');
        ctx.store('release', 1);
        ctx.sys.futexWake(ctx.addr('release'), parked);
      }
    },
  },
  check(ctx) {
    const active = activeOf(ctx);
    if (ctx.get('steps') !== active) ctx.fail(`${ctx.get('steps')} of ${active} active threads finished`);
    if (ctx.get('parked') !== ctx.threads - active) ctx.fail(`${ctx.get('parked')} of ${ctx.threads - active} threads parked`);
  },
});
