/**
 * What a thread body's exception means, and the stack shown for it.
 *
 * A body fails an invariant with `ctx.assert(cond, message)`, with
 * `throw invariant(message)`, or with a failed `node:assert` (an
 * AssertionError, code ERR_ASSERTION): all three are kind `invariant`. Any
 * other exception is a `crash`. Either way the report carries the body's
 * frames, which name the user's own file and line when the scenario module
 * was loaded with source maps enabled (executor.ts, harness/catalog.ts); the
 * executor's frames below the body, and piscina's below those, are cut off:
 * they are the same in every report and say nothing about the user's code.
 */
import { fileURLToPath } from 'node:url';
import { FailKind } from './kernel/constants.js';
import { KernelFailure, invariant } from './kernel/errors.js';

const EXECUTOR_URL = new URL('./executor.js', import.meta.url).href;
const EXECUTOR_PATH = fileURLToPath(EXECUTOR_URL);

function isExecutorFrame(line: string): boolean {
  return line.includes(`${EXECUTOR_URL}:`) || line.includes(`${EXECUTOR_PATH}:`);
}

/**
 * `stack` without the frames from the executor's innermost run of frames
 * at the bottom (runTask, runExecutor) down: what is left is the body and
 * what it called, including lockstep code the body called into.
 */
export function bodyStack(stack: string): string {
  const lines = stack.split('\n');
  let last = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (isExecutorFrame(lines[i]!)) {
      last = i;
      break;
    }
  }
  if (last < 0) return stack;
  let cut = last;
  while (cut > 0 && isExecutorFrame(lines[cut - 1]!)) cut--;
  return lines.slice(0, cut).join('\n');
}

/** The "    at ..." lines of a stack, trimmed as bodyStack does. */
function frames(stack: string): string {
  return bodyStack(stack)
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .join('\n');
}

/** A failed node:assert (assert.ok, assert.equal, assert.deepStrictEqual ...). */
export function isAssertionError(e: unknown): e is Error {
  return e instanceof Error && (e as { code?: unknown }).code === 'ERR_ASSERTION';
}

/**
 * The failure `ctx.assert(cond, message)` throws: kind `invariant`, the
 * message, then where the assertion is (the frames above `caller`, the
 * assert function itself).
 */
export function assertionFailure(message: string, caller: (...args: never[]) => unknown): KernelFailure {
  const at: { stack?: string } = {};
  Error.captureStackTrace(at, caller);
  const where = frames(at.stack ?? '');
  return invariant(where ? `${message}\n${where}` : message);
}

/** Classify an exception a body or handler threw (not the simulator's own: TaskExit, AbortIteration, KernelFailure). */
export function bodyFault(e: unknown, tid: number, body: string): { kind: number; message: string } {
  if (isAssertionError(e)) {
    const where = frames(e.stack ?? '');
    const message = e.message.trimEnd();
    return { kind: FailKind.INVARIANT, message: where ? `${message}\n${where}` : message };
  }
  // A thrown non-Error (`throw 'x'`) has no stack to show.
  const what = e instanceof Error ? (e.stack ? bodyStack(e.stack) : `${e.name}: ${e.message}`) : `${String(e)} (not an Error: no stack)`;
  return { kind: FailKind.CRASH, message: `tid ${tid} (${body}) threw: ${what}` };
}
