/**
 * srcu_down_read() / srcu_up_read() (include/linux/srcu.h): a read-side
 * critical section that begins in one task and ends in another, "for
 * example, from some other task or from an irq handler". A submitter enters
 * the read side with srcu_down_read(), takes the current element and hands
 * a request (the element, the GP count and the idx srcu_down_read()
 * returned) to one of the completers, as a block-layer submitter hands a
 * bio to its completion; the completer uses the element, records
 * rcutorture's histograms, and ends the section with srcu_up_read().
 * Several requests are in flight at once. The writer and fake writers are
 * torture.ts's; the check is its Reader Pipe / Reader Batch verdict.
 *
 * The section moves between tasks, and so between CPUs: its unlock never
 * counts on the CPU its lock counted on unless the two tasks happen to share
 * one. Only the sums can tell that the section ended (docs/RCU.md).
 *
 * Planted bug `up-read-task-idx`: the completer ends the section with an
 * idx it keeps per task, the idx of its own latest srcu_read_lock() (it
 * looks up the request's owner under SRCU), instead of the idx carried by
 * the request. Keeping the idx in the task is how kernel/rcu/tasks.h's
 * exit_tasks_rcu_start() / exit_tasks_rcu_stop() did it (t->rcu_tasks_idx),
 * correct there because one task does both; across tasks the two idx differ
 * whenever a flip falls between the submitter's srcu_down_read() and the
 * completer's lookup, and the section is ended on the wrong rank.
 */
import { defineMutant, defineScenario, label, loadAcquire, loadPlain, mainline, mutantVariant, storePlain, storeRelease, TASK_UNINTERRUPTIBLE, waitEvent, wakeUpAll, type ThreadContext } from '../../runtime/index.js';
import { I_SRCU1, initSrcuStruct, srcuDownRead, srcuReadLock, srcuReadUnlock, srcuTortureStatsPrint, srcuUpRead } from '../../subsystems/srcu/index.js';
import { srcuOps } from './srcu-torture.js';
import { srcuReadDelay, TORTURE_SHARED, tortureCheck, tortureDeref, tortureFakeWriter, tortureReaderDone, tortureRecord, tortureSetup, tortureWriter, writerOverlapped } from './torture.js';

export const UP_READ_TASK_IDX = defineMutant(
  'up-read-task-idx',
  'srcu_up_read() is passed the completing task\'s own latest SRCU idx (kept per task, like t->rcu_tasks_idx) instead of the idx srcu_down_read() returned to the submitter',
);

/** Requests in flight per completer. */
const RING = 4;
/** Completers at most (threads.max - 2). */
const MAX_COMPLETERS = 14;

const L = {
  submit: label('srcu-down-up:submit request'),
  full: label('srcu-down-up:wait for a free request slot'),
  empty: label('srcu-down-up:wait for a request'),
  lookup: label('srcu-down-up:look up the request owner'),
};

/** The writers use srcu-torture's flavour; the read side is the submitter's and completers' own (below), not readLock. */
const ops = srcuOps;

function ring(c: number, r: number): number {
  return c * RING + (r % RING);
}

/**
 * The submitter: srcu_down_read(), p = rcu_dereference(current), hand the
 * request to completer (n mod completers); `reads` requests and more until
 * the writer has completed MIN_OVERLAP_GPS grace periods (at most 20 ×
 * `reads`), as torture.ts's readers.
 */
function submitter(ctx: ThreadContext): void {
  const k = ctx.k;
  const h = ctx.load('ssp');
  const subWq = ctx.load('subWq');
  const completers = ctx.threads - 2;
  const cq = Array.from({ length: completers }, (_, c) => ctx.load('cq', c));
  const reads = Number(ctx.params.reads);
  for (let n = 0; n < 20 * reads && (n < reads || !writerOverlapped(ctx)); n++) {
    const idx = srcuDownRead(k, h);
    const r = tortureDeref(ctx, ops);
    const c = n % completers;
    const head = loadPlain(k, ctx.addr('head', c));
    const tail = ctx.addr('tail', c);
    // Sleeping inside the read side is allowed: SRCU readers may block.
    waitEvent(k, subWq, TASK_UNINTERRUPTIBLE, () => head - loadAcquire(k, tail) < RING, L.full);
    k.yieldPoint(L.submit);
    storePlain(k, ctx.addr('reqIdx', ring(c, head)), idx);
    storePlain(k, ctx.addr('reqP', ring(c, head)), r.p);
    storePlain(k, ctx.addr('reqStart', ring(c, head)), r.start);
    // Publish the request after its contents (the completer's load-acquire pairs).
    storeRelease(k, ctx.addr('head', c), head + 1);
    wakeUpAll(k, cq[c]!);
  }
  storeRelease(k, ctx.addr('submitDone'), 1);
  for (let c = 0; c < completers; c++) wakeUpAll(k, cq[c]!);
}

