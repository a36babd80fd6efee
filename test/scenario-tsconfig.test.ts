/**
 * The tsconfig docs/SCENARIOS.md tells users to put next to their scenario
 * type-checks a scenario that imports sibling modules (`./x.ts` and
 * `./y.js`), with lockstep's own tsc, in a directory outside the
 * repository; and the CLI runs that scenario. The tsconfig is read from the
 * page itself, so the test fails when the docs go wrong.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, lockstep } from './helpers.js';

const root = ROOT.replace(/\/+$/, '');
const TSC = join(root, 'node_modules', '.bin', 'tsc');

/** The first ```json block of docs/SCENARIOS.md, with <lockstep> made this checkout. */
function documentedTsconfig(): string {
  const page = readFileSync(join(root, 'docs', 'SCENARIOS.md'), 'utf8');
  const m = /```json\n([\s\S]*?)```/.exec(page);
  assert.ok(m, 'docs/SCENARIOS.md shows a tsconfig');
  return m[1]!.replaceAll('<lockstep>', root);
}

/** A scenario directory: examples/bank-transfer.ts plus two sibling modules it imports. */
function scenarioDir(tsconfig: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-tsconfig-'));
  const example = readFileSync(join(root, 'examples', 'bank-transfer.ts'), 'utf8');
  const siblings = ["import { OPENING } from './opening.ts';", "import { describe } from './describe.js';"].join('\n');
  writeFileSync(
    join(dir, 'my-scenario.ts'),
    `${siblings}\n${example}\n// The siblings' types are checked where they are used.\nexport const opening: number = OPENING;\nexport const note: string = describe(OPENING);\n`,
  );
  writeFileSync(join(dir, 'opening.ts'), 'export const OPENING: number = 100;\n');
  writeFileSync(join(dir, 'describe.ts'), 'export function describe(n: number): string {\n  return `opening balance ${n}`;\n}\n');
  writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
  return dir;
}

function tsc(dir: string): { code: number | null; out: string } {
  const r = spawnSync(TSC, ['-p', dir], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the documented tsconfig type-checks a scenario importing sibling .ts and .js modules; the CLI runs it', async () => {
  const dir = scenarioDir(documentedTsconfig());
  const r = tsc(dir);
  assert.is(r.out, '', 'no diagnostics');
  assert.is(r.code, 0);
  const run = await lockstep(['stress', '--scenario-file', join(dir, 'my-scenario.ts'), '--iterations', '5', '--seed', '1', '--json', '--log-dir', join(dir, 'logs')]);
  assert.is(run.code, 0, run.stderr);
  const s = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { scenario: string; iterations: number; failures: number };
  assert.is(s.scenario, 'bank-transfer');
  assert.is(s.iterations, 5);
  assert.is(s.failures, 0);
});

test('without allowImportingTsExtensions the same scenario fails (what the docs used to show)', () => {
  const old = documentedTsconfig().replace(/\s*"allowImportingTsExtensions": true,/, '');
  assert.not.match(old, /allowImportingTsExtensions/);
  const r = tsc(scenarioDir(old));
  assert.is(r.code, 2);
  assert.match(r.out, /TS5097/);
});

test.run();
