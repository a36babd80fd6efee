/**
 * `lockstep bench --quick` runs and writes well-formed results. No timing is
 * asserted: figures on these machines are only meaningful as same-run
 * ratios, and they belong in BENCHMARKS.md, not in a pass/fail test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, ROOT } from './helpers.js';

test('bench --quick writes every result with its spread, ratio and the machine fingerprint, plus the SVG plot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
  const file = join(dir, 'sub', 'quick.json');
  const r = spawnSync(process.execPath, [CLI, 'bench', '--quick', '--json', file], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.is(r.status, 0, r.stderr);
  const rep = JSON.parse(readFileSync(file, 'utf8')) as {
    fingerprint: { node: string; cores: number; layoutHash: number };
    quick: boolean;
    results: { group: string; name: string; median: number; p99: number; spread: number; samples: number; ratio?: number; baseline?: string }[];
    credsPerCall: { siblings: number; credsPerCall: number }[];
  };
  assert.is(rep.quick, true);
  assert.type(rep.fingerprint.node, 'string');
  assert.ok(rep.fingerprint.cores >= 1);
  for (const x of rep.results) {
    assert.ok(Number.isFinite(x.median) && x.median > 0, `${x.name} median`);
    assert.ok(Number.isFinite(x.p99) && x.p99 >= 0, `${x.name} p99`);
    assert.ok(Number.isFinite(x.spread) && x.spread >= 0, `${x.name} spread`);
    assert.ok(x.samples >= 1, `${x.name} samples`);
  }
  for (const base of ['raw Atomics.wait/notify ping-pong', 'raw spin ping-pong', 'raw broadcast-ack to 8 waiters']) {
    assert.ok(rep.results.some((x) => x.name === base), `baseline ${base} measured in the same run`);
  }
  const handoff = rep.results.find((x) => x.name.startsWith('runtime park/unpark'))!;
  assert.is(handoff.baseline, 'raw Atomics.wait/notify ping-pong');
  assert.ok(handoff.ratio! > 0);
  const shared = rep.credsPerCall.find((c) => c.siblings === 8 && c.credsPerCall === 1);
  const own = rep.credsPerCall.find((c) => c.siblings === 8 && c.credsPerCall === 9);
  assert.ok(shared, 're-wiring: one cred per call');
  assert.ok(own, 'own creds: 1 + 8 creds per call');
  const svg = join(dir, 'sub', 'quick-tsync.svg');
  assert.ok(existsSync(svg));
  assert.match(readFileSync(svg, 'utf8'), /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
});

test.run();
