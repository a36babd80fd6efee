/**
 * rcutorture's `tasks` type (kernel/rcu/rcutorture.c, tasks_ops) on the SAB RCU Tasks: readers have no
 * read-side markers; a critical section is whatever runs between voluntary
 * switches, so the readers below end each section with
 * cond_resched_tasks_rcu_qs(). The writer frees with synchronize_rcu_tasks().
 *
 * rcutorture's read-exit test in miniature: threads of a second process
 * exit while the writer runs and read on their way out, after exit_notify()
 * took them off the task list (a task preempted in a trampoline on its way
 * out, the case of 3f95aa81d265). Each reads once in its exit window and
 * sleeps there (a voluntary switch, which also migrates it to another CPU).
 * The odd-numbered ones then read once more, in a section that begins in
 * the exit window (rcu_dereference() there) and goes on through the final
 * preempt_disable() and exit_tasks_rcu_finish(), ending only with the final
 * schedule(). The kernel treats that whole stretch as one RCU Tasks
 * read-side critical section (rcu_tasks_postgp()'s comment): the exit list
 * (or tasks_rcu_exit_srcu) covers its first part, and once the task has
 * left the list, only postgp's synchronize_rcu() covers the rest
 * (R9-postgp). Only half the exit readers do this: a long final region
 * holds up every grace period's postgp, which is its point, and the other
 * half keeps grace periods short enough for R7 and R8 to show.
 *
 * busted-extend's readers leave their read side through a voluntary sleep
 * (cond_resched_tasks_rcu_qs(), then schedule_timeout()) and go on using
 * the element after it: every grace period whose scan runs during the sleep
 * finds them off the runqueue and need not wait for them. A reader that is
 * only preempted after its quiescent state stays a holdout of any grace
 * period that scans it then, until its next quiescent state, so such an
 * extension is too-short only when the removal and the scan both fall in
 * the few steps between its rcu_dereference() and its quiescent state.
 *
 * With `stamp` on, the spawner, once its exit readers are cloned, keeps
 * storing a rising counter (WRITE_ONCE, no barrier), every reader copies the
 * value it sees into the element it holds (inside its read side), and the
 * writer, right after the grace period that follows an element's removal,
 * checks that the counter it reads is at least what any reader of that
 * element saw. That is RCU's grace-period guarantee, which is cumulative
 * (tools/memory-model/linux-kernel.cat: rcu-link and rb start with prop): a
 * reader that held the removed element began before the grace period, so
 * the grace period outlasts it, and every store that had reached its CPU
 * before it ended has reached the writer's CPU before the grace period ends.
 * RCU Tasks gets that from rcu_tasks_postgp()'s synchronize_rcu()
 * (kernel/rcu/tasks.h: "memory reordering on other CPUs could cause their
 * RCU-tasks read-side critical sections to extend past the end of the grace
 * period"), so without it (R9-postgp) the writer may read a counter older
 * than a reader saw: only under --memory-model weak. `straddle: 0` leaves out
 * the straddling section of the odd exit readers, so that R9-postgp's other
 * half, waiting out the final region, which shows under sequentially
 * consistent memory too, is out of the way: variant R9-postgp-order.
 *
 * The histograms are those of torture.ts; the variants cover the designs
 * and R7, R8, R9, R11 and the busted calibrations.
 */
