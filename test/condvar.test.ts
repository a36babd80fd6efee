/**
 * pthread condition variables (sync/condvar.ts) and ctx.sys.join
 * (kernel/join.ts), on real workers: fixtures test/fixtures/condvar.ts and
 * test/fixtures/join.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL_MODES, fixtureUrl, run } from './helpers.js';

const CV = fixtureUrl('condvar');
const JOIN = fixtureUrl('join');

test('condvar: a correct bounded-buffer producer/consumer passes in parallel and controlled (random, pct) mode', async () => {
  for (const m of ALL_MODES) {
    const r = await run({ scenario: CV, variant: 'correct', ...m, iterations: 200, seed: 3, stopOnFailure: true, timeoutMs: 60_000 });
    const f = r.failures[0];
    assert.is(r.summary.failures, 0, `${m.mode}/${m.strategy}: ${f?.kind}: ${f?.message}`);
    assert.is(r.summary.iterations, 200);
  }
});

test('condvar: `if` instead of `while` is found (a consumer takes from an empty buffer), controlled random and pct, fixed seed', async () => {
  for (const strategy of ['random', 'pct'] as const) {
    const r = await run({ scenario: CV, variant: 'if-not-while', mode: 'controlled', strategy, iterations: 300, seed: 1, stopOnFailure: true, hunt: false });
    assert.is(r.summary.failures, 1, `${strategy}: the if-not-while bug must be found`);
    assert.is(r.failures[0]!.kind, 'invariant');
    assert.match(r.failures[0]!.message, /took from an empty buffer/);
  }
});

test('condvar: a signal sent before the wait is lost: a deadlock that names the condvar, controlled random and pct, fixed seed', async () => {
  for (const strategy of ['random', 'pct'] as const) {
    const r = await run({ scenario: CV, variant: 'lost-signal', mode: 'controlled', strategy, iterations: 100, seed: 1, stopOnFailure: true, hunt: false });
    assert.is(r.summary.failures, 1, `${strategy}: the lost signal must be found`);
    const f = r.failures[0]!;
    assert.is(f.kind, 'deadlock');
    const node = f.graph!.nodes.find((n) => n.name === 'waiter')!;
    assert.is(node.waitsOn, "condvar 'not empty' (sync#1)");
    assert.is(node.label, 'pthread_cond_wait');
  }
});

test('join: returns the exit code after the thread exited, its stores are visible; EDEADLK, ESRCH, EINVAL as pthread_join documents', async () => {
  for (const m of ALL_MODES) {
    const r = await run({ scenario: JOIN, variant: 'join', ...m, iterations: 100, seed: 5, stopOnFailure: true, timeoutMs: 30_000 });
    const f = r.failures[0];
    assert.is(r.summary.failures, 0, `${m.mode}/${m.strategy}: ${f?.kind}: ${f?.message}`);
    assert.is(r.summary.iterations, 100);
  }
});

test('join: two threads that join each other are reported as a deadlock with both in the cycle (controlled and parallel)', async () => {
  for (const m of [{ mode: 'controlled', strategy: 'random' }, { mode: 'parallel', strategy: 'random' }] as const) {
    const r = await run({ scenario: JOIN, variant: 'mutual', ...m, iterations: 3, seed: 1, stopOnFailure: true, hunt: false, timeoutMs: 30_000 });
    assert.is(r.summary.failures, 1, m.mode);
    const f = r.failures[0]!;
    assert.is(f.kind, 'deadlock', `${m.mode}: ${f.message}`);
    const cycle = f.graph!.cycle!;
    assert.equal(cycle.map((c) => c.name).sort(), ['a', 'b']);
    for (const c of cycle) assert.is(c.waitsOn, 'thread join');
    const a = f.graph!.nodes.find((n) => n.name === 'a')!;
    const b = f.graph!.nodes.find((n) => n.name === 'b')!;
    assert.equal(a.releasers, [b.tid]);
    assert.equal(b.releasers, [a.tid]);
  }
});

test.run();
