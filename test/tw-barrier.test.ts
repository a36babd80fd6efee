/**
 * The built-in runtime scenario under stress: clone, task_work and
 * completions across 4 and 8 threads, in both modes, never fail; the warm
 * pool spawns no worker per iteration.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { run } from './helpers.js';

test('parallel mode, 4 threads, random perturbation: 1,000 iterations without failure', async () => {
  const r = await run({ scenario: 'tw-barrier', threads: 4, iterations: 1000, strategy: 'random', perturbPermille: 200 });
  assert.is(r.summary.failures, 0, r.failures[0]?.message);
  assert.is(r.summary.iterations, 1000);
  assert.is(r.summary.workersSpawned, 5, 'one worker per executor, none per iteration');
});

test('parallel mode, 8 threads, pct perturbation', async () => {
  const r = await run({ scenario: 'tw-barrier', threads: 8, iterations: 300, strategy: 'pct', perturbPermille: 200 });
  assert.is(r.summary.failures, 0, r.failures[0]?.message);
});

test('controlled mode, random and pct: no failure', async () => {
  for (const strategy of ['random', 'pct'] as const) {
    const r = await run({ scenario: 'tw-barrier', threads: 4, iterations: 300, mode: 'controlled', strategy });
    assert.is(r.summary.failures, 0, `${strategy}: ${r.failures[0]?.message}`);
  }
});

test('without the cancel path too', async () => {
  const r = await run({ scenario: 'tw-barrier', threads: 5, iterations: 200, params: { cancel: false } });
  assert.is(r.summary.failures, 0, r.failures[0]?.message);
});

test.run();
