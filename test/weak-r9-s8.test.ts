/**
 * Issue 14's R9 and S8 under --memory-model weak (docs/RCU.md "R9 under the
 * weak memory model", docs/SECCOMP.md S8): each planted missing barrier is
 * caught with a fixed seed under the weak model, its seed log replays
 * exactly through `lockstep replay`, and the same seed finds nothing under
 * sequential consistency; mainline stays clean under the weak model.
 * Everything runs through the CLI (child processes, killed on timeout).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockstep } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-weak-r9s8-'));

interface Case {
  readonly scenario: string;
  readonly variant: string;
  readonly seed: string;
  /** The iteration the seed fails at (deterministic in controlled mode). */
  readonly at: number;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  { scenario: 'rcu-tasks-torture', variant: 'R9-pregp', seed: '4', at: 1, message: /Too-short grace period/ },
  { scenario: 'rcu-tasks-torture', variant: 'R9-postgp-order', seed: '1', at: 1, message: /writer read stamp \d+, but a reader of the removed element saw \d+/ },
  { scenario: 'seccomp-publish-race', variant: 'S8-flag-first', seed: '1', at: 0, message: /SYSCALL_WORK_SECCOMP/ },
  { scenario: 'seccomp-publish-race', variant: 'S8-plain-filter', seed: '1', at: 0, message: /seccomp_filter|getpid\(\) succeeded/ },
];

function summaryOf(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

function stress(c: Pick<Case, 'scenario' | 'variant' | 'seed'>, model: 'weak' | 'sc', iterations: number, dir: string, extra: string[] = []) {
  return lockstep(
    ['stress', '--scenario', c.scenario, '--variant', c.variant, '--mode', 'controlled', '--memory-model', model, '--seed', c.seed, '--iterations', String(iterations), '--stop-on-failure', '--log-dir', dir, '--json', '--hang-ms', '20000', ...extra],
    { timeoutMs: 180_000 },
  );
}

for (const c of CASES) {
  test(`${c.scenario} ${c.variant}: caught under weak memory (seed ${c.seed}, iteration ${c.at}), the log replays exactly`, async () => {
    const dir = join(tmp, `${c.variant}-weak`);
    const r = await stress(c, 'weak', c.at + 1, dir);
    assert.is(r.code, 1, r.stderr);
    const s = summaryOf(r.stdout);
    assert.is(s['failures'], 1);
    assert.is(s['firstFailureIteration'], c.at);
    const logs = readdirSync(dir);
    assert.is(logs.length, 1);
    const path = join(dir, logs[0]!);
    const log = JSON.parse(readFileSync(path, 'utf8')) as { failure: { message: string }; params: { memoryModel?: string } };
    assert.match(log.failure.message, c.message);
    assert.is(log.params.memoryModel, 'weak');
    const rp = await lockstep(['replay', path, '--runs', '2'], { timeoutMs: 180_000 });
    assert.is(rp.code, 1, rp.stderr);
    assert.match(rp.stdout, /reproduced 2\/2; identical event sequence 2\/2/);
  });

  test(`${c.scenario} ${c.variant}: the same seed finds nothing under sequential consistency`, async () => {
    const r = await stress(c, 'sc', c.at + 1, join(tmp, `${c.variant}-sc`));
    assert.is(r.code, 0, r.stderr);
    assert.is(summaryOf(r.stdout)['failures'], 0);
  });
}

const CLEAN: readonly [string, string, number, string[]][] = [
  // Mainline with the R9 variants' parameters (stamp check on, one napping reader); mainline's own runs are in the mainline campaigns.
  ['rcu-tasks-torture', 'lists-2024', 10, ['--param', 'stamp=1', '--param', 'straddle=0', '--param', 'exitReaders=0', '--param', 'hold=16', '--param', 'readers=1', '--param', 'nap=1']],
  ['seccomp-publish-race', 'mainline', 20, ['--param', 'early=0']],
];

for (const [scenario, variant, iterations, extra] of CLEAN) {
  test(`${scenario} ${variant} ${extra.join(' ')}: clean under weak memory`, async () => {
    const r = await stress({ scenario, variant, seed: '1' }, 'weak', iterations, join(tmp, `${scenario}-clean`), extra);
    assert.is(r.code, 0, r.stderr);
    const s = summaryOf(r.stdout);
    assert.is(s['failures'], 0);
    assert.is(s['iterations'], iterations);
  });
}

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test.run();
