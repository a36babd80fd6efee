/**
 * `lockstep merge`: shards' --json summaries combined into one, and every
 * kind of bad input refused with one line and exit 2.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, lockstep, lockstepInProcess } from './helpers.js';



interface Summary {
  type: string;
  scenario: string;
  variant: string;
  mode: string;
  strategy: string;
  seed: string;
  threads: number;
  iterations: number;
  failures: number;
  seconds: number;
  cpuSeconds: number;
  itersPerSec: number;
  workersSpawned: number;
  logs: string[];
  failureKinds: Record<string, number>;
  shards: { file: string; iterations: number; failures: number; seconds: number; logs: number }[];
}

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-merge-'));

function lastLine(text: string): Summary {
  return JSON.parse(text.trim().split('\n').at(-1)!) as Summary;
}

function summary(over: Partial<Summary> = {}): Summary {
  return {
    type: 'summary',
    scenario: 'tw-barrier',
    variant: 'mainline',
    mode: 'parallel',
    strategy: 'random',
    seed: '0x00000007',
    threads: 4,
    iterations: 100,
    failures: 0,
    seconds: 2,
    cpuSeconds: 2,
    itersPerSec: 50,
    workersSpawned: 5,
    logs: [],
    failureKinds: {},
    shards: [],
    ...over,
  };
}

/** A shard result as stress --json writes it: progress lines, then the summary. */
function shardFile(name: string, s: Partial<Summary>): string {
  const p = join(tmp, name);
  const { cpuSeconds: _c, shards: _s, ...rest } = summary(s);
  writeFileSync(p, `${JSON.stringify({ type: 'progress', iterations: 1 })}\n${JSON.stringify(rest)}\n`);
  return p;
}

