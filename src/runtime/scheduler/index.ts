/** The strategy table: one entry per file, looked up by name or id. */
import { none } from './none.js';
import { pct } from './pct.js';
import { random } from './random.js';
import type { Strategy, StrategyName } from './types.js';

export const STRATEGIES: readonly Strategy[] = [none, random, pct];

export function strategyByName(name: string): Strategy | undefined {
  return STRATEGIES.find((s) => s.name === name);
}

export function strategyById(id: number): Strategy {
  const s = STRATEGIES.find((x) => x.id === id);
  if (!s) throw new Error(`unknown strategy id ${id}`);
  return s;
}

export type { Strategy, StrategyName };
