#!/usr/bin/env node
// SCTBench-style measurements of the strategies (docs/EXPLORATION.md, BENCHMARKS.md).
//
//   node scripts/sctbench.mjs bugs    [--cap S] [--only REGEX] > bugs.json
//   node scripts/sctbench.mjs correct [--cap S] [--only REGEX] > correct.json
//   node scripts/sctbench.mjs table bugs.json correct.json     # markdown
//
// bugs: for every planted bug (each variant that expects a failure, built-in
// and examples/), schedules and seconds to the first failure under dfs with
// iterative preemption bounding (the bound it was found at is the minimal
// one: every smaller bound was exhausted first), dfs with iterative delay
// bounding, controlled PCT (d=3) and controlled random; each capped at S s.
// correct: for the correct variant of every scenario with <= 4 threads, the
// largest preemption bound exhausted within S s without a reduction, and
// DPOR (unbounded) within S s: complete or not, schedules, pruned.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = [`${root}bin/lockstep.js`];
const args = process.argv.slice(2);
const what = args[0];
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const cap = Number(flag('--cap', '10'));
const only = new RegExp(flag('--only', '.'));
const strategies = flag('--strategies', 'ipb,idb,pct,random').split(',');
const examples = [{ file: 'examples/bank-transfer.ts' }];

