/** For pure tests of the CLI's rules: the one-line message a UsageError carries. */
import * as assert from 'uvu/assert';
import { UsageError } from '../src/runtime/kernel/errors.js';

/** The message of the UsageError `f` throws (fails the test if it throws anything else, or nothing). */
export function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.instance(e, UsageError);
    return (e as Error).message;
  }
  assert.unreachable('expected a UsageError');
  return '';
}
