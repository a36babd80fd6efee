// npm test's last step: run every compiled uvu test file and end with the
// line "N passed, N failed" (uvu's own closing lines are not a form CI reads).
//
// The files are split between JOBS uvu processes (default 2, one per core of
// the 2-core machines the suite is sized for; LOCKSTEP_TEST_JOBS=1 runs them
// all in one process as before). Each process runs its files in name order,
// as uvu always does; the split balances the files' measured durations
// (WEIGHTS, seconds each file takes alone on 2 cores). The final line sums
// both processes, and a failure, a crash or a missing summary in either
// fails the run.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pattern = new RegExp(process.argv[2] ? `(${process.argv[2]}).*\\.test\\.js$` : '\\.test\\.js$', 'i');

// Seconds per file, measured alone (2 cores); only used to balance the split
// (the run prints its slowest files at the end, to keep these current).
// A file missing here counts as DEFAULT_WEIGHT.
const WEIGHTS = {
  'rcu.test.js': 110,
  'landlock.test.js': 76,
  'seccomp.test.js': 60,
  'srcu-barriers.test.js': 25,
  'bench.test.js': 47,
  'srcu.test.js': 42,
  'explore.test.js': 36,
  'weak-r9-s8.test.js': 29,
  'signals.test.js': 28,
  'weak-runtime.test.js': 27,
  'scenario-file.test.js': 24,
  'primitives.test.js': 18,
  'param-threads.test.js': 17,
  'runqueue.test.js': 19,
  'cli.test.js': 12,
  'cli-pipes.test.js': 10,
  'hunt.test.js': 10,
  'watchdog.test.js': 9,
  'explore-tree.test.js': 9,
  'trace.test.js': 9,
  'condvar.test.js': 8,
  'taskwork.test.js': 8,
  'weak-memory.test.js': 8,
  'litmus-run.test.js': 8,
  'tw-barrier.test.js': 7,
  'merge.test.js': 6,
  'slab.test.js': 5,
  'catalog.test.js': 5,
  'scenario-tsconfig.test.js': 4,
  'cli-shard.test.js': 4,
  'choose.test.js': 4,
  'determinism.test.js': 3,
  'structure.test.js': 2,
  'scenario-positions.test.js': 2,
  'body-faults.test.js': 1,
  'layout.test.js': 0,
  'strategies.test.js': 0,
  'merge-summaries.test.js': 0,
  'litmus-parse.test.js': 0,
};
const DEFAULT_WEIGHT = 5;

const files = readdirSync(new URL('../dist/test/', import.meta.url))
  .filter((f) => pattern.test(f))
  .sort();
const wanted = Number(process.env['LOCKSTEP_TEST_JOBS'] ?? 2);
const jobs = Math.max(1, Math.min(Number.isInteger(wanted) && wanted > 0 ? wanted : 2, files.length || 1));

// Longest first onto the least loaded process.
const shards = Array.from({ length: jobs }, () => ({ files: [], load: 0 }));
for (const f of [...files].sort((a, b) => (WEIGHTS[b] ?? DEFAULT_WEIGHT) - (WEIGHTS[a] ?? DEFAULT_WEIGHT) || a.localeCompare(b))) {
  const s = shards.reduce((m, x) => (x.load < m.load ? x : m));
  s.files.push(f);
  s.load += WEIGHTS[f] ?? DEFAULT_WEIGHT;
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function runShard(shard, index) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const names = shard.files.sort();
    const re = `^(${names.map(escape).join('|')})$`;
    const child = spawn(process.execPath, ['node_modules/uvu/bin.js', 'dist/test', re, '--no-color'], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    // When each file starts (uvu prints its name first): per-file wall times for the table at the end.
    const starts = [];
    child.stdout.on('data', (d) => {
      for (const m of String(d).matchAll(/^(\S+\.test\.js)$/gm)) starts.push([m[1], Date.now()]);
      out += d;
      // One process streams as it goes; the others print when they end (no interleaved lines).
      if (index === 0) process.stdout.write(d);
    });
    child.on('close', (code, signal) => {
      if (index !== 0) process.stdout.write(`\n[process ${index + 1} of ${jobs}]\n${out}`);
      const end = Date.now();
      const times = starts.map(([f, t], i) => [f, ((starts[i + 1]?.[1] ?? end) - t) / 1000]);
      resolve({ out, code: code ?? (signal ? 1 : 0), seconds: (end - t0) / 1000, times });
    });
  });
}

if (files.length === 0) {
  process.stdout.write(`no test file matches ${pattern}\n\n0 passed, 1 failed\n`);
  process.exit(1);
}
if (jobs > 1) {
  process.stdout.write(`${files.length} test files in ${jobs} processes:\n`);
  shards.forEach((s, i) => process.stdout.write(`  process ${i + 1}: ${[...s.files].sort().join(' ')}\n`));
}

const results = await Promise.all(shards.map(runShard));
let passed = 0;
let failed = 0;
let skipped = 0;
const slowest = results.flatMap((r) => r.times).sort((a, b) => b[1] - a[1]).slice(0, 10);
process.stdout.write(`\nslowest files (s): ${slowest.map(([f, t]) => `${f} ${t.toFixed(1)}`).join(', ')}`);
if (jobs > 1) results.forEach((r, i) => process.stdout.write(`\nprocess ${i + 1}: ${r.seconds.toFixed(1)} s, exit ${r.code}`));
for (const { out, code } of results) {
  const total = /Total:\s+(\d+)/.exec(out);
  const p = /Passed:\s+(\d+)/.exec(out);
  const s = /Skipped:\s+(\d+)/.exec(out);
  if (!total || !p) {
    // The process died before uvu's summary: one failure for it.
    failed += 1;
    continue;
  }
  const t = Number(total[1]);
  const pp = Number(p[1]);
  const ss = s ? Number(s[1]) : 0;
  passed += pp;
  skipped += ss;
  failed += Math.max(0, t - pp - ss) + (code !== 0 && t === pp + ss ? 1 : 0);
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
