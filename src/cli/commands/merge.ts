/**
 * `lockstep merge RESULT...`: combine the `--json` summaries of shards
 * (`stress --shard I/N --json > shard-I.json`) into one summary.
 *
 * Each RESULT is a file of JSON Lines whose last line is a summary (what
 * `stress --json` prints), or one summary object. All of them must be the
 * same run: scenario, variant, mode, strategy, seed and threads agree.
 * Iterations, failures, workers, failure kinds and seed logs add up; the
 * shards ran in parallel, so `seconds` is the longest shard and
 * `cpuSeconds` the sum, and iterations/s is iterations / seconds.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../runtime/kernel/errors.js';
import type { CommandSpec, Flags } from '../args.js';
import { emit, type Output } from '../output.js';
import { table } from '../progress.js';

export const mergeSpec: CommandSpec = {
  name: 'merge',
  summary: 'Combine the --json summaries of shards (stress --shard I/N --json) into one summary with every seed log.',
  usage: 'lockstep merge RESULT... [--json]',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 10_000, names: 'RESULT (one or more --json outputs of stress)' },
  help: [
    '  RESULT...   files holding the JSON Lines of `stress --json` (the last line is the summary),',
    '              or a single summary object; all from the same scenario, variant, mode, strategy,',
    '              seed and threads (one per shard)',
    '  --json      print the merged summary as one JSON line ({"type":"summary", ..., "shards": [...]})',
    '',
    'Exit code: 0 when the merged run found no failure, 1 when any shard found one, 2 on bad input.',
  ],
  example: 'lockstep merge shard-1.json shard-2.json shard-3.json shard-4.json',
};

/** The summary fields merge reads (StressSummary, plus an optional shard "I/N"). */
export interface ShardSummary {
  readonly type: 'summary';
  readonly scenario: string;
  readonly variant: string;
  readonly mode: string;
  readonly strategy: string;
  readonly seed: string;
  readonly iterations: number;
  readonly failures: number;
  readonly seconds: number;
  readonly itersPerSec: number;
  readonly workersSpawned: number;
  readonly logs: readonly string[];
  readonly threads?: number;
  readonly failureKinds?: Readonly<Record<string, number>>;
  readonly scheduleHash?: string;
  readonly interrupted?: boolean;
  readonly expect?: 'pass' | 'fail';
  readonly shard?: string;
  readonly cpuSeconds?: number;
  readonly shards?: readonly ShardEntry[];
  readonly conversions?: { readonly tried: number; readonly reproduced: number };
}

export interface ShardEntry {
  readonly file: string;
  readonly shard?: string;
  readonly iterations: number;
  readonly failures: number;
  readonly seconds: number;
  readonly itersPerSec: number;
  readonly logs: number;
  readonly scheduleHash?: string;
  readonly interrupted?: boolean;
}

export interface MergedSummary extends ShardSummary {
  readonly cpuSeconds: number;
  readonly failureKinds: Readonly<Record<string, number>>;
  readonly interrupted: boolean;
  readonly shards: readonly ShardEntry[];
}

const SAME = ['scenario', 'variant', 'mode', 'strategy', 'seed', 'threads'] as const;

/** Read one RESULT file: its summary, or a one-line reason it has none. */
export function readSummary(path: string): ShardSummary {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
  if (text.trim() === '') throw new UsageError(`${path} is empty (no summary: did the shard run with --json?)`);
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    // JSON Lines: the summary is the last line.
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const lastLine = lines.at(-1)!;
    try {
      obj = JSON.parse(lastLine);
    } catch {
      const t = lastLine.trim();
      const why = t.startsWith('{') && !t.endsWith('}') ? 'its last line is truncated' : 'its last line is not JSON';
      throw new UsageError(`${path} is not a --json result: ${why} (expected the summary line of stress --json)`);
    }
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new UsageError(`${path}: the last record is not a JSON object`);
  const o = obj as Record<string, unknown>;
  if (o['type'] !== 'summary') {
    const t = o['type'] === undefined ? 'no type' : `type "${String(o['type'])}"`;
    throw new UsageError(`${path}: the last record has ${t}, not a summary (was the shard interrupted before it finished?)`);
  }
  const need: [string, string][] = [
    ['scenario', 'string'],
    ['variant', 'string'],
    ['mode', 'string'],
    ['strategy', 'string'],
    ['seed', 'string'],
    ['iterations', 'number'],
    ['failures', 'number'],
    ['seconds', 'number'],
    ['workersSpawned', 'number'],
  ];
  const bad = need.filter(([k, t]) => typeof o[k] !== t).map(([k, t]) => `"${k}" (${t})`);
  if (!Array.isArray(o['logs'])) bad.push('"logs" (array)');
  if (bad.length) throw new UsageError(`${path}: the summary lacks ${bad.join(', ')}`);
  return o as unknown as ShardSummary;
}

