/**
 * RCU, SRCU, RCU Tasks and PID namespaces (docs/RCU.md): the seed's A/B/C
 * deadlock with the SRCU design in both modes and its replay; both
 * historical fixes pass; rcutorture-style histograms pass for the correct
 * designs and catch the calibration mutants; synchronize_rcu()'s grace
 * period is checked by rcu-sync; every expressible planted bug is caught.
 * Detection in controlled mode runs with fixed seeds and strategies, so its
 * outcome is deterministic.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replayLog } from '../src/harness/replay.js';
import { fixtureUrl, run, withTimeout } from './helpers.js';

const DEADLOCK = 'rcu-tasks-pidns-deadlock';

for (const mode of ['parallel', 'controlled'] as const) {
  test(`srcu-2022: the seed's deadlock is reported with the cycle A -> B -> C -> A (${mode})`, async () => {
    const r = await run({ scenario: DEADLOCK, variant: 'srcu-2022', iterations: 50, mode, strategy: 'random', seed: 1, stopOnFailure: true, hunt: false });
    assert.is(r.summary.failures, 1, 'srcu-2022 did not deadlock');
    const f = r.failures[0]!;
    assert.is(f.kind, 'deadlock', f.message);
    const cycle = f.graph?.cycle;
    assert.ok(cycle, `no cycle in:\n${f.message}`);
    assert.equal(cycle!.map((c) => c.name).sort(), ['A', 'B', 'C']);
    const byName = new Map(cycle!.map((c) => [c.name, c.waitsOn]));
    assert.match(byName.get('A')!, /srcu grace period/);
    assert.match(byName.get('B')!, /pid namespace teardown/);
    assert.match(byName.get('C')!, /reap by parent/);
  });
}

test('srcu-2022: the deadlock replays exactly from its seed log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-rcu-'));
  const r = await run({ scenario: DEADLOCK, variant: 'srcu-2022', iterations: 50, mode: 'controlled', strategy: 'random', seed: 2, stopOnFailure: true, logDir: dir, hunt: false });
  assert.is(r.summary.failures, 1);
  const v = await withTimeout('replay', 60_000, (stop) => replayLog(r.failures[0]!.logPath!, 10, stop));
  assert.is(v.reproduced, 10);
  assert.is(v.identical, 10);
});

test('a too-short RCU Tasks grace period (R7) replays exactly: timers that fire are part of the schedule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-rcu-'));
  const r = await run({ scenario: 'rcu-tasks-torture', variant: 'R7', iterations: 300, mode: 'controlled', strategy: 'random', seed: 1, stopOnFailure: true, logDir: dir, hunt: false });
  assert.is(r.summary.failures, 1);
  const v = await withTimeout('replay', 60_000, (stop) => replayLog(r.failures[0]!.logPath!, 5, stop));
  assert.is(v.reproduced, 5);
  assert.is(v.identical, 5);
});

test('a too-short RCU grace period (rcu-preempt-only) replays exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-rcu-'));
  const r = await run({ scenario: 'rcu-sync', variant: 'rcu-preempt-only', iterations: 50, mode: 'controlled', strategy: 'random', seed: 3, stopOnFailure: true, logDir: dir, hunt: false });
  assert.is(r.summary.failures, 1);
  assert.is(r.failures[0]!.spec, 'I-RCU1', r.failures[0]!.message);
  const v = await withTimeout('replay', 60_000, (stop) => replayLog(r.failures[0]!.logPath!, 5, stop));
  assert.is(v.reproduced, 5);
  assert.is(v.identical, 5);
});

for (const variant of ['lists-2024', 'fix-2023']) {
  test(`${variant}: the seed's steps complete in both modes`, async () => {
    const p = await run({ scenario: DEADLOCK, variant, iterations: 300, seed: 3, stopOnFailure: true, hunt: false });
    assert.is(p.summary.failures, 0, `parallel: ${p.failures[0]?.message}`);
    const c = await run({ scenario: DEADLOCK, variant, iterations: 200, mode: 'controlled', strategy: 'pct', seed: 3, stopOnFailure: true, hunt: false });
    assert.is(c.summary.failures, 0, `controlled: ${c.failures[0]?.message}`);
  });
}

/** Correct variants of the other scenarios: [scenario, variant, iterations]. */
const PASSING: [string, string, number][] = [
  ['srcu-torture', 'mainline', 150],
  ['rcu-tasks-torture', 'lists-2024', 100],
  ['rcu-tasks-torture', 'fix-2023', 100],
  ['rcu-tasks-torture', 'srcu-2022', 100],
  ['rcu-tasks-exit-mutex', 'lists-2024', 150],
  ['rcu-tasks-exit-mutex', 'fix-2023', 150],
  ['rcu-tasks-exit-mutex', 'srcu-2022', 150],
  ['rcu-tasks-exit-mutex', 'R13-lists-2024', 150],
  ['pidns-reaper-thread', 'lists-2024', 150],
  ['rcu-sync', 'mainline', 150],
];

