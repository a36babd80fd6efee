/**
 * What a bounded search counts (pure; shared by the `dfs` strategy and the
 * exploration tree). Both bounds measure how far a schedule strays from a
 * deterministic scheduler:
 *
 * - preemption bounding (CHESS; Musuvathi & Qadeer, PLDI'07): the scheduler
 *   runs the current task until it blocks, yields or exits. Switching away
 *   from a task that could have continued is one preemption; switching at a
 *   block, an exit or a yield is free (a task in sched_yield() or a retry
 *   loop has offered the CPU).
 * - delay bounding (Emmi, Qadeer & Rakamarić, POPL'11): the scheduler is
 *   round robin over the task slots, starting from the task that decided.
 *   Choosing the task r places down that order costs r delays.
 */
export type Policy = 'pb' | 'db';

/** One decision as the exploration log records it. */
export interface DecisionPoint {
  /** Tasks that could run (or, at a timer decision, whose timeout could fire), ascending. */
  readonly enabled: readonly number[];
  /** The task that decided (-1: the harness, at the first decision). */
  readonly decider: number;
  /** The decider could have run on. */
  readonly curRunnable: boolean;
  /** ... but it had offered the CPU (sched_yield, a restarted syscall). */
  readonly curYielding: boolean;
}

/** The round-robin order of the delay-bounded scheduler: the decider first if it runs on, then the slots after it. */
export function roundRobin(d: DecisionPoint): number[] {
  const after = d.enabled.filter((s) => s > d.decider);
  const before = d.enabled.filter((s) => s < d.decider);
  const self = d.enabled.includes(d.decider);
  if (self && d.curRunnable && !d.curYielding) return [d.decider, ...after, ...before];
  return self ? [...after, ...before, d.decider] : [...after, ...before];
}

/** What choosing `q` at decision `d` costs under `policy` (preemptions or delays). */
export function choiceCost(policy: Policy, d: DecisionPoint, q: number): number {
  if (policy === 'pb') return d.curRunnable && !d.curYielding && q !== d.decider ? 1 : 0;
  const i = roundRobin(d).indexOf(q);
  return i < 0 ? 0 : i;
}

/**
 * The deterministic scheduler's order of preference at `d` (its first entry
 * costs nothing). Under preemption bounding: the decider if it runs on, else
 * the other tasks, those not yielding first, lowest slot first, and the
 * decider last.
 */
export function defaultOrder(policy: Policy, d: DecisionPoint, yielding: (slot: number) => boolean): number[] {
  if (policy === 'db') return roundRobin(d);
  if (d.curRunnable && !d.curYielding && d.enabled.includes(d.decider)) {
    return [d.decider, ...d.enabled.filter((s) => s !== d.decider)];
  }
  // The decider blocked, exited or yields: the others first, those not
  // yielding before those that are, and a yielding decider last. It must give
  // way even to another yielding task, or two tasks that poll each other (a
  // retry loop against a polling sleep) would leave one of them never run: a
  // livelock of the scheduler, not of the program.
  const others = d.enabled.filter((s) => s !== d.decider);
  const calm = others.filter((s) => !yielding(s));
  const busy = others.filter((s) => yielding(s));
  return d.enabled.includes(d.decider) ? [...calm, ...busy, d.decider] : [...calm, ...busy];
}
