/**
 * Data choices (ctx.choose(), Kernel.choose) on real workers: dfs enumerates
 * every alternative under every reduction, random finds a state that needs
 * two particular choices, the seed log records the choices and replays
 * exactly, and parallel mode draws them from each thread's PRNG.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExploreConfig } from '../src/harness/explore.js';
import { fixtureUrl, lockstep, ROOT, run } from './helpers.js';

const choose = fixtureUrl('explore/choose');

function cfg(o: Partial<ExploreConfig> = {}): ExploreConfig {
  return { reduction: 'none', policy: 'pb', bound: null, iterative: false, exitAtomic: true, ...o };
}

test('dfs: every pair of choices, under each reduction; disjoint words need one interleaving', async () => {
  const states: Record<string, string[]> = {};
  for (const reduction of ['none', 'sleep', 'dpor'] as const) {
    const r = await run({ scenario: choose, variant: 'free', mode: 'controlled', strategy: 'dfs', explore: cfg({ reduction }), iterations: 10_000, timeoutMs: 120_000 });
    const x = r.summary.exploration!;
    assert.ok(x.complete && x.exhaustive, reduction);
    states[reduction] = [...new Set(r.iterations.map((i) => i.finalState))].sort();
    assert.is(states[reduction]!.length, 9, `${reduction}: 3 x 3 final states`);
    if (reduction === 'dpor') assert.is(x.schedules, 9, 'dpor: one interleaving per pair of values');
  }
  assert.equal(states['sleep'], states['none']);
  assert.equal(states['dpor'], states['none']);
  const bound0 = await run({ scenario: choose, variant: 'free', mode: 'controlled', strategy: 'dfs', explore: cfg({ bound: 0 }), iterations: 10_000 });
  assert.is(new Set(bound0.iterations.map((i) => i.finalState)).size, 9, 'a data choice is not a preemption: bound 0 still sees every pair');
});

test('dfs finds the needle with a shared word (the order matters too); random finds it; the seed log records the choices and replays exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-choose-'));
  try {
    const d = await run({ scenario: choose, variant: 'needle', params: { word: 'shared' }, mode: 'controlled', strategy: 'dfs', explore: cfg({ reduction: 'dpor' }), iterations: 10_000, stopOnFailure: true, hunt: false });
    assert.is(d.failures.length, 1);
    assert.is(d.failures[0]!.kind, 'invariant');
    // As a user runs it: a scenario file, a seed log, `replay`.
    const file = join(ROOT, 'test/fixtures/explore/choose.ts');
    const logs: string[] = [];
    for (const strategy of [['--strategy', 'dfs', '--param', 'word=shared'], ['--strategy', 'random', '--param', 'n=4', '--iterations', '2000']]) {
      const r = await lockstep(['stress', '--scenario-file', file, '--variant', 'needle', '--mode', 'controlled', ...strategy, '--seed', '7', '--stop-on-failure', '--log-dir', dir, '--json'], { timeoutMs: 120_000 });
      const summary = JSON.parse(r.stdout.trim().split('\n').pop()!) as { failures: number; logs: string[] };
      assert.is(summary.failures, 1, `${strategy[1]}: ${r.stderr}`);
      logs.push(summary.logs[0]!);
    }
    const log = JSON.parse(readFileSync(logs[1]!, 'utf8')) as { schedule: { tids: number[] } };
    const choices = log.schedule.tids.filter((t) => t < 0).map((t) => -1 - t);
    assert.equal(choices.sort(), [2, 3], `random, two choices of 4 (one per thread, in either order): the log records them (${JSON.stringify(log.schedule.tids)})`);
    // Replayed by the command too: this test process may hold test-only subsystems (another memory layout).
    for (const path of logs) {
      const r = await lockstep(['replay', path, '--runs', '3', '--json'], { timeoutMs: 120_000 });
      const v = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reproduced: number; identical: number };
      assert.is(v.reproduced, 3, r.stderr);
      assert.is(v.identical, 3);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("parallel mode: choices come from each thread's PRNG, within range, and cover the values", async () => {
  const r = await run({ scenario: choose, variant: 'free', mode: 'parallel', iterations: 300, seed: 3 });
  assert.is(r.summary.failures, 0);
  const seen = new Set(r.iterations.map((i) => i.finalState));
  assert.ok(seen.size >= 8, `most of the 9 pairs in 300 iterations, saw ${seen.size}`);
});

test.run();
