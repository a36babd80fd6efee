/**
 * Exhaustive exploration on real workers (strategy dfs, docs/EXPLORATION.md):
 * the schedule counts of small programs, the reductions' agreement with
 * brute force on the selftests, bugs found and replayed, and PCT's yield.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayLog } from '../src/harness/replay.js';
import type { ExploreConfig } from '../src/harness/explore.js';
import { fixtureUrl, run, withTimeout, type RunResult } from './helpers.js';

const independent = fixtureUrl('explore/independent');

/**
 * The watchdog's no-progress limit for these runs. In controlled mode a
 * deadlock is reported at once (no runnable task) and a livelock by the
 * step limit; the watchdog only catches a wall-clock stall, which here can
 * only be the machine (a loaded or suspended test process), and one such
 * spurious "hang" among thousands of schedules changed the counts and
 * state sets compared below. 20 s, as srcu.test.ts uses.
 */
const STALL_MS = 20_000;

function cfg(o: Partial<ExploreConfig> = {}): ExploreConfig {
  return { reduction: 'none', policy: 'pb', bound: null, iterative: false, exitAtomic: true, ...o };
}

/** Why a run's exploration is or is not complete, for an assertion's message (a failure under load must say why). */
function why(r: RunResult): string {
  const e = r.summary.exploration;
  return `stopped by ${e?.stoppedBy ?? 'nothing'}, ${e?.schedules} schedules in ${r.summary.iterations} runs, failures ${JSON.stringify(r.summary.failureKinds)}${r.summary.error ? `, error: ${r.summary.error}` : ''}`;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

test('dfs without reduction: two threads of k steps give C(2k, k) schedules (a step: its start, then each store)', async () => {
  for (const stores of [1, 2, 3]) {
    const k = stores + 1;
    const r = await run({ scenario: independent, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg(), iterations: 10_000, params: { steps: stores }, timeoutMs: 60_000 });
    assert.is(r.summary.exploration!.schedules, binom(2 * k, k), `stores=${stores}`);
    assert.ok(r.summary.exploration!.complete && r.summary.exploration!.exhaustive, why(r));
    assert.is(r.summary.failures, 0);
  }
  const three = await run({ scenario: independent, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg(), iterations: 10_000, threads: 3, params: { steps: 1 }, timeoutMs: 60_000 });
  assert.is(three.summary.exploration!.schedules, 90, '(3*2)! / (2!)^3');
});

test('dfs with DPOR: disjoint words explore one schedule; one shared word every order of the stores', async () => {
  const d = await run({ scenario: independent, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg({ reduction: 'dpor' }), iterations: 10_000, params: { steps: 3 } });
  assert.is(d.summary.exploration!.schedules, 1);
  assert.ok(d.summary.exploration!.complete, why(d));
  const s = await run({ scenario: independent, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg({ reduction: 'dpor' }), iterations: 10_000, params: { steps: 3, word: 'shared' } });
  assert.is(s.summary.exploration!.schedules, binom(6, 3), 'the starts commute; the six stores do not');
});

test('a preemption bound of 0 runs each thread to its end: two schedules', async () => {
  const r = await run({ scenario: independent, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg({ bound: 0 }), iterations: 10_000, params: { steps: 3 } });
  assert.is(r.summary.exploration!.schedules, 2);
  assert.ok(r.summary.exploration!.complete && !r.summary.exploration!.exhaustive, why(r));
});

test('reductions lose no behaviour: the final states of the selftests equal those of unpruned dfs', async () => {
  const cases = [
    { scenario: 'selftest-lost-update', variant: 'racy', params: { increments: 2 } },
    { scenario: 'selftest-lost-update', variant: 'atomic', params: { increments: 2 } },
    { scenario: 'selftest-abba', variant: 'abba', params: {} },
    { scenario: 'selftest-abba', variant: 'ordered', params: {} },
  ];
  for (const c of cases) {
    const states: Record<string, string[]> = {};
    for (const reduction of ['none', 'sleep', 'dpor'] as const) {
      const r = await run({ ...c, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg({ reduction }), iterations: 20_000, hunt: false, timeoutMs: 120_000 });
      assert.ok(r.summary.exploration!.complete, `${c.scenario}/${c.variant} ${reduction}: complete (${why(r)})`);
      states[reduction] = [...new Set(r.iterations.map((i) => i.finalState))].sort();
    }
    assert.equal(states['sleep'], states['none'], `${c.scenario}/${c.variant}: sleep sets`);
    assert.equal(states['dpor'], states['none'], `${c.scenario}/${c.variant}: DPOR`);
    if (c.variant === 'racy') assert.ok(states['none']!.some((s) => s.startsWith('invariant')), 'the lost update is among them');
  }
});

test('dfs finds planted bugs at the minimal bound, and the seed log replays exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-dfs-'));
  try {
    for (const c of [
      { scenario: 'selftest-abba', variant: 'abba', kind: 'deadlock' },
      { scenario: 'selftest-lost-update', variant: 'racy', kind: 'invariant' },
    ]) {
      const r = await run({ ...c, mode: 'controlled', hangMs: STALL_MS, strategy: 'dfs', explore: cfg({ iterative: true, bound: 10, exitAtomic: false }), iterations: 20_000, stopOnFailure: true, logDir: dir });
      assert.is(r.failures.length, 1, c.scenario);
      assert.is(r.failures[0]!.kind, c.kind);
      assert.is(r.summary.exploration!.bound, 1, 'both need one preemption, and bound 0 was exhausted first');
      assert.is(r.failures[0]!.log.exploration!.bound, 1);
      const v = await withTimeout('replay', 60_000, (stop) => replayLog(r.failures[0]!.logPath!, 3, stop));
      assert.is(v.reproduced, 3);
      assert.is(v.identical, 3);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PCT: a yield-spin handoff is not a livelock; a real livelock still is', async () => {
  const ok = await run({ scenario: fixtureUrl('explore/yield-spin'), variant: 'handoff', mode: 'controlled', hangMs: STALL_MS, strategy: 'pct', iterations: 10_000, timeoutMs: 240_000 });
  assert.is(ok.summary.failures, 0, JSON.stringify(ok.summary.failureKinds));
  assert.is(ok.summary.iterations, 10_000);
  const bad = await run({ scenario: fixtureUrl('explore/yield-spin'), variant: 'nobody-sets', mode: 'controlled', hangMs: STALL_MS, strategy: 'pct', iterations: 3, stepLimit: 5_000, hunt: false });
  assert.is(bad.summary.failures, 3);
  assert.ok(bad.failures.every((f) => f.kind === 'hang' && /livelock/.test(f.message)));
});

test.run();
