/**
 * rcutorture's `tasks` type (kernel/rcu/rcutorture.c, tasks_ops) on the SAB RCU Tasks: readers have no
 * read-side markers; a critical section is whatever runs between voluntary
 * switches, so the readers below end each section with
 * cond_resched_tasks_rcu_qs(). The writer frees with synchronize_rcu_tasks().
 *
 * rcutorture's read-exit test in miniature: threads of a second process
 * exit while the writer runs, and run one more critical section in the
 * exit window, after exit_notify() took them off the task list (a task
 * preempted in a trampoline on its way out, the case of 3f95aa81d265).
 * Then they sleep there (a voluntary switch, which also migrates them to
 * another CPU) before exit_tasks_rcu_finish().
 *
 * The histograms are those of torture.ts; the variants cover the designs
 * and R7, R8, R11 and the busted calibrations.
 */
import { CLONE_SIGHAND, CLONE_THREAD, CLONE_VM, defineScenario, label, msleep, mutantVariant, type Kernel, type ThreadContext } from '../../runtime/index.js';
import { condReschedTasksRcuQs, exitWindowHooks, I_RT2, R11, R7, R8, rcuTasksCompleted, synchronizeRcuTasks } from '../../subsystems/rcu-tasks/index.js';
import { BUSTED } from '../../subsystems/srcu/index.js';
import { T_BODY } from '../../runtime/kernel/layout.js';
import { waitFor, wakeAll } from '../userwait.js';
import { FIX_2023, LISTS_2024, setupRcuTasks, SRCU_2022 } from './kit.js';
import { BUSTED_EXTEND, TORTURE_SHARED, tortureCheck, tortureReader, tortureReaderThread, tortureSetup, tortureWriter, type TortureOps } from './torture.js';

const ops: TortureOps = {
  readLock: () => 0,
  // The end of a section is the next voluntary quiescent state.
  readUnlock: (ctx) => condReschedTasksRcuQs(ctx.k),
  sync: (ctx) => synchronizeRcuTasks(ctx.k),
  extension: 64,
  completed: (ctx) => rcuTasksCompleted(ctx.k),
};

const EXIT_READER = label('exit_reader');
const L_EXIT_SLEEP = label('rcutorture:exit reader sleeps in the exit window');

/** The exiting reader's context: one task runs per worker at a time. */
let exiting: ThreadContext | null = null;

exitWindowHooks.push((k: Kernel) => {
  if (exiting === null || k.tget(k.cur, T_BODY) !== EXIT_READER || exiting.k !== k) return;
  const ctx = exiting;
  exiting = null;
  tortureReader(ctx, ops, k.mutant(BUSTED_EXTEND));
  msleep(k, 0.05, L_EXIT_SLEEP);
});

export default defineScenario({
  name: 'rcu-tasks-torture',
  description: 'rcutorture for RCU Tasks: readers, read-exit threads that read in the exit window, a writer; Reader Pipe / Reader Batch must stay at indices 0 and 1.',
  threads: { default: 4, min: 3, max: 16 },
  maxTasks: (threads, p) => threads + Number(p.exitReaders) + 1,
  params: { gps: 20, reads: 8, exitReaders: 4 },
  variants: [
    LISTS_2024,
    FIX_2023,
    { ...SRCU_2022, expect: 'pass', description: `${SRCU_2022.description}; without a PID namespace it is correct` },
    mutantVariant(BUSTED),
    mutantVariant(BUSTED_EXTEND),
    mutantVariant(R7),
    mutantVariant(R8),
    mutantVariant(R11),
  ],
  shared: { ...TORTURE_SHARED, go: 1 },
  bodies: {
    writer(ctx) {
      wakeAll(ctx, 'go');
      tortureWriter(ctx, ops, Number(ctx.params.gps));
      wakeAll(ctx, 'writerDone');
    },
    reader(ctx) {
      tortureReaderThread(ctx, ops, Number(ctx.params.reads));
    },
    spawner(ctx) {
      for (let e = 0; e < Number(ctx.params.exitReaders); e++) ctx.sys.clone('exit_reader', e, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
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
    tortureSetup(s, s.threads - 2);
    s.spawn('writer');
    s.spawn('spawner');
    for (let r = 0; r < s.threads - 2; r++) s.spawn('reader', r);
  },
  check(c) {
    tortureCheck(c, I_RT2);
  },
});
