/**
 * The logic of `lockstep merge`, with no file or terminal: a RESULT's text
 * becomes a shard summary (`parseSummary`), and shard summaries of one run
 * become one summary (`mergeSummaries`). Bad input is a UsageError with a
 * one-line reason, which the command turns into exit 2.
 *
 * All inputs must be the same run: scenario, variant, mode, strategy, seed
 * and threads agree (a field absent on either side is not compared). No
 * file may be given twice and no shard ("I/N") may appear twice, also
 * inside an already merged summary. Iterations, failures, workers,
 * conversions, failure kinds and seed logs add up; the shards ran in
 * parallel, so `seconds` is the longest shard and `cpuSeconds` the sum,
 * and iterations/s is iterations / seconds.
 */
import { UsageError } from '../runtime/kernel/errors.js';

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

/**
 * The summary in the text of one RESULT file (`path` only names it in
 * errors), or a one-line reason it has none.
 */
export function parseSummary(text: string, path: string): ShardSummary {
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

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