export function mergeSummaries(items: readonly { file: string; s: ShardSummary }[]): MergedSummary {
  const first = items[0]!;
  for (const it of items.slice(1)) {
    const diff = SAME.filter((k) => first.s[k] !== undefined && it.s[k] !== undefined && first.s[k] !== it.s[k]).map(
      (k) => `${k} ${JSON.stringify(first.s[k])} in ${first.file} but ${JSON.stringify(it.s[k])} in ${it.file}`,
    );
    if (diff.length) throw new UsageError(`cannot merge different runs: ${diff.join('; ')}`);
  }
  const files = new Set<string>();
  for (const it of items) {
    if (files.has(it.file)) throw new UsageError(`${it.file} is given twice`);
    files.add(it.file);
  }
  // Summaries that name their shard (a merged summary, or a stress that records it) must not overlap.
  const seenShards = new Map<string, string>();
  for (const it of items) {
    for (const sh of it.s.shards?.map((x) => x.shard) ?? [it.s.shard]) {
      if (sh === undefined) continue;
      const prev = seenShards.get(sh);
      if (prev) throw new UsageError(`shard ${sh} appears twice (${prev} and ${it.file})`);
      seenShards.set(sh, it.file);
    }
  }
  const kinds: Record<string, number> = {};
  let iterations = 0;
  let failures = 0;
  let seconds = 0;
  let cpuSeconds = 0;
  let workers = 0;
  let tried = 0;
  let reproduced = 0;
  let interrupted = false;
  const logs: string[] = [];
  const shards: ShardEntry[] = [];
  for (const { file, s } of items) {
    iterations += s.iterations;
    failures += s.failures;
    seconds = Math.max(seconds, s.seconds);
    cpuSeconds += s.cpuSeconds ?? s.seconds;
    workers += s.workersSpawned;
    interrupted ||= s.interrupted === true;
    logs.push(...s.logs);
    for (const [k, n] of Object.entries(s.failureKinds ?? {})) kinds[k] = (kinds[k] ?? 0) + n;
    if (s.conversions) {
      tried += s.conversions.tried;
      reproduced += s.conversions.reproduced;
    }
    if (s.shards) shards.push(...s.shards);
    else {
      shards.push({
        file,
        ...(s.shard !== undefined ? { shard: s.shard } : {}),
        iterations: s.iterations,
        failures: s.failures,
        seconds: s.seconds,
        itersPerSec: s.itersPerSec,
        logs: s.logs.length,
        ...(s.scheduleHash !== undefined ? { scheduleHash: s.scheduleHash } : {}),
        ...(s.interrupted ? { interrupted: true } : {}),
      });
    }
  }
  const f = first.s;
  return {
    type: 'summary',
    scenario: f.scenario,
    variant: f.variant,
    mode: f.mode,
    strategy: f.strategy,
    seed: f.seed,
    ...(f.threads !== undefined ? { threads: f.threads } : {}),
    iterations,
    failures,
    seconds: round3(seconds),
    cpuSeconds: round3(cpuSeconds),
    itersPerSec: round3(iterations / Math.max(seconds, 1e-9)),
    workersSpawned: workers,
    logs,
    failureKinds: kinds,
    interrupted,
    ...(f.expect !== undefined ? { expect: f.expect } : {}),
    ...(tried > 0 ? { conversions: { tried, reproduced } } : {}),
    shards,
  };
}

export async function mergeCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const items = positionals.map((file) => ({ file, s: readSummary(file) }));
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

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
