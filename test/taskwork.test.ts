/**
 * task_work and clone on real workers (fixture test/fixtures/prims.ts):
 * add / run / cancel, the work_exited sentinel, the detach window of
 * task_work_run() (kernel/task_work.c; planted bug L6) and a new thread's first return
 * to user mode. Each case runs in parallel mode and in controlled mode
 * (random and PCT); a correct runtime never fails any of them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tasksFor } from './fixtures/prims.js';
import { fixtureUrl, passesInEveryMode, run, type RunOpts } from './helpers.js';

const FX = fixtureUrl('prims');

/** Run `variant` in every mode; each must complete `iterations` iterations without a failure. */
const passes = (variant: string, iterations = 100, extra: Partial<RunOpts> = {}): Promise<void> =>
  passesInEveryMode(FX, tasksFor, variant, iterations, extra);

test('a work queued on a task that exits without returning to user mode runs in do_exit(); task_work_add afterwards fails with -ESRCH (work_exited)', async () => {
  await passes('tw-exit');
});

test('task_work_cancel succeeds while the work is queued, and the work never runs', async () => {
  await passes('tw-cancel-queued');
});

test('task_work_cancel fails once task_work_run detached the list: B (queued last, runs first) cannot cancel A from the target; A runs, in the target', async () => {
  await passes('tw-cancel-self');
});

test('task_work_cancel from another task fails while the target blocks inside a detached work; the other work still runs', async () => {
  await passes('tw-cancel-blocked');
});

// Regression test (was a runtime bug: TWA_RESUME is not modelled): taskWorkAdd() only notifies
// for TWA_SIGNAL and exitToUserMode() only looks at TIF_SIGPENDING /
// TIF_NOTIFY_SIGNAL, so a TWA_RESUME work waits until do_exit() instead of
// running at the target's next return to user mode (kernel: set_notify_resume()
// + resume_user_mode_work()). Fixed in src/runtime.
test('a TWA_RESUME work runs at the target\'s next return to user mode', async () => {
  await passes('twa-resume');
});

test('clone: the new thread is linked (threadsOf) when clone returns; work queued right after clone runs in it by its first return to user mode', async () => {
  await passes('clone-tw');
});

test('clone: with the parent running until it blocks (controlled/none), work queued right after clone runs before the new thread\'s body', async () => {
  const r = await run({ scenario: FX, variant: 'clone-tw', mode: 'controlled', strategy: 'none', iterations: 5, stopOnFailure: true, params: { strictStart: true, tasks: tasksFor('clone-tw', 4) } });
  assert.is(r.summary.failures, 0, `${r.failures[0]?.kind}: ${r.failures[0]?.message}`);
});

test('a work queued before a task first runs is run by ret_from_fork before the body, in the task', async () => {
  await passes('spawn-tw');
});

test.run();
