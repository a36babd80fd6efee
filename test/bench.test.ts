/**
 * `lockstep bench --quick` runs and writes well-formed results. No timing is
 * asserted: figures on these machines are only meaningful as same-run
 * ratios, and they belong in BENCHMARKS.md, not in a pass/fail test.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATOMICS_ADD_BASELINE, ATOMICS_GROUP } from '../bench/atomics.js';
import { broadcastAckName, twoRoundName } from '../bench/broadcast.js';
import { DETECTION_STRATEGIES, detectionPlan } from '../bench/detection.js';
import { QUICK_SRCU_READERS, rcuTasksBaselines, rcuTasksCases, rcuTasksName, srcuSyncName } from '../bench/gp-latency.js';
import { gpRateCases, gpRateName, RCUTORTURE_SRCU, RCUTORTURE_TASKS } from '../bench/gp-rate.js';
import { GROUPS, selectGroups, type GroupName } from '../bench/groups.js';
import { SRCU_READ_NAMES } from '../bench/srcu-read.js';
import { SRCU_SYNC_BASELINE, type SuiteReport } from '../bench/suite.js';
import { parkedPhase, RAW_SPIN_HANDOFF, RAW_WAKE, rawRingName, stepCaseName, stepCases } from '../bench/controlled.js';
import { STEPS } from '../bench/scenarios/steps.js';
import { DECIDE_TASKS, decideRowName } from '../bench/decide.js';
import { handoffName } from '../bench/handoff.js';
import { breakdownName, TSYNC_WHOLE } from '../bench/tsync-breakdown.js';
import { lockstep, withTimeout } from './helpers.js';

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

test('bench --quick writes every result with its spread, ratio and the machine fingerprint (SRCU and RCU Tasks groups included), the detection table, the SVG plots and the markdown report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
  const file = join(dir, 'sub', 'quick.json');
  const md = join(dir, 'BENCH.md');
  const r = await withTimeout('bench --quick', 240_000, () => lockstep(['bench', '--quick', '--json', file, '--markdown', md], { timeoutMs: 230_000 }));
  assert.is(r.code, 0, r.stderr);
  const rep = JSON.parse(readFileSync(file, 'utf8')) as SuiteReport;
  assert.is(rep.quick, true);
  assert.type(rep.fingerprint.node, 'string');
  assert.ok(rep.fingerprint.cores >= 1);
  assert.type(rep.machine.cpu, 'string');
  assert.equal(rep.errors, []);

  for (const x of rep.results) {
    assert.ok(finite(x.median) && x.median > 0, `${x.name} median`);
    assert.ok(finite(x.p99) && x.p99 >= 0, `${x.name} p99`);
    assert.ok(finite(x.spread) && x.spread >= 0, `${x.name} spread`);
    assert.ok(x.samples >= 1, `${x.name} samples`);
    if (x.baseline !== undefined) {
      assert.ok(rep.results.some((y) => y.name === x.baseline), `${x.name}: baseline ${x.baseline} measured in the same run`);
      assert.ok(finite(x.ratio) && x.ratio > 0, `${x.name} ratio`);
    }
  }
  const groups = new Set(rep.results.map((x) => x.group));
  for (const g of [ATOMICS_GROUP, 'handoff', 'stress', 'iteration', 'controlled', 'floor', 'tsync', 'tsync-breakdown', 'srcu-sync', 'rcu-tasks', 'gp-rate']) assert.ok(groups.has(g), `group ${g}`);
  // `bench --group` runs a group with the groups its baselines come from (bench/groups.ts): every baseline is in one of them.
  assert.equal([...groups, 'detection'].filter((g) => !(GROUPS as readonly string[]).includes(g)), []);
  for (const x of rep.results) {
    const base = rep.results.find((y) => y.name === x.baseline);
    if (base) assert.ok(selectGroups(x.group).includes(base.group as GroupName), `${x.name} (${x.group}) against ${base.name} (${base.group}): --group ${x.group} would not measure its baseline`);
  }

  // Issue 16's figures, each beside its baseline from the same run (no timing asserted).
  const busy = rep.results.find((x) => x.name === handoffName('runtime', true));
  assert.is(busy?.baseline, handoffName('raw', true), 'park/unpark with one core busy against the futex under the same load');
  for (const c of stepCases(true)) {
    const x = rep.results.find((y) => y.name === stepCaseName(c));
    assert.ok(x, stepCaseName(c));
    // The short phase's rows against the short phase alone (itself against the long one); the parked curve against its first point.
    const short = c.active !== undefined && c.phase === STEPS;
    const want =
      short && c.active === c.threads && !c.sweepMb
        ? stepCaseName({ ...c, phase: parkedPhase(true) })
        : short
          ? stepCaseName({ ...c, threads: c.active!, sweepMb: 0 })
          : c.active !== undefined && c.active < c.threads
            ? stepCaseName({ ...c, threads: c.active })
            : c.scenario === 'bench-steps'
              ? rawRingName(c.threads)
              : RAW_WAKE;
    assert.is(x!.baseline, want, `${x!.name} baseline`);
  }
  assert.ok(rep.results.some((x) => x.name === RAW_SPIN_HANDOFF), 'raw spin handoff in the controlled group');
  // The parked curve's raw floor: the active threads beside as many asleep, against the ring among the active ones alone.
  for (const c of stepCases(true)) {
    if (c.active === undefined || c.active >= c.threads) continue;
    const x = rep.results.find((y) => y.name === rawRingName(c.threads, c.active));
    assert.ok(x, rawRingName(c.threads, c.active));
    assert.is(x!.group, 'controlled');
    assert.is(x!.baseline, rawRingName(c.active), `${x!.name} baseline`);
  }
  for (const n of DECIDE_TASKS) {
    const x = rep.results.find((y) => y.name === decideRowName(n));
    assert.ok(x, decideRowName(n));
    assert.is(x!.group, 'controlled');
    assert.is(x!.baseline, n === DECIDE_TASKS[0] ? stepCaseName({ scenario: 'bench-steps', threads: 4, strategy: 'random', active: 4, phase: parkedPhase(true) }) : decideRowName(DECIDE_TASKS[0]), `${x!.name} baseline`);
  }
  const phases = rep.results.filter((x) => x.group === 'iteration');
  assert.ok(phases.length >= 7, 'iteration phases');
  for (const x of phases) if (!x.name.endsWith('whole iteration')) assert.ok(x.baseline?.endsWith('whole iteration'), `${x.name} against the whole iteration`);
  const call = rep.results.find((x) => x.name === breakdownName(TSYNC_WHOLE));
  assert.ok(call, 'TSYNC breakdown: the whole call');
  assert.ok(rep.results.filter((x) => x.group === 'tsync-breakdown').length >= 8, 'TSYNC breakdown phases');

  // Baselines, measured in the same run.
  const add = rep.results.find((x) => x.name === ATOMICS_ADD_BASELINE);
  assert.ok(add, 'bare Atomics.add baseline');
  assert.is(add!.unit, 'ns');
  for (const base of ['raw Atomics.wait/notify ping-pong', 'raw spin ping-pong']) {
    assert.ok(rep.results.some((x) => x.name === base), `baseline ${base}`);
  }
  const handoff = rep.results.find((x) => x.name.startsWith('runtime park/unpark'))!;
  assert.is(handoff.baseline, 'raw Atomics.wait/notify ping-pong');

  // Each TSYNC point against the broadcast-ack floor with the same N.
  const tsync = rep.results.filter((x) => /^Landlock TSYNC \d+ siblings$/.test(x.name));
  assert.ok(tsync.length >= 2, 'TSYNC series');
  for (const t of tsync) {
    const n = Number(/(\d+) siblings/.exec(t.name)![1]);
    assert.is(t.baseline, broadcastAckName(n), `${t.name} against the floor for ${n}`);
  }
  // The protocol's shape with no work, against one broadcast round for as many waiters.
  for (const n of [1, 8]) {
    const two = rep.results.find((x) => x.name === twoRoundName(n));
    assert.ok(two, `two-round per-thread floor for ${n}`);
    assert.is(two!.baseline, broadcastAckName(n));
  }

  // Stress iterations/s per scenario in parallel mode, schedules/s in controlled mode.
  const parallel = rep.results.filter((x) => x.group === 'stress' && x.name.startsWith('stress it/s') && x.name.endsWith('parallel random'));
  assert.ok(parallel.length >= 3, 'parallel random over several scenarios');
  for (const strategy of ['random', 'pct']) {
    const c = rep.results.filter((x) => x.name.startsWith('schedules/s') && x.name.endsWith(`controlled ${strategy}`));
    assert.ok(c.length >= 1, `schedules/s controlled ${strategy}`);
    for (const x of c) assert.ok(x.baseline?.startsWith('stress it/s'), `${x.name} against parallel iterations of the same scenario`);
  }

  // Time to first detection: every planned bug under every strategy.
  const plan = detectionPlan(true);
  assert.is(rep.detection.length, plan.bugs.length * DETECTION_STRATEGIES.length);
  for (const d of rep.detection) {
    assert.is(d.samples, plan.seeds.length, `${d.name} seeds`);
    assert.is(d.runs.length, d.samples, `${d.name} runs`);
    assert.ok(d.detected >= 0 && d.detected <= d.samples, `${d.name} detected`);
    assert.ok(finite(d.detectionRate) && d.detectionRate >= 0 && d.detectionRate <= 1, `${d.name} rate`);
    assert.ok(d.median === null || (finite(d.median) && d.median > 0), `${d.name} median`);
    assert.ok(d.p99 === null || finite(d.p99), `${d.name} p99`);
    assert.ok(d.spread === null || (finite(d.spread) && d.spread >= 0), `${d.name} spread`);
    for (const run of d.runs) {
      assert.ok(finite(run.seconds) && run.seconds >= 0 && run.iterations >= 0, `${d.name} seed ${run.seed}`);
      if (run.found) assert.type(run.kind, 'string');
    }
    if (d.mode !== 'controlled' || d.strategy !== 'random') assert.ok(d.baseline?.endsWith('controlled random'), `${d.name} baseline`);
  }

  // SRCU read side: per operation, in the same Bench as the Atomics.add baseline.
  for (const name of SRCU_READ_NAMES) {
    const x = rep.results.find((y) => y.name === name);
    assert.ok(x, name);
    assert.is(x!.group, ATOMICS_GROUP, `${name} group`);
    assert.is(x!.unit, 'ns', `${name} unit`);
    assert.is(x!.baseline, ATOMICS_ADD_BASELINE, `${name} baseline`);
  }

  // synchronize_srcu() per reader count, one sample per grace period, against the futex round trip.
  for (const n of QUICK_SRCU_READERS) {
    const x = rep.results.find((y) => y.name === srcuSyncName(n));
    assert.ok(x, srcuSyncName(n));
    assert.is(x!.group, 'srcu-sync');
    assert.is(x!.unit, 'us');
    assert.ok(x!.samples >= 2, `${x!.name} samples`);
    assert.ok(x!.p99 >= x!.median, `${x!.name} p99 >= median`);
    assert.is(x!.baseline, SRCU_SYNC_BASELINE, `${x!.name} baseline`);
  }

  // synchronize_rcu_tasks() per design: every quick case, with its baseline.
  const rtCases = rcuTasksCases(true);
  const rtBase = rcuTasksBaselines(rtCases);
  assert.ok(new Set(rtCases.map((c) => c.design)).size === 3, 'every design in quick mode');
  for (const c of rtCases) {
    const x = rep.results.find((y) => y.name === rcuTasksName(c));
    assert.ok(x, rcuTasksName(c));
    assert.is(x!.group, 'rcu-tasks');
    assert.is(x!.unit, 'us');
    assert.ok(x!.samples >= 2, `${x!.name} samples`);
    assert.is(x!.baseline, rtBase[x!.name], `${x!.name} baseline`);
  }

  // GP/s in the torture scenarios (ms per GP), printed beside rcutorture's published figures.
  for (const c of gpRateCases(true)) {
    const x = rep.results.find((y) => y.name === gpRateName(c));
    assert.ok(x, gpRateName(c));
    assert.is(x!.group, 'gp-rate');
    assert.is(x!.unit, 'ms');
    assert.ok(x!.opsPerSec > 0, `${x!.name} GP/s`);
  }
  assert.match(r.stdout, /beside rcutorture/);

  const shared = rep.credsPerCall.find((c) => c.siblings === 8 && c.credsPerCall === 1);
  const own = rep.credsPerCall.find((c) => c.siblings === 8 && c.credsPerCall === 9);
  assert.ok(shared, 're-wiring: one cred per call');
  assert.ok(own, 'own creds: 1 + 8 creds per call');

  const svg = join(dir, 'sub', 'quick-tsync.svg');
  assert.ok(existsSync(svg));
  const svgText = readFileSync(svg, 'utf8');
  assert.match(svgText, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svgText, /broadcast-ack floor/);
  assert.match(svgText, /stroke-dasharray/);

  const srcuSvg = join(dir, 'sub', 'quick-srcu.svg');
  assert.ok(existsSync(srcuSvg), 'SRCU plot beside the JSON');
  const srcuText = readFileSync(srcuSvg, 'utf8');
  assert.match(srcuText, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(srcuText, /synchronize_srcu median/);
  assert.match(srcuText, /futex round trip/);

  const doc = readFileSync(md, 'utf8');
  const parts = ['# Benchmarks', 'Machine:', 'Time to first detection', '## Reproduce', 'quick-tsync.svg', 'quick-srcu.svg', ATOMICS_ADD_BASELINE, "Beside rcutorture's published GP/s"];
  for (const p of [...RCUTORTURE_SRCU, ...RCUTORTURE_TASKS]) parts.push(`| ${p.config} |`);
  for (const part of parts) assert.ok(doc.includes(part), `markdown has ${part}`);

  // The same report rendered again from the JSON, without running anything.
  const md2 = join(dir, 'BENCH2.md');
  const again = await withTimeout('bench --from-json', 30_000, () => lockstep(['bench', '--from-json', file, '--markdown', md2], { timeoutMs: 25_000 }));
  assert.is(again.code, 0, again.stderr);
  assert.is(readFileSync(md2, 'utf8'), doc);
});

test.run();
