/**
 * RCU Tasks' planted bugs (docs/RCU.md, "Planted bugs") and its historical
 * exit-tracking design, each defined once, used where its code changes.
 * rcutorture's `busted` is srcu's BUSTED (one calibration for every flavour).
 */
import { defineMutant } from '../../runtime/index.js';

/** The design switch: tasks_rcu_exit_srcu exit tracking (3f95aa81d265) instead of the v6.9 per-CPU lists. */
export const TASKS_SRCU = defineMutant('tasks-srcu', 'exit tracking with tasks_rcu_exit_srcu (2015..v6.9) instead of the per-CPU exit lists');
export const R1 = defineMutant('R1', 'the SRCU design without exit_tasks_rcu_stop()/start() around schedule() in zap_pid_ns_processes');
export const R2 = defineMutant('R2', 'list design, but every exit-list task is a holdout whatever its on_rq/nvcsw');
export const R7 = defineMutant('R7', 'no postscan: tasks in the exit window, off the task list, are not waited for');
export const R8 = defineMutant('R8', 'check_holdout_task() takes preemption (nivcsw) as a quiescent state');
export const R11 = defineMutant('R11', "exit_tasks_rcu_finish() locks smp_processor_id()'s list, not the recorded CPU's");
export const R13 = defineMutant('R13', 'an updater holds across synchronize_rcu_tasks() a mutex that the exit window takes');
export const R9_PREGP = defineMutant('R9-pregp', "no synchronize_rcu() in rcu_tasks_pregp_step()");
export const R9_POSTGP = defineMutant('R9-postgp', "no synchronize_rcu() in rcu_tasks_postgp(): do_exit()'s final preempt-disabled region is not waited out");
