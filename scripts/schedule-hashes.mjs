#!/usr/bin/env node
// Records the controlled-mode scheduleHash of every built-in scenario and variant
// (random and pct, fixed seed), so that a refactoring can show it changed no schedule:
//   node scripts/schedule-hashes.mjs > before.json; ...; node scripts/schedule-hashes.mjs --compare before.json
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/lockstep.js', import.meta.url));
const args = process.argv.slice(2);
const iterations = Number(valueOf('--iterations') ?? 20);
const compare = valueOf('--compare');
function valueOf(flag) {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
const list = JSON.parse(execFileSync(process.execPath, [bin, 'list', '--json'], { encoding: 'utf8' }));
const out = {};
for (const s of list) {
  for (const v of s.variants) {
    for (const strategy of ['random', 'pct']) {
      const key = `${s.name}/${v.name}/${strategy}`;
      const r = spawnSync(
        process.execPath,
        [bin, 'stress', '--scenario', s.name, '--variant', v.name, '--mode', 'controlled', '--strategy', strategy,
          '--iterations', String(iterations), '--seed', '7', '--json'],
        { encoding: 'utf8' },
      );
      const lines = r.stdout.trim().split('\n');
      const sum = JSON.parse(lines[lines.length - 1]);
      out[key] = { scheduleHash: sum.scheduleHash, failures: sum.failures };
      process.stderr.write(`${key} ${sum.scheduleHash} ${sum.failures}\n`);
    }
  }
}
if (compare) {
  const before = JSON.parse(readFileSync(compare, 'utf8'));
  let same = 0;
  const diff = [];
  for (const [key, v] of Object.entries(before)) {
    const now = out[key];
    if (now && now.scheduleHash === v.scheduleHash && now.failures === v.failures) same++;
    else diff.push(`${key}: ${JSON.stringify(v)} -> ${JSON.stringify(now ?? null)}`);
  }
  console.log(`${same} of ${Object.keys(before).length} identical`);
  for (const d of diff) console.log(d);
  process.exitCode = diff.length === 0 ? 0 : 1;
} else {
  console.log(JSON.stringify(out, null, 1));
}
