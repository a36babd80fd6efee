/**
 * tw-barrier: the runtime's own protocol test, a miniature of TSYNC's
 * lockstep (security/landlock/tsync.c: landlock_restrict_sibling_threads())
 * built only from runtime primitives.
 *
 * A leader clones N-1 threads that idle in an interruptible futex wait. It
 * queues a task_work on each (TWA_SIGNAL: the notify-signal interrupts the
 * futex wait, the exit path runs the work, and the syscall restarts
 * transparently), possibly cancels one of them, waits until every queued
 * work has acknowledged, releases them all with complete_all(), and waits
 * for all of them to finish before it tells the threads to exit.
 *
 * It exercises clone, task_work_add/run/cancel (including cancel losing the
 * race with run's detach), complete/complete_all/reinit and interruptible
 * and uninterruptible waits, futexes and exit, across >= 4 threads.
 *
 * Invariants: each thread ran its work at most once; ran + cancelled =
 * N - 1; every work that ran finished; nothing leaked (the harness checks
 * the slab caches after every iteration).
 */
import {
  atomicDecReturn,
  atomicInc,
  atomicRead,
  atomicSet,
  completeAll,
  defineScenario,
  kfree,
  label,
  registerTaskWork,
  initTaskWork,
  taskWorkAdd,
  taskWorkCancel,
  TWA_SIGNAL,
  waitForCompletion,
  waitForCompletionInterruptible,
  sharedAddr,
  type Kernel,
  loadPlain,
  storePlain,
} from '../runtime/index.js';

const L_ACK = label('twb:T2:ack');
const L_WAIT_RELEASE = label('twb:T3:wait release');
const L_FINISH = label('twb:T6:finish');
const L_QUEUE = label('twb:S2:task_work_add');
const L_CANCEL = label('twb:S2:task_work_cancel');
const L_WAIT_ACKED = label('twb:S2:wait all_acked');
const L_RELEASE = label('twb:S3:complete_all release');
const L_WAIT_FINISHED = label('twb:S4:wait all_finished');

const MAX = 64;

/** Address of a shared word of this scenario. */
const A = (k: Kernel, name: string, i = 0): number => sharedAddr(k, scenario, name, i);
/** A handle or address stored in a shared word at setup (no preemption point: it never changes). */
const H = (k: Kernel, name: string): number => loadPlain(k, A(k, name));

/** The sibling's task_work: acknowledge, wait for release, finish. `data` is the sibling's index. */
const ACK = registerTaskWork('twb:ack', (k, work, idx) => {
  atomicInc(k, A(k, 'ran', idx), L_ACK);
  if (atomicDecReturn(k, A(k, 'pending'), L_ACK) === 0) completeAll(k, H(k, 'allAcked'), L_ACK);
  waitForCompletion(k, H(k, 'release'), L_WAIT_RELEASE);
  atomicInc(k, A(k, 'finished'), L_FINISH);
  if (atomicDecReturn(k, A(k, 'unfinished'), L_FINISH) === 0) completeAll(k, H(k, 'allFinished'), L_FINISH);
  kfree(k, work, L_FINISH);
});

