// npm test's last step: run every compiled uvu test file and end with the
// line "N passed, N failed" (uvu's own closing lines are not a form CI reads).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pattern = process.argv[2] ? `(${process.argv[2]}).*\\.test\\.js$` : '\\.test\\.js$';
const child = spawn(process.execPath, ['node_modules/uvu/bin.js', 'dist/test', pattern, '--no-color'], {
  cwd: root,
  env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout.on('data', (d) => {
  out += d;
  process.stdout.write(d);
});
child.on('close', (code) => {
  const total = /Total:\s+(\d+)/.exec(out);
  const passed = /Passed:\s+(\d+)/.exec(out);
  const skipped = /Skipped:\s+(\d+)/.exec(out);
  if (!total || !passed) {
    process.stdout.write('\n0 passed, 1 failed\n');
    process.exit(code || 1);
  }
  const t = Number(total[1]);
  const p = Number(passed[1]);
  const s = skipped ? Number(skipped[1]) : 0;
  const failed = Math.max(0, t - p - s) + (code !== 0 && t === p + s ? 1 : 0);
  process.stdout.write(`\n${p} passed, ${failed} failed${s ? `, ${s} skipped` : ''}\n`);
  process.exit(failed > 0 ? 1 : code ?? 1);
});
