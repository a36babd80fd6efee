/**
 * A built-in rcutorture scenario (srcu-torture, rcu-tasks-torture) as a
 * sustained run, for grace periods per second: the same bodies, setup,
 * variants and check, with two changes. Each reader runs the scenario's
 * reader body again and again until the writer is done (rcutorture's
 * readers read for the whole test; the scenario's readers stop after
 * `reads` sections, and the writer with them), so the writer spends its
 * whole budget of `gps` grace periods under load. And the writer's run is
 * timed inside its task: `writerUs` from its first replacement to its last
 * grace period (bench/gp-rate.ts divides it by `writerGps`).
 */
import { defineScenario, type Params, type Scenario } from '../../src/runtime/index.js';

export function sustainedTorture<P extends Params>(inner: Scenario<P>): Scenario<P> {
  const b = inner.bodies;
  const writer = b['writer'];
  const reader = b['reader'];
  if (!writer || !reader) throw new Error(`${inner.name}: not an rcutorture scenario (no writer or reader body)`);
  return defineScenario<P>({
    name: `bench-${inner.name}-rate`,
    description: `${inner.name} with readers that read until the writer is done; the writer's run timed`,
    threads: inner.threads,
    ...(inner.maxTasks ? { maxTasks: inner.maxTasks } : {}),
    ...(inner.params ? { params: inner.params } : {}),
    ...(inner.check ? { check: inner.check } : {}),
    ...(inner.hangMs !== undefined ? { hangMs: inner.hangMs } : {}),
    variants: inner.variants,
    shared: { ...inner.shared, writerUs: 1 },
    bodies: {
      ...b,
      writer(ctx) {
        const t0 = performance.now();
        writer(ctx);
        Atomics.store(ctx.k.i32, ctx.addr('writerUs'), Math.min(2 ** 31 - 1, Math.round((performance.now() - t0) * 1000)));
      },
      reader(ctx) {
        // The reader body counts itself out of `readersLeft` when its
        // sections are done: count it back in before each run.
        const i32 = ctx.k.i32;
        while (Atomics.load(i32, ctx.addr('writerDone')) === 0) {
          Atomics.add(i32, ctx.addr('readersLeft'), 1);
          reader(ctx);
        }
      },
    },
    setup: inner.setup,
  });
}
