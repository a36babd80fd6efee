#!/usr/bin/env node
// The weak memory model on litmus shapes (docs/MEMORY-MODEL.md §6): for each
// hand-encoded shape (test/weak-shapes.ts), LKMM's verdict as herd7 states
// it in the kernel's litmus file (read only for its `Result:` line), the
// verdict of lockstep's axiomatic checker, and whether the model produces the
// `exists` outcome, without and with addrDeps; every execution the model
// produces is checked against the LKMM axioms.
//
//   npm run build && node scripts/weak-shapes.mjs [--litmus DIR] [--random N] [--seed S] [--threads T]
//
// --litmus: the directory of the kernel's .litmus files (default $LINUX/tools/memory-model/litmus-tests, LINUX being
//   a kernel tree; without either, the herd7 column shows '-').
// --random N: also N random programs (default 0), each execution checked against the axioms
//   (--threads T: up to T threads; --max-nodes M: skip a program whose search exceeds M nodes).
// --skip-shapes: only the random campaign.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => import(join(root, 'dist', p));
const { SHAPES, randomProgram, rng } = await dist('test/weak-shapes.js');
const { enumerateModel, lkmmOutcomes } = await dist('src/runtime/memory/weak/enumerate.js');
const { lkmmViolations } = await dist('src/runtime/memory/lkmm.js');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : process.argv[i + 1];
};
const litmus = arg('litmus', join(process.env.LINUX ?? '', 'tools', 'memory-model', 'litmus-tests'));
const matches = (o, ex) => {
  const m = new Map(o.split(' ').map((p) => p.split('=')));
  return Object.entries(ex).every(([k, v]) => m.get(k) === String(v));
};
const seen = (outs, s) => [...outs].some((o) => matches(o, s.exists));
const herd = (name) => {
  const f = join(litmus, `${name}.litmus`);
  if (!existsSync(f)) return '-';
  return /Result:\s*(\w+)/.exec(readFileSync(f, 'utf8'))?.[1] ?? '?';
};

const rows = [];
const skipShapes = process.argv.includes('--skip-shapes');
let kernelOk = 0;
let kernelN = 0;
let unsound = 0;
for (const s of skipShapes ? [] : SHAPES) {
  const checker = seen(lkmmOutcomes(s.prog, s.deps), s) ? 'Sometimes' : 'Never';
  const cell = (addrDeps) => {
    const r = enumerateModel(s.prog, { addrDeps });
    const bad = r.executions.filter((e) => lkmmViolations(e.exec, addrDeps ? 'addr' : 'ctrl').length > 0).length;
    unsound += bad;
    return { obs: seen(r.outcomes, s), bad, n: r.executions.length };
  };
  const nd = cell(false);
  const d = cell(true);
  const want = s.lkmm === 'Sometimes';
  // "correct": Never and not produced, or Sometimes and produced, judged without addrDeps (the
  // litmus semantics) unless the shape relies on an address dependency; a Never shape must not be
  // produced with addrDeps either.
  const judged = s.deps === 'addr' ? d : nd;
  const ok = want === judged.obs && nd.bad === 0 && d.bad === 0 && (want || !d.obs);
  if (s.kernel) {
    kernelN++;
    if (ok) kernelOk++;
  }
  const mark = (c) => `${c.obs ? 'produced' : 'not'}${c.bad ? ` UNSOUND(${c.bad})` : ''}`;
  rows.push([s.name, s.kernel ? herd(s.name) : '-', s.lkmm, checker, mark(nd), mark(d), String(nd.n), ok ? 'ok' : want && !judged.obs ? 'shortfall' : 'WRONG']);
}
const head = ['shape', 'herd7 (file)', 'LKMM', 'checker', 'model', 'model+addrDeps', 'graphs', ''];
const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd();
if (!skipShapes) {
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log(`\nkernel shapes reproduced exactly: ${kernelOk}/${kernelN}; executions violating an LKMM axiom: ${unsound}`);
}

const nRandom = Number(arg('random', '0'));
if (nRandom > 0) {
  const rnd = rng(Number(arg('seed', '1')));
  let execs = 0;
  let bad = 0;
  let skipped = 0;
  for (let i = 0; i < nRandom; i++) {
    const p = randomProgram(rnd, Number(arg('threads', '3')));
    if (process.argv.includes('--progress')) process.stderr.write(`${i + 1} `);
    for (const [addrDeps, deps] of [[false, 'ctrl'], [true, 'addr']]) {
      let res;
      try {
        res = enumerateModel(p, { addrDeps, hist: 8, hashKeys: true, maxNodes: Number(arg('max-nodes', '300000')) });
      } catch (e) {
        if (e.name !== 'EnumerationBudget') throw e;
        skipped++;
        continue;
      }
      for (const e of res.executions) {
        execs++;
        const v = lkmmViolations(e.exec, deps);
        if (v.length > 0) {
          bad++;
          if (bad <= 5) console.log(`UNSOUND addrDeps=${addrDeps}: ${v.join(', ')}: ${JSON.stringify(p.threads)} -> ${e.outcome}`);
        }
      }
    }
  }
  console.log(`random programs: ${nRandom} (up to ${arg('threads', '3')} threads), executions: ${execs}, violating an LKMM axiom: ${bad}; searches over the node budget skipped: ${skipped}`);
}
process.exit(unsound > 0 ? 1 : 0);
