/**
 * Tree SRCU's barriers A–E under `--memory-model weak` (docs/RCU.md,
 * "Barriers A–E"): dropping A, B or C is caught by srcu-torture's marker
 * checks with fixed seeds (so the outcome is deterministic), dropping D or E
 * (an optimisation and a redundant barrier in srcutree.c's own words) and
 * mainline are clean, and a failure's seed log replays exactly. The
 * negative controls, the SC runs and the replay run through the command, as
 * a user runs them (`replay` must work from the log alone); each command is
 * bounded by a timeout that kills it (and its workers) and fails the test.
 * The detections run the command's own entry point (runStress) in this
 * process, with the command's defaults and the weak model, and C's writes
 * its seed log for the replay: the command shrinks every failure it logs
 * (about 13 s each here), which these checks do not look at. A weak-model
 * failure found and logged by the command itself is checked in
 * weak-r9-s8.test.ts and weak-runtime.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lockstep, run } from './helpers.js';

interface Summary {
  readonly iterations: number;
  readonly failures: number;
  readonly firstFailureIteration: number | null;
  readonly failureKinds: Record<string, number>;
  readonly logs: string[];
  readonly memoryModel?: string;
}

async function stress(variant: string, seed: number, iterations: number, memoryModel: 'weak' | 'sc', logDir?: string): Promise<Summary> {
  const args = ['stress', '--scenario', 'srcu-torture', '--variant', variant, '--mode', 'controlled', '--memory-model', memoryModel];
  args.push('--seed', String(seed), '--iterations', String(iterations), '--stop-on-failure', '--json');
  if (logDir) args.push('--log-dir', logDir);
  const r = await lockstep(args, { timeoutMs: 60_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  assert.ok(last.startsWith('{'), `${variant}: no summary (${r.stderr})`);
  return JSON.parse(last) as Summary;
}

/**
 * Detection through the harness in this process: the same run `stress`
 * makes from the flags above (its defaults: random strategy, depth 3,
 * perturb 50, hang 2000 ms, step limit 200,000), without shrinking; with
 * `logDir`, the failure's seed log is written there (as the command does).
 */
async function stressInProcess(variant: string, seed: number, iterations: number, logDir?: string): Promise<Summary> {
  const r = await run({
    scenario: 'srcu-torture',
    variant,
    mode: 'controlled',
    strategy: 'random',
    memoryModel: 'weak',
    seed,
    iterations,
    stopOnFailure: true,
    depth: 3,
    perturbPermille: 50,
    hangMs: 2000,
    stepLimit: 200_000,
    hunt: false,
    ...(logDir ? { logDir } : {}),
    timeoutMs: 60_000,
  });
  return { ...r.summary, logs: [...r.summary.logs] };
}

/** [variant, seed, iteration the seed catches it at] (controlled/random; found by `stress --seed 1..5`). */
const CAUGHT: [string, number, number][] = [
  ['R3-no-mb-A', 5, 13],
  ['srcu-no-mb-B', 4, 1],
  ['srcu-no-mb-C', 2, 0],
];
/** The variants whose seed logs the replay test below replays. */
const REPLAYED = ['srcu-no-mb-C'];

const dir = mkdtempSync(join(tmpdir(), 'lockstep-srcu-barriers-'));
const logs = new Map<string, string>();

for (const [variant, seed, at] of CAUGHT) {
  test(`${variant} is caught under --memory-model weak (seed ${seed}, iteration ${at}): a too-short grace period (I-SRCU1)`, async () => {
    const s = await stressInProcess(variant, seed, at + 1, REPLAYED.includes(variant) ? dir : undefined);
    assert.is(s.memoryModel, 'weak');
    assert.is(s.failures, 1, `${variant}: not caught in ${s.iterations} iterations`);
    assert.is(s.firstFailureIteration, at);
    assert.equal(s.failureKinds, { invariant: 1 });
    if (REPLAYED.includes(variant)) logs.set(variant, s.logs[0]!);
  });
}

test('the same seeds do not catch them under --memory-model sc (a fence is free there)', async () => {
  for (const [variant, seed, at] of CAUGHT) {
    const s = await stress(variant, seed, at + 1, 'sc');
    assert.is(s.failures, 0, variant);
    assert.is(s.iterations, at + 1);
  }
});

test('negative controls and mainline are clean under --memory-model weak: srcu-no-mb-D, srcu-no-mb-E, mainline-marks', async () => {
  // The same seed and iterations that catch A (seed 5, iteration 13) and B, C earlier: D and E are not A.
  for (const variant of ['srcu-no-mb-D', 'srcu-no-mb-E', 'mainline-marks']) {
    const s = await stress(variant, 5, 14, 'weak');
    assert.is(s.failures, 0, variant);
    assert.is(s.iterations, 14, variant);
  }
});

test('a barrier failure replays exactly from its seed log (the load choices are in it)', async () => {
  try {
    for (const variant of REPLAYED) {
      const log = logs.get(variant);
      assert.ok(log, `${variant}: no seed log (its detection test failed)`);
      const r = await lockstep(['replay', log!, '--runs', '3', '--json'], { timeoutMs: 60_000 });
      const v = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reproduced: number; identical: number };
      assert.is(v.reproduced, 3, r.stderr);
      assert.is(v.identical, 3);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
