/**
 * Tree SRCU's barriers A–E under `--memory-model weak` (docs/RCU.md,
 * "Barriers A–E"): dropping A, B or C is caught by srcu-torture's marker
 * checks with fixed seeds (so the outcome is deterministic), dropping D or E
 * (an optimisation and a redundant barrier in srcutree.c's own words) and
 * mainline are clean, and a failure's seed log replays exactly. C's
 * detection, the negative controls, the SC runs and the replay run through
 * the command, as a user runs them (`replay` must work from the log alone);
 * each command is bounded by a timeout that kills it (and its workers) and
 * fails the test. A's and B's detection run the command's own entry point
 * (runStress) in this process, with the command's defaults and the weak
 * model: the command always writes a seed log and so shrinks every failure
 * it finds (about 13 s each here), which these two checks do not look at.
 * C's log must come from the command: a log written by this process records
 * the layout of every subsystem the test files before this one registered
 * here, and `replay` (rightly) refuses it.
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
 * perturb 50, hang 2000 ms, step limit 200,000), without the seed log and
 * its shrinking.
 */
async function stressInProcess(variant: string, seed: number, iterations: number): Promise<Summary> {
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
    timeoutMs: 60_000,
  });
  return { ...r.summary, logs: [...r.summary.logs] };
}

/** [variant, seed, iteration the seed catches it at, run through] (controlled/random; found by `stress --seed 1..5`). */
const CAUGHT: [string, number, number, 'harness' | 'command'][] = [
  ['R3-no-mb-A', 5, 13, 'harness'],
  ['srcu-no-mb-B', 4, 1, 'harness'],
  // Its seed log is the one the replay test below replays.
  ['srcu-no-mb-C', 2, 0, 'command'],
];

const dir = mkdtempSync(join(tmpdir(), 'lockstep-srcu-barriers-'));
const logs = new Map<string, string>();

for (const [variant, seed, at, via] of CAUGHT) {
  test(`${variant} is caught under --memory-model weak (seed ${seed}, iteration ${at}, ${via}): a too-short grace period (I-SRCU1)`, async () => {
    const s = via === 'command' ? await stress(variant, seed, at + 1, 'weak', dir) : await stressInProcess(variant, seed, at + 1);
    assert.is(s.memoryModel, 'weak');
    assert.is(s.failures, 1, `${variant}: not caught in ${s.iterations} iterations`);
    assert.is(s.firstFailureIteration, at);
    assert.equal(s.failureKinds, { invariant: 1 });
    if (via === 'command') logs.set(variant, s.logs[0]!);
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
    for (const variant of ['srcu-no-mb-C']) {
      const log = logs.get(variant);
      assert.ok(log, `${variant}: no seed log (its detection test failed)`);
      const r = await lockstep(['replay', log!, '--runs', '3', '--json'], { timeoutMs: 60_000 });
      const last = r.stdout.trim().split('\n').pop() ?? '';
      assert.ok(last.startsWith('{'), `replay ${variant}: exit ${r.code}, no summary (${r.stderr})`);
      const v = JSON.parse(last) as { reproduced: number; identical: number };
      assert.is(v.reproduced, 3, r.stderr);
      assert.is(v.identical, 3);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
