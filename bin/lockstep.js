#!/usr/bin/env node
// The lockstep command. Runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lockstep: not built yet; run `npm install` (or `npm run build`) in the lockstep directory\n');
  process.exit(3);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