import {
  CLONE_SIGHAND,
  CLONE_THREAD,
  CLONE_VM,
  defineScenario,
  fetchAdd,
  finishWait,
  label,
  loadAcquire,
  loadOnce,
  loadPlain,
  msleep,
  mutantVariant,
  Order,
  prepareToWait,
  scheduleTimeout,
  storeOnce,
  TASK_UNINTERRUPTIBLE,
  WaitKind,
  type Kernel,
  type ThreadContext,
} from '../../runtime/index.js';
import {
  condReschedTasksRcuQs,
  exitFinalRegionHooks,
  exitWindowHooks,
  I_RT2,
  R11,
  R7,
  R8,
  R9_POSTGP,
  R9_PREGP,
  rcuTasksCompleted,
  RT_JIFFY_MS,
  synchronizeRcuTasks,
} from '../../subsystems/rcu-tasks/index.js';
import { BUSTED } from '../../subsystems/srcu/index.js';
import { T_BODY } from '../../runtime/kernel/layout.js';
import { waitFor, wakeAll } from '../userwait.js';
import { FIX_2023, LISTS_2024, setupRcuTasks, SRCU_2022 } from './kit.js';
import {
  BUSTED_EXTEND,
  pollSleep,
  POOL,
  RCU_TORTURE_PIPE_LEN,
  rcuReadDelay,
  TORTURE_SHARED,
  tortureCheck,
  tortureReader,
  tortureReaderThread,
  tortureSetup,
  tortureWriter,
  type TortureOps,
} from './torture.js';

const L_EXIT_SLEEP = label('rcutorture:exit reader sleeps in the exit window');
const L_EXIT_DEREF = label('rcutorture:exit reader rcu_dereference(current) in the exit window');
const L_EXIT_DELAY = label('rcutorture:exit reader delay');
const L_EXTEND_SLEEP = label('rcutorture:busted-extend reader sleeps holding its element');

/** busted-extend's sleep: a few holdout passes long, so that parallel mode's writer completes grace periods across it. */
const EXTEND_SLEEP_MS = 20 * RT_JIFFY_MS;

/** Stores the stamper makes at most (it stops earlier once the writer is done). */
const STAMPS = 1000;

/** At the end of the read side, with `stamp`: READ_ONCE(stamp), recorded in the element held if larger. */
function recordStamp(ctx: ThreadContext, p: number): void {
  if (!Number(ctx.params.stamp)) return;
  const k = ctx.k;
  const v = loadOnce(k, ctx.addr('stamp'));
  if (v > loadOnce(k, ctx.addr('seen', p))) storeOnce(k, ctx.addr('seen', p), v);
}

/**
 * The writer, right after synchronize_rcu_tasks() for the removal of `old`:
 * every reader of `old` began before that grace period, so the stamp each
 * saw must have reached the writer (the cumulative grace-period guarantee).
 */
function checkStamp(ctx: ThreadContext, old: number): void {
  if (!Number(ctx.params.stamp)) return;
  const k = ctx.k;
  const seen = loadOnce(k, ctx.addr('seen', old));
  const now = loadOnce(k, ctx.addr('stamp'));
  if (now >= seen) return;
  if (fetchAdd(k, ctx.addr('stampErr'), 1, Order.RELAXED) === 0) {
    storeOnce(k, ctx.addr('stampErr', 1), seen);
    storeOnce(k, ctx.addr('stampErr', 2), now);
  }
}

const L_NAP = label('rcutorture:reader naps between reads');

const ops: TortureOps = {
  // The end of a section is the next voluntary quiescent state.
  readUnlock: (ctx) => condReschedTasksRcuQs(ctx.k),
  sync: (ctx) => synchronizeRcuTasks(ctx.k),
  extension: 64,
  completed: (ctx) => rcuTasksCompleted(ctx.k),
  // rcu_read_delay(), `hold` preemption points longer (0: rcutorture's).
  readDelay: (ctx) => rcuReadDelay(ctx, Number(ctx.params.hold)),
  // With `nap`, a short sleep before each section (rcu_torture_reader()'s
  // schedule_timeout_interruptible() between reads): a voluntary switch, so
  // each section starts right after an nvcsw/on_rq transition, the ones
  // rcu_tasks_pregp_step()'s synchronize_rcu() waits for.
  readLock: (ctx) => {
    if (Number(ctx.params.nap)) pollSleep(ctx.k, L_NAP);
    return 0;
  },
  inSection: recordStamp,
  afterSync: checkStamp,
};

/** busted-extend: the quiescent state is a voluntary sleep, and the reader keeps its element across it. */
const extendOps: TortureOps = {
  ...ops,
  readUnlock: (ctx) => {
    condReschedTasksRcuQs(ctx.k);
    msleep(ctx.k, EXTEND_SLEEP_MS, L_EXTEND_SLEEP);
  },
};