const scenario = defineScenario({
  name: 'tw-barrier',
  description:
    'Runtime self-test: a leader queues task_work on N-1 idle threads and moves them through two completions in lockstep (clone, task_work add/run/cancel, complete_all, interruptible waits).',
  threads: { default: 4, min: 2, max: MAX },
  variants: [
    { name: 'mainline', kind: 'correct', expect: 'pass', spec: null, description: 'the protocol as designed' },
  ],
  params: { cancel: true },
  shared: {
    allAcked: 1,
    release: 1,
    allFinished: 1,
    pending: 1,
    unfinished: 1,
    finished: 1,
    cancelled: 1,
    stop: 1,
    queued: 1,
    ran: MAX,
    works: MAX,
  },
  bodies: {
    leader(ctx) {
      const { k, sys } = ctx;
      const n = ctx.threads - 1;
      const tids: number[] = [];
      for (let i = 0; i < n; i++) tids.push(sys.clone('idle', i));
      atomicSet(k, ctx.addr('pending'), 1, L_QUEUE); // the caller's own token
      atomicSet(k, ctx.addr('unfinished'), 1, L_QUEUE);
      let queued = 0;
      for (let i = 0; i < n; i++) {
        const cb = initTaskWork(k, ACK, i);
        atomicInc(k, ctx.addr('pending'), L_QUEUE);
        atomicInc(k, ctx.addr('unfinished'), L_QUEUE);
        if (taskWorkAdd(k, k.slotOf(tids[i]!), cb, TWA_SIGNAL, L_QUEUE) !== 0) {
          atomicDecReturn(k, ctx.addr('pending'), L_QUEUE);
          atomicDecReturn(k, ctx.addr('unfinished'), L_QUEUE);
          kfree(k, cb, L_QUEUE);
          continue;
        }
        storePlain(k, ctx.addr('works', i), cb);
        queued++;
      }
      storePlain(k, ctx.addr('queued'), queued);
      // Cancel one work on a seeded coin: succeeds only if its task has not
      // detached its list yet (task_work_run detaches before it runs).
      if (ctx.params['cancel'] === true && n > 0 && ctx.rng.below(2) === 0) {
        const i = ctx.rng.below(n);
        const cb = loadPlain(k, ctx.addr('works', i));
        if (cb !== 0 && taskWorkCancel(k, k.slotOf(tids[i]!), cb, L_CANCEL)) {
          atomicInc(k, ctx.addr('cancelled'), L_CANCEL);
          kfree(k, cb, L_CANCEL);
          if (atomicDecReturn(k, ctx.addr('pending'), L_CANCEL) === 0) completeAll(k, H(k, 'allAcked'), L_CANCEL);
          if (atomicDecReturn(k, ctx.addr('unfinished'), L_CANCEL) === 0) completeAll(k, H(k, 'allFinished'), L_CANCEL);
        }
      }
      if (atomicDecReturn(k, ctx.addr('pending'), L_WAIT_ACKED) > 0) {
        // Interruptible like TSYNC's S2; nothing signals the leader here, so
        // an interruption would be a bug in the runtime's wake-up rules.
        const r = waitForCompletionInterruptible(k, H(k, 'allAcked'), L_WAIT_ACKED);
        if (r !== 0) throw new Error(`leader: all_acked wait interrupted (${r})`);
      }
      completeAll(k, H(k, 'release'), L_RELEASE);
      if (atomicDecReturn(k, ctx.addr('unfinished'), L_WAIT_FINISHED) > 0) {
        waitForCompletion(k, H(k, 'allFinished'), L_WAIT_FINISHED);
      }
      if (atomicRead(k, ctx.addr('unfinished'), L_WAIT_FINISHED) !== 0) throw new Error('leader: unfinished != 0 after all_finished');
      ctx.store('stop', 1);
      sys.futexWake(ctx.addr('stop'), n);
    },
    idle(ctx) {
      while (ctx.load('stop') === 0) ctx.sys.futexWait(ctx.addr('stop'), 0);
    },
  },
  setup(s) {
    s.set('allAcked', s.completion('all_acked'));
    s.set('release', s.completion('release'));
    s.set('allFinished', s.completion('all_finished'));
    s.spawn('leader');
  },
  check(c) {
    const n = c.threads - 1;
    let ran = 0;
    for (let i = 0; i < n; i++) {
      const r = c.get('ran', i);
      if (r > 1) c.fail(`thread ${i} ran its task_work ${r} times`);
      ran += r;
    }
    const cancelled = c.get('cancelled');
    if (ran + cancelled !== c.get('queued')) {
      c.fail(`task_work accounting: ran ${ran} + cancelled ${cancelled} != queued ${c.get('queued')}`);
    }
    if (c.get('finished') !== ran) c.fail(`finished ${c.get('finished')} != ran ${ran}`);
    for (const t of c.tasks()) if (!t.exited) c.fail(`tid ${t.tid} did not exit`);
  },
});

export default scenario;
