/**
 * Final states and the condition over them: evaluation of the filter and of
 * the condition's proposition, the locations herd7 prints, and a state's
 * canonical text (`0:r0=1; 1:r0=0; x=1;`) so a runner can count distinct
 * final states the way herd7 lists them.
 */
import type { LitmusTest, LitmusValue, Loc, Prop } from './ast.js';

/**
 * What one run ended with: registers per process (index = process id) and
 * shared memory. A pointer is the name of the location it points to.
 */
export interface FinalState {
  readonly regs: ReadonlyArray<Readonly<Record<string, LitmusValue>>>;
  readonly mem: Readonly<Record<string, LitmusValue>>;
}

export function locName(l: Loc): string {
  return l.kind === 'reg' ? `${l.proc}:${l.name}` : l.name;
}

/** A location's final value; a location the state lacks is an interpreter bug, not 0. */
export function valueAt(state: FinalState, l: Loc): LitmusValue {
  const v = l.kind === 'reg' ? state.regs[l.proc]?.[l.name] : state.mem[l.name];
  if (v === undefined) throw new Error(`litmus final state has no ${locName(l)}`);
  return v;
}

export function evaluateProp(p: Prop, state: FinalState): boolean {
  switch (p.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'eq':
      return valueAt(state, p.loc) === p.value;
    case 'eq-loc':
      return valueAt(state, p.loc) === valueAt(state, p.other);
    case 'not':
      return !evaluateProp(p.arg, state);
    case 'and':
      return evaluateProp(p.left, state) && evaluateProp(p.right, state);
    case 'or':
      return evaluateProp(p.left, state) || evaluateProp(p.right, state);
    case 'implies':
      return !evaluateProp(p.left, state) || evaluateProp(p.right, state);
  }
}

/**
 * Whether the condition's proposition holds in this state: the quantifier is
 * not applied here (herd7 counts states where the proposition holds, then the
 * quantifier turns the counts into Ok/No; see verdict.ts).
 */
export function evaluateCondition(test: Pick<LitmusTest, 'condition'>, state: FinalState): boolean {
  return evaluateProp(test.condition.prop, state);
}

/** herd7 drops a run whose final state fails the filter before counting anything. */
export function passesFilter(test: Pick<LitmusTest, 'filter'>, state: FinalState): boolean {
  return test.filter === null || evaluateProp(test.filter, state);
}

function propLocs(p: Prop, out: Loc[]): void {
  switch (p.kind) {
    case 'eq':
      out.push(p.loc);
      return;
    case 'eq-loc':
      out.push(p.loc, p.other);
      return;
    case 'not':
      propLocs(p.arg, out);
      return;
    case 'and':
    case 'or':
    case 'implies':
      propLocs(p.left, out);
      propLocs(p.right, out);
      return;
    default:
      return;
  }
}

/** Registers by process then name, then shared locations by name (herd7's order). */
function compareLoc(a: Loc, b: Loc): number {
  if (a.kind !== b.kind) return a.kind === 'reg' ? -1 : 1;
  if (a.kind === 'reg' && b.kind === 'reg' && a.proc !== b.proc) return a.proc - b.proc;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The locations herd7 prints in each state: those in the condition plus the
 * `locations [...]` list, deduplicated and sorted.
 */
export function displayedLocations(test: Pick<LitmusTest, 'condition' | 'locations'>): Loc[] {
  const all: Loc[] = [...test.locations];
  propLocs(test.condition.prop, all);
  const seen = new Map<string, Loc>();
  for (const l of all) seen.set(`${l.kind}:${locName(l)}`, l);
  return [...seen.values()].sort(compareLoc);
}

/** `0:r0=1; 1:r0=0; x=1;` as herd7 prints a state, over the given locations. */
export function stateKey(state: FinalState, locs: readonly Loc[]): string {
  return locs.map((l) => `${locName(l)}=${valueAt(state, l)};`).join(' ');
}
