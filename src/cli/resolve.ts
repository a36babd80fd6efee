/** Turning command-line flags into a validated run: scenario, variant, threads, params, strategy. */
import { randomInt } from 'node:crypto';
import { UsageError } from '../runtime/kernel/errors.js';
import { MAX_TASKS_CAPACITY } from '../runtime/kernel/layout.js';
import { parseSeed } from '../runtime/kernel/prng.js';
import { runParams, runThreads, type ParamValue, type Params, type Scenario, type VariantDef } from '../runtime/kernel/scenario.js';
import { STRATEGIES } from '../runtime/explore/index.js';
import type { Strategy } from '../runtime/explore/types.js';
import { intFlag, oneOf, strFlag, type Flags } from './args.js';
import type { ExploreConfig } from '../harness/explore.js';
import { parseShard, type ShardChoice } from './shard.js';
import { loadBuiltin, loadScenarioFile, type LoadedScenario } from '../harness/catalog.js';
import { MEMORY_MODELS, weakMisfit, type MemoryModel } from '../harness/memorymodel.js';

export async function resolveScenario(flags: Flags): Promise<LoadedScenario> {
  const name = strFlag(flags, 'scenario');
  const file = strFlag(flags, 'scenario-file');
  if (name && file) throw new UsageError('give either --scenario NAME or --scenario-file PATH, not both');
  if (file) return loadScenarioFile(file);
  if (!name) throw new UsageError('missing --scenario NAME or --scenario-file PATH (see: lockstep list)');
  return loadBuiltin(name);
}

export function resolveVariant(sc: Scenario, name: string | undefined): VariantDef {
  if (name === undefined) return sc.variants.find((v) => v.kind === 'correct') ?? sc.variants[0]!;
  const v = sc.variants.find((x) => x.name === name);
  if (!v) throw new UsageError(`unknown variant "${name}" for ${sc.name} (valid: ${sc.variants.map((x) => x.name).join(', ')})`);
  return v;
}

/**
 * The run's thread count: `--threads N`, else the scenario's default, or,
 * for a scenario that derives it from its parameters (`threads.fromParams`),
 * the derived count; a `--threads` that contradicts it is refused.
 */
