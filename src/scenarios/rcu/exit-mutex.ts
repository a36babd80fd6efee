/**
 * R13 (docs/RCU.md, "Planted bugs"), Chen Zhongjin's and Yang Jihong's 2024 reports: an updater
 * holds a mutex across synchronize_rcu_tasks() (a trampoline update under
 * its subsystem mutex), and an exiting task takes the same mutex between
 * exit_tasks_rcu_start() and exit_tasks_rcu_finish().
 *
 * With the SRCU design the grace period waits for the exiting task's
 * tasks_rcu_exit_srcu read side, and the exiting task waits for the mutex:
 * a deadlock lockdep cannot see. With the list design the exiting task
 * blocks on the mutex (on_rq = 0), which is quiescent: no deadlock.
 */
import { defineScenario, mutantVariant } from '../../runtime/index.js';
import { I_RT1, R1, R13, TASKS_SRCU } from '../../subsystems/rcu-tasks/index.js';
import { trampolineUpdate } from '../../subsystems/rcu-tasks/user.js';
import { waitFor, wakeAll } from '../userwait.js';
import { FIX_2023, LISTS_2024, setupRcuTasks, SRCU_2022 } from './kit.js';

export default defineScenario({
  name: 'rcu-tasks-exit-mutex',
  description: 'A mutex held across synchronize_rcu_tasks() is taken by a task in its exit window (R13).',
  threads: { default: 3, min: 2, max: 8 },
  variants: [
    LISTS_2024,
    { ...FIX_2023, expect: 'pass' },
    { ...SRCU_2022, expect: 'pass', description: `${SRCU_2022.description}; correct while nothing in the exit window sleeps on the updater` },
    // On the SRCU design (srcu-2022): the grace period waits for the exiting task's read side.
    mutantVariant(R13, { design: [TASKS_SRCU, R1] }),
    {
      ...mutantVariant(R13, { expect: 'pass' }),
      name: 'R13-lists-2024',
      description: 'R13 on the list design: the exiting task blocks on the mutex, which is quiescent; no deadlock',
    },
  ],
  shared: { go: 1, done: 1, synced: 1 },
  bodies: {
    updater(ctx) {
      wakeAll(ctx, 'go');
      ctx.store('synced', trampolineUpdate(ctx) === 0 ? 1 : -1);
    },
    exiter(ctx) {
      waitFor(ctx, 'go');
      for (let i = ctx.rng.below(4); i > 0; i--) ctx.yield();
      ctx.sys.exit(0);
    },
  },
  setup(s) {
    setupRcuTasks(s);
    s.spawn('updater');
    for (let t = 1; t < s.threads; t++) s.spawn('exiter', t);
  },
  check(c) {
    if (c.get('synced') !== 1) c.fail('synchronize_rcu_tasks() did not return', I_RT1);
  },
});
