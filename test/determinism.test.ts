/**
 * Controlled mode is deterministic: the same scenario, parameters and seed
 * give a byte-identical event sequence (the same schedule hash), run after
 * run, whatever the OS does with the workers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from './helpers.js';

test('one seed run 20 times gives one schedule hash and one schedule', async () => {
  for (const strategy of ['random', 'pct'] as const) {
    const r = await run({ scenario: 'tw-barrier', mode: 'controlled', strategy, seed: 7, fixedIteration: 3, iterations: 20, keepSchedules: true });
    assert.is(r.summary.failures, 0, r.failures[0]?.message);
    const hashes = new Set(r.iterations.map((i) => i.scheduleHash));
    assert.is(hashes.size, 1, `${strategy}: ${[...hashes].join(', ')}`);
    const first = JSON.stringify(r.iterations[0]!.schedule());
    for (const it of r.iterations) assert.is(JSON.stringify(it.schedule()), first);
  }
});

test('separate runs with the same seed agree; another seed differs', async () => {
  const a = await run({ scenario: 'tw-barrier', mode: 'controlled', seed: 11, iterations: 30 });
  const b = await run({ scenario: 'tw-barrier', mode: 'controlled', seed: 11, iterations: 30 });
  const c = await run({ scenario: 'tw-barrier', mode: 'controlled', seed: 12, iterations: 30 });
  assert.ok(a.summary.scheduleHash);
  assert.is(a.summary.scheduleHash, b.summary.scheduleHash);
  assert.is.not(a.summary.scheduleHash, c.summary.scheduleHash);
});

test('PCT with depth 1 never preempts a runnable task', async () => {
  const r = await run({ scenario: 'selftest-lost-update', variant: 'racy', mode: 'controlled', strategy: 'pct', depth: 1, iterations: 50 });
  for (const it of r.iterations) assert.is(it.preemptions, 0);
});

test.run();