test('merge --help shows its usage and an example', async () => {
  const h = await lockstep(['merge', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /Usage: lockstep merge \(RESULT \| DIR\)\.\.\. \[--json\]/);
  assert.match(h.stdout, /Example: lockstep merge shard-1\.json/);
});

test('merge: real shards of one run add up; failures and seed logs are kept', async () => {
  const files: string[] = [];
  const shards: Summary[] = [];
  for (const i of [1, 2, 3]) {
    // The shards through the binary's entry point in this process (stress --json's own format is checked in cli.test.ts).
    const r = await lockstepInProcess([
      'stress', '--scenario', 'selftest-lost-update', '--variant', 'racy', '--mode', 'controlled', '--strategy', 'pct',
      '--seed', '11', '--iterations', '40', '--shard', `${i}/3`, '--json', '--log-dir', join(tmp, `logs-${i}`),
    ]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const f = join(tmp, `shard-${i}.json`);
    writeFileSync(f, r.stdout);
    files.push(f);
    shards.push(lastLine(r.stdout));
  }
  assert.ok(shards.some((s) => s.failures > 0), 'the racy variant fails in some shard');
  // The shards ran different seeds: their schedules differ.
  const r = await lockstep(['merge', ...files, '--json']);
  assert.is(r.code, 1, `failures found -> exit 1: ${r.stderr}`);
  assert.is(r.stdout.trim().split('\n').length, 1, 'one JSON line');
  const m = lastLine(r.stdout);
  const sum = (f: (s: Summary) => number): number => shards.reduce((a, s) => a + f(s), 0);
  assert.is(m.type, 'summary');
  assert.is(m.scenario, 'selftest-lost-update');
  assert.is(m.variant, 'racy');
  assert.is(m.mode, 'controlled');
  assert.is(m.strategy, 'pct');
  assert.is(m.seed, '0x0000000b');
  assert.is(m.iterations, 120);
  assert.is(m.failures, sum((s) => s.failures));
  assert.is(m.workersSpawned, sum((s) => s.workersSpawned));
  assert.is(m.seconds, Math.max(...shards.map((s) => s.seconds)));
  assert.ok(Math.abs(m.cpuSeconds - sum((s) => s.seconds)) < 0.01);
  assert.ok(Math.abs(m.itersPerSec - m.iterations / m.seconds) < 0.01);
  assert.equal(m.logs, shards.flatMap((s) => s.logs));
  assert.ok(m.logs.length > 0);
  for (const l of m.logs) assert.ok(existsSync(join(ROOT, l)) || existsSync(l), `log ${l} exists`);
  assert.is(m.failureKinds['invariant'], sum((s) => s.failureKinds['invariant'] ?? 0));
  assert.equal(
    m.shards.map((s) => [s.file, s.iterations, s.failures]),
    shards.map((s, i) => [files[i], s.iterations, s.failures]),
  );
  // Text output: the merged row and one row per shard.
  const t = await lockstepInProcess(['merge', ...files]);
  assert.is(t.code, 1);
  assert.match(t.stdout, /merged 3 result\(s\): 120 iterations/);
  assert.match(t.stdout, /selftest-lost-update\s+racy\s+controlled\s+pct\s+2\s+120/);
  for (const f of files) assert.match(t.stdout, new RegExp(f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(t.stdout, /seed logs:/);

  // The same shards as a job runner's artifact download leaves them: one folder per job, each with its
  // result and its real seed logs (JSON too, told apart by content), plus files that are not results.
  const art = join(tmp, 'artifacts');
  for (const i of [1, 2, 3]) {
    const job = join(art, `shard-${i}`);
    mkdirSync(job, { recursive: true });
    cpSync(files[i - 1]!, join(job, `shard-${i}.json`));
    if (existsSync(join(tmp, `logs-${i}`))) cpSync(join(tmp, `logs-${i}`), join(job, 'deep', `logs-${i}`), { recursive: true });
  }
  writeFileSync(join(art, 'README.txt'), 'artifacts of the stress jobs\n');
  writeFileSync(join(art, 'shard-1', 'notes.json'), '{"type":"note"}\n');
  const copied = readdirSync(art, { recursive: true }).filter((p) => String(p).includes('deep') && String(p).endsWith('.json'));
  assert.is(copied.length, m.logs.length, 'every seed log is in the tree');
  const d = await lockstepInProcess(['merge', art, '--json']);
  assert.is(d.code, 1, d.stderr);
  assert.is(d.stderr, '');
  const md = lastLine(d.stdout);
  assert.is(md.iterations, 120);
  assert.is(md.failures, m.failures);
  assert.equal(md.logs, m.logs);
  assert.equal(
    md.shards.map((s) => s.file),
    [1, 2, 3].map((i) => join(art, `shard-${i}`, `shard-${i}.json`)),
  );
  // Directories and files mixed.
  const mixed = await lockstepInProcess(['merge', join(art, 'shard-1'), files[1]!, join(art, 'shard-3'), '--json']);
  assert.is(mixed.code, 1, mixed.stderr);
  const mm = lastLine(mixed.stdout);
  assert.is(mm.iterations, 120);
  assert.equal(
    mm.shards.map((s) => s.file),
    [join(art, 'shard-1', 'shard-1.json'), files[1], join(art, 'shard-3', 'shard-3.json')],
  );
  // A file named twice, once inside a directory and once on its own, is refused as before.
  const twice = await lockstepInProcess(['merge', art, join(art, 'shard-2', 'shard-2.json')]);
  assert.is(twice.code, 2);
  assert.match(twice.stderr, /shard-2\.json is given twice|shard 2\/3 appears twice/);
});

test('merge: synthetic shards, a pretty-printed summary, and a merged summary merged again', async () => {
  const a = shardFile('a.json', { iterations: 100, seconds: 2, workersSpawned: 5 });
  const b = shardFile('b.json', { iterations: 300, seconds: 4, workersSpawned: 5, failures: 2, logs: ['x.json', 'y.json'], failureKinds: { hang: 2 } });
  const c = join(tmp, 'c.json');
  const { cpuSeconds: _c, shards: _s, ...rest } = summary({ iterations: 50, seconds: 1, workersSpawned: 4, failures: 1, logs: ['z.json'], failureKinds: { hang: 1 } });
  writeFileSync(c, JSON.stringify(rest, null, 2));
  const r = await lockstepInProcess(['merge', a, b, c, '--json']);
  assert.is(r.code, 1, r.stderr);
  const m = lastLine(r.stdout);
  assert.is(m.iterations, 450);
  assert.is(m.failures, 3);
  assert.is(m.seconds, 4);
  assert.is(m.cpuSeconds, 7);
  assert.is(m.itersPerSec, 112.5);
  assert.is(m.workersSpawned, 14);
  assert.equal(m.logs, ['x.json', 'y.json', 'z.json']);
  assert.equal(m.failureKinds, { hang: 3 });
  assert.is(m.shards.length, 3);
  // A merged summary can be merged with more shards; its shards are listed, not nested.
  const merged = join(tmp, 'merged.json');
  writeFileSync(merged, r.stdout);
  const d = shardFile('d.json', { iterations: 10, seconds: 9, workersSpawned: 1 });
  const again = await lockstepInProcess(['merge', merged, d, '--json']);
  assert.is(again.code, 1);
  const m2 = lastLine(again.stdout);
  assert.is(m2.iterations, 460);
  assert.is(m2.seconds, 9);
  assert.is(m2.cpuSeconds, 16);
  assert.is(m2.shards.length, 4);
  // No failures: exit 0.
  const ok = await lockstep(['merge', a, d]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /merged 2 result\(s\): 110 iterations in 9s wall/);
});

test('merge: bad input is one line and exit 2', async () => {
  const a = shardFile('ok.json', {});
  const cases: [string, string[], RegExp][] = [
    ['no files', ['merge'], /missing RESULT/],
    ['missing file', ['merge', join(tmp, 'nope.json')], /cannot read .*nope\.json/],
    ['empty', ['merge', write('empty.json', '')], /empty\.json is empty/],
    ['not JSON', ['merge', write('text.json', 'hello\nworld\n')], /not a --json result: its last line is not JSON/],
    ['truncated', ['merge', write('trunc.json', `${JSON.stringify(summary())}\n{"type":"summ`)], /its last line is truncated/],
    ['interrupted before the summary', ['merge', write('prog.json', '{"type":"progress","iterations":3}\n')], /has type "progress", not a summary/],
    ['summary lacking fields', ['merge', write('thin.json', '{"type":"summary","scenario":"x"}')], /the summary lacks "variant" \(string\)/],
    ['different seed', ['merge', a, shardFile('seed.json', { seed: '0x00000008' })], /cannot merge different runs: seed "0x00000007" in .*ok\.json but "0x00000008" in .*seed\.json/],
    ['different variant and mode', ['merge', a, shardFile('var.json', { variant: 'L1', mode: 'controlled' })], /variant "mainline" in .* but "L1" in .*; mode "parallel" in .* but "controlled"/],
    ['different scenario', ['merge', a, shardFile('sc.json', { scenario: 'selftest-abba' })], /scenario "tw-barrier" in .* but "selftest-abba"/],
    ['different strategy', ['merge', a, shardFile('st.json', { strategy: 'pct' })], /strategy "random" in .* but "pct"/],
    ['the same file twice', ['merge', a, a], /ok\.json is given twice/],
    ['an empty directory', ['merge', dir('empty-dir', {})], /empty-dir: no stress --json result in it \(looked at 0 file\(s\)/],
    [
      'a directory with no result',
      ['merge', dir('no-results', { 'log.json': JSON.stringify({ format: 'lockstep-seed-log/1', seed: '0x1' }, null, 2), 'sub/a.txt': 'hello\n' })],
      /no-results: no stress --json result in it \(looked at 2 file\(s\)/,
    ],
    [
      'a directory with an unfinished shard',
      ['merge', dir('unfinished', { 'done.json': JSON.stringify(summary()), 'job/cut.json': '{"type":"progress","iterations":3}\n' })],
      /unfinished\/job\/cut\.json is a stress --json output without its summary line/,
    ],
  ];
  // The first through the binary; the rest through its entry point (main) in this process.
  for (const [i, [what, args, re]] of cases.entries()) {
    const r = i === 0 ? await lockstep(args) : await lockstepInProcess(args);
    assert.is(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, re, what);
    assert.is(r.stderr.trim().split('\n').length, 1, `${what}: one line`);
    assert.is(r.stdout, '', `${what}: nothing on stdout`);
  }
});

/** A directory under tmp holding `files` (relative path -> content). */
function dir(name: string, files: Record<string, string>): string {
  const root = join(tmp, name);
  mkdirSync(root, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function write(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

test.run();
