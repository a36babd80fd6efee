/**
 * The logic of `lockstep merge` (src/cli/merge.ts) on summaries built in
 * memory: no worker pool, no subprocess, no file. What adds up, what is the
 * longest, which runs are refused and why, and which duplicates are caught.
 * test/merge.test.ts runs the same command end to end.
 */
import { refusal } from './refusal.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mergeSummaries, parseSummary, type ShardSummary } from '../src/cli/merge.js';
import { classifyResult } from '../src/cli/results.js';

/** A shard summary as `stress --shard I/N --json` ends. */
function shard(over: Partial<ShardSummary> = {}): ShardSummary {
  return {
    type: 'summary',
    scenario: 'tw-barrier',
    variant: 'mainline',
    mode: 'controlled',
    strategy: 'pct',
    seed: '0x00000007',
    threads: 4,
    iterations: 100,
    failures: 0,
    seconds: 2,
    itersPerSec: 50,
    workersSpawned: 5,
    logs: [],
    failureKinds: {},
    interrupted: false,
    expect: 'pass',
    ...over,
  };
}

test('compatible shards: counts add up, seconds is the longest shard, cpuSeconds the sum', () => {
  const m = mergeSummaries([
    { file: 'a.json', s: shard({ shard: '1/3', iterations: 100, seconds: 2, itersPerSec: 50, workersSpawned: 5, scheduleHash: 'aaaa0001' }) },
    {
      file: 'b.json',
      s: shard({
        shard: '2/3',
        iterations: 300,
        failures: 2,
        seconds: 4,
        itersPerSec: 75,
        workersSpawned: 6,
        logs: ['logs/x.json', 'logs/y.json'],
        failureKinds: { hang: 1, invariant: 1 },
        conversions: { tried: 2, reproduced: 1 },
      }),
    },
    {
      file: 'c.json',
      s: shard({ shard: '3/3', iterations: 50, failures: 1, seconds: 1, itersPerSec: 50, workersSpawned: 4, logs: ['logs/z.json'], failureKinds: { hang: 1 }, interrupted: true }),
    },
  ]);
  assert.is(m.type, 'summary');
  assert.equal([m.scenario, m.variant, m.mode, m.strategy, m.seed, m.threads, m.expect], ['tw-barrier', 'mainline', 'controlled', 'pct', '0x00000007', 4, 'pass']);
  assert.is(m.iterations, 450);
  assert.is(m.failures, 3);
  assert.is(m.workersSpawned, 15);
  assert.is(m.seconds, 4);
  assert.is(m.cpuSeconds, 7);
  assert.is(m.itersPerSec, 112.5);
  assert.equal(m.logs, ['logs/x.json', 'logs/y.json', 'logs/z.json']);
  assert.equal(m.failureKinds, { hang: 2, invariant: 1 });
  assert.equal(m.conversions, { tried: 2, reproduced: 1 });
  assert.is(m.interrupted, true, 'one interrupted shard makes the merge interrupted');
  assert.equal(m.shards, [
    { file: 'a.json', shard: '1/3', iterations: 100, failures: 0, seconds: 2, itersPerSec: 50, logs: 0, scheduleHash: 'aaaa0001' },
    { file: 'b.json', shard: '2/3', iterations: 300, failures: 2, seconds: 4, itersPerSec: 75, logs: 2 },
    { file: 'c.json', shard: '3/3', iterations: 50, failures: 1, seconds: 1, itersPerSec: 50, logs: 1, interrupted: true },
  ]);
});

test('seconds, cpuSeconds and iterations/s are rounded to milliseconds; no conversions means no field', () => {
  const m = mergeSummaries([
    { file: 'a.json', s: shard({ iterations: 10, seconds: 0.3333 }) },
    { file: 'b.json', s: shard({ iterations: 10, seconds: 0.6666 }) },
  ]);
  assert.is(m.seconds, 0.667);
  assert.is(m.cpuSeconds, 1);
  assert.is(m.itersPerSec, 30.003);
  assert.is(m.interrupted, false);
  assert.not.ok('conversions' in m);
});

test('a merged summary merges again: its shards are listed flat, its cpuSeconds counted, not its wall seconds', () => {
  const first = mergeSummaries([
    { file: 'a.json', s: shard({ shard: '1/3', iterations: 100, seconds: 2 }) },
    { file: 'b.json', s: shard({ shard: '2/3', iterations: 200, seconds: 3 }) },
  ]);
  const m = mergeSummaries([
    { file: 'merged.json', s: first },
    { file: 'c.json', s: shard({ shard: '3/3', iterations: 60, seconds: 9 }) },
  ]);
  assert.is(m.iterations, 360);
  assert.is(m.seconds, 9);
  assert.is(m.cpuSeconds, 14);
  assert.equal(
    m.shards.map((s) => [s.file, s.shard, s.iterations]),
    [
      ['a.json', '1/3', 100],
      ['b.json', '2/3', 200],
      ['c.json', '3/3', 60],
    ],
  );
});

