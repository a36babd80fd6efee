/**
 * `lockstep replay LOG`: run a failing iteration again from its seed log.
 *
 * A controlled-mode log replays exactly: the same seed drives the same
 * decisions, so the failure and the whole event sequence must come back
 * (compared by hash; on a mismatch the first divergent step is printed).
 * A parallel-mode log is re-run K times on real cores and reports how often
 * the failure came back ("reproduced 7/20").
 */
import type { Mode } from '../../runtime/kernel/constants.js';
import { readFileSync } from 'node:fs';
import { UsageError } from '../../runtime/kernel/errors.js';
import { fingerprint, fingerprintDiff } from '../../harness/fingerprint.js';
import { layoutFor, runStress, type IterationInfo } from '../../harness/campaign.js';
import { divergenceAt, firstDivergence, formatDivergence, type Divergence } from '../../harness/divergence.js';
import { parseSeedLog, SeedLogError, type SeedLog } from '../../harness/seedlog.js';
import { computeLayout } from '../../runtime/kernel/layout.js';
import { parseSeed } from '../../runtime/kernel/prng.js';
import { strategyByName } from '../../runtime/explore/index.js';
import { intFlag, type CommandSpec, type Flags } from '../args.js';
import { loadBuiltin, loadScenarioFile } from '../catalog.js';
import { emit, type Output } from '../output.js';

export const replaySpec: CommandSpec = {
  name: 'replay',
  summary: 'Re-run the failing iteration of a seed log: exactly (controlled mode) or K times on real cores with a reproduction rate (parallel mode).',
  usage: 'lockstep replay LOG [--runs K] [--json]',
  options: { runs: { type: 'string' }, json: { type: 'boolean' }, minimized: { type: 'boolean' } },
  positionals: { min: 1, max: 1, names: 'LOG' },
  help: [
    '  LOG          a seed log written by stress',
    '  --runs K     how many times to run it (default 20)',
    '  --minimized  replay the shrunk schedule stored in the log instead of the original',
    '  --json       one JSON Lines record with the verdict',
  ],
  example: 'lockstep replay lockstep-logs/selftest-abba-abba-controlled-0x0000002a-i0.json',
};

export interface ReplayVerdict {
  readonly type: 'replay';
  readonly log: string;
  readonly mode: Mode;
  readonly kind: string;
  readonly runs: number;
  /** Runs that failed with the recorded kind (controlled: following the schedule; parallel: on real cores). */
  readonly reproduced: number;
  /** Controlled mode: runs whose event sequence hashed the same as the log's. */
  readonly identical: number | null;
  readonly divergence: Divergence | null;
  /** Parallel logs: did the recorded global order, replayed in controlled mode, fail the same way? */
  readonly converted: boolean | null;
  readonly minimized: boolean;
  readonly fingerprintDiff: readonly string[];
}

export function readSeedLog(path: string): SeedLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read seed log ${path}`);
  }
  try {
    return parseSeedLog(text, path);
  } catch (e) {
    if (e instanceof SeedLogError) throw new UsageError(e.message);
    throw e;
  }
}

export async function replayLog(path: string, runs: number, stop: AbortSignal, useMinimized = false): Promise<ReplayVerdict> {
  const log = readSeedLog(path);
  const loaded = log.scenarioFile ? await loadScenarioFile(log.scenarioFile) : await loadBuiltin(log.scenario);
  const sc = loaded.scenario;
  const variant = sc.variants.find((v) => v.name === log.variant);
  if (!variant) throw new UsageError(`seed log ${path}: scenario ${sc.name} has no variant "${log.variant}" any more`);
  const strategy = strategyByName(log.strategy);
  if (!strategy) throw new UsageError(`seed log ${path}: unknown strategy "${log.strategy}"`);
  const seed = parseSeed(log.seed);
  if (seed === null) throw new UsageError(`seed log ${path}: bad seed "${log.seed}"`);
  if (useMinimized && !log.minimized) throw new UsageError(`seed log ${path} has no minimized schedule`);
  const params = { ...(sc.params ?? {}), ...log.params.scenarioParams };
  const layout = computeLayout(layoutFor(sc, log.params.threads, params));
  const diff = fingerprintDiff(log.fingerprint, fingerprint(layout.hash));
  if (log.fingerprint.layoutHash !== layout.hash) {
    throw new UsageError(
      `seed log ${path} was recorded with another kernel memory layout (${diff.join('; ')}): it cannot be replayed by this build`,
    );
  }
  const base = {
    scenario: sc,
    scenarioUrl: loaded.url,
    ...(loaded.file ? { scenarioFile: loaded.file } : {}),
    variant,
    threads: log.params.threads,
    params,
    seconds: null,
    seed,
    shard: log.params.shard,
    depth: log.params.depth,
    perturbPermille: log.params.perturbPermille,
    stopOnFailure: false,
    logDir: null,
    hangMs: log.params.hangMs,
    ...(log.params.iterationTimeoutMs !== undefined ? { iterationTimeoutMs: log.params.iterationTimeoutMs } : {}),
    stepLimit: log.params.stepLimit,
    fixedIteration: log.iteration,
    maxSteps: log.params.maxSteps,
    hunt: false,
    stop,
  } as const;
  let reproduced = 0;
  let identical = 0;
  let divergence: Divergence | null = null;
  let converted: boolean | null = null;
  if (log.mode === 'controlled') {
    // Follow the recorded decisions: exact while the code is the same, and a
    // divergence report (first differing step) when it is not.
    const sched = useMinimized ? log.minimized!.schedule : log.schedule;
    const want = useMinimized ? log.minimized!.scheduleHash : (log.scheduleHash ?? null);
    await runStress({
      ...base,
      iterations: runs,
      mode: 'controlled',
      strategy: strategyByName('replay')!,
      replay: { tids: sched.tids, labels: sched.labels, at: sched.at },
      onIteration: (it: IterationInfo) => {
        if (it.failed && it.kind === log.failure.kind) reproduced++;
        const same = it.scheduleHash !== null && it.scheduleHash === want && it.divergedAt < 0;
        if (same) identical++;
        else if (divergence === null) {
          // The replay strategy notices where it could not follow (wrong label, task not runnable);
          // otherwise compare the two schedules step by step.
          divergence = it.divergedAt >= 0 ? divergenceAt(sched, it.schedule(), it.divergedAt) : firstDivergence(sched, it.schedule());
        }
      },
    });
  } else {
    // First the recorded global order as a controlled schedule, then K runs on real cores.
    await runStress({
      ...base,
      iterations: 1,
      mode: 'controlled',
      strategy: strategyByName('replay-order')!,
      replay: { tids: log.schedule.tids, labels: log.schedule.labels, at: log.schedule.at },
      onIteration: (it: IterationInfo) => {
        converted = it.failed && it.kind === log.failure.kind;
      },
    });
    await runStress({
      ...base,
      iterations: runs,
      mode: 'parallel',
      strategy,
      onIteration: (it: IterationInfo) => {
        if (it.failed && it.kind === log.failure.kind) reproduced++;
      },
    });
  }
  return {
    type: 'replay',
    log: path,
    mode: log.mode,
    kind: log.failure.kind,
    runs,
    reproduced,
    identical: log.mode === 'controlled' ? identical : null,
    divergence,
    converted,
    minimized: useMinimized,
    fingerprintDiff: diff,
  };
}

export async function replayCommand(flags: Flags, out: Output, stop: AbortSignal, positionals: string[]): Promise<number> {
  const path = positionals[0]!;
  const runs = intFlag(flags, 'runs', 20, 1, 100_000)!;
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
