/**
 * The RESULT arguments of `lockstep merge`: files, and directories as a job
 * runner's artifact download leaves them (one folder per job, shard
 * outputs beside seed logs and anything else the job kept).
 *
 * A file named on the command line must be a result (any other file is a
 * one-line error, as before). In a directory, every regular file is looked
 * at, recursively, and kept when its content is a `stress --json` output:
 * JSON Lines whose last record is `{"type":"summary", ...}`. Seed logs are
 * JSON too, but one object with a `format` and no `type`, so they are
 * ignored with everything else. A file that starts as a stress output but
 * has no summary at its end is a shard that did not finish: that is an
 * error, not a file to skip, or the merged run would quietly miss a shard.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../runtime/kernel/errors.js';
import { parseSummary, type ShardSummary } from './merge.js';

/** The record types `stress --json` writes before its summary. */
const STRESS_RECORDS = new Set(['progress', 'failure', 'dot']);

/** What a file's text is: a finished stress output, an unfinished one, or something else. */
export function classifyResult(text: string): 'summary' | 'unfinished' | 'other' {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return 'other';
  const type = (line: string): unknown => {
    try {
      const o: unknown = JSON.parse(line);
      return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>)['type'] : undefined;
    } catch {
      return undefined;
    }
  };
  if (type(lines.at(-1)!) === 'summary') return 'summary';
  // A single summary object written over several lines (merge accepts one as a RESULT).
  if (lines.length > 1 && type(lines.join('\n')) === 'summary') return 'summary';
  const t = type(lines[0]!);
  return typeof t === 'string' && STRESS_RECORDS.has(t) ? 'unfinished' : 'other';
}

/** Every regular file under `dir`, sorted, so the shard table comes out in a stable order. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
}

/** The summaries the RESULT arguments name, each with the file it came from. */
export function collectResults(args: readonly string[]): { file: string; s: ShardSummary }[] {
  const items: { file: string; s: ShardSummary }[] = [];
  for (const arg of args) {
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${arg}`);
    }
    if (!isDir) {
      items.push({ file: arg, s: parseSummary(readText(arg), arg) });
      continue;
    }
    const files = filesUnder(arg);
    let found = 0;
    for (const file of files) {
      const text = readText(file);
      const kind = classifyResult(text);
      if (kind === 'unfinished') {
        throw new UsageError(`${file} is a stress --json output without its summary line (did that shard stop early?): remove it or rerun the shard`);
      }
      if (kind === 'other') continue;
      items.push({ file, s: parseSummary(text, file) });
      found++;
    }
    if (found === 0) {
      throw new UsageError(`${arg}: no stress --json result in it (looked at ${files.length} file(s), recursively, for one whose last line is a summary)`);
    }
  }
  return items;
}