/**
 * A straddling reader's sleep in its exit window: schedule_timeout() for
 * half a jiffy. In controlled mode it is a polling sleep, whose timeout may
 * fire at any decision (like the holdout loop's): an ordinary timed sleep
 * fires only once nothing else can run, and the straddling section would
 * then run only after the writer is done, never overlapping a grace period.
 */
function exitWindowSleep(k: Kernel): void {
  k.yieldPoint(L_EXIT_SLEEP);
  prepareToWait(k, WaitKind.TIMEOUT, 0, 0, TASK_UNINTERRUPTIBLE, L_EXIT_SLEEP);
  scheduleTimeout(k, RT_JIFFY_MS / 2, L_EXIT_SLEEP, true);
  finishWait(k, 0);
}

function opsFor(k: Kernel): TortureOps {
  return k.mutant(BUSTED_EXTEND) ? extendOps : ops;
}

const EXIT_READER = label('exit_reader');

/** The exiting reader's context: one task runs per worker at a time. */
let exiting: ThreadContext | null = null;

/** The section an exiting reader carries from its exit window into the final region. */
interface Straddling {
  readonly ctx: ThreadContext;
  /** The element it holds. */
  readonly p: number;
  /** Completed grace periods when it took it. */
  readonly start: number;
}
let straddling: Straddling | null = null;

/** Reader delays, as rcutorture's: mostly a few preemption points, one time in four a long stretch of `min` + up to `span`. */
function exitReaderDelay(k: Kernel, ctx: ThreadContext, min: number, span: number): void {
  for (let d = ctx.rng.below(4) === 0 ? min + ctx.rng.below(span) : ctx.rng.below(8); d > 0; d--) k.yieldPoint(L_EXIT_DELAY);
}

function isExitReader(k: Kernel, ctx: ThreadContext | null): boolean {
  return ctx !== null && ctx.k === k && k.tget(k.cur, T_BODY) === EXIT_READER;
}

exitWindowHooks.push((k: Kernel) => {
  if (!isExitReader(k, exiting)) return;
  const ctx = exiting!;
  exiting = null;
  tortureReader(ctx, opsFor(k), k.mutant(BUSTED_EXTEND));
  if (ctx.arg % 2 === 0 || !Number(ctx.params.straddle)) {
    // An even-numbered reader sleeps there (an ordinary timed sleep, which
    // in controlled mode fires once nothing else can run) and is done.
    msleep(k, RT_JIFFY_MS / 2, L_EXIT_SLEEP);
    return;
  }
  exitWindowSleep(k);
  // The straddling section: rcu_dereference() and the rtort_mbtest check
  // of rcu_torture_one_read(), a few preemption points still in the window.
  k.yieldPoint(L_EXIT_DEREF);
  const p = loadAcquire(k, ctx.addr('current'));
  const start = rcuTasksCompleted(k);
  if (loadPlain(k, ctx.addr('mbtest', p)) === 0) fetchAdd(k, ctx.addr('mberror'), 1, Order.RELAXED);
  exitReaderDelay(k, ctx, 8, 24);
  straddling = { ctx, p, start };
});

exitFinalRegionHooks.push((k: Kernel) => {
  const st = straddling;
  if (st === null || !isExitReader(k, st.ctx)) return;
  straddling = null;
  const { ctx, p, start } = st;
  // Still reading in the final region (no quiescent state is possible with
  // preemption disabled), then the histograms as tortureReader() keeps them.
  exitReaderDelay(k, ctx, 16, 48);
  const pipe = Math.min(loadOnce(k, ctx.addr('pipe', p)), RCU_TORTURE_PIPE_LEN);
  const batch = Math.min(Math.max(rcuTasksCompleted(k) - start, 0), RCU_TORTURE_PIPE_LEN);
  fetchAdd(k, ctx.addr('readerPipe', pipe), 1, Order.RELAXED);
  fetchAdd(k, ctx.addr('readerBatch', batch), 1, Order.RELAXED);
});

