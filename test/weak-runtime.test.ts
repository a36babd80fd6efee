/**
 * The weak memory model on the runtime (`--memory-model weak`,
 * docs/MEMORY-MODEL.md): litmus files explored exhaustively with every store
 * each load may read, a planted missing smp_mb() found by stress and
 * replayed exactly from its seed log, the stale read marked in the trace,
 * the same bug invisible under sequential consistency, and the refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLitmus, type LitmusResult } from '../src/harness/litmus.js';
import { lockstep, lockstepInProcess, ROOT, withTimeout } from './helpers.js';

const dir = join(ROOT, 'test/fixtures/litmus');
const litmus = (name: string, memoryModel: 'sc' | 'weak'): Promise<LitmusResult> =>
  withTimeout(`litmus ${name}`, 120_000, (stop) => runLitmus(join(dir, `${name}.litmus`), { memoryModel, seconds: 60, stop }));
const example = join(ROOT, 'examples/store-buffer.ts');

test('litmus under weak: SB shows store buffering (SC cannot), MP with wmb/rmb stays forbidden; both complete', async () => {
  const sb = await litmus('SB+once', 'weak');
  assert.is(sb.verdict, 'match');
  assert.ok(sb.observed && sb.complete);
  assert.ok('0:r0=0; 1:r0=0;' in sb.states || Object.keys(sb.states).length === 4, JSON.stringify(sb.states));
  assert.is(Object.keys(sb.states).length, 4, 'every outcome of SB, the weak one included');
  const mp = await litmus('MP+wmb+rmb', 'weak');
  assert.is(mp.verdict, 'match');
  assert.ok(mp.complete && !mp.observed);
  assert.equal(Object.keys(mp.states), ['1:r0=0; 1:r1=0;', '1:r0=0; 1:r1=1;', '1:r0=1; 1:r1=1;']);
});

test("litmus under weak: lockstep's spinlocks, atomics and rcu_dereference keep their guarantees", async () => {
  for (const [name, obs] of [['atomic-counter', 'Never'], ['lock+trylock+filter', 'Never'], ['RCU+publish-pointer', 'Never'], ['LB+ctrl-nested+mb', 'Always']] as const) {
    const r = await litmus(name, 'weak');
    assert.is(r.verdict, 'match', `${name}: ${JSON.stringify(r)}`);
    assert.is(r.observation, obs, name);
    assert.ok(r.complete, name);
  }
});

test('stress finds the missing smp_mb() under weak only; the seed log replays exactly and marks the stale reads', async () => {
  const logs = mkdtempSync(join(tmpdir(), 'lockstep-weak-'));
  try {
    const w = await lockstep(['stress', '--scenario-file', example, '--variant', 'no-mb', '--memory-model', 'weak', '--seed', '3', '--iterations', '2000', '--stop-on-failure', '--log-dir', logs, '--json'], { timeoutMs: 120_000 });
    const ws = JSON.parse(w.stdout.trim().split('\n').pop()!) as { failures: number; logs: string[]; mode: string; memoryModel?: string; weak?: { staleReads: number } };
    assert.is(ws.failures, 1, w.stderr);
    assert.is(ws.mode, 'controlled', 'weak implies controlled mode');
    assert.is(ws.memoryModel, 'weak');
    assert.ok(ws.weak!.staleReads >= 1, 'at least one load read a store older than the latest');
    const log = JSON.parse(readFileSync(ws.logs[0]!, 'utf8')) as {
      params: { memoryModel?: string };
      schedule: { tids: number[] };
      trace: { events: { kind: string; label: string; obj: string; note?: string }[] };
    };
    assert.is(log.params.memoryModel, 'weak');
    assert.ok(log.schedule.tids.some((t) => t < 0), 'the loads\' choices are in the schedule');
    const stale = log.trace.events.filter((e) => e.kind === 'stale');
    // A thread that loads before the other's store reads 0 as the latest value; one that loads after reads it stale.
    assert.ok(stale.length >= 1 && stale.length <= 2, JSON.stringify(stale));
    for (const e of stale) {
      assert.match(e.obj, /flag\[[01]\]/);
      assert.is(e.note, 'read the initial value, not the latest store');
    }
    for (const extra of [[], ['--minimized']]) {
      const r = await lockstep(['replay', ws.logs[0]!, '--runs', '3', '--json', ...extra], { timeoutMs: 120_000 });
      const v = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reproduced: number; identical: number };
      assert.is(v.reproduced, 3, `${extra.join(' ')} ${r.stderr}`);
      assert.is(v.identical, 3);
    }
    const wrong = await lockstep(['replay', ws.logs[0]!, '--memory-model', 'sc']);
    assert.is(wrong.code, 2);
    assert.match(wrong.stderr, /recorded under --memory-model weak/);
    // The same program under sequential consistency never fails: the reason the model exists.
    const sc = await lockstep(['stress', '--scenario-file', example, '--variant', 'no-mb', '--mode', 'controlled', '--seed', '3', '--iterations', '1500', '--json'], { timeoutMs: 120_000 });
    assert.is((JSON.parse(sc.stdout.trim().split('\n').pop()!) as { failures: number }).failures, 0, sc.stderr);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('dfs under weak: the correct variant verified, the planted one found', async () => {
  const ok = await lockstep(['stress', '--scenario-file', example, '--variant', 'mb', '--memory-model', 'weak', '--strategy', 'dfs', '--json', '--log-dir', join(tmpdir(), 'lockstep-weak-none')], { timeoutMs: 120_000 });
  const s = JSON.parse(ok.stdout.trim().split('\n').pop()!) as { failures: number; exploration: { complete: boolean; exhaustive: boolean } };
  assert.is(s.failures, 0, ok.stderr);
  assert.ok(s.exploration.complete && s.exploration.exhaustive);
  const logs = mkdtempSync(join(tmpdir(), 'lockstep-weak-'));
  try {
    const bad = await lockstep(['stress', '--scenario-file', example, '--variant', 'no-mb', '--memory-model', 'weak', '--strategy', 'dfs', '--stop-on-failure', '--json', '--log-dir', logs], { timeoutMs: 120_000 });
    assert.is((JSON.parse(bad.stdout.trim().split('\n').pop()!) as { failures: number }).failures, 1, bad.stderr);
  } finally {
    rmSync(logs, { recursive: true, force: true });
  }
});

test('refusals: exit 2 in one line', async () => {
  // The first through the binary; the rest through its entry point (main) in this process.
  for (const [i, args] of [
    ['stress', '--scenario', 'tw-barrier', '--memory-model', 'weak', '--mode', 'parallel', '--iterations', '1'],
    ['stress', '--scenario', 'tw-barrier', '--memory-model', 'weak', '--threads', '40', '--iterations', '1'],
    ['stress', '--scenario', 'tw-barrier', '--memory-model', 'tso', '--iterations', '1'],
    ['campaign', '--memory-model', 'relaxed', '--seconds', '1'],
  ].entries()) {
    const r = i === 0 ? await lockstep(args) : await lockstepInProcess(args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test.run();
