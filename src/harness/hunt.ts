/**
 * What turns a stress loop into a race hunter:
 *
 *  - `convertParallel`: a failure found on real cores is re-run in
 *    controlled mode following its recorded global order (replay-order); if
 *    it fails the same way, the failure now has an exact, replayable
 *    schedule.
 *  - `shrinkSchedule`: a failing controlled schedule is minimised, fewest
 *    preemptions first, then fewest steps, while the same failure kind
 *    reproduces; the number of preemptions left is the bug's depth.
 *
 * Both run extra iterations on the session's warm pool.
 */
import type { PctBound } from '../runtime/explore/types.js';
import { replay } from '../runtime/explore/replay.js';
import { replayOrder } from '../runtime/explore/replay-order.js';
import type { MinimizedSchedule, SeedLogSchedule } from './seedlog.js';
import type { IterationRequest } from './request.js';
import type { IterationResult, Session } from './session.js';

export interface Conversion {
  /** The controlled replay failed with the same kind as the parallel run. */
  readonly reproduced: boolean;
  readonly kind: string | null;
  /** Global-order entries the controlled replay could not follow. */
  readonly misses: number;
  readonly divergedAt: number;
  /** The controlled schedule (decisions) of the conversion run. */
  readonly schedule: SeedLogSchedule;
  readonly scheduleHash: string | null;
  readonly result: IterationResult;
}

export async function convertParallel(session: Session, failed: IterationResult): Promise<Conversion> {
  const order = failed.schedule();
  const res = await session.run({
    ...failed.request,
    mode: 'controlled',
    strategy: replayOrder,
    replay: { tids: order.tids, labels: order.labels, at: order.at },
  });
  return {
    reproduced: res.failure !== null && res.failure.kind === failed.failure?.kind,
    kind: res.failure?.kind ?? null,
    misses: res.replayMisses,
    divergedAt: res.divergedAt,
    schedule: res.schedule(),
    scheduleHash: res.scheduleHash,
    result: res,
  };
}

export interface ShrinkResult extends MinimizedSchedule {
  readonly result: IterationResult;
}

export interface ShrinkOptions {
  readonly maxAttempts?: number;
  readonly maxMs?: number;
}

/**
 * Minimise a failing controlled schedule. Candidates are replayed with the
 * `replay` strategy, which follows the candidate's decisions and falls back
 * to "keep running the current task" where they stop or no longer apply.
 * A candidate is kept when it fails with the same kind and has fewer
 * preemptions (or as many and fewer steps); its *actual* schedule becomes
 * the new best. Two kinds of candidate:
 *
 *  1. truncation after the i-th preemption (i = 0, 1, ...): everything
 *     later runs without preemption;
 *  2. removal of one preemption: at that step the current task simply
 *     continues (greedy, last to first, repeated until nothing improves).
 */
export async function shrinkSchedule(
  session: Session,
  base: IterationRequest,
  failing: IterationResult,
  o: ShrinkOptions = {},
): Promise<ShrinkResult> {
  const kind = failing.failure?.kind;
  if (!kind) throw new Error('shrinkSchedule: the iteration did not fail');
  const maxAttempts = o.maxAttempts ?? 300;
  const deadline = performance.now() + (o.maxMs ?? 15_000);
  const start = failing.schedule();
  let best = { schedule: start, result: failing, preemptions: start.preemptAt?.length ?? failing.preemptions, steps: start.length };
  const from = { preemptions: best.preemptions, steps: best.steps };
  let attempts = 0;
  const budget = (): boolean => attempts < maxAttempts && performance.now() < deadline;

  const tryCandidate = async (tids: number[], s: SeedLogSchedule): Promise<boolean> => {
    attempts++;
    const res = await session.run({ ...base, mode: 'controlled', strategy: replay, replay: { tids, labels: s.labels, at: s.at.slice(0, tids.length) } });
    if (!res.failure || res.failure.kind !== kind) return false;
    const sch = res.schedule();
    const pre = sch.preemptAt?.length ?? res.preemptions;
    if (pre < best.preemptions || (pre === best.preemptions && sch.length < best.steps)) {
      best = { schedule: sch, result: res, preemptions: pre, steps: sch.length };
      return true;
    }
    return false;
  };

  // 1. Truncation: keep the decisions up to and including the i-th preemption.
  const pre0 = start.preemptAt ?? [];
  for (let i = 0; i < pre0.length && budget(); i++) {
    if (i >= best.preemptions) break;
    const cut = i === 0 ? pre0[0]! : pre0[i - 1]! + 1;
    if (await tryCandidate(start.tids.slice(0, cut), start)) break;
  }
  // 2. Removal of single preemptions, greedily, until a full pass finds nothing.
  let improved = true;
  while (improved && budget()) {
    improved = false;
    const cur = best.schedule;
    const pre = [...(cur.preemptAt ?? [])].reverse();
    for (const s of pre) {
      if (!budget() || s === 0) continue;
      const tids = cur.tids.slice();
      // The task that was running simply continues (the last task choice
      // before s: data choices in between are steps of that same task).
      let r = s - 1;
      while (r > 0 && tids[r]! < 0) r--;
      if (tids[r]! < 0) continue;
      tids[s] = tids[r]!;
      if (await tryCandidate(tids, cur)) {
        improved = true;
        break;
      }
    }
  }
  return {
    schedule: best.schedule,
    scheduleHash: best.result.scheduleHash,
    preemptions: best.preemptions,
    steps: best.steps,
    fromPreemptions: from.preemptions,
    fromSteps: from.steps,
    attempts,
    depth: best.preemptions,
    result: best.result,
  };
}

/** One line for a clean PCT run (the bound comes from the strategy's `missBound`). */
export function formatPctBound(b: PctBound): string {
  const pr = b.perRun >= 1e-3 ? b.perRun.toFixed(4) : b.perRun.toExponential(2);
  const miss = b.miss >= 1e-3 ? b.miss.toFixed(4) : b.miss.toExponential(2);
  return `PCT bound: a bug of depth ${b.depth} with n=${b.threads} tasks and k=${b.steps} steps is found by one run with p >= ${pr}; all ${b.runs} clean runs miss it with p <= ${miss}`;
}
