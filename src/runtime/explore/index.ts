/** The strategy table: one entry per file, looked up by name or id. */
import { dfs } from './dfs.js';
import { none } from './none.js';
import { pct } from './pct.js';
import { random } from './random.js';
import { replay } from './replay.js';
import { replayOrder } from './replay-order.js';
import type { Strategy, StrategyName } from './types.js';

/** The strategies a user picks with --strategy. */
export const STRATEGIES: readonly Strategy[] = [none, random, pct, dfs];
/** Internal: following a recorded schedule (replay, conversion, shrinking). */
const ALL: readonly Strategy[] = [...STRATEGIES, replay, replayOrder];

export function strategyByName(name: string): Strategy | undefined {
  return ALL.find((s) => s.name === name);
}

export function strategyById(id: number): Strategy {
  const s = ALL.find((x) => x.id === id);
  if (!s) throw new Error(`unknown strategy id ${id}`);
  return s;
}

export type { Strategy, StrategyName };
