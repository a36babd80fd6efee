/**
 * Positions in a report name the user's own file: a --scenario-file is
 * compiled with a source map and loaded with source maps enabled, in the
 * workers (bodies) and in the main thread (check), so a crash stack, a
 * ctx.assert location and a throwing check() name `my-scenario.ts:LINE:COL`
 * (and a helper module it imports), not the cached bundle in the temporary
 * directory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lockstep } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lockstep-positions-'));

const LIB = `export function explode(x: number): never {
  throw new RangeError('exploded at ' + x);
}
`;

// Types and blank lines before the bodies, so that a bundle line number
// could not pass for the source's by accident.
const SCENARIO = `import { defineScenario } from 'lockstep';
import { explode } from './lib.js';

interface Unused {
  readonly a: number;
}

export default defineScenario({
  name: 'positions',
  description: 'reports name the user file',
  threads: { default: 1, min: 1, max: 1 },
  variants: [
    { name: 'throws', kind: 'mutant', expect: 'fail', spec: null },
    { name: 'asserts', kind: 'mutant', expect: 'fail', spec: null },
    { name: 'check-throws', kind: 'mutant', expect: 'fail', spec: null },
  ],
  shared: { x: 1 },
  bodies: {
    w(ctx) {
      ctx.store('x', 7);
      const x: Unused['a'] = ctx.load('x');
      if (ctx.variant === 'throws') explode(x);
      ctx.assert(ctx.variant !== 'asserts', 'x is ' + x);
    },
  },
  setup(s) { s.spawn('w'); },
  check(c) {
    if (c.variant === 'check-throws') throw new Error('check saw ' + c.get('x'));
  },
});
`;
writeFileSync(join(dir, 'lib.ts'), LIB);
writeFileSync(join(dir, 'my-scenario.ts'), SCENARIO);

/** 1-based line:column of `text` in `source`. */
function at(source: string, text: string): string {
  const lines = source.split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, text);
  return `${i + 1}:${lines[i]!.indexOf(text) + 1}`;
}

async function failureOf(variant: string): Promise<{ kind: string; message: string; log: { failure: { message: string } } }> {
  const logs = join(dir, variant);
  const r = await lockstep(['stress', '--scenario-file', 'my-scenario.ts', '--variant', variant, '--iterations', '1', '--json', '--log-dir', logs], { cwd: dir });
  assert.is(r.code, 1, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes('"type":"failure"'));
  assert.ok(line, r.stdout);
  const f = JSON.parse(line!) as { kind: string; message: string; log: string };
  const log = JSON.parse(readFileSync(f.log, 'utf8')) as { failure: { message: string } };
  assert.not.match(f.message, /lockstep-scenarios/, 'no position in the compiled bundle');
  return { kind: f.kind, message: f.message, log };
}

test('a crash stack in a body names the scenario file and its helper module, line and column', async () => {
  const f = await failureOf('throws');
  assert.is(f.kind, 'crash');
  const lines = f.message.split('\n');
  assert.is(lines[0], 'tid 2 (w) threw: RangeError: exploded at 7');
  assert.is(lines[1], `    at explode (${join(dir, 'lib.ts')}:${at(LIB, 'new RangeError')})`);
  assert.is(lines[2], `    at w (${join(dir, 'my-scenario.ts')}:${at(SCENARIO, 'explode(x)')})`);
  assert.is(lines.length, 3, 'the executor frames below the body are cut');
  assert.is(f.log.failure.message, f.message, 'the seed log keeps the same positions');
});

test('a ctx.assert failure names where the assertion is in the scenario file', async () => {
  const f = await failureOf('asserts');
  assert.is(f.kind, 'invariant');
  assert.is(f.message, `x is 7\n    at w (${join(dir, 'my-scenario.ts')}:${at(SCENARIO, 'assert(ctx.variant')})`);
});

test('check() runs in the main thread: its stack names the scenario file too', async () => {
  const f = await failureOf('check-throws');
  assert.is(f.kind, 'invariant');
  assert.match(f.message, /^invariant check threw: Error: check saw 7\n/);
  const frame = f.message.split('\n')[1]!;
  assert.match(frame, /^\s+at (Object\.)?check \(/);
  assert.ok(frame.endsWith(`(${join(dir, 'my-scenario.ts')}:${at(SCENARIO, 'new Error(')})`), frame);
});

test.run();