export function resolveThreads(sc: Scenario, flags: Flags, params: Params): number {
  let derived: number | null = null;
  if (sc.threads.fromParams) {
    try {
      derived = runThreads(sc, params);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const t = intFlag(flags, 'threads', derived ?? sc.threads.default, 1, 1_000_000)!;
  if (derived !== null && t !== derived) {
    throw new UsageError(`--threads ${t} contradicts ${sc.name}, which derives ${derived} threads from its parameters (drop --threads, or change them with --param)`);
  }
  if (t < sc.threads.min || t > sc.threads.max) {
    throw new UsageError(`--threads ${t} is out of range for ${sc.name} (${sc.threads.min}..${sc.threads.max})`);
  }
  const tasks = sc.maxTasks ? sc.maxTasks(t, params) : t + 1;
  if (tasks + 2 > MAX_TASKS_CAPACITY) {
    throw new UsageError(`--threads ${t} needs ${tasks} tasks, above the SAB capacity of ${MAX_TASKS_CAPACITY - 2}`);
  }
  return t;
}

/** The scenario's defaults, then the variant's (`VariantDef.params`), then every `--param name=value`. */
export function resolveParams(sc: Scenario, flags: Flags, variant: VariantDef | null = null): Params {
  const out: Record<string, ParamValue> = { ...runParams(sc, variant) };
  const raw = flags['param'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  for (const item of list) {
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/.exec(item);
    if (!m) throw new UsageError(`--param "${item}": expected name=value`);
    const [, key, value] = m as unknown as [string, string, string];
    if (!(key in out)) {
      const known = Object.keys(out);
      throw new UsageError(`--param ${key}: ${sc.name} has no such parameter (${known.length ? known.join(', ') : 'it takes none'})`);
    }
    const def = out[key];
    if (typeof def === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--param ${key}: "${value}" is not a number`);
      out[key] = n;
    } else if (typeof def === 'boolean') {
      if (value !== 'true' && value !== 'false') throw new UsageError(`--param ${key}: "${value}" is not true or false`);
      out[key] = value === 'true';
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function resolveStrategy(flags: Flags, fallback: string): Strategy {
  const name = strFlag(flags, 'strategy') ?? fallback;
  const s = STRATEGIES.find((x) => x.name === name);
  if (!s) throw new UsageError(`--strategy: "${name}" is not one of ${STRATEGIES.map((x) => x.name).join(', ')}`);
  return s;
}

export function resolveSeed(flags: Flags): number {
  const v = strFlag(flags, 'seed');
  if (v === undefined) return randomInt(0, 0x7fffffff);
  const s = parseSeed(v);
  if (s === null) throw new UsageError(`--seed: "${v}" is not a 32-bit number (decimal or 0x-hex)`);
  return s;
}

/**
 * `--shard I/N` or `--shard auto[/N]` (./shard.ts). A shard needs `--seed`:
 * without it each shard would draw its own random seed, and the shards
 * would be pieces of different runs that merge must refuse after they
 * have all run to the end.
 */
export function resolveShard(flags: Flags, env: NodeJS.ProcessEnv = process.env): ShardChoice | null {
  const v = strFlag(flags, 'shard');
  const choice = parseShard(v, env);
  if (choice && strFlag(flags, 'seed') === undefined) {
    throw new UsageError(`--shard ${v} needs --seed S, the same on every shard (e.g. --seed 0x2a): shards of different seeds cannot be merged`);
  }
  return choice;
}

/**
 * Strategy dfs (docs/EXPLORATION.md): the bound, its mode and the reduction.
 * Without a bound the default reduction is DPOR with sleep sets; with one it
 * is none (the reductions lose schedules within a bound), and asking for one
 * anyway is refused. The bound flags mean nothing to other strategies.
 */
export function resolveExplore(flags: Flags, strategy: Strategy, sc: Pick<Scenario, 'explore'>): ExploreConfig | undefined {
  const pb = intFlag(flags, 'preemption-bound', null, 0, 1_000_000);
  const db = intFlag(flags, 'delay-bound', null, 0, 1_000_000);
  const modeGiven = strFlag(flags, 'bound-mode') !== undefined;
  const mode = oneOf(flags, 'bound-mode', ['fixed', 'iterative'] as const, 'fixed');
  const red = strFlag(flags, 'reduction');
  if (strategy.name !== 'dfs') {
    for (const f of ['preemption-bound', 'delay-bound', 'bound-mode', 'reduction', 'explore-exit']) {
      if (flags[f] !== undefined) throw new UsageError(`--${f} applies to --strategy dfs only`);
    }
    return undefined;
  }
  if (pb !== null && db !== null) throw new UsageError('give either --preemption-bound or --delay-bound, not both');
  const bound = pb ?? db;
  const iterative = mode === 'iterative';
  if (modeGiven && !iterative && bound === null) throw new UsageError('--bound-mode fixed needs --preemption-bound P or --delay-bound D');
  const bounded = bound !== null || iterative;
  const reduction = red === undefined ? (bounded ? 'none' : 'dpor') : red;
  if (reduction !== 'none' && reduction !== 'sleep' && reduction !== 'dpor') {
    throw new UsageError(`--reduction: "${reduction}" is not one of none, sleep, dpor`);
  }
  if (bounded && reduction !== 'none') {
    throw new UsageError(`--reduction ${reduction} cannot be combined with a bound: it would lose schedules within the bound (use --reduction none, or no bound)`);
  }
  const exit = oneOf(flags, 'explore-exit', ['atomic', 'explored'] as const, sc.explore?.exit ?? 'explored');
  return { reduction, policy: db !== null ? 'db' : 'pb', bound, iterative, exitAtomic: exit === 'atomic' };
}

/**
 * `--memory-model sc|weak` (docs/MEMORY-MODEL.md): `sc` by default. Weak
 * needs a scenario that fits the model's clocks (one entry per task).
 */
export function resolveMemoryModel(flags: Flags, sc: Scenario, threads: number, params: Params): MemoryModel {
  const mm = oneOf(flags, 'memory-model', MEMORY_MODELS, 'sc');
  if (mm === 'weak') {
    const misfit = weakMisfit(sc, threads, params);
    if (misfit) throw new UsageError(misfit);
  }
  return mm;
}
