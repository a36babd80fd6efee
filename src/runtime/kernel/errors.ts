/**
 * Exceptions that unwind a simulated task's JavaScript stack. They are the
 * simulator's control flow, not errors of the user's code:
 *
 * - TaskExit: the task is leaving through do_exit() (SIGKILL, exit()).
 * - AbortIteration: the harness stopped the iteration (watchdog, failure,
 *   Ctrl-C); every yield point and every park throws it until the executor
 *   is back in its idle loop.
 * - KernelFailure: a checker fired (KASAN, an online invariant, a BUG_ON);
 *   the executor records it in the failure region and aborts the iteration.
 */
import { FailKind } from './constants.js';

export class TaskExit extends Error {
  constructor(readonly code: number) {
    super(`task exit ${code}`);
  }
}

export class AbortIteration extends Error {
  constructor() {
    super('iteration aborted');
  }
}

export class KernelFailure extends Error {
  constructor(
    readonly kind: number,
    message: string,
    readonly spec: string | null = null,
  ) {
    super(message);
  }
}

export function kasan(message: string, spec: string | null = null): KernelFailure {
  return new KernelFailure(FailKind.KASAN, message, spec);
}

export function invariant(message: string, spec: string | null = null): KernelFailure {
  return new KernelFailure(FailKind.INVARIANT, message, spec);
}

/** A BUG_ON / WARN in kernel code: the model reached a state the kernel forbids. */
export function bug(message: string, spec: string | null = null): KernelFailure {
  return new KernelFailure(FailKind.CRASH, message, spec);
}

/** Bad input from the command line or a file: printed as one line, exit 2. */
export class UsageError extends Error {}
