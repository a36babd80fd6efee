/**
 * Replaying a seed log: a library entry point (as Shuttle's
 * `replay_from_file` is), which `lockstep replay` and the tests call alike.
 *
 * A controlled-mode log replays exactly: the same seed drives the same
 * decisions, so the failure and the whole event sequence must come back
 * (compared by hash; on a mismatch the first divergent step is reported).
 * A parallel-mode log is first replayed once in controlled mode along its
 * recorded global order, then re-run K times on real cores for a
 * reproduction rate ("reproduced 7/20"). docs/ARCHITECTURE.md §12.
 */
import { memoryLayout } from './memorymodel.js';
import type { Mode } from '../runtime/kernel/constants.js';
import { readFileSync } from 'node:fs';
import { UsageError } from '../runtime/kernel/errors.js';
import { computeLayout } from '../runtime/kernel/layout.js';
import { parseSeed } from '../runtime/kernel/prng.js';
import { strategyByName } from '../runtime/explore/index.js';
import { runStress, type IterationInfo } from './campaign.js';
import { loadBuiltin, loadScenarioFile } from './catalog.js';
import { divergenceAt, firstDivergence, type Divergence } from './divergence.js';
import { fingerprint, fingerprintDiff } from './fingerprint.js';
import { layoutFor } from './layoutfor.js';
import { parseSeedLog, SeedLogError, type SeedLog } from './seedlog.js';

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

/** Read and validate a seed log; an unreadable or malformed file is a UsageError (exit 2, one line). */
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

/** Run the failing iteration of the seed log at `path` `runs` times (its minimized schedule if `useMinimized`). */
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
  const memoryModel = log.params.memoryModel ?? 'sc';
  const layout = computeLayout(layoutFor(sc, log.params.threads, params, memoryLayout(memoryModel)));
  const diff = fingerprintDiff(log.fingerprint, fingerprint(layout.hash));
  if (log.fingerprint.layoutHash !== layout.hash) {
    throw new UsageError(
      `seed log ${path} was recorded with another kernel memory layout (${diff.join('; ')}): it cannot be replayed by this build`,
    );
  }
  const base = {
    scenario: loaded,
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
    memoryModel,
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