test('different runs are refused, naming the field, both values and both files', () => {
  const a = { file: 'a.json', s: shard() };
  const cases: [keyof ShardSummary, unknown, string][] = [
    ['seed', '0x00000008', 'seed "0x00000007" in a.json but "0x00000008" in b.json'],
    ['scenario', 'selftest-abba', 'scenario "tw-barrier" in a.json but "selftest-abba" in b.json'],
    ['variant', 'L1', 'variant "mainline" in a.json but "L1" in b.json'],
    ['mode', 'parallel', 'mode "controlled" in a.json but "parallel" in b.json'],
    ['strategy', 'random', 'strategy "pct" in a.json but "random" in b.json'],
    ['threads', 8, 'threads 4 in a.json but 8 in b.json'],
  ];
  for (const [field, value, reason] of cases) {
    const msg = refusal(() => mergeSummaries([a, { file: 'b.json', s: shard({ [field]: value }) }]));
    assert.is(msg, `cannot merge different runs: ${reason}`, field);
  }
  // Every difference is named, in a fixed order, in one line.
  const both = refusal(() => mergeSummaries([a, { file: 'b.json', s: shard({ variant: 'L1', threads: 2 }) }]));
  assert.is(both, 'cannot merge different runs: variant "mainline" in a.json but "L1" in b.json; threads 4 in a.json but 2 in b.json');
  // A later file is compared with the first, not only with its neighbour.
  const third = refusal(() => mergeSummaries([a, { file: 'b.json', s: shard() }, { file: 'c.json', s: shard({ seed: '0x00000009' }) }]));
  assert.match(third, /seed "0x00000007" in a\.json but "0x00000009" in c\.json/);
});

test('a field one summary lacks is not compared (older summaries have no threads)', () => {
  const { threads: _t, ...old } = shard();
  const m = mergeSummaries([
    { file: 'old.json', s: old },
    { file: 'new.json', s: shard({ threads: 8 }) },
  ]);
  assert.is(m.iterations, 200);
  assert.not.ok('threads' in m, 'the first summary sets threads, and it has none');
});

test('duplicates are refused: the same file twice, the same shard twice, also inside a merged summary', () => {
  assert.is(refusal(() => mergeSummaries([{ file: 'a.json', s: shard() }, { file: 'a.json', s: shard() }])), 'a.json is given twice');
  assert.is(
    refusal(() => mergeSummaries([{ file: 'a.json', s: shard({ shard: '2/4' }) }, { file: 'b.json', s: shard({ shard: '2/4' }) }])),
    'shard 2/4 appears twice (a.json and b.json)',
  );
  const merged = mergeSummaries([
    { file: 'a.json', s: shard({ shard: '1/4' }) },
    { file: 'b.json', s: shard({ shard: '2/4' }) },
  ]);
  assert.is(
    refusal(() => mergeSummaries([{ file: 'merged.json', s: merged }, { file: 'c.json', s: shard({ shard: '2/4' }) }])),
    'shard 2/4 appears twice (merged.json and c.json)',
  );
  // Summaries that do not name a shard cannot be checked for overlap, and merge.
  assert.is(mergeSummaries([{ file: 'a.json', s: shard() }, { file: 'b.json', s: shard() }]).iterations, 200);
});

test('parseSummary: the last line of JSON Lines, or one (pretty-printed) object', () => {
  const s = shard({ iterations: 42 });
  const lines = `${JSON.stringify({ type: 'progress', iterations: 1 })}\n${JSON.stringify(s)}\n`;
  assert.equal(parseSummary(lines, 'r.json'), s);
  assert.equal(parseSummary(JSON.stringify(s, null, 2), 'r.json'), s);
});

test('parseSummary: every kind of bad text is one line naming the file', () => {
  const cases: [string, string, string][] = [
    ['empty', ' \n', 'r.json is empty (no summary: did the shard run with --json?)'],
    ['not JSON', 'hello\nworld\n', 'r.json is not a --json result: its last line is not JSON (expected the summary line of stress --json)'],
    ['truncated', `${JSON.stringify(shard())}\n{"type":"summ`, 'r.json is not a --json result: its last line is truncated (expected the summary line of stress --json)'],
    ['an array', '[1,2]', 'r.json: the last record is not a JSON object'],
    ['a progress line last', '{"type":"progress","iterations":3}\n', 'r.json: the last record has type "progress", not a summary (was the shard interrupted before it finished?)'],
    ['no type', '{"iterations":3}', 'r.json: the last record has no type, not a summary (was the shard interrupted before it finished?)'],
    ['a thin summary', '{"type":"summary","scenario":"x","logs":"no"}', 'r.json: the summary lacks "variant" (string), "mode" (string), "strategy" (string), "seed" (string), "iterations" (number), "failures" (number), "seconds" (number), "workersSpawned" (number), "logs" (array)'],
  ];
  for (const [what, text, msg] of cases) {
    const got = refusal(() => parseSummary(text, 'r.json'));
    assert.is(got, msg, what);
    assert.not.match(got, /\n/, `${what}: one line`);
  }
});

test('classifyResult: which files in a merge DIR are results, by content', () => {
  const progress = '{"type":"progress","iterations":3}';
  const cases: [string, string, 'summary' | 'unfinished' | 'other'][] = [
    ['stress --json output', `${progress}\n${JSON.stringify(shard())}\n`, 'summary'],
    ['a summary alone', JSON.stringify(shard()), 'summary'],
    ['a pretty-printed summary', JSON.stringify(shard(), null, 2), 'summary'],
    ['a seed log', JSON.stringify({ format: 'lockstep-seed-log/1', seed: '0x00000007', failure: { kind: 'deadlock' } }, null, 2), 'other'],
    ['a stress output cut before its summary', `${progress}\n${progress}\n`, 'unfinished'],
    ['one that ends in a failure record', `${progress}\n{"type":"failure","iteration":4}\n`, 'unfinished'],
    ['a bench report', '{"results":[],"detection":[]}', 'other'],
    ['text', 'hello\n', 'other'],
    ['empty', '', 'other'],
  ];
  for (const [what, text, kind] of cases) assert.is(classifyResult(text), kind, what);
});

test.run();
