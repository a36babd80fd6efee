/**
 * The litmus front end: parse a herd7 C litmus test, evaluate its condition
 * on final states, and judge counts against its `Result:`. Pure: no runtime,
 * no I/O (docs/LITMUS-FORMAT.md).
 */
export type * from './ast.js';
export { parseLitmus } from './parse.js';
export { type FinalState, displayedLocations, evaluateCondition, evaluateProp, locName, passesFilter, stateKey, valueAt } from './condition.js';
export { type Observation, type Verdict, conditionResult, observation, verdict } from './verdict.js';
