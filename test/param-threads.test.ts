/**
 * Thread counts and shared sizes derived from parameters
 * (`threads.fromParams`, `shared` sizes as functions, `VariantDef.params`):
 * fixture test/fixtures/param-threads.ts through the harness and the
 * `list` description, and a user scenario file through the CLI.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeInWorker } from '../src/harness/catalog.js';
import { layoutFor } from '../src/harness/layoutfor.js';
import { runParams, runThreads, sharedLayout } from '../src/runtime/kernel/scenario.js';
import { fixtureUrl, loadScenario, lockstep, run } from './helpers.js';

const FX = fixtureUrl('param-threads');

test('a variant with params { workers: 100 } runs 101 threads without --threads; the 100-word array is sized from the param', async () => {
  const sc = await loadScenario(FX);
  const v = sc.variants.find((x) => x.name === 'hundred')!;
  const params = runParams(sc, v);
  assert.is(params['workers'], 100);
  assert.is(runThreads(sc, params), 101);
  assert.is(sharedLayout(sc, params).offsets['slot']!.len, 100);
  assert.is(sharedLayout(sc, runParams(sc, null)).offsets['slot']!.len, 3);
  const layout = layoutFor(sc, 101, params);
  assert.is(layout.maxExecutors, 102);
  assert.ok(layout.maxTasks >= 103);
  // check() asserts every slot, that slot[100] does not exist, 100 joins and ctx.threads = 101.
  const c = await run({ scenario: FX, variant: 'hundred', mode: 'controlled', strategy: 'pct', iterations: 2, timeoutMs: 60_000 });
  assert.is(c.summary.failures, 0, c.failures[0]?.message);
  assert.is(c.summary.iterations, 2);
  assert.is(c.summary.threads, 101);
  assert.is(c.summary.pctBound!.threads, 101);
});

test('the harness refuses a thread count that contradicts the derived one', async () => {
  try {
    await run({ scenario: FX, variant: 'small', threads: 7, iterations: 1 });
    assert.unreachable('a contradicting thread count must be refused');
  } catch (e) {
    assert.match((e as Error).message, /7 threads, but its parameters give 4/);
  }
});

test('list describes the derived count: the defaults give 4 threads, the hundred variant 101', async () => {
  const info = await describeInWorker(FX, 'param-threads');
  assert.equal(info.threads, { default: 4, min: 2, max: 200 });
  assert.equal(info.variants.map((v) => [v.name, v.threads]), [['small', 4], ['hundred', 101]]);
});

const USER_FILE = `
import { defineScenario } from 'lockstep';
export default defineScenario({
  name: 'user-param-threads',
  description: 'one worker per thread, workers from a parameter',
  threads: { default: 2, min: 1, max: 200, fromParams: (p) => p.workers },
  params: { workers: 2 },
  variants: [
    { name: 'two', kind: 'correct', expect: 'pass', spec: null },
    { name: 'hundred', kind: 'correct', expect: 'pass', spec: null, params: { workers: 100 } },
  ],
  shared: { hits: (p) => p.workers },
  bodies: { worker(ctx) { ctx.add('hits', 1, ctx.arg); } },
  setup(s) { for (let i = 0; i < s.threads; i++) s.spawn('worker', i); },
  check(c) {
    for (let i = 0; i < c.params.workers; i++) if (c.get('hits', i) !== 1) c.fail('worker ' + i + ' missing');
  },
});
`;

test('CLI: --variant hundred runs 100 threads without --threads; --param sets the count; a contradicting --threads exits 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-param-threads-'));
  const file = join(dir, 'user.ts');
  writeFileSync(file, USER_FILE);
  const r = await lockstep(['stress', '--scenario-file', file, '--variant', 'hundred', '--iterations', '2', '--seed', '1', '--json'], { timeoutMs: 90_000 });
  assert.is(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { threads: number; failures: number; iterations: number };
  assert.equal([s.threads, s.failures, s.iterations], [100, 0, 2]);
  const p = await lockstep(['stress', '--scenario-file', file, '--param', 'workers=5', '--mode', 'controlled', '--iterations', '5', '--json']);
  assert.is(p.code, 0, p.stderr);
  assert.is((JSON.parse(p.stdout.trim().split('\n').at(-1)!) as { threads: number }).threads, 5);
  const bad = await lockstep(['stress', '--scenario-file', file, '--variant', 'hundred', '--threads', '4', '--iterations', '1']);
  assert.is(bad.code, 2);
  assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /--threads 4 contradicts user-param-threads, which derives 100 threads from its parameters/);
});

test.run();
