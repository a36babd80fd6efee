/**
 * herd7's verdict arithmetic (herd/top_herd.ml): over the runs that pass the
 * filter, `positive` runs satisfy the condition's proposition and `negative`
 * runs do not, whatever the quantifier. The Observation line is Never if
 * positive = 0, else Always if negative = 0, else Sometimes; the file's
 * `Result:` names that Observation (the kernel's judgelitmus.sh greps the
 * Observation line for it). The quantifier only decides Ok/No: exists is Ok
 * iff positive > 0, ~exists iff positive = 0, forall iff negative = 0.
 * So `~exists P` with `Result: Never` means P never holds and herd says Ok.
 */
import type { Expected, Quantifier } from './ast.js';

export type Observation = 'Never' | 'Sometimes' | 'Always';

function check(positive: number, total: number): void {
  if (!Number.isInteger(positive) || !Number.isInteger(total) || positive < 0 || positive > total) {
    throw new RangeError(`litmus counts: positive ${positive} of ${total}`);
  }
}

export function observation(positive: number, total: number): Observation {
  check(positive, total);
  if (positive === 0) return 'Never';
  return positive === total ? 'Always' : 'Sometimes';
}

/** herd7's `Ok`/`No` line. */
export function conditionResult(quantifier: Quantifier, positive: number, total: number): 'Ok' | 'No' {
  check(positive, total);
  const ok = quantifier === 'exists' ? positive > 0 : quantifier === 'not-exists' ? positive === 0 : positive === total;
  return ok ? 'Ok' : 'No';
}

export interface Verdict {
  readonly observation: Observation;
  readonly positive: number;
  readonly negative: number;
  /** Whether the observation is what `Result:` says; null when the file has no Result. */
  readonly agrees: boolean | null;
  /**
   * Why it disagrees. 'forbidden-observed': some run ended in a state the
   * expected result excludes (Never but the proposition held, Always but it
   * failed, DEADLOCK but a run finished) -- a sampling runtime cannot explain
   * that away. 'allowed-unobserved': an outcome herd7 allows was not seen
   * (Sometimes but one side never happened) -- sampling may simply have missed it.
   */
  readonly discrepancy: 'none' | 'forbidden-observed' | 'allowed-unobserved';
}

/**
 * Compare `positive` of `total` filtered runs with the expected Result.
 * Maybe accepts anything; DEADLOCK expects `Never 0 0` (no run completes).
 */
export function verdict(expected: Expected | null, positive: number, total: number): Verdict {
  const obs = observation(positive, total);
  const negative = total - positive;
  const base = { observation: obs, positive, negative };
  if (expected === null) return { ...base, agrees: null, discrepancy: 'none' };
  const agrees = expected === 'Maybe' ? true : expected === 'DEADLOCK' ? total === 0 : obs === expected;
  if (agrees) return { ...base, agrees, discrepancy: 'none' };
  const forbidden = (expected === 'Never' && positive > 0) || (expected === 'Always' && negative > 0) || (expected === 'DEADLOCK' && total > 0);
  return { ...base, agrees, discrepancy: forbidden ? 'forbidden-observed' : 'allowed-unobserved' };
}
