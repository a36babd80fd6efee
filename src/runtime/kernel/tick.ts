/**
 * The scheduler tick while a task runs in user mode
 * (kernel/time/timer.c: update_process_times() -> rcu_sched_clock_irq()).
 * Subsystems that count user-mode execution as a quiescent state (RCU Tasks:
 * rcu_tasks_qs() via rcu_note_voluntary_context_switch) hook it here; the
 * executor calls the hooks at every user-code yield point.
 */
import type { Kernel } from './kernel.js';

type TickHook = (k: Kernel, slot: number) => void;
const hooks: TickHook[] = [];

export function registerUserTickHook(fn: TickHook): void {
  hooks.push(fn);
}

export function userTick(k: Kernel, slot: number): void {
  for (let i = 0; i < hooks.length; i++) hooks[i]!(k, slot);
}
