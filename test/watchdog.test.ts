/**
 * The watchdog and deadlock reports: a planted ABBA deadlock is reported
 * with both threads and both mutexes and the cycle between them, in both
 * modes; a thread that never reaches a yield point is a hang, its worker is
 * replaced, and the run carries on; a livelock is caught by the iteration
 * time limit (parallel) or the step limit (controlled).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtureUrl, loadScenario, run, withTimeout } from './helpers.js';
import { ExecutorPool } from '../src/harness/pool.js';
import { layoutFor } from '../src/harness/layoutfor.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { EXEC_IDLE, EXEC_QUIT, EXEC_WORDS, X_BUSY, X_MAILBOX } from '../src/runtime/kernel/layout.js';
import { builtinByName } from '../src/scenarios/index.js';

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

test('a task parked with nobody to wake it is a deadlock without a cycle, reported after a short quiet, not after hangMs', async () => {
  // hangMs 20 s against a 15 s limit for three iterations: only the parked-task check can end them.
  const r = await run({ scenario: fixtureUrl('hang'), variant: 'never-completed', iterations: 3, hangMs: 20_000, timeoutMs: 15_000 });
  assert.is(r.summary.failures, 3);
  for (const f of r.failures) {
    assert.is(f.kind, 'deadlock', f.message);
    assert.match(f.message, /every task is blocked and none can wake another/);
    assert.match(f.message, /no wait-for cycle/);
    assert.match(f.message, /tid 2 worker \[D\] completion 'C'/);
  }
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

test('an abort that gives up replaces every executor that owes kBusy, also one not yet at its task', async () => {
  // An executor handed a task it has not taken yet (its worker not scheduled
  // within the unwind time on a loaded machine) owes the task's share of
  // kBusy: left alive, it ran the stale task into the next iteration, whose
  // clone then found no idle executor. The executors are not started here,
  // so the words stay as written.
  const url = builtinByName('selftest-abba')!.url;
  const sc = await loadScenario(url);
  const layout = layoutFor(sc, 2, {});
  const mem = KernelMemory.create(layout);
  const pool = new ExecutorPool(mem, { sab: mem.sab, layout, scenarioUrl: url, variant: 'abba', params: {}, threads: 2 }, layout.maxExecutors);
  try {
    await withTimeout('busy', 30_000, async () => {
      const i32 = mem.i32;
      const word = (x: number, w: number): number => mem.L.executors + x * EXEC_WORDS + w;
      assert.ok(layout.maxExecutors >= 2);
      for (let x = 0; x < layout.maxExecutors; x++) Atomics.store(i32, word(x, X_MAILBOX), EXEC_IDLE);
      assert.equal(pool.busy(), [], 'idle mailboxes, nothing running');
      Atomics.store(i32, word(1, X_MAILBOX), 2);
      assert.equal(pool.busy(), [1], 'a task posted and not taken');
      Atomics.store(i32, word(1, X_MAILBOX), EXEC_IDLE);
      Atomics.store(i32, word(0, X_BUSY), 1);
      assert.equal(pool.busy(), [0], 'mailbox emptied, share not given back yet');
      Atomics.store(i32, word(0, X_BUSY), 0);
      Atomics.store(i32, word(1, X_MAILBOX), EXEC_QUIT);
      assert.equal(pool.busy(), [], 'asked to quit is not a task');
    });
  } finally {
    await pool.close();
  }
});

test.run();
