/**
 * `lockstep replay LOG`: parse the flags, call the harness's `replayLog`
 * (src/harness/replay.ts, where what a replay does is described) and print
 * its verdict. Exit code 1 when the failure came back.
 */
import { formatDivergence } from '../../harness/divergence.js';
import { readSeedLog, replayLog } from '../../harness/replay.js';
import { MEMORY_MODELS } from '../../harness/memorymodel.js';
import { UsageError } from '../../runtime/kernel/errors.js';
import { intFlag, oneOf, strFlag, type CommandSpec, type Flags } from '../args.js';
import { emit, type Output } from '../output.js';

export const replaySpec: CommandSpec = {
  name: 'replay',
  summary: 'Re-run the failing iteration of a seed log: exactly (controlled mode) or K times on real cores with a reproduction rate (parallel mode).',
  usage: 'lockstep replay LOG [--runs K] [--minimized] [--memory-model sc|weak] [--json]',
  options: { runs: { type: 'string' }, json: { type: 'boolean' }, minimized: { type: 'boolean' }, 'memory-model': { type: 'string' } },
  positionals: { min: 1, max: 1, names: 'LOG' },
  help: [
    '  LOG          a seed log written by stress',
    '  --runs K     how many times to run it (default 20)',
    '  --minimized  replay the shrunk schedule stored in the log instead of the original',
    '  --memory-model M  the memory model the log was recorded under (default: the log\'s own); a weak',
    '               log records which store each load read and replays only under weak',
    '  --json       one JSON Lines record with the verdict',
  ],
  example: 'lockstep replay lockstep-logs/selftest-abba-abba-controlled-0x0000002a-i0.json',
};

export async function replayCommand(flags: Flags, out: Output, stop: AbortSignal, positionals: string[]): Promise<number> {
  const path = positionals[0]!;
  const runs = intFlag(flags, 'runs', 20, 1, 100_000)!;
  const want = strFlag(flags, 'memory-model');
  if (want !== undefined) {
    const mm = oneOf(flags, 'memory-model', MEMORY_MODELS, 'sc');
    const recorded = readSeedLog(path).params.memoryModel ?? 'sc';
    if (mm !== recorded) {
      throw new UsageError(`--memory-model ${mm}: ${path} was recorded under --memory-model ${recorded}; its schedule ${recorded === 'weak' ? 'names the store each load read' : 'has no load choices'} and replays only under ${recorded}`);
    }
  }
  const v = await replayLog(path, runs, stop, flags['minimized'] === true);
  if (flags['json'] === true) emit(out, v);
  else {
    for (const d of v.fingerprintDiff) out.error(`note: environment differs from the recording: ${d}\n`);
    const which = v.minimized ? ' (minimized schedule)' : '';
    if (v.mode === 'controlled') {
      out.write(`${v.log}${which}: controlled ${v.kind}: reproduced ${v.reproduced}/${v.runs}; identical event sequence ${v.identical}/${v.runs}\n`);
    } else {
      out.write(`${v.log}: parallel ${v.kind}: recorded order replayed in controlled mode: ${v.converted ? 'reproduced (exact)' : 'not reproduced'}\n`);
      out.write(`${v.log}: parallel ${v.kind}: reproduced ${v.reproduced}/${v.runs} on real cores\n`);
    }
    if (v.divergence) out.write(`${formatDivergence(v.divergence)}\n`);
  }
  return v.reproduced > 0 || v.converted === true ? 1 : 0;
}
