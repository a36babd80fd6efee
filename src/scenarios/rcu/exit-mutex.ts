/**
 * R13 (docs/RCU.md, "Planted bugs"), Chen Zhongjin's and Yang Jihong's 2024
 * reports: a mutex that an exiting task takes in its exit window, between
 * exit_tasks_rcu_start() and exit_tasks_rcu_finish(), and that an updater
 * holds across synchronize_rcu_tasks() (a trampoline update under its
 * subsystem mutex).
 *
 * Every variant takes the mutex in the exit window of every exiter (the
 * check counts them); the updater takes it before and after its grace
 * period. R13 holds it across the grace period. With the SRCU design the
 * grace period then waits for the exiting task's tasks_rcu_exit_srcu read
 * side while the exiting task waits for the mutex: a deadlock lockdep cannot
 * see, in the 2015 design and with the 2023 fix alike (that fix only changed
 * zap_pid_ns_processes()). With the list design the exiting task blocks on
 * the mutex (on_rq = 0), which is quiescent: no deadlock.
 */
import { defineScenario, fetchAdd, label, mutexLock, mutexUnlock, mutantVariant, Order, type Kernel, type ThreadContext } from '../../runtime/index.js';
import { T_BODY } from '../../runtime/kernel/layout.js';
import { exitWindowHooks, I_RT1, R1, R13, rcuTasks, TASKS_SRCU } from '../../subsystems/rcu-tasks/index.js';
import { trampolineUpdate } from '../../subsystems/rcu-tasks/user.js';
import { waitFor, wakeAll } from '../userwait.js';
import { FIX_2023, LISTS_2024, setupRcuTasks, SRCU_2022 } from './kit.js';

const EXITER = label('exiter');
const L_WINDOW_MUTEX = label('exit window: mutex_lock(event_mutex)');

/** The exiter about to exit on this worker (one task runs per worker at a time). */
let exiting: ThreadContext | null = null;

// The exit window of an exiter: take the updater's mutex, as the reports'
// exit paths did, and count it so that the check sees every exiter did.
exitWindowHooks.push((k: Kernel) => {
  if (exiting === null || exiting.k !== k || k.tget(k.cur, T_BODY) !== EXITER) return;
  const ctx = exiting;
  exiting = null;
  const m = rcuTasks.global.event_mutex;
  mutexLock(k, m, L_WINDOW_MUTEX);
  for (let i = ctx.rng.below(3); i > 0; i--) k.yieldPoint(L_WINDOW_MUTEX, m);
  fetchAdd(k, ctx.addr('windowLocks'), 1, Order.RELAXED);
  mutexUnlock(k, m, L_WINDOW_MUTEX);
});

export default defineScenario({
  name: 'rcu-tasks-exit-mutex',
  description: 'Exiting tasks take a mutex in their exit window that an updater takes around synchronize_rcu_tasks() (R13: holds it across).',
  threads: { default: 3, min: 2, max: 8 },
  variants: [
    LISTS_2024,
    FIX_2023,
    { ...SRCU_2022, expect: 'pass', description: `${SRCU_2022.description}; correct while no mutex the exit window takes is held across the grace period` },
    // On the SRCU design (srcu-2022): the grace period waits for the exiting task's read side.
    mutantVariant(R13, { design: [TASKS_SRCU, R1] }),
    {
      ...mutantVariant(R13, { design: [TASKS_SRCU] }),
      name: 'R13-fix-2023',
      description: 'R13 with the 2023 fix: still a deadlock (the fix only dropped the read side in zap_pid_ns_processes())',
    },
    {
      ...mutantVariant(R13, { expect: 'pass' }),
      name: 'R13-lists-2024',
      description: 'R13 on the list design: the exiting task blocks on the mutex, which is quiescent; no deadlock',
    },
  ],
  shared: { go: 1, synced: 1, windowLocks: 1 },
  bodies: {
    updater(ctx) {
      wakeAll(ctx, 'go');
      ctx.store('synced', trampolineUpdate(ctx) === 0 ? 1 : -1);
    },
    exiter(ctx) {
      waitFor(ctx, 'go');
      for (let i = ctx.rng.below(4); i > 0; i--) ctx.yield();
      exiting = ctx;
      ctx.sys.exit(0);
    },
  },
  setup(s) {
    setupRcuTasks(s);
    s.spawn('updater');
    for (let t = 1; t < s.threads; t++) s.spawn('exiter', t);
  },
  check(c) {
    if (c.get('synced') !== 1) return c.fail('synchronize_rcu_tasks() did not return', I_RT1);
    const want = c.threads - 1;
    if (c.get('windowLocks') !== want) c.fail(`${c.get('windowLocks')} of ${want} exiters took event_mutex in their exit window`);
  },
});
