// Parse every .litmus file under the given directories with the litmus front
// end (build first: npm run build) and report how many parse; each failure
// prints its message (`unsupported: file:line:col construct` or a syntax
// error). Exit 1 if any file fails.
//   node scripts/litmus-parse-corpus.mjs DIR|FILE ... [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseLitmus } from '../dist/src/litmus/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const roots = args.filter((a) => a !== '--json');
if (roots.length === 0) {
  console.error('usage: node scripts/litmus-parse-corpus.mjs DIR|FILE ... [--json]');
  process.exit(2);
}

function collect(p, out) {
  if (statSync(p).isDirectory()) for (const f of readdirSync(p).sort()) collect(join(p, f), out);
  else if (p.endsWith('.litmus')) out.push(p);
  return out;
}

const files = roots.flatMap((r) => collect(r, []));
const results = files.map((file) => {
  const r = parseLitmus(readFileSync(file, 'utf8'), file);
  return r.kind === 'litmus'
    ? { file, ok: true, name: r.name, expected: r.expected, processes: r.processes.length, quantifier: r.condition.quantifier }
    : { file, ok: false, kind: r.kind, message: r.message };
});
const ok = results.filter((r) => r.ok).length;
if (json) console.log(JSON.stringify({ total: results.length, parsed: ok, results }, null, 2));
else {
  for (const r of results) if (!r.ok) console.log(r.message);
  console.log(`${ok}/${results.length} parsed`);
}
process.exit(ok === results.length ? 0 : 1);
