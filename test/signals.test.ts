/**
 * Signals, wait4 and exit on real workers (fixture test/fixtures/sigs.ts):
 * which sleeps a signal wakes, SIGKILL as group exit, user handlers,
 * reaping and autoreaping, transparent syscall restart. Each case runs in
 * parallel mode and in controlled mode (random and PCT); a correct runtime
 * never fails any of them.
 */
import { test } from 'uvu';
import { tasksFor } from './fixtures/sigs.js';
import { fixtureUrl, passesInEveryMode, type RunOpts } from './helpers.js';

const FX = fixtureUrl('sigs');

/** Run `variant` in every mode; each must complete `iterations` iterations without a failure. */
const passes = (variant: string, iterations = 100, extra: Partial<RunOpts> = {}): Promise<void> =>
  passesInEveryMode(FX, tasksFor, variant, iterations, extra);

test('a pending SIGUSR1 wakes an interruptible sleep (-ERESTARTSYS) but not an uninterruptible one; the handler runs in each target', async () => {
  await passes('intr-wake');
});

test('SIGKILL wakes killable and interruptible sleeps, not an uninterruptible one; every thread exits with SIGKILL', async () => {
  await passes('killable');
});

test('a sigaction() handler runs in the target thread at its next return to user mode, not while it is in the kernel', async () => {
  await passes('handler');
});

test('kill(pid, SIGKILL) ends every thread of the process through do_exit with exit code SIGKILL', async () => {
  await passes('kill-all');
});

// Regression test (was a runtime bug: SIGKILL racing with clone): copyProcess() refuses a new
// thread only when the parent is PF_EXITING, not when a fatal signal is
// pending (kernel: "Let kill terminate clone/fork in the middle",
// fatal_signal_pending() under siglock). A thread linked after
// zapOtherThreads() never gets SIGKILL and sleeps forever. Fixed in src/runtime.
test('SIGKILL while the process is cloning threads: no thread slips out, all exit with SIGKILL', async () => {
  await passes('kill-clone-race');
});

// Regression test (was a runtime bug: SIGCHLD inherited as ignored): processes spawned by
// setup copy init's sighand, whose SIGCHLD is SIG_IGN, so every child they
// fork is autoreaped and wait() returns -ECHILD (or sleeps forever).
// 'wait-reap-dfl' below is the same case with sigaction(SIGCHLD, default)
// first. Fixed in src/runtime.
test('wait4 reaps a child: wait(pid) then wait(-1) return pid and exit status, then -ECHILD', async () => {
  await passes('wait-reap');
});

test('wait4 reaps a child (SIGCHLD explicitly set to default first)', async () => {
  await passes('wait-reap-dfl');
});

test('with SIGCHLD ignored an exited child is autoreaped and wait() returns -ECHILD', async () => {
  await passes('wait-autoreap-exited');
});

// Regression test (was a runtime bug: autoreap does not wake the parent): doNotifyParent()
// returns before waking the parent's wait queue when the child is
// autoreaped, so a parent already asleep in wait4 is never woken (kernel:
// __wake_up_parent() runs in every case). Fixed in src/runtime.
test('with SIGCHLD ignored, a parent already asleep in wait() is woken by the autoreap and gets -ECHILD', async () => {
  await passes('wait-autoreap-blocked');
});

// Regression test (was a runtime bug: wait4 retry under tasklist_lock): when two waiters race
// for the same zombie, the loser re-enters doWait() while still holding
// tasklist_lock: it either sleeps with a spinlock held ("sleeping function
// called from invalid context") or takes tasklist_lock recursively. Fails
// until src/runtime/kernel/task.ts doWait retries after unlocking; see the report.
test('two threads of a process waiting at once: each child is reaped exactly once', async () => {
  await passes('wait-two-threads');
});

// Regression test (was a runtime bug: children reparented to init while the group lives):
// exitNotify() hands an exiting thread's children to init even when other
// threads of its group are alive (kernel: find_alive_thread() keeps them in
// the group), so the surviving thread's wait() gets -ECHILD. Fixed in src/runtime.
test('the group leader exits first: a surviving thread still reaps the child the leader forked', async () => {
  await passes('wait-leader-exit');
});

test('a futex wait interrupted by a TWA_SIGNAL task_work restarts transparently: the work runs, the wait returns 0 only after the wake', async () => {
  await passes('restart-tw');
});

test('a futex wait interrupted by a handled signal without SA_RESTART returns -EINTR (never ERESTARTSYS) after the handler', async () => {
  await passes('restart-eintr');
});

test('a futex wait interrupted by an SA_RESTART handler restarts after the handler and returns 0 only after the wake', async () => {
  await passes('restart-sa');
});

test.run();
