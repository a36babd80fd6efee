/**
 * Planted bugs (mutants) and historical designs, owned by the subsystem whose
 * code they change. Each is defined once, beside that code, with one
 * description:
 *
 *   export const L2 = defineMutant('L2', 'num_preparing starts at 0: no caller token');
 *   ...
 *   if (k.mutant(L2)) { ... the broken code ... } else { ... the kernel's ... }
 *
 * A run switches mutants on through the header words kMutants: the label ids
 * of the enabled mutants (0 ends the list). Label ids are hashes of the names,
 * so every thread agrees on them without a central table.
 */
import { label } from './labels.js';
import { kMutants, MAX_RUN_MUTANTS } from './layout.js';

export interface Mutant {
  /** The planted-bug ID (`L2`, `S8`, `R13`) or the design's name (`pre-6.11`). */
  readonly id: string;
  readonly description: string;
  /** Label id of `id`: what the SAB holds while the mutant is on. */
  readonly label: number;
}

const byId = new Map<string, Mutant>();

/** Define a mutant (once, at module load of the subsystem that owns the code it changes). */
export function defineMutant(id: string, description: string): Mutant {
  const old = byId.get(id);
  if (old) {
    if (old.description !== description) throw new Error(`mutant ${id} is defined twice with different descriptions`);
    return old;
  }
  const m: Mutant = { id, description, label: label(id) };
  byId.set(id, m);
  return m;
}

export function mutantById(id: string): Mutant | undefined {
  return byId.get(id);
}

/** The kMutants words for a run with `ids` switched on. */
export function mutantWords(ids: readonly string[]): Int32Array {
  if (ids.length > MAX_RUN_MUTANTS) throw new Error(`at most ${MAX_RUN_MUTANTS} mutants per run (got ${ids.join(', ')})`);
  const w = new Int32Array(MAX_RUN_MUTANTS);
  ids.forEach((id, i) => {
    const m = byId.get(id);
    if (!m) throw new Error(`unknown mutant id ${id}`);
    w[i] = m.label;
  });
  return w;
}

/** Is `m` switched on in this run? */
export function mutantOn(i32: Int32Array, m: Mutant): boolean {
  const id = m.label;
  for (let i = 0; i < MAX_RUN_MUTANTS; i++) {
    const w = Atomics.load(i32, kMutants + i);
    if (w === id) return true;
    if (w === 0) return false;
  }
  return false;
}