export default defineScenario({
  name: 'rcu-tasks-torture',
  description: 'rcutorture for RCU Tasks: readers, read-exit threads that read in the exit window and in the final preempt-disabled region, a writer; Reader Pipe / Reader Batch must stay at indices 0 and 1.',
  threads: { default: 4, min: 3, max: 16 },
  maxTasks: (threads, p) => threads + Number(p.exitReaders) + 1,
  params: { gps: 20, reads: 8, exitReaders: 4, stamp: 0, straddle: 1, hold: 0, readers: 0, nap: 0 },
  variants: [
    LISTS_2024,
    FIX_2023,
    { ...SRCU_2022, expect: 'pass', description: `${SRCU_2022.description}; without a PID namespace it is correct` },
    mutantVariant(BUSTED),
    mutantVariant(BUSTED_EXTEND),
    mutantVariant(R7),
    mutantVariant(R8),
    {
      ...mutantVariant(R9_PREGP),
      // One reader that naps before each section and holds its element 16
      // preemption points longer, no exit readers: its switches come right
      // before the grace periods' scans (docs/RCU.md, R9).
      params: { nap: 1, hold: 16, exitReaders: 0, readers: 1 },
      description: `${R9_PREGP.description}: the scan may snapshot an nvcsw or on_rq older than a reader's last switch and miss or release it early (weak memory only: --memory-model weak)`,
    },
    mutantVariant(R9_POSTGP),
    {
      ...mutantVariant(R9_POSTGP),
      name: 'R9-postgp-order',
      // As R9-pregp's, with the stamper: the reader's quiescent state falls
      // more often between the holdout loop's wake-up and its check
      // (docs/RCU.md, R9).
      params: { stamp: 1, straddle: 0, exitReaders: 0, hold: 16, readers: 1, nap: 1 },
      description: `${R9_POSTGP.description}; only the half that orders readers' accesses before the grace period's end (the stamp check, no straddling exit readers): weak memory only`,
    },
    mutantVariant(R11),
  ],
  shared: { ...TORTURE_SHARED, go: 1, stamp: 1, seen: POOL, stampErr: 3 },
  bodies: {
    writer(ctx) {
      wakeAll(ctx, 'go');
      tortureWriter(ctx, ops, Number(ctx.params.gps));
      wakeAll(ctx, 'writerDone');
    },
    reader(ctx) {
      tortureReaderThread(ctx, opsFor(ctx.k), Number(ctx.params.reads));
    },
    spawner(ctx) {
      for (let e = 0; e < Number(ctx.params.exitReaders); e++) ctx.sys.clone('exit_reader', e, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
      // The stamper, in user mode (each access a tick in user mode, an RCU
      // Tasks quiescent state): plain stores, no barrier, while the writer runs.
      if (Number(ctx.params.stamp)) for (let i = 1; i <= STAMPS && (i % 16 !== 0 || ctx.load('writerDone') === 0); i++) ctx.store('stamp', i);
      waitFor(ctx, 'writerDone');
    },
    exit_reader(ctx) {
      waitFor(ctx, 'go');
      for (let i = ctx.rng.below(6); i > 0; i--) ctx.yield();
      exiting = ctx;
      ctx.sys.exit(0);
    },
  },
  setup(s) {
    setupRcuTasks(s);
    // `readers` (0: threads - 2) reader threads.
    const readers = Number(s.params.readers) || s.threads - 2;
    tortureSetup(s, readers);
    s.spawn('writer');
    s.spawn('spawner');
    for (let r = 0; r < readers; r++) s.spawn('reader', r);
  },
  check(c) {
    if (c.get('stampErr') > 0) {
      return c.fail(
        `after synchronize_rcu_tasks() the writer read stamp ${c.get('stampErr', 2)}, but a reader of the removed element saw ${c.get('stampErr', 1)} in its read side (${c.get('stampErr')} time(s))`,
        I_RT2,
      );
    }
    tortureCheck(c, I_RT2);
  },
});
