/**
 * The watchdog and deadlock reports: a planted ABBA deadlock is reported
 * with both threads and both mutexes and the cycle between them, in both
 * modes; a thread that never reaches a yield point is a hang, its worker is
 * replaced, and the run carries on; a livelock is caught by the iteration
 * time limit (parallel) or the step limit (controlled).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureUrl, run } from './helpers.js';

for (const mode of ['parallel', 'controlled'] as const) {
  test(`ABBA deadlock (${mode}): report names both threads, both mutexes and the cycle`, async () => {
    const r = await run({ scenario: 'selftest-abba', variant: 'abba', mode, iterations: 200, stopOnFailure: true });
    assert.is(r.summary.failures, 1);
    const f = r.failures[0]!;
    assert.is(f.kind, 'deadlock');
    const cycle = f.log.failure.cycle!;
    assert.ok(cycle, 'the seed log carries the cycle');
    assert.is(cycle.length, 2);
    const tids = cycle.map((c) => c.tid).sort();
    assert.equal(tids, [2, 3]);
    const waits = cycle.map((c) => c.waitsOn).join(' | ');
    assert.match(waits, /mutex 'A'/);
    assert.match(waits, /mutex 'B'/);
    assert.match(f.message, /wait-for cycle/);
    assert.match(f.message, /tid 2 worker \[D\] mutex/);
    assert.match(f.message, /tid 3 worker \[D\] mutex/);
    assert.match(f.message, /released by [23] \(holder\)/);
  });
}

test('ordered locking never deadlocks', async () => {
  const r = await run({ scenario: 'selftest-abba', variant: 'ordered', threads: 4, iterations: 300 });
  assert.is(r.summary.failures, 0, r.failures[0]?.message);
  const c = await run({ scenario: 'selftest-abba', variant: 'ordered', threads: 4, iterations: 300, mode: 'controlled' });
  assert.is(c.summary.failures, 0, c.failures[0]?.message);
});

test('a self-deadlock is a cycle of one', async () => {
  const r = await run({ scenario: fixtureUrl('hang'), variant: 'self-deadlock', iterations: 2, stopOnFailure: true });
  assert.is(r.failures[0]?.kind, 'deadlock');
  assert.is(r.failures[0]!.log.failure.cycle?.length, 1);
});

test('a thread that never yields is a hang; its worker is replaced and the run goes on', async () => {
  const r = await run({ scenario: fixtureUrl('hang'), variant: 'no-yield', iterations: 2, hangMs: 300, timeoutMs: 30_000 });
  assert.is(r.summary.iterations, 2);
  assert.is(r.summary.failures, 2);
  for (const f of r.failures) {
    assert.is(f.kind, 'hang');
    assert.match(f.message, /no progress for 300 ms/);
    assert.match(f.message, /runnable: 2/);
  }
  // 3 executors at start, one replacement per hung iteration.
  assert.is(r.summary.workersSpawned, 3 + 2);
});

test('a livelock in controlled mode hits the step limit and is reported as a hang', async () => {
  const r = await run({ scenario: fixtureUrl('hang'), variant: 'livelock', mode: 'controlled', iterations: 1, stepLimit: 5000 });
  assert.is(r.failures[0]?.kind, 'hang');
  assert.match(r.failures[0]!.message, /livelock/);
});

test('a livelock in parallel mode is caught by the iteration time limit', async () => {
  const r = await run({ scenario: fixtureUrl('hang'), variant: 'livelock', iterations: 1, hangMs: 200, iterationTimeoutMs: 800 });
  assert.is(r.failures[0]?.kind, 'hang');
  assert.match(r.failures[0]!.message, /did not finish within 800 ms/);
});

test('the finishing variant of the fixture passes in both modes', async () => {
  for (const mode of ['parallel', 'controlled'] as const) {
    const r = await run({ scenario: fixtureUrl('hang'), variant: 'finishes', mode, iterations: 50 });
    assert.is(r.summary.failures, 0, r.failures[0]?.message);
  }
});

test.run();
