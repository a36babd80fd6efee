/**
 * How a thread body's failures are reported (test/fixtures/body-faults.ts):
 * ctx.assert, a failed node:assert and invariant() are `invariant`
 * failures of the task that failed, with the message and the location in
 * the fixture's own .ts file; any other exception is a `crash`. A deadlock
 * on a mutex whose holder exited says so, and a futex sleep on a shared word
 * is reported by the word's name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, fixtureUrl, run } from './helpers.js';

const FX = fixtureUrl('body-faults');
const SOURCE = readFileSync(join(ROOT, 'test', 'fixtures', 'body-faults.ts'), 'utf8').split('\n');

/** 1-based line of the fixture that contains `text`. */
function lineOf(text: string): number {
  const i = SOURCE.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return i + 1;
}

async function failureOf(variant: string, mode: 'parallel' | 'controlled' = 'controlled') {
  const r = await run({ scenario: FX, variant, mode, iterations: 1, stopOnFailure: true, timeoutMs: 20_000 });
  assert.is(r.summary.failures, 1, `${variant}: one failure`);
  return r.failures[0]!;
}

test('assertions pass silently when they hold', async () => {
  const r = await run({ scenario: FX, variant: 'passes', mode: 'controlled', iterations: 3, timeoutMs: 20_000 });
  assert.is(r.summary.failures, 0, r.failures[0]?.message);
  assert.is(r.summary.iterations, 3);
});

test('ctx.assert fails the iteration as an invariant, with its message, task and location', async () => {
  const f = await failureOf('ctx-assert');
  assert.is(f.kind, 'invariant');
  const [first, at] = f.message.split('\n');
  assert.is(first, 'x is 1, expected 2');
  assert.match(at!, new RegExp(`^\\s+at checker \\(.*test/fixtures/body-faults\\.ts:${lineOf('ctx.assert(x === 2')}:\\d+\\)$`));
  assert.is(f.log.failure.tid, 2);
  assert.is(f.log.failure.label ?? '', '', 'no yield-point label, as throw invariant() has none');
  assert.not.match(f.message, /executor/, 'no executor frames');
});

test('a failed node:assert is an invariant, not a crash', async () => {
  const f = await failureOf('node-assert');
  assert.is(f.kind, 'invariant');
  assert.ok(f.message.startsWith('node:assert: x is 1\n'), f.message);
  assert.match(f.message, new RegExp(`test/fixtures/body-faults\\.ts:${lineOf('nodeAssert.strictEqual(x, 2')}:\\d+`));
  assert.is(f.log.failure.tid, 2);
});

test('throw invariant() is an invariant failure with its message', async () => {
  const f = await failureOf('throw-invariant');
  assert.is(f.kind, 'invariant');
  assert.is(f.message, 'invariant(): x is 1');
  assert.is(f.log.failure.tid, 2);
});

test('any other exception is a crash whose stack names the fixture line, without executor frames', async () => {
  const f = await failureOf('throws', 'parallel');
  assert.is(f.kind, 'crash');
  const lines = f.message.split('\n');
  assert.is(lines[0], 'tid 2 (checker) threw: TypeError: plain throw: x is 1');
  assert.match(lines[1]!, new RegExp(`^\\s+at checker \\(.*test/fixtures/body-faults\\.ts:${lineOf('throw new TypeError')}:\\d+\\)$`));
  assert.is(lines.length, 2, f.message);
  assert.is(f.log.failure.label, 'user');
});

test('a mutex whose holder exited: the deadlock report says so', async () => {
  for (const mode of ['controlled', 'parallel'] as const) {
    const f = await failureOf('exited-holder', mode);
    assert.is(f.kind, 'deadlock', mode);
    assert.match(f.message, /tid 3 waiter \[D\] mutex 'M' \(sync#0\) at "mutex_lock" released by - \(held by 2, which exited without releasing it\)/);
    const node = f.graph!.nodes.find((n) => n.tid === 3)!;
    assert.equal(node.releasers, []);
    assert.is(node.why, 'held by 2, which exited without releasing it');
  }
});

test('a futex sleep on a shared word is reported by the word name', async () => {
  const f = await failureOf('futex-on-shared');
  assert.is(f.kind, 'deadlock');
  assert.match(f.message, /tid 2 sleeper \[S\] waitqueue 'flag' at "sys_futex:wait"/);
  assert.match(f.message, /tid 3 sleeper \[S\] waitqueue 'slots\[2\]' at "sys_futex:wait"/);
  assert.not.match(f.message, /scenario\+/);
});

test.run();
