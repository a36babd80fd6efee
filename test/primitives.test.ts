/**
 * Kernel primitives on real workers (fixture test/fixtures/prims.ts): mutex,
 * rwsem, spinlock and completion semantics, each in parallel mode and in
 * controlled mode (random and PCT). Every run stops at its first failure
 * and reports it; a correct runtime never fails any of them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tasksFor } from './fixtures/prims.js';
import { fixtureUrl, passesInEveryMode, run, type RunOpts } from './helpers.js';

const FX = fixtureUrl('prims');

/** Run `variant` in every mode; each must complete `iterations` iterations without a failure. */
const passes = (variant: string, iterations = 100, extra: Partial<RunOpts> = {}): Promise<void> =>
  passesInEveryMode(FX, tasksFor, variant, iterations, extra);

test('mutex: 4 threads doing read-then-write increments under mutex_lock lose no update', async () => {
  await passes('mutex-count', 80);
});

test('mutex: the counter check has teeth (no lock: lost updates found, controlled/random, fixed seed)', async () => {
  const r = await run({ scenario: FX, variant: 'mutex-nolock', mode: 'controlled', strategy: 'random', iterations: 40, threads: 4, seed: 7, params: { tasks: tasksFor('mutex-nolock', 4) } });
  assert.ok(r.summary.failures > 0, 'an unlocked read-modify-write must lose updates in some schedule');
  assert.is(r.failures[0]!.kind, 'invariant');
  assert.match(r.failures[0]!.message, /lost update/);
});

test('mutex_trylock fails while another task holds the mutex (and on a mutex the caller holds), succeeds when free', async () => {
  await passes('mutex-trylock');
});

test('mutex_lock_killable returns -EINTR to a SIGKILLed waiter, which then exits with SIGKILL', async () => {
  await passes('mutex-killable');
});

test('rwsem: a writer is alone inside (no readers, no other writer), readers never see a writer', async () => {
  await passes('rwsem-excl', 60);
});

test('rwsem: readers are inside together; down_write_trylock fails and down_read_trylock succeeds meanwhile', async () => {
  await passes('rwsem-readers');
});

test('spinlock: 4 threads doing read-then-write increments under spin_lock lose no update', async () => {
  await passes('spin-count', 80);
});

test('completion: each complete() releases exactly one waiter; done counts complete() calls made before the waits', async () => {
  await passes('comp-one');
});

test('completion: complete_all() releases every waiter, later waits return at once until reinit_completion()', async () => {
  await passes('comp-all');
});

test('wait_for_completion_interruptible returns -ERESTARTSYS when a TWA_SIGNAL task_work is pending on the waiter', async () => {
  await passes('comp-intr-tw');
});

test('wait_for_completion_interruptible returns -ERESTARTSYS on tgkill(SIGUSR1); the handler runs in the waiter', async () => {
  await passes('comp-intr-sig');
});

test('wait_for_completion (uninterruptible) is not woken by a signal or a TWA_SIGNAL task_work', async () => {
  await passes('comp-unintr');
});

test.run();
