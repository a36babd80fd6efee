/**
 * The hunting core: failures come with schedules that replay exactly, a
 * parallel failure converts into a controlled schedule, and shrinking finds
 * the known minimal depth of planted bugs (one preemption for the lost
 * update and for ABBA).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replayLog } from '../src/harness/replay.js';
import { pctMissBound } from '../src/runtime/explore/pct.js';
import type { SeedLog } from '../src/harness/seedlog.js';
import { run, withTimeout } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-hunt-'));

for (const [scenario, variant, parallelIterations] of [
  ['selftest-lost-update', 'racy', 1500],
  // 60 parallel iterations once logged only 4 deadlocks on a loaded machine;
  // 150 cost no more time here (the logs stop at maxLogs) and leave a margin.
  ['selftest-abba', 'abba', 150],
] as const) {
  test(`${scenario}/${variant}: a controlled failure shrinks to one preemption and both schedules replay exactly`, async () => {
    const dir = join(tmp, `${variant}-controlled`);
    const r = await run({ scenario, variant, mode: 'controlled', strategy: 'random', iterations: 100, stopOnFailure: true, logDir: dir, seed: 21 });
    assert.is(r.summary.failures, 1);
    const log = r.failures[0]!.log;
    assert.ok(log.minimized, 'the log keeps a minimized schedule');
    assert.is(log.minimized!.preemptions, 1, `${variant}: minimal depth is one preemption`);
    assert.is(log.minimized!.depth, 1);
    assert.ok(log.minimized!.fromPreemptions >= log.minimized!.preemptions);
    assert.ok(log.schedule.length > 0, 'the original schedule is kept too');
    const path = r.failures[0]!.logPath!;
    const v = await withTimeout('replay', 60_000, (stop) => replayLog(path, 20, stop));
    assert.is(v.reproduced, 20);
    assert.is(v.identical, 20);
    assert.is(v.divergence, null);
    const m = await withTimeout('replay --minimized', 60_000, (stop) => replayLog(path, 5, stop, true));
    assert.is(m.reproduced, 5);
    assert.is(m.identical, 5);
  });

  test(`${scenario}/${variant}: parallel failures convert into exact controlled schedules`, async () => {
    const dir = join(tmp, `${variant}-parallel`);
    const r = await run({ scenario, variant, mode: 'parallel', strategy: 'random', perturbPermille: 200, iterations: parallelIterations, logDir: dir, seed: 5, maxLogs: 10 });
    const logged = r.failures.filter((f) => f.log.conversion);
    assert.ok(logged.length >= 5, `enough failures to convert (${logged.length})`);
    const ok = logged.filter((f) => f.log.conversion!.reproduced).length;
    // Measured around 95-100%; half is a floor that a working conversion never misses.
    assert.ok(ok * 2 >= logged.length, `converted ${ok}/${logged.length}`);
    const converted = logged.find((f) => f.log.conversion!.reproduced)!;
    assert.ok(converted.log.minimized, 'a converted failure is shrunk as well');
    const v = await withTimeout('replay parallel log', 60_000, (stop) => replayLog(converted.logPath!, 5, stop));
    assert.is(v.converted, true);
  });
}

test('replay reports the first divergent step when the schedule no longer matches', async () => {
  const dir = join(tmp, 'diverge');
  const r = await run({ scenario: 'selftest-lost-update', variant: 'racy', mode: 'controlled', iterations: 100, stopOnFailure: true, logDir: dir, seed: 8, hunt: false });
  const path = r.failures[0]!.logPath!;
  const log = JSON.parse(readFileSync(path, 'utf8')) as SeedLog & { schedule: { labels: string[] } };
  // Rename the label of step 2: the replay sees another label there.
  const at = log.schedule.at[2]!;
  const labels = [...log.schedule.labels, 'lost-update:renamed'];
  const edited = { ...log, schedule: { ...log.schedule, labels, at: log.schedule.at.map((x, i) => (i === 2 ? labels.length - 1 : x)) } };
  void at;
  const p2 = join(dir, 'edited.json');
  writeFileSync(p2, JSON.stringify(edited));
  const v = await withTimeout('replay edited', 60_000, (stop) => replayLog(p2, 2, stop));
  assert.ok(v.divergence, 'a divergence is reported');
  assert.is(v.divergence!.step, 2);
  assert.is(v.divergence!.expected!.label, 'lost-update:renamed');
  assert.is.not(v.divergence!.seen!.label, 'lost-update:renamed');
});

test('a log whose failure does not come back replays with reproduced 0', async () => {
  const dir = join(tmp, 'noreproduce');
  const r = await run({ scenario: 'selftest-abba', variant: 'abba', mode: 'controlled', iterations: 50, stopOnFailure: true, logDir: dir, seed: 4, hunt: false });
  const path = r.failures[0]!.logPath!;
  const log = JSON.parse(readFileSync(path, 'utf8')) as SeedLog;
  const p2 = join(dir, 'ordered.json');
  writeFileSync(p2, JSON.stringify({ ...log, variant: 'ordered' }));
  const v = await withTimeout('replay ordered', 60_000, (stop) => replayLog(p2, 3, stop));
  assert.is(v.reproduced, 0);
});

test('PCT miss bound: 1/(n k^(d-1)) per run', () => {
  const b = pctMissBound(4, 100, 2, 1000);
  assert.ok(Math.abs(b.perRun - 1 / 400) < 1e-12);
  assert.ok(Math.abs(b.miss - Math.pow(1 - 1 / 400, 1000)) < 1e-9);
  assert.is(pctMissBound(2, 50, 1, 1).perRun, 0.5);
});

test('a clean controlled PCT run reports its bound', async () => {
  const r = await run({ scenario: 'tw-barrier', mode: 'controlled', strategy: 'pct', depth: 2, iterations: 100 });
  assert.is(r.summary.failures, 0);
  const b = r.summary.pctBound!;
  assert.ok(b);
  assert.is(b.depth, 2);
  assert.is(b.runs, 100);
  assert.ok(b.perRun > 0 && b.perRun <= 1);
});

test.run();
