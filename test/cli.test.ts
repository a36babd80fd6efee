/**
 * The command line as a user meets it: output contracts, exit codes, and one
 * clear line (exit 2) for every kind of bad input.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lockstep, lockstepInProcess } from './helpers.js';



const tmp = mkdtempSync(join(tmpdir(), 'lockstep-cli-'));

test('--version and --help', async () => {
  const v = await lockstep(['--version']);
  assert.is(v.code, 0);
  assert.match(v.stdout, /^lockstep \d+\.\d+\.\d+/);
  // The binary for one command's help; the others through the same entry point in this process.
  for (const cmd of ['list', 'stress', 'replay', 'bench', 'campaign']) {
    const h = cmd === 'stress' ? await lockstep([cmd, '--help']) : await lockstepInProcess([cmd, '--help']);
    assert.is(h.code, 0, cmd);
    assert.match(h.stdout, /Usage: lockstep/);
    assert.match(h.stdout, /Example: lockstep /);
  }
});

test('list --json follows the contract', async () => {
  const r = await lockstep(['list', '--json']);
  assert.is(r.code, 0, r.stderr);
  const all = JSON.parse(r.stdout) as {
    name: string;
    description: string;
    threads: { default: number; min: number; max: number };
    variants: { name: string; kind: string; expect: string; spec: string | null }[];
  }[];
  assert.ok(all.length >= 3);
  for (const s of all) {
    assert.type(s.name, 'string');
    assert.type(s.description, 'string');
    assert.ok(s.threads.min <= s.threads.default && s.threads.default <= s.threads.max);
    for (const v of s.variants) {
      assert.ok(['correct', 'historical', 'mutant'].includes(v.kind));
      assert.ok(['pass', 'fail'].includes(v.expect));
      assert.ok(v.spec === null || typeof v.spec === 'string');
    }
  }
});

test('stress --json: JSON Lines, the summary last, exit 0', async () => {
  const r = await lockstep(['stress', '--scenario', 'tw-barrier', '--iterations', '200', '--seed', '5', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const s = lines.at(-1)!;
  assert.is(s['type'], 'summary');
  for (const key of ['scenario', 'variant', 'mode', 'strategy', 'seed', 'iterations', 'failures', 'seconds', 'itersPerSec', 'workersSpawned', 'logs']) {
    assert.ok(key in s, `summary has ${key}`);
  }
  assert.is(s['iterations'], 200);
  assert.is(s['failures'], 0);
  assert.is(s['seed'], '0x00000005');
});

test('a failure: exit 1, a seed log, a repro line; the log replays 20/20 in controlled mode', async () => {
  const dir = join(tmp, 'abba');
  const r = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'abba', '--mode', 'controlled', '--seed', '3', '--stop-on-failure', '--log-dir', dir]);
  assert.is(r.code, 1, r.stderr);
  const logs = readdirSync(dir);
  assert.is(logs.length, 1);
  const path = join(dir, logs[0]!);
  assert.match(r.stderr, new RegExp(`repro: npx lockstep replay ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const log = JSON.parse(readFileSync(path, 'utf8')) as { format: string; failure: { kind: string }; repro: string };
  assert.is(log.format, 'lockstep-seed-log/1');
  assert.is(log.failure.kind, 'deadlock');
  assert.match(log.repro, /lockstep replay/);
  const rp = await lockstep(['replay', path]);
  assert.is(rp.code, 1, rp.stderr);
  assert.match(rp.stdout, /reproduced 20\/20; identical event sequence 20\/20/);
});

const bad: [string, string[], RegExp][] = [
  ['unknown command', ['frobnicate'], /unknown command "frobnicate" \(valid: list, stress/],
  ['unknown flag', ['stress', '--scenario', 'tw-barrier', '--bogus'], /unknown option --bogus \(valid: --scenario/],
  ['unknown scenario', ['stress', '--scenario', 'nope'], /unknown scenario "nope" \(built-in: tw-barrier/],
  ['unknown variant', ['stress', '--scenario', 'tw-barrier', '--variant', 'L99'], /unknown variant "L99" for tw-barrier \(valid: mainline\)/],
  ['threads out of range', ['stress', '--scenario', 'selftest-abba', '--threads', '9'], /--threads 9 is out of range for selftest-abba \(2..8\)/],
  ['malformed parameter', ['stress', '--scenario', 'tw-barrier', '--param', 'cancel=maybe'], /--param cancel: "maybe" is not true or false/],
  ['malformed number', ['stress', '--scenario', 'tw-barrier', '--iterations', '12x'], /--iterations: "12x" is not a whole number/],
  ['malformed seed', ['stress', '--scenario', 'tw-barrier', '--seed', 'banana'], /--seed: "banana" is not a 32-bit number/],
  ['iterations and seconds', ['stress', '--scenario', 'tw-barrier', '--iterations', '5', '--seconds', '1'], /either --iterations K or --seconds T/],
  ['bad mode', ['stress', '--scenario', 'tw-barrier', '--mode', 'fast'], /--mode: "fast" is not one of parallel, controlled/],
  ['bad strategy', ['stress', '--scenario', 'tw-barrier', '--strategy', 'bfs'], /--strategy: "bfs" is not one of none, random, pct, dfs/],
  ['bad shard', ['stress', '--scenario', 'tw-barrier', '--shard', '5/4'], /--shard 5\/4: I must be between 1 and N/],
  ['missing scenario', ['stress'], /missing --scenario NAME or --scenario-file PATH/],
  ['missing log', ['replay'], /missing LOG/],
  ['scenario file that does not exist', ['stress', '--scenario-file', '/nonexistent/x.ts'], /scenario file \/nonexistent\/x.ts does not exist/],
];

// The real binary for a top-level and a command-level refusal; the rest
// through the binary's entry point (main) in this process, which returns
// the exit code and writes stderr exactly as the binary does.
const THROUGH_BINARY = new Set(['unknown command', 'unknown flag']);
for (const [what, args, re] of bad) {
  test(`bad input: ${what} -> one line, exit 2`, async () => {
    const r = THROUGH_BINARY.has(what) ? await lockstep(args) : await lockstepInProcess(args);
    assert.is(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('bad seed logs: missing, empty, not JSON, truncated, another format, another layout -> exit 2', async () => {
  const good = join(tmp, 'good');
  const r = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'abba', '--mode', 'controlled', '--seed', '4', '--stop-on-failure', '--log-dir', good]);
  assert.is(r.code, 1);
  const text = readFileSync(join(good, readdirSync(good)[0]!), 'utf8');
  const cases: [string, string, RegExp][] = [
    ['empty', '', /the file is empty/],
    ['notjson', 'hello', /it is not JSON/],
    ['truncated', text.slice(0, 200), /it is truncated/],
    ['format', text.replace('lockstep-seed-log/1', 'lockstep-seed-log/9'), /format is "lockstep-seed-log\/9", expected "lockstep-seed-log\/1"/],
    ['layout', text.replace(/"layoutHash": (-?\d+)/, '"layoutHash": 12345'), /another kernel memory layout \(layoutHash: recorded 12345, now -?\d+\)/],
  ];
  for (const [name, body, re] of cases) {
    const p = join(tmp, `${name}.json`);
    writeFileSync(p, body);
    const x = await lockstep(['replay', p]);
    assert.is(x.code, 2, `${name}: ${x.stderr}`);
    assert.match(x.stderr, re);
    assert.is(x.stderr.trim().split('\n').length, 1);
  }
  const missing = await lockstep(['replay', join(tmp, 'nope.json')]);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /cannot read seed log/);
});

test('Ctrl-C during stress stops the workers, prints the summary and keeps the seed logs', async () => {
  const dir = join(tmp, 'sigint');
  // Ctrl-C once the first failure is reported (its repro line ends it), well
  // inside the 60 s run; at the latest after 30 s, when the test then fails.
  const r = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'abba', '--seconds', '60', '--hang-ms', '100', '--log-dir', dir], {
    interruptOn: /repro: /,
    interruptAfterMs: 30_000,
  });
  assert.match(r.stderr, /interrupted/);
  assert.match(r.stdout, /selftest-abba\s+abba\s+parallel/);
  assert.is(r.code, 1, 'failures were found before the interrupt');
  assert.ok(readdirSync(dir).length >= 1, 'seed logs kept');
});

test.run();
