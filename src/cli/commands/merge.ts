/**
 * `lockstep merge RESULT|DIR...`: combine the `--json` summaries of shards
 * (`stress --shard I/N --json > shard-I.json`) into one summary. This file
 * prints; which files are results is in ../results.ts, and what merging
 * means (which runs agree, what adds up) in ../merge.ts.
 */
import type { CommandSpec, Flags } from '../args.js';
import { mergeSummaries } from '../merge.js';
import { emit, type Output } from '../output.js';
import { table } from '../progress.js';
import { collectResults } from '../results.js';

export const mergeSpec: CommandSpec = {
  name: 'merge',
  summary: 'Combine the --json summaries of shards (stress --shard I/N --json) into one summary with every seed log.',
  usage: 'lockstep merge (RESULT | DIR)... [--json]',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 10_000, names: 'RESULT or DIR (--json outputs of stress, or directories holding them)' },
  help: [
    '  RESULT...   files holding the JSON Lines of `stress --json` (the last line is the summary),',
    '              or a single summary object; all from the same scenario, variant, mode, strategy,',
    '              seed and threads (one per shard)',
    '  DIR         a directory (an artifact download): every file in it and its subdirectories',
    '              whose last line is a stress --json summary is a RESULT; other files (seed logs,',
    '              traces) are ignored; e.g. lockstep merge artifacts/',
    '  --json      print the merged summary as one JSON line ({"type":"summary", ..., "shards": [...]})',
    '',
    'Exit code: 0 when the merged run found no failure, 1 when any shard found one, 2 on bad input.',
  ],
  example: 'lockstep merge shard-1.json shard-2.json shard-3.json shard-4.json',
};

export async function mergeCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const items = collectResults(positionals);
  const m = mergeSummaries(items);
  const dup = m.logs.length - new Set(m.logs).size;
  if (dup > 0) {
    out.error(`note: ${dup} seed log path(s) appear in more than one shard: give each shard its own --log-dir, or one log overwrote another\n`);
  }
  if (flags['json'] === true) emit(out, m);
  else {
    out.write(`merged ${items.length} result(s): ${m.iterations} iterations in ${m.seconds}s wall (longest shard), ${m.cpuSeconds}s summed\n\n`);
    out.write(
      `${table(
        ['scenario', 'variant', 'mode', 'strategy', 'threads', 'iterations', 'it/s', 'failures', 'seed', 'shards'],
        [
          [
            m.scenario,
            m.variant,
            m.mode,
            m.strategy,
            m.threads === undefined ? '-' : String(m.threads),
            String(m.iterations),
            m.itersPerSec.toFixed(1),
            m.failures === 0 ? '0' : `${m.failures}${m.expect === 'fail' ? ' (expected)' : ''}`,
            m.seed,
            String(m.shards.length),
          ],
        ],
      )}\n\n`,
    );
    out.write(
      `${table(
        ['shard', 'file', 'iterations', 'it/s', 'seconds', 'failures', 'logs'],
        m.shards.map((s, i) => [s.shard ?? String(i + 1), s.file, String(s.iterations), s.itersPerSec.toFixed(1), String(s.seconds), String(s.failures), String(s.logs)]),
      )}\n`,
    );
    const kinds = Object.entries(m.failureKinds);
    if (kinds.length) out.write(`\nfailure kinds: ${kinds.map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
    if (m.logs.length) out.write(`seed logs:\n${m.logs.map((l) => `  ${l}`).join('\n')}\n`);
    if (m.interrupted) out.write('note: at least one shard was interrupted before its end\n');
  }
  return m.failures > 0 ? 1 : 0;
}
