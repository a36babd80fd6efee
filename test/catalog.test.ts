/**
 * The build-time catalog (dist/catalog.json, src/harness/catalog-file.ts)
 * against the modules it describes: it must say, byte for byte, what
 * loading each built-in scenario in its own catalog worker says (the path
 * `list` took before the catalog existed), it must be fresh for the code
 * now in dist/src, and anything else must be refused, never printed.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeInWorker, type ScenarioInfo } from '../src/harness/catalog.js';
import { CATALOG_URL, compiledFingerprint, listBuiltins, readCatalog } from '../src/harness/catalog-file.js';
import { listChunks } from '../src/cli/commands/list.js';
import { BUILTIN_SCENARIOS } from '../src/scenarios/index.js';
import { lockstep, withTimeout } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-catalog-'));

/** The reference: every built-in loaded in a fresh catalog worker of its own. */
let reference: Promise<ScenarioInfo[]> | null = null;
function byLoading(): Promise<ScenarioInfo[]> {
  reference ??= withTimeout('describe every built-in', 300_000, async () => {
    const out: ScenarioInfo[] = [];
    for (const b of BUILTIN_SCENARIOS) out.push(await describeInWorker(b.url, b.name));
    return out;
  });
  return reference;
}

test('dist/catalog.json is fresh: generated from the compiled code now in dist/src', () => {
  const cat = readCatalog();
  assert.ok(cat.ok, cat.ok ? '' : `${cat.problem} (npm run build writes it after tsc)`);
});

test('the catalog says what loading each module says: every built-in, in order, byte for byte', async () => {
  const ref = await byLoading();
  const cat = readCatalog();
  if (!cat.ok) throw new Error(cat.problem);
  assert.equal(
    cat.scenarios.map((s) => s.name),
    ref.map((s) => s.name),
  );
  for (const [i, s] of ref.entries()) {
    // The name list shows must be the name stress --scenario accepts.
    assert.is(s.name, BUILTIN_SCENARIOS[i]!.name, `${BUILTIN_SCENARIOS[i]!.url}: defineScenario name`);
    assert.is(JSON.stringify(cat.scenarios[i]), JSON.stringify(s), s.name);
  }
});

test('lockstep list and list --json print, from the catalog, exactly what loading the modules gives', async () => {
  const ref = await byLoading();
  for (const json of [false, true]) {
    const r = await lockstep(json ? ['list', '--json'] : ['list']);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stderr, '', 'no note: the catalog was used');
    assert.is(r.stdout, listChunks(ref, json).join(''));
  }
});

test('without a usable catalog, list says why and describes the modules in one worker: the same answer', async () => {
  const ref = await byLoading();
  const notes: string[] = [];
  const all = await withTimeout('list without a catalog', 120_000, () => listBuiltins((p) => notes.push(p), pathToFileURL(join(tmp, 'none.json'))));
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /none\.json is missing/);
  assert.is(JSON.stringify(all), JSON.stringify(ref));
});

test('a stale, foreign or broken catalog is refused', () => {
  const good = JSON.parse(readFileSync(CATALOG_URL, 'utf8')) as Record<string, unknown>;
  const cases: [string, string, RegExp | null][] = [
    ['copy.json', JSON.stringify(good), null],
    ['stale.json', JSON.stringify({ ...good, fingerprint: '0'.repeat(64) }), /stale\.json is stale/],
    ['format.json', JSON.stringify({ ...good, format: 'lockstep-catalog/0' }), /format\.json has format lockstep-catalog\/0/],
    ['broken.json', JSON.stringify(good).slice(0, 100), /broken\.json is not valid JSON/],
  ];
  for (const [file, text, refused] of cases) {
    writeFileSync(join(tmp, file), text);
    const r = readCatalog(pathToFileURL(join(tmp, file)));
    if (refused === null) assert.ok(r.ok, file);
    else assert.match(r.ok ? 'accepted' : r.problem, refused);
  }
});

test('the fingerprint follows every compiled module by path and content, and nothing else', () => {
  const root = join(tmp, 'tree');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'a.js'), 'export const a = 1;\n');
  writeFileSync(join(root, 'sub', 'b.js'), 'export const b = 2;\n');
  writeFileSync(join(root, 'sub', 'b.js.map'), '{}');
  const fp = compiledFingerprint(root);
  writeFileSync(join(root, 'a.js'), 'export const a = 1;\n'); // rewritten as tsc does: same content, new mtime
  writeFileSync(join(root, 'sub', 'b.js.map'), '{"version":3}');
  assert.is(compiledFingerprint(root), fp, 'same code, same fingerprint');
  writeFileSync(join(root, 'sub', 'b.js'), 'export const b = 3;\n');
  assert.is.not(compiledFingerprint(root), fp, 'a changed module');
  writeFileSync(join(root, 'sub', 'b.js'), 'export const b = 2;\n');
  assert.is(compiledFingerprint(root), fp);
  renameSync(join(root, 'sub', 'b.js'), join(root, 'sub', 'c.js'));
  assert.is.not(compiledFingerprint(root), fp, 'a renamed module');
  renameSync(join(root, 'sub', 'c.js'), join(root, 'sub', 'b.js'));
  writeFileSync(join(root, 'new.js'), '');
  assert.is.not(compiledFingerprint(root), fp, 'a new module');
});

test.run();
