/**
 * --scenario-file: the worked example of docs/SCENARIOS.md run through the
 * command line (correct variant passes, the planted race and deadlock are
 * caught and replay), a scenario file outside the repository, and every
 * kind of broken scenario file: one clear line and exit 2, or (a thread
 * that never reaches a yield point) a hang reported by the watchdog.
 *
 * Broken files are written to a temporary directory by the test: tsc must
 * not compile them, and they import 'lockstep' exactly as a user's would.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, lockstep } from './helpers.js';



const EXAMPLE = join(ROOT, 'examples', 'bank-transfer.ts');
const tmp = mkdtempSync(join(tmpdir(), 'lockstep-userscenario-'));

function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

function summaryOf(stdout: string): { iterations: number; failures: number; failureKinds: Record<string, number>; logs: string[] } {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { iterations: number; failures: number; failureKinds: Record<string, number>; logs: string[] };
}

test('worked example: the correct variant passes in both modes', async () => {
  const p = await lockstep(['stress', '--scenario-file', EXAMPLE, '--iterations', '200', '--seed', '1', '--json', '--log-dir', join(tmp, 'ok')]);
  assert.is(p.code, 0, p.stderr);
  const s = summaryOf(p.stdout);
  assert.is(s.iterations, 200);
  assert.is(s.failures, 0);
  const c = await lockstep(['stress', '--scenario-file', EXAMPLE, '--mode', 'controlled', '--strategy', 'pct', '--iterations', '200', '--seed', '1', '--json', '--log-dir', join(tmp, 'ok')]);
  assert.is(c.code, 0, c.stderr);
  assert.is(summaryOf(c.stdout).failures, 0);
});

test('worked example: the planted race is caught by the check, and its seed log replays', async () => {
  const dir = join(tmp, 'race');
  const r = await lockstep([
    'stress', '--scenario-file', EXAMPLE, '--variant', 'unlocked', '--mode', 'controlled', '--strategy', 'pct',
    '--iterations', '500', '--seed', '1', '--stop-on-failure', '--log-dir', dir,
  ]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /FAIL iteration \d+: invariant: money not conserved: the balances add up to \d+, expected 300/);
  const logs = readdirSync(dir);
  assert.is(logs.length, 1);
  const log = join(dir, logs[0]!);
  const parsed = JSON.parse(readFileSync(log, 'utf8')) as { scenario: string; scenarioFile: string };
  assert.is(parsed.scenario, 'bank-transfer');
  assert.is(parsed.scenarioFile, EXAMPLE);
  const rp = await lockstep(['replay', log, '--runs', '3']);
  assert.is(rp.code, 1, rp.stderr);
  assert.match(rp.stdout, /controlled invariant: reproduced 3\/3; identical event sequence 3\/3/);
});

test('worked example: the planted deadlock is reported with its cycle', async () => {
  const dir = join(tmp, 'deadlock');
  const r = await lockstep(['stress', '--scenario-file', EXAMPLE, '--variant', 'from-to', '--mode', 'controlled', '--iterations', '500', '--seed', '1', '--stop-on-failure', '--json', '--log-dir', dir]);
  assert.is(r.code, 1, r.stderr);
  const fail = JSON.parse(r.stdout.split('\n').find((l) => l.includes('"type":"failure"'))!) as { kind: string; cycle: { waitsOn: string }[] };
  assert.is(fail.kind, 'deadlock');
  assert.ok(fail.cycle.length >= 2);
  for (const c of fail.cycle) assert.match(c.waitsOn, /^mutex 'account \d' \(sync#\d+\)$/);
});

test('a scenario file outside the repository imports lockstep with no install of its own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-outside-'));
  copyFileSync(EXAMPLE, join(dir, 'bank.ts'));
  // And a plain JavaScript module next to it.
  writeFileSync(
    join(dir, 'counter.mjs'),
    `import { atomicInc, defineScenario } from 'lockstep';
export default defineScenario({
  name: 'js-counter',
  description: 'a JavaScript scenario',
  threads: { default: 2, min: 1, max: 4 },
  variants: [{ name: 'atomic', kind: 'correct', expect: 'pass', spec: null }],
  shared: { n: 1 },
  bodies: { w(ctx) { atomicInc(ctx.k, ctx.addr('n')); } },
  setup(s) { for (let i = 0; i < s.threads; i++) s.spawn('w', i); },
  check(c) { if (c.get('n') !== c.threads) c.fail('count ' + c.get('n')); },
});
`,
  );
  const r = await lockstep(['stress', '--scenario-file', 'bank.ts', '--iterations', '50', '--seed', '2', '--log-dir', 'logs'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /bank-transfer\s+ordered\s+parallel/);
  const j = await lockstep(['stress', '--scenario-file', 'counter.mjs', '--iterations', '50', '--seed', '2', '--log-dir', 'logs'], { cwd: dir });
  assert.is(j.code, 0, j.stderr);
  assert.match(j.stdout, /js-counter\s+atomic\s+parallel/);
});

const HEADER = `import { defineScenario, mutexLock } from 'lockstep';\n`;
const VALID_BODY = `
  description: 'test',
  threads: { default: 1, min: 1, max: 4 },
  variants: [{ name: 'v', kind: 'correct', expect: 'pass', spec: null }],
  bodies: { w() {} },
  setup(s) { s.spawn('w'); },
`;

const bad: [string, string, string[], RegExp][] = [
  ['does not compile', 'syntax.ts', [`${HEADER}export default defineScenario({ name: 'x',\n  threads: { default: 1 \n`], /scenario file .*syntax\.ts:\d+:\d+ does not compile: /],
  ['imports a module that does not exist', 'missing.ts', [`import { helper } from './nowhere.js';\n${HEADER}export default helper;\n`], /missing\.ts:1:\d+ does not compile: Could not resolve "\.\/nowhere\.js"/],
  ['throws at load', 'throws.ts', [`${HEADER}throw new Error('boom at load');\n`], /scenario .*throws\.ts throws at load: boom at load/],
  ['default export is not a scenario', 'notscenario.ts', [`export default { name: 'not made by defineScenario', bodies: {} };\n`], /default export is not a defineScenario\(\.\.\.\) result/],
  ['has no default export', 'nodefault.ts', [`${HEADER}export const scenario = defineScenario({ name: 'x',${VALID_BODY}});\n`], /default export is not a defineScenario\(\.\.\.\) result/],
  ['defineScenario rejects its definition', 'badthreads.ts', [`${HEADER}export default defineScenario({ name: 'x',${VALID_BODY.replace('default: 1, min: 1', 'default: 9, min: 1')}});\n`], /throws at load: scenario x: threads must satisfy 1 <= min <= default <= max/],
];

for (const [what, name, [text], re] of bad) {
  test(`bad scenario file: ${what} -> one line, exit 2`, async () => {
    const p = file(name, text);
    const r = await lockstep(['stress', '--scenario-file', p, '--iterations', '1', '--log-dir', join(tmp, 'never')]);
    assert.is(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.is(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('bad scenario file: --threads above the SAB capacity, and outside the scenario range', async () => {
  const p = file('huge.ts', `${HEADER}export default defineScenario({ name: 'huge',${VALID_BODY.replace('max: 4', 'max: 100000')}});\n`);
  const r = await lockstep(['stress', '--scenario-file', p, '--threads', '5000', '--iterations', '1']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--threads 5000 needs 5001 tasks, above the SAB capacity of \d+/);
  assert.is(r.stderr.trim().split('\n').length, 1);
  const q = await lockstep(['stress', '--scenario-file', p, '--threads', '0', '--iterations', '1']);
  assert.is(q.code, 2, q.stderr);
  assert.match(q.stderr, /--threads: 0 is out of range/);
});

test('a scenario file whose loading never ends is stopped, not a frozen terminal', async () => {
  const p = file('loadloop.ts', `${HEADER}for (;;) {}\nexport default 1;\n`);
  const r = await lockstep(['stress', '--scenario-file', p, '--iterations', '1'], { timeoutMs: 40_000 });
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /did not finish loading within 10 s/);
});

test('a thread that never reaches a yield point is reported as a hang by the watchdog', async () => {
  const p = file(
    'spin.ts',
    `${HEADER}export default defineScenario({
  name: 'spinner',
  description: 'one thread loops in JavaScript without a yield point',
  threads: { default: 2, min: 1, max: 4 },
  variants: [{ name: 'spin', kind: 'mutant', expect: 'fail', spec: null }],
  bodies: {
    w(ctx) {
      if (ctx.arg !== 0) return;
      let x = 0;
      for (;;) x = (x + 1) | 0;
    },
  },
  setup(s) { for (let i = 0; i < s.threads; i++) s.spawn('w', i); },
});
`,
  );
  const dot = join(tmp, 'spin.dot');
  const r = await lockstep(['stress', '--scenario-file', p, '--iterations', '1', '--hang-ms', '200', '--json', '--log-dir', join(tmp, 'spin'), '--dot', dot], {
    timeoutMs: 60_000,
  });
  assert.is(r.code, 1, r.stderr);
  const s = summaryOf(r.stdout);
  assert.is(s.failures, 1);
  assert.is(s.failureKinds['hang'], 1);
  const fail = JSON.parse(r.stdout.split('\n').find((l) => l.includes('"type":"failure"'))!) as { message: string };
  assert.match(fail.message, /no progress for 200 ms/);
  assert.match(fail.message, /runnable: 2/);
  assert.ok(r.ms < 45_000, `bounded: ${r.ms} ms`);
  // No task is blocked: the graph shows the task that was runnable and made no progress.
  assert.match(readFileSync(dot, 'utf8'), /t2 \[label="tid 2 w \[R: runnable\]"/);
  const t = await lockstep(['trace', s.logs[0]!, '--dot', join(tmp, 'spin2.dot'), '--html', join(tmp, 'spin.html')]);
  assert.is(t.code, 0, t.stderr);
  assert.match(readFileSync(join(tmp, 'spin2.dot'), 'utf8'), /tid 2 w \[R: runnable\]/);
});

test.run();
