/**
 * `lockstep litmus` on the runtime (harness/litmus.ts, scenarios/litmus/):
 * the project's own litmus files (test/fixtures/litmus/) explored
 * exhaustively under sequentially consistent memory, each process a task on
 * a worker, locks, RCU and SRCU the runtime's own; the CLI's text, JSON
 * Lines, exit codes and refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { runLitmus, type LitmusResult } from '../src/harness/litmus.js';
import { lockstep, ROOT, withTimeout } from './helpers.js';

const dir = join(ROOT, 'test/fixtures/litmus');
const run = (name: string): Promise<LitmusResult> =>
  withTimeout(`litmus ${name}`, 120_000, (stop) => runLitmus(join(dir, `${name}.litmus`), { memoryModel: 'sc', seconds: 60, stop }));

test('MP with wmb/rmb: every SC outcome, none forbidden; complete', async () => {
  const r = await run('MP+wmb+rmb');
  assert.is(r.verdict, 'match');
  assert.is(r.observation, 'Never');
  assert.ok(r.complete);
  assert.equal(Object.keys(r.states), ['1:r0=0; 1:r1=0;', '1:r0=0; 1:r1=1;', '1:r0=1; 1:r1=1;']);
});

test('SB: sequential consistency never shows the store-buffering outcome (why a weak model is needed)', async () => {
  const r = await run('SB+once');
  assert.is(r.expected, 'Sometimes');
  assert.is(r.observed, false);
  assert.is(r.verdict, 'mismatch');
  assert.is(Object.keys(r.states).length, 3);
});

test('atomics, control dependencies, locks with trylock and a filter, rcu_dereference: each agrees with its Result', async () => {
  for (const [name, obs] of [['atomic-counter', 'Never'], ['LB+ctrl-nested+mb', 'Always'], ['lock+trylock+filter', 'Never'], ['RCU+publish-pointer', 'Never']] as const) {
    const r = await run(name);
    assert.is(r.verdict, 'match', `${name}: ${JSON.stringify(r)}`);
    assert.is(r.observation, obs, name);
    assert.ok(r.complete, name);
  }
  const lock = await run('lock+trylock+filter');
  assert.ok(lock.executions > lock.positive + lock.negative, 'the filter drops some executions');
});

test("SRCU: a grace period of lockstep's Tree SRCU, every interleaving of its steps", async () => {
  const r = await run('SRCU+sync');
  assert.is(r.verdict, 'match');
  assert.ok(r.complete);
  assert.ok(r.executions > 10, `the SRCU grace period has many steps: ${r.executions} executions`);
  assert.ok(Object.keys(r.states).includes('0:r1=0; 0:r2=1;'), 'a reader may see only the first store');
});

test('a construct it cannot run: unsupported with file:line:col, and the others still run', async () => {
  const r = await run('unsupported-call-rcu');
  assert.is(r.verdict, 'unsupported');
  assert.match(r.message!, /^unsupported: .*unsupported-call-rcu\.litmus:15:2 call_rcu\(\)$/);
});

test('CLI: a directory as JSON Lines, exit 1 on a mismatch; refusals exit 2 in one line', async () => {
  const files = ['MP+wmb+rmb', 'SB+once', 'unsupported-call-rcu'].map((f) => join(dir, `${f}.litmus`));
  const r = await lockstep(['litmus', ...files, '--json'], { timeoutMs: 120_000 });
  assert.is(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.map((l) => l['type']), ['litmus', 'litmus', 'litmus', 'litmus-summary']);
  assert.equal(lines.map((l) => l['verdict']).slice(0, 3), ['match', 'mismatch', 'unsupported']);
  for (const k of ['file', 'name', 'expected', 'observed', 'complete', 'executions', 'states', 'seconds']) assert.ok(k in lines[0]!, k);
  assert.equal([lines[3]!['tests'], lines[3]!['match'], lines[3]!['mismatch'], lines[3]!['unsupported']], [3, 1, 1, 1]);
  const ok = await lockstep(['litmus', join(dir, 'MP+wmb+rmb.litmus')], { timeoutMs: 60_000 });
  assert.is(ok.code, 0);
  assert.match(ok.stdout, /Observation MP\+wmb\+rmb Never 0 3/);
  for (const args of [['litmus', join(dir, 'MP+wmb+rmb.litmus'), '--memory-model', 'tso'], ['litmus', join(dir, 'nope.litmus')], ['litmus', join(ROOT, 'docs')]]) {
    const bad = await lockstep(args);
    assert.is(bad.code, 2, args.join(' '));
    assert.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  }
});

test.run();
