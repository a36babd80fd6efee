/**
 * Benchmark scenario: the latency of one synchronize_rcu_tasks() per design
 * (lists-2024, fix-2023, srcu-2022), with `idle` tasks asleep in a futex
 * wait (off the runqueue: never holdouts) and `busy` reader tasks on their
 * own threads (threads = 1 + idle + busy). A busy reader loops read-side
 * sections of one preemption point, each ended by
 * cond_resched_tasks_rcu_qs() (as rcu-tasks-torture's readers end theirs);
 * it is runnable at every scan, so it is a holdout the grace period must
 * sleep for (1 jiffy = 0.1 ms here, growing by a jiffy per pass).
 *
 * The writer waits until every idle task is on its way to sleep, runs WARM
 * untimed grace periods while the busy readers are held back (a fresh
 * worker's code is not optimised yet; by their end the idle tasks sleep),
 * lets the readers go, waits until each has ended a section, then times
 * CALLS grace periods and stores them (ns) in `ns`; bench/gp-latency.ts
 * reads them after the iteration. No task exits during the timed calls, so the designs differ
 * only in postscan: synchronize_srcu(&tasks_rcu_exit_srcu) for fix-2023
 * and srcu-2022 (the same code path without a PID namespace), the per-CPU
 * exit-list walk for lists-2024.
 */
import { defineScenario, label, type Params } from '../../src/runtime/index.js';
import { condReschedTasksRcuQs, FIX_2023, LISTS_2024, rcuTasksInit, SRCU_2022, synchronizeRcuTasks } from '../../src/subsystems/rcu-tasks/index.js';

/** Grace periods timed per iteration. */
export const RCU_TASKS_CALLS = 25;
/** Untimed grace periods first, busy readers held back. */
export const RCU_TASKS_WARM = 50;
const L_SECTION = label('bench:rcu-tasks read-side section');

function idleTasks(threads: number, params: Params): number {
  return Math.min(Number(params['idle']), threads - 1);
}

export default defineScenario({
  name: 'bench-rcu-tasks-latency',
  description: 'synchronize_rcu_tasks() latency per design with idle tasks and busy readers',
  threads: { default: 5, min: 1, max: 65 },
  params: { idle: 4 },
  variants: [LISTS_2024, FIX_2023, { ...SRCU_2022, expect: 'pass', description: `${SRCU_2022.description}; correct without a PID namespace` }],
  shared: { idleReady: 1, go: 1, ready: 1, stop: 1, ns: RCU_TASKS_CALLS },
  bodies: {
    writer(ctx) {
      const { k, sys } = ctx;
      const idle = idleTasks(ctx.threads, ctx.params);
      const n = ctx.threads - 1 - idle;
      for (let r = ctx.load('idleReady'); r < idle; r = ctx.load('idleReady')) sys.futexWait(ctx.addr('idleReady'), r);
      for (let i = 0; i < RCU_TASKS_WARM; i++) synchronizeRcuTasks(k);
      ctx.store('go', 1);
      sys.futexWake(ctx.addr('go'), 1 << 20);
      for (let r = ctx.load('ready'); r < n; r = ctx.load('ready')) sys.futexWait(ctx.addr('ready'), r);
      for (let i = 0; i < RCU_TASKS_CALLS; i++) {
        const t0 = performance.now();
        synchronizeRcuTasks(k);
        Atomics.store(k.i32, ctx.addr('ns', i), Math.min(2 ** 31 - 1, Math.round((performance.now() - t0) * 1e6)));
      }
      ctx.store('stop', 1);
      sys.futexWake(ctx.addr('stop'), 1 << 20);
    },
    idle(ctx) {
      ctx.add('idleReady', 1);
      ctx.sys.futexWake(ctx.addr('idleReady'), 1);
      while (ctx.load('stop') === 0) ctx.sys.futexWait(ctx.addr('stop'), 0);
    },
    busy(ctx) {
      const k = ctx.k;
      const stop = ctx.addr('stop');
      while (ctx.load('go') === 0) ctx.sys.futexWait(ctx.addr('go'), 0);
      let sections = 0;
      do {
        k.yieldPoint(L_SECTION);
        condReschedTasksRcuQs(k);
        if (sections++ === 0) {
          ctx.add('ready', 1);
          ctx.sys.futexWake(ctx.addr('ready'), 1);
        }
      } while (Atomics.load(k.i32, stop) === 0);
    },
  },
  setup(s) {
    rcuTasksInit(s.k);
    const idle = idleTasks(s.threads, s.params);
    s.spawn('writer');
    for (let i = 0; i < idle; i++) s.spawn('idle', i);
    for (let i = 0; i < s.threads - 1 - idle; i++) s.spawn('busy', i);
  },
});