function run(argv) {
  const r = spawnSync(process.execPath, [...cli, ...argv, '--json', '--log-dir', '/tmp/sctbench-logs'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: (cap + 60) * 1000,
  });
  const lines = (r.stdout ?? '').trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const o = JSON.parse(lines[i]);
      if (o.type === 'summary') return o;
    } catch {}
  }
  return { error: (r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}` };
}

function catalog() {
  const r = spawnSync(process.execPath, [...cli, 'list', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = JSON.parse(r.stdout).map((s) => ({ target: ['--scenario', s.name], ...s }));
  // examples/bank-transfer.ts: its variants as its header lists them.
  for (const e of examples) {
    out.push({
      target: ['--scenario-file', e.file],
      name: 'bank-transfer',
      threads: { default: 3 },
      variants: [
        { name: 'ordered', expect: 'pass', spec: null },
        { name: 'unlocked', expect: 'fail', spec: null },
        { name: 'from-to', expect: 'fail', spec: null },
      ],
    });
  }
  return out;
}

function firstFailure(s) {
  if (s.error) return { error: s.error };
  const found = s.failures > 0;
  return {
    found,
    schedules: found ? s.firstFailureIteration - (s.exploration ? 0 : 0) + 1 : s.iterations,
    seconds: found ? s.firstFailureSeconds : s.seconds,
    kind: Object.keys(s.failureKinds)[0] ?? null,
    ...(s.exploration ? { bound: s.exploration.bound, explored: s.exploration.schedules } : {}),
  };
}

if (what === 'bugs') {
  const rows = [];
  for (const sc of catalog()) {
    for (const v of sc.variants) {
      if (v.expect !== 'fail' || !only.test(`${sc.name}/${v.name}`)) continue;
      const base = [...sc.target, '--variant', v.name, '--mode', 'controlled', '--stop-on-failure', '--seconds', String(cap), '--seed', '1'];
      const row = { scenario: sc.name, variant: v.name, spec: v.spec };
      const want = (s) => strategies.includes(s);
      if (want('ipb')) row.ipb = firstFailure(run(['stress', ...base, '--strategy', 'dfs', '--bound-mode', 'iterative', '--preemption-bound', '1000']));
      if (want('idb')) row.idb = firstFailure(run(['stress', ...base, '--strategy', 'dfs', '--bound-mode', 'iterative', '--delay-bound', '1000']));
      if (want('pct')) row.pct = firstFailure(run(['stress', ...base, '--strategy', 'pct', '--depth', '3']));
      if (want('random')) row.random = firstFailure(run(['stress', ...base, '--strategy', 'random']));
      process.stderr.write(`${sc.name}/${v.name}: ${JSON.stringify(row)}\n`);
      rows.push(row);
    }
  }
  process.stdout.write(`${JSON.stringify({ cap, rows }, null, 1)}\n`);
} else if (what === 'correct') {
  const rows = [];
  for (const sc of catalog()) {
    if (sc.threads.default > 4 || !only.test(sc.name)) continue;
    const v = sc.variants.find((x) => x.expect === 'pass');
    if (!v) continue;
    const base = [...sc.target, '--variant', v.name, '--mode', 'controlled', '--seconds', String(cap), '--seed', '1'];
    const ipb = run(['stress', ...base, '--strategy', 'dfs', '--bound-mode', 'iterative', '--preemption-bound', '1000']);
    const dpor = run(['stress', ...base, '--strategy', 'dfs', '--reduction', 'dpor']);
    // Throughput beside dfs: a few seconds of random schedules are enough.
    const random = run(['stress', ...base.map((a, i) => (base[i - 1] === '--seconds' ? '5' : a)), '--strategy', 'random']);
    const row = {
      scenario: sc.name,
      variant: v.name,
      threads: sc.threads.default,
      ipb: ipb.exploration ?? { error: ipb.error },
      ipbFailures: ipb.failures,
      dpor: dpor.exploration ?? { error: dpor.error },
      dporFailures: dpor.failures,
      dfsPerSec: ipb.itersPerSec,
      randomPerSec: random.itersPerSec,
    };
    process.stderr.write(`${sc.name}: ${JSON.stringify(row)}\n`);
    rows.push(row);
  }
  process.stdout.write(`${JSON.stringify({ cap, rows }, null, 1)}\n`);
} else if (what === 'table') {
  const bugs = JSON.parse(readFileSync(args[1], 'utf8'));
  const cell = (c) => (c.error ? 'error' : c.found ? `${c.schedules} / ${c.seconds.toFixed(1)} s` : `– (${c.schedules})`);
  const out = [];
  out.push(`Each cell: schedules to the first failure / seconds (controlled mode, seed 1, cap ${bugs.cap} s; – not found within the cap).`, '');
  out.push('| scenario / variant | min. preemption bound | dfs IPB | dfs IDB | PCT d=3 | random |', '|---|---|---|---|---|---|');
  for (const r of bugs.rows) {
    const pb = r.ipb.found ? String(r.ipb.bound) : r.ipb.bound !== undefined && r.ipb.bound > 0 ? `> ${r.ipb.bound - 1}` : '?';
    out.push(`| ${r.scenario} / ${r.variant} | ${pb} | ${cell(r.ipb)} | ${cell(r.idb)} | ${cell(r.pct)} | ${cell(r.random)} |`);
  }
  const won = { ipb: 0, idb: 0, pct: 0, random: 0 };
  const found = { ipb: 0, idb: 0, pct: 0, random: 0 };
  let tied = 0;
  let none = 0;
  for (const r of bugs.rows) {
    const cands = Object.keys(won).filter((k) => r[k] && r[k].found);
    for (const k of cands) found[k]++;
    if (cands.length === 0) {
      none++;
      continue;
    }
    const least = Math.min(...cands.map((k) => r[k].schedules));
    const best = cands.filter((k) => r[k].schedules === least);
    if (best.length === 1) won[best[0]]++;
    else tied++;
  }
  out.push('', `Found within the cap: ${Object.entries(found).map(([k, v]) => `${k} ${v}`).join(', ')} (of ${bugs.rows.length}; ${none} by none).`);
  out.push(`Strictly fewest schedules to the first failure: ${Object.entries(won).map(([k, v]) => `${k} ${v}`).join(', ')}; ${tied} ties (mostly bugs every strategy finds in its first schedule).`);
  if (args[2]) {
    const cor = JSON.parse(readFileSync(args[2], 'utf8'));
    out.push('', `Correct variants (≤ 4 threads), cap ${cor.cap} s per column:`, '');
    out.push('| scenario | largest preemption bound exhausted | schedules (no reduction) | DPOR: complete? | DPOR schedules | DPOR pruned | dfs runs/s | random runs/s |', '|---|---|---|---|---|---|---|---|');
    for (const r of cor.rows) {
      const b = r.ipb.error ? 'error' : r.ipb.exhaustive ? `all (${r.ipb.boundCompleted})` : r.ipb.boundCompleted ?? '–';
      const d = r.dpor.error ? 'error' : r.dpor.complete ? 'yes' : `no (${r.dpor.stoppedBy})`;
      out.push(`| ${r.scenario} | ${b} | ${r.ipb.schedules ?? '–'} | ${d} | ${r.dpor.schedules ?? '–'} | ${r.dpor.pruned ?? '–'} | ${r.dfsPerSec} | ${r.randomPerSec} |`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
} else {
  process.stderr.write('usage: sctbench.mjs bugs|correct [--cap S] [--only REGEX] | table bugs.json [correct.json]\n');
  process.exit(2);
}
