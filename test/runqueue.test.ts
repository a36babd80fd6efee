/**
 * The controlled scheduler reads only the slots on its runqueue
 * (runtime/kernel/runqueue.ts): a task a decision found asleep is skipped
 * until a wake-up enqueues it. A write that makes a task runnable without
 * enqueueTask() would hide the task from every later decision. With
 * LOCKSTEP_CHECK_RUNQUEUE=1 each decision also reads every slot and fails the
 * run on a difference; these runs drive the wake-up paths (task_work, the
 * completions of TSYNC, signals, SRCU grace periods, timed waits, exits).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lockstep } from './helpers.js';

const ENV = { LOCKSTEP_CHECK_RUNQUEUE: '1' };
const LOGS = mkdtempSync(join(tmpdir(), 'lockstep-runqueue-'));

for (const [scenario, extra] of [
  ['landlock-multi-threaded', ['--threads', '12', '--strategy', 'random']],
  ['landlock-tsync-interrupt', ['--strategy', 'random']],
  ['srcu-torture', ['--threads', '8', '--strategy', 'pct']],
  ['rcu-tasks-pidns-deadlock', ['--variant', 'lists-2024', '--strategy', 'random']],
] as const) {
  test(`${scenario}: every decision's runqueue holds every task that can run`, async () => {
    const r = await lockstep(['stress', '--scenario', scenario, ...extra, '--mode', 'controlled', '--iterations', '30', '--seed', '5', '--log-dir', LOGS, '--json'], { env: ENV, timeoutMs: 120_000 });
    assert.is(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { iterations: number; failures: number };
    assert.is(s.iterations, 30);
    assert.is(s.failures, 0);
  });
}

test('a mutant fails for its own reason, not the runqueue', async () => {
  const r = await lockstep(['stress', '--scenario', 'landlock-multi-threaded', '--variant', 'L2', '--mode', 'controlled', '--strategy', 'pct', '--iterations', '200', '--seed', '5', '--stop-on-failure', '--log-dir', LOGS, '--json'], {
    env: ENV,
    timeoutMs: 120_000,
  });
  assert.is(r.code, 1, r.stderr);
  assert.not.match(r.stdout + r.stderr, /runqueue:/);
});

test.run();
