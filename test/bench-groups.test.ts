/**
 * `lockstep bench --group` and `--repeat`: which groups a list runs (with the
 * groups its baselines come from), the summary of repeated runs (pure), and
 * the CLI's files and refusals. No timing is asserted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRuns, GROUPS, selectGroups, summarizeRuns } from '../bench/groups.js';
import { FLOOR_PING, FLOOR_PONG, FLOOR_WORDS, floorSide, initFloor } from '../bench/completion-floor.js';
import { blockOrder, handoffBlocks, handoffName, pairedBlockRatio } from '../bench/handoff.js';
import { ratioOf } from '../bench/stats.js';
import { RUNS_FORMAT, type RunsReport, type SuiteReport } from '../bench/suite.js';
import type { BenchResult, DetectionResult } from '../bench/types.js';
import { UsageError } from '../src/runtime/kernel/errors.js';
import { lockstep, withTimeout } from './helpers.js';

test('selectGroups: the named groups in suite order, with the groups their baselines come from', () => {
  assert.equal(selectGroups('handoff'), ['handoff']);
  assert.equal(selectGroups('tsync'), ['floor', 'tsync']);
  assert.equal(selectGroups('srcu-sync, controlled'), ['handoff', 'controlled', 'srcu-sync']);
  assert.equal(selectGroups('detection,atomics,atomics'), ['atomics', 'detection']);
  assert.equal(selectGroups(GROUPS.join(',')), [...GROUPS]);
  for (const bad of ['nope', 'handoff,,tsync', '', 'Handoff']) {
    assert.throws(() => selectGroups(bad), (e: unknown) => e instanceof UsageError && /the groups are atomics, handoff/.test(e.message), bad);
  }
});

test('blockOrder: every block times each one-core-busy row once, the first row rotating', () => {
  assert.equal(blockOrder(['raw', 'runtime'], 3), ['raw', 'runtime', 'runtime', 'raw', 'raw', 'runtime']);
  assert.equal(blockOrder(['a', 'b', 'c'], 2), ['a', 'b', 'c', 'b', 'c', 'a']);
  const { blocks, perBlock } = handoffBlocks(false);
  const order = blockOrder(['raw', 'runtime'], blocks);
  assert.is(order.filter((r) => r === 'raw').length, blocks);
  assert.is(order.filter((r) => r === 'runtime').length, blocks);
  assert.ok(handoffBlocks(true).blocks * handoffBlocks(true).perBlock < blocks * perBlock);
});

test('ratioOf: four significant digits, so that a small ratio of positive figures stays positive', () => {
  assert.is(ratioOf(1.02, 2400), 0.000425);
  assert.ok(ratioOf(1, 1e7) > 0);
  assert.is(ratioOf(2.174, 0.511), 4.254);
  assert.is(ratioOf(13.97, 11.81), 1.183);
});

test('pairedBlockRatio: the median of the quotients of neighbouring blocks, however the pooled medians mix placements', () => {
  // Two placements, ~12 and ~16 for the baseline, 1.2x that for the row; the row
  // draws the slow placement in more blocks than the baseline does.
  const blk = (m: number): number[] => [m - 0.1, m, m + 0.1];
  const base = [12, 16, 12, 12, 12].map(blk);
  const row = [12 * 1.2, 16 * 1.2, 16 * 1.2, 16 * 1.2, 12 * 1.2].map(blk);
  const pooled = (xs: number[][]): number => xs.flat().sort((a, b) => a - b)[Math.floor(xs.flat().length / 2)]!;
  assert.ok(pooled(row) / pooled(base) > 1.5, 'the pooled medians read the mixture');
  const q = pairedBlockRatio(row, base);
  // Three of the five pairs share a placement: their quotient is the row's factor.
  assert.ok(Math.abs(q - 1.2) < 1e-9, `block by block ${q}`);
  assert.throws(() => pairedBlockRatio([[1]], [[1], [2]]), /1 blocks against 2/);
  assert.throws(() => pairedBlockRatio([], []), /0 blocks against 0/);
});

test('completion floor: a completion taken without sleeping; the ordered flavour tickets each yield point, the bare one writes no header word', () => {
  for (const flavour of ['bare', 'ordered'] as const) {
    const i32 = new Int32Array(new SharedArrayBuffer(FLOOR_WORDS * 4));
    initFloor(i32);
    const header = [...i32.slice(0, 4)];
    const main = floorSide(i32, 0, flavour);
    const partner = floorSide(i32, 1, flavour);
    main.complete(FLOOR_PING);
    main.complete(FLOOR_PING);
    assert.is(i32[FLOOR_PING], 2, 'done counts completions');
    partner.waitForCompletion(FLOOR_PING);
    partner.waitForCompletion(FLOOR_PING);
    assert.is(i32[FLOOR_PING], 0, 'each wait takes one');
    assert.is(i32[FLOOR_PONG], 0);
    // Nobody waited: no waiter counted, both still running.
    assert.is(i32[FLOOR_PING + 1], 0);
    const after = [...i32.slice(0, 4)];
    if (flavour === 'bare') assert.equal(after, header, 'bare: no header word written');
    else assert.equal(after, [header[0]! + 4, header[1], header[2], header[3]], 'ordered: one sequence ticket per yield point');
  }
});

const result = (name: string, median: number, base?: { baseline: string; ratio: number }): BenchResult => ({
  group: 'g',
  name,
  unit: 'us',
  median,
  p25: median,
  p75: median,
  p99: median,
  mean: median,
  samples: 10,
  spread: 0,
  opsPerSec: 1e6 / median,
  ...base,
});

const detection = (median: number | null): DetectionResult => ({
  group: 'detection',
  name: 'detect x/L1 parallel random',
  scenario: 'x',
  variant: 'L1',
  description: '',
  spec: 'L1',
  mode: 'parallel',
  strategy: 'random',
  threads: 2,
  unit: 's',
  median,
  p25: median,
  p75: median,
  p99: median,
  spread: null,
  samples: 5,
  iterations: { median: 1, p99: 1 },
  detected: median === null ? 0 : 5,
  detectionRate: median === null ? 0 : 1,
  budget: { iterations: 10, seconds: 1 },
  runs: [],
});

test('summarizeRuns: each figure over the runs (median, lowest, highest), its ratio likewise, and a second baseline read from the same run', () => {
  const runs = [
    { results: [result('base', 10), result('spin', 1), result('fig', 13, { baseline: 'base', ratio: 1.3 })], detection: [detection(2)] },
    { results: [result('base', 8), result('spin', 2), result('fig', 16, { baseline: 'base', ratio: 2 })], detection: [detection(null)] },
    { results: [result('base', 12), result('spin', 1), result('fig', 12, { baseline: 'base', ratio: 1 })], detection: [detection(4)] },
  ];
  const rows = summarizeRuns(runs, [{ name: 'fig', baseline: 'spin' }]);
  assert.equal(
    rows.map((r) => [r.name, r.baseline ?? null]),
    [
      ['base', null],
      ['spin', null],
      ['fig', 'base'],
      ['fig', 'spin'],
      ['detect x/L1 parallel random', null],
    ],
  );
  const [base, , fig, figSpin, det] = rows;
  assert.equal([base!.runs, base!.median, base!.medianMin, base!.medianMax], [3, 10, 8, 12]);
  assert.is(base!.ratio, undefined);
  assert.equal([fig!.median, fig!.ratio, fig!.ratioMin, fig!.ratioMax], [13, 1.3, 1, 2]);
  // 13/1, 16/2, 12/1: the second ratio is taken run by run, not from the medians.
  assert.equal([figSpin!.ratio, figSpin!.ratioMin, figSpin!.ratioMax], [12, 8, 13]);
  // The run where the bug was not found in most seeds has no median: not one of the row's runs.
  assert.equal([det!.runs, det!.median, det!.medianMin, det!.medianMax], [2, 4, 2, 4]);
  const text = formatRuns(rows, 3);
  assert.match(text, /^across 3 runs/);
  assert.match(text, /fig +3\/3 +13\.0 us +12\.0 – 16\.0 +1\.30x +1\.00x – 2\.00x +base/);
  assert.match(text, /detect x\/L1 parallel random +2\/3 +4\.00 s/);
});

test('bench --group handoff --repeat 2 --json: each run and the summary on stdout, the runs file rewritten after each run; refusals exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-groups-'));
  const file = join(dir, 'runs.json');
  const r = await withTimeout('bench --group --repeat', 120_000, () => lockstep(['bench', '--quick', '--group', 'handoff', '--repeat', '2', '--json', file], { timeoutMs: 110_000 }));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^run 1 of 2\n/);
  assert.match(r.stdout, /\nrun 2 of 2\n/);
  assert.match(r.stdout, /groups: handoff/);
  assert.match(r.stdout, /across 2 runs/);
  assert.not.match(r.stdout, /time to first detection|creds per TSYNC call/);
  const rep = JSON.parse(readFileSync(file, 'utf8')) as RunsReport;
  assert.is(rep.format, RUNS_FORMAT);
  assert.is(rep.runs.length, 2);
  for (const run of rep.runs) {
    assert.equal(run.groups, ['handoff']);
    assert.equal(run.detection, []);
    assert.equal([...new Set(run.results.map((x) => x.group))], ['handoff']);
  }
  const rt = rep.summary.filter((x) => x.name === handoffName('runtime'));
  assert.equal(
    rt.map((x) => x.baseline),
    [handoffName('raw'), handoffName('spin'), handoffName('floor-ordered')],
  );
  // The one-core-busy row also block by block, against the same baseline.
  const busy = rep.summary.filter((x) => x.name === handoffName('runtime', true));
  assert.equal(
    busy.map((x) => x.baseline),
    [handoffName('raw', true), `${handoffName('raw', true)}, block by block`],
  );
  for (const x of rt) {
    assert.is(x.runs, 2);
    assert.ok(x.ratioMin! <= x.ratio! && x.ratio! <= x.ratioMax!, `${x.name} vs ${x.baseline}`);
  }

  // A runs file or a run of some groups is not a report BENCHMARKS.md renders.
  const one = join(dir, 'one.json');
  const some = { ...rep.runs[0]! } satisfies SuiteReport;
  writeFileSync(one, JSON.stringify(some));
  const refusals: [string[], RegExp][] = [
    [['bench', '--from-json', file, '--markdown', join(dir, 'a.md')], /a report of repeated runs/],
    [['bench', '--from-json', one, '--markdown', join(dir, 'b.md')], /a run of some groups \(handoff\)/],
    [['bench', '--group', 'handoff', '--markdown', join(dir, 'c.md')], /not with --group or --repeat/],
    [['bench', '--repeat', '101'], /out of range \(1\.\.100\)/],
    [['bench', '--group', 'tsync,bogus'], /"bogus" is not a group/],
    [['bench', '--from-json', one, '--markdown', join(dir, 'd.md'), '--repeat', '2'], /takes --markdown FILE and nothing else/],
  ];
  for (const [args, msg] of refusals) {
    const x = await withTimeout(args.join(' '), 30_000, () => lockstep(args, { timeoutMs: 25_000 }));
    assert.is(x.code, 2, `${args.join(' ')}: ${x.stderr}`);
    assert.match(x.stderr, msg);
    assert.is(x.stderr.trim().split('\n').length, 1, x.stderr);
  }
  // Nothing written by the refusals: the runs file is as the repeat left it.
  assert.equal((JSON.parse(readFileSync(file, 'utf8')) as RunsReport).runs.length, 2);
});

test.run();
