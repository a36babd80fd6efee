/**
 * `lockstep litmus FILE|DIR …`: run herd7 C litmus tests on the runtime
 * (harness/litmus.ts) and compare each outcome with the file's `Result:`.
 * Exit 1 if any test's observation differs from its Result; a file that
 * cannot be parsed is reported `unsupported: <file>:<line>:<col> <construct>`
 * and the run goes on.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../runtime/kernel/errors.js';
import { runLitmus, type LitmusResult } from '../../harness/litmus.js';
import { numFlag, oneOf, type CommandSpec, type Flags } from '../args.js';
import { MEMORY_MODELS } from '../../harness/memorymodel.js';
import { emit, type Output } from '../output.js';

export const litmusSpec: CommandSpec = {
  name: 'litmus',
  summary: "Run herd7 C litmus tests (the Linux kernel memory model's format) on the runtime, exploring every interleaving, and compare each outcome with the file's Result line.",
  usage: 'lockstep litmus FILE|DIR ... [--memory-model sc|weak] [--seconds T] [--json]',
  options: { 'memory-model': { type: 'string' }, seconds: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 10_000, names: 'FILE|DIR' },
  help: [
    '  FILE|DIR          litmus files, or directories whose *.litmus files are run in name order',
    '  --memory-model M  sc (default): sequentially consistent memory; weak: the weak memory model',
    '                    (docs/MEMORY-MODEL.md), every store a load may read is explored',
    '  --seconds T       exploration budget per test (default 60); an exploration cut short says so',
    '  --json            one JSON Lines record per test, then a litmus-summary record',
  ],
  example: 'lockstep litmus test/fixtures/litmus/MP+wmb+rmb.litmus',
};

function expand(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`litmus: no such file or directory: ${p}`);
    }
    if (!st.isDirectory()) {
      files.push(p);
      continue;
    }
    const inDir = readdirSync(p).filter((f) => f.endsWith('.litmus')).sort();
    if (inDir.length === 0) throw new UsageError(`litmus: no .litmus files in ${p}`);
    for (const f of inDir) files.push(join(p, f));
  }
  return files;
}

export async function litmusCommand(flags: Flags, out: Output, stop: AbortSignal, positionals: string[]): Promise<number> {
  const model = oneOf(flags, 'memory-model', MEMORY_MODELS, 'sc');
  const seconds = numFlag(flags, 'seconds', 60, 0.1, 86_400)!;
  const files = expand(positionals);
  const json = flags['json'] === true;
  const many = files.length > 1;
  const t0 = performance.now();
  const counts = { match: 0, mismatch: 0, unsupported: 0 };
  for (const f of files) {
    if (stop.aborted) break;
    const r = await runLitmus(f, { memoryModel: model, seconds, stop });
    counts[r.verdict]++;
    if (json) emit(out, r);
    else if (many) out.write(`${oneLine(r)}\n`);
    else out.write(detail(r));
  }
  const total = counts.match + counts.mismatch + counts.unsupported;
  const secs = Math.round(performance.now() - t0) / 1000;
  if (json) emit(out, { type: 'litmus-summary', tests: total, ...counts, memoryModel: model, seconds: secs });
  else if (many) out.write(`${total} tests: ${counts.match} match, ${counts.mismatch} mismatch, ${counts.unsupported} unsupported (memory model ${model}, ${secs} s)\n`);
  return counts.mismatch > 0 ? 1 : 0;
}

function outcome(r: LitmusResult): string {
  return `${r.observation} (${r.positive} of ${r.positive + r.negative})`;
}

function oneLine(r: LitmusResult): string {
  if (r.verdict === 'unsupported') return `unsupported  ${r.message}`;
  const budget = r.complete ? '' : ', incomplete';
  return `${r.verdict.padEnd(11)}  ${(r.name ?? r.file).padEnd(48)} ${outcome(r).padEnd(22)} Result: ${r.expected ?? '-'}  (${r.executions} executions${budget}, ${r.seconds} s)`;
}

function detail(r: LitmusResult): string {
  if (r.verdict === 'unsupported') return `${r.message}\n`;
  const lines = [`Test ${r.name} (memory model ${r.memoryModel}, ${r.file})`, `States ${Object.keys(r.states).length}`];
  for (const [s, n] of Object.entries(r.states)) lines.push(`  ${s.padEnd(40)} ${n} execution${n === 1 ? '' : 's'}`);
  lines.push(`Condition: ${r.condition}`);
  lines.push(`Observation ${r.name} ${r.observation} ${r.positive} ${r.negative}`);
  lines.push(`Result: ${r.expected ?? '(none)'}: ${r.verdict}`);
  lines.push(`${r.executions} executions explored, ${r.complete ? 'exploration complete' : 'exploration incomplete (time budget)'}, ${r.seconds} s`);
  return `${lines.join('\n')}\n`;
}