/** A completer: takes its requests in order, uses the element, records, srcu_up_read(). */
function completer(ctx: ThreadContext): void {
  const k = ctx.k;
  const h = ctx.load('ssp');
  const c = ctx.arg;
  const cq = ctx.load('cq', c);
  const subWq = ctx.load('subWq');
  const head = ctx.addr('head', c);
  const buggy = k.mutant(UP_READ_TASK_IDX);
  let taskIdx = 0;
  for (let tail = 0; ; tail++) {
    waitEvent(k, cq, TASK_UNINTERRUPTIBLE, () => loadAcquire(k, head) !== tail || loadAcquire(k, ctx.addr('submitDone')) !== 0, L.empty);
    if (loadAcquire(k, head) === tail) break;
    const idx = loadPlain(k, ctx.addr('reqIdx', ring(c, tail)));
    const r = { p: loadPlain(k, ctx.addr('reqP', ring(c, tail))), start: loadPlain(k, ctx.addr('reqStart', ring(c, tail))) };
    // The completion's own short SRCU reader: it looks up whom to complete.
    taskIdx = srcuReadLock(k, h);
    k.yieldPoint(L.lookup);
    srcuReadUnlock(k, h, taskIdx);
    srcuReadDelay(ctx);
    tortureRecord(ctx, ops, r);
    // up-read-task-idx: end the section with the idx this task kept, not the request's.
    srcuUpRead(k, h, buggy ? taskIdx : idx);
    storeRelease(k, ctx.addr('tail', c), tail + 1);
    wakeUpAll(k, subWq);
  }
  tortureReaderDone(ctx);
}

export default defineScenario({
  name: 'srcu-down-up-read',
  description: 'srcu_down_read() in a submitter, srcu_up_read() in the completer its request goes to; rcutorture\'s writer and histograms check the grace periods.',
  threads: { default: 4, min: 3, max: 2 + MAX_COMPLETERS },
  maxTasks: (threads, p) => threads + Number(p.fakewriters) + 1,
  // cpus, fakewriters: as srcu-torture's.
  params: { gps: 100, reads: 16, cpus: 2, fakewriters: 0 },
  variants: [mainline('srcu_down_read() / srcu_up_read() across tasks (include/linux/srcu.h)'), mutantVariant(UP_READ_TASK_IDX)],
  shared: {
    ...TORTURE_SHARED,
    ssp: 1,
    subWq: 1,
    cq: MAX_COMPLETERS,
    head: MAX_COMPLETERS,
    tail: MAX_COMPLETERS,
    submitDone: 1,
    reqIdx: MAX_COMPLETERS * RING,
    reqP: MAX_COMPLETERS * RING,
    reqStart: MAX_COMPLETERS * RING,
  },
  bodies: {
    writer(ctx) {
      tortureWriter(ctx, ops, Number(ctx.params.gps));
    },
    submitter,
    completer,
    fakewriter(ctx) {
      tortureFakeWriter(ctx, ops);
    },
  },
  setup(s) {
    const completers = s.threads - 2;
    s.set('ssp', initSrcuStruct(s.k, Number(s.params.cpus)));
    s.set('subWq', s.waitqueue('srcu-down-up: free request slot'));
    for (let c = 0; c < completers; c++) s.set('cq', s.waitqueue(`srcu-down-up: requests for completer ${c}`), c);
    tortureSetup(s, completers);
    s.spawn('writer');
    s.spawn('submitter');
    for (let c = 0; c < completers; c++) s.spawn('completer', c);
    for (let f = 0; f < Number(s.params.fakewriters); f++) s.spawn('fakewriter', f);
  },
  check(c) {
    tortureCheck(c, I_SRCU1, srcuTortureStatsPrint(c.k, c.get('ssp')));
  },
});