for (const [scenario, variant, iterations] of PASSING) {
  test(`${scenario}/${variant} passes in parallel and controlled mode`, async () => {
    const p = await run({ scenario, variant, iterations, seed: 4, stopOnFailure: true, hunt: false });
    assert.is(p.summary.failures, 0, `parallel: ${p.failures[0]?.message}`);
    const c = await run({ scenario, variant, iterations, mode: 'controlled', strategy: 'random', seed: 4, stopOnFailure: true, hunt: false });
    assert.is(c.summary.failures, 0, `controlled: ${c.failures[0]?.message}`);
  });
}

/** [scenario, variant, strategy (controlled mode), seed, kinds accepted, spec, message pattern, iteration budget] */
const CAUGHT: [string, string, 'random' | 'pct', number, string[], string | null, RegExp, number][] = [
  [DEADLOCK, 'R1', 'random', 1, ['deadlock'], null, /srcu grace period/, 50],
  [DEADLOCK, 'R2', 'random', 1, ['deadlock'], 'I-RT1', /rcu_tasks detected stalls/, 50],
  ['rcu-tasks-exit-mutex', 'R13', 'random', 1, ['deadlock'], null, /event_mutex|srcu grace period/, 100],
  ['rcu-tasks-exit-mutex', 'R13-fix-2023', 'random', 1, ['deadlock'], null, /event_mutex|srcu grace period/, 100],
  ['pidns-reaper-thread', 'R10', 'random', 1, ['deadlock'], null, /pid namespace teardown/, 300],
  ['srcu-torture', 'busted', 'random', 1, ['invariant'], 'I-SRCU1', /Reader Pipe/, 50],
  ['srcu-torture', 'busted-extend', 'random', 1, ['invariant'], 'I-SRCU1', /Reader Pipe/, 100],
  ['srcu-torture', 'R5', 'random', 1, ['gp-stall'], 'I-SRCU4', /Writer stall/, 50],
  ['srcu-torture', 'R6', 'random', 1, ['invariant', 'deadlock'], null, /unlock|Reader Pipe|srcu grace period/, 50],
  ['rcu-tasks-torture', 'busted', 'random', 1, ['invariant'], 'I-RT2', /Reader Pipe/, 50],
  ['rcu-tasks-torture', 'busted-extend', 'random', 1, ['invariant'], 'I-RT2', /Reader Pipe/, 20],
  ['rcu-tasks-torture', 'R7', 'random', 1, ['invariant'], 'I-RT2', /!!! (Too-short grace period|Reader Batch)/, 300],
  ['rcu-tasks-torture', 'R8', 'random', 1, ['invariant'], 'I-RT2', /!!! (Too-short grace period|Reader Batch)/, 300],
  ['rcu-tasks-torture', 'R11', 'random', 1, ['crash', 'invariant'], null, /list corruption|not empty/, 300],
  // The exit readers' section that runs on into do_exit()'s final region.
  ['rcu-tasks-torture', 'R9-postgp', 'random', 3, ['invariant'], 'I-RT2', /!!! (Too-short grace period|Reader Batch)/, 300],
  ['rcu-sync', 'rcu-gp-early', 'random', 1, ['invariant'], 'I-RCU1', /use after free|spanned a whole grace period/, 50],
  ['rcu-sync', 'rcu-preempt-only', 'random', 1, ['invariant'], 'I-RCU1', /use after free|spanned a whole grace period/, 50],
];

for (const [scenario, variant, strategy, seed, kinds, spec, pattern, iterations] of CAUGHT) {
  test(`${scenario}/${variant} is caught (controlled/${strategy}: ${kinds.join(' or ')})`, async () => {
    const r = await run({ scenario, variant, iterations, mode: 'controlled', strategy, seed, stopOnFailure: true, hunt: false, timeoutMs: 120_000 });
    assert.is(r.summary.failures, 1, `${variant} not detected in ${r.summary.iterations} iterations`);
    const f = r.failures[0]!;
    assert.ok(kinds.includes(f.kind), `${f.kind}: ${f.message}`);
    if (spec) assert.is(f.spec, spec, f.message);
    assert.match(f.message, pattern);
  });
}

test('a too-short grace period prints both histograms, with the offending index', async () => {
  const r = await run({ scenario: 'rcu-tasks-torture', variant: 'busted', iterations: 50, mode: 'controlled', strategy: 'random', seed: 1, stopOnFailure: true, hunt: false });
  const m = r.failures[0]!.message;
  assert.match(m, /^!!! Too-short grace period \(Reader Pipe index (\d+) > 1/);
  const pipe = /Reader Pipe: ([\d ]+)/.exec(m)![1]!.split(' ').map(Number);
  assert.is(pipe.length, 11);
  assert.ok(pipe.slice(2).some((v) => v > 0), m);
  assert.match(m, /Reader Batch: [\d ]+/);
});

test('unshare(CLONE_NEWPID) and the namespace rules: EPERM, EINVAL, the first child is init, ENOMEM once it died', async () => {
  for (const variant of ['rules', 'noadmin']) {
    for (const mode of ['parallel', 'controlled'] as const) {
      const r = await run({ scenario: fixtureUrl('pidns'), variant, iterations: 30, mode, seed: 1, stopOnFailure: true, hunt: false });
      assert.is(r.summary.failures, 0, `${variant}/${mode}: ${r.failures[0]?.message}`);
    }
  }
});

test.run();
