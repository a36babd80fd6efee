/**
 * Planted bugs are named by their spec ID (spec/kernel-semantics.md 1g, 2g,
 * 3g) and switched on per run through a bitmask in the SAB header, so every
 * worker sees the same set. The code a mutant breaks sits beside the correct
 * code, guarded by `k.mutant('L2')`, with a comment citing the spec entry.
 *
 * Runtime-level calibration mutants (prefix "RT-") break lockstep's own
 * primitives, so that the checkers can be shown to catch them.
 */
import { label } from './labels.js';

const IDS: readonly string[] = [
  ...range('L', 18),
  'L13A',
  'L13B',
  ...range('S', 13),
  ...range('R', 13),
  'busted',
  'busted-extend',
  // Historical designs that differ from mainline by a delta, like a Kconfig choice.
  'pre-6.11',
  'force-add-2014',
  // RCU Tasks exit tracking with tasks_rcu_exit_srcu (2015..v6.9, spec 3a); without it, the v6.9 per-CPU lists.
  'tasks-srcu',
  'RT-lost-wakeup',
  'RT-unlocked-add',
];

function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

const BIT = new Map<string, number>(IDS.map((id, i) => [id, i]));

/** Invariant IDs of the spec (section d of each protocol). */
const INVARIANTS: readonly string[] = [
  ...range('I-LL', 10),
  ...range('I-SC', 7),
  'I-RT1',
  'I-RT2',
  'I-PN1',
  'I-PN2',
  ...range('I-SRCU', 4),
];

// Spec IDs travel through the SAB as label ids; registering them here, in
// every thread, lets the harness print the ID a worker reported.
for (const id of [...IDS, ...INVARIANTS]) label(id);

export function mutantBit(id: string): number {
  const b = BIT.get(id);
  if (b === undefined) throw new Error(`unknown mutant id ${id}`);
  return b;
}

/** Build the 4-word mask for a set of mutant ids. */
export function mutantMask(ids: readonly string[]): Int32Array {
  const m = new Int32Array(4);
  for (const id of ids) {
    const b = mutantBit(id);
    m[b >> 5]! |= 1 << (b & 31);
  }
  return m;
}
