/**
 * `lockstep litmus`: run a herd7 C litmus test on the runtime and judge the
 * outcome against the file's `Result:` line (docs/LITMUS.md).
 *
 * The test runs as scenario `litmus` (scenarios/litmus/), one task per
 * process, explored exhaustively by `dfs` with source-DPOR: every
 * interleaving of the shared accesses up to equivalence, on the runtime's
 * own spinlocks, SRCU and RCU. Each explored execution ends in a final
 * state (the registers and the shared locations); the filter and the
 * condition are evaluated on each, and the observation (Never, Sometimes,
 * Always) is compared with the file's. Memory is sequentially consistent:
 * what a weaker model allows and SC does not is not observed.
 */
import type { MemoryModel } from './memorymodel.js';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import {
  displayedLocations,
  evaluateCondition,
  parseLitmus,
  passesFilter,
  stateKey,
  verdict as judge,
  type Expected,
  type FinalState,
  type LitmusValue,
} from '../litmus/index.js';
import { isScenario, runParams, runThreads, sharedLayout, type Scenario } from '../runtime/kernel/scenario.js';
import { strategyByName } from '../runtime/explore/index.js';
import { decode, isObject, layout, type LitmusProgram } from '../scenarios/litmus/program.js';
import { runStress } from './campaign.js';

const SCENARIO_URL = new URL('../scenarios/litmus/scenario.js', import.meta.url).href;

export type MemoryModelName = MemoryModel;

export interface LitmusResult {
  readonly type: 'litmus';
  readonly file: string;
  readonly name: string | null;
  readonly expected: Expected | null;
  readonly observed: boolean;
  /** match: the observation is the file's Result; unsupported: the file could not be parsed or run. */
  readonly verdict: 'match' | 'mismatch' | 'unsupported';
  /** Never / Sometimes / Always over the explored executions that pass the filter. */
  readonly observation: 'Never' | 'Sometimes' | 'Always' | null;
  /** herd7's Ok/No for the test's quantifier. */
  readonly condition: 'Ok' | 'No' | null;
  readonly positive: number;
  readonly negative: number;
  readonly complete: boolean;
  /** Executions explored (schedules run to the end). */
  readonly executions: number;
  /** Final states (herd7's form, e.g. `0:r0=1; 1:r0=0;`) with the number of executions ending in each. */
  readonly states: Readonly<Record<string, number>>;
  readonly memoryModel: MemoryModelName;
  readonly seconds: number;
  /** Why it is unsupported, or what went wrong in a run. */
  readonly message?: string;
}

export interface LitmusOptions {
  readonly memoryModel: MemoryModelName;
  /** Time budget per test; the exploration stops (incomplete) when it runs out. */
  readonly seconds: number;
  readonly stop?: AbortSignal;
}

let scenario: Scenario | null = null;

async function litmusScenario(): Promise<Scenario> {
  if (scenario) return scenario;
  const mod = (await import(SCENARIO_URL)) as { default?: unknown };
  if (!isScenario(mod.default)) throw new Error('scenarios/litmus/scenario.js has no defineScenario default export');
  scenario = mod.default;
  return scenario;
}

export async function runLitmus(path: string, o: LitmusOptions): Promise<LitmusResult> {
  const t0 = performance.now();
  const file = resolve(path);
  const seconds = (): number => Math.round(performance.now() - t0) / 1000;
  const base = { type: 'litmus' as const, file: path, memoryModel: o.memoryModel };
  const unsupported = (message: string, name: string | null = null, expected: Expected | null = null): LitmusResult => ({
    ...base, name, expected, observed: false, verdict: 'unsupported', observation: null, condition: null,
    positive: 0, negative: 0, complete: false, executions: 0, states: {}, seconds: seconds(), message,
  });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return unsupported(`cannot read ${path}`);
  }
  const parsed = parseLitmus(text, path);
  if (parsed.kind !== 'litmus') return unsupported(parsed.message);
  const test = parsed;
  const prog = layout(test);
  const sc = await litmusScenario();
  const variant = sc.variants[0]!;
  const params = runParams(sc, variant, { file });
  const { offsets } = sharedLayout(sc, params);
  const states = new Map<string, number>();
  const locs = displayedLocations(test);
  let positive = 0;
  let total = 0;
  let executions = 0;
  let failure: string | null = null;
  const summary = await runStress({
    scenario: { scenario: sc, url: SCENARIO_URL },
    variant,
    threads: runThreads(sc, params),
    params,
    iterations: null,
    seconds: o.seconds,
    seed: 1,
    shard: null,
    mode: 'controlled',
    strategy: strategyByName('dfs')!,
    depth: 3,
    perturbPermille: 0,
    stopOnFailure: true,
    logDir: null,
    hangMs: 20_000,
    stepLimit: 200_000,
    hunt: false,
    memoryModel: o.memoryModel,
    explore: { reduction: 'dpor', policy: 'pb', bound: null, iterative: false, exitAtomic: true },
    ...(o.stop ? { stop: o.stop } : {}),
    onFailure: (f) => {
      failure ??= `${f.kind}: ${f.message.split('\n')[0]}`;
    },
    onIteration: (it) => {
      executions++;
      if (!it.finalState.startsWith('pass:')) return;
      const words = it.finalState.slice(5).split(',').map(Number);
      const state = finalState(prog, words, offsets);
      if (!passesFilter(test, state)) return;
      total++;
      if (evaluateCondition(test, state)) positive++;
      const key = stateKey(state, locs);
      states.set(key, (states.get(key) ?? 0) + 1);
    },
  });
  if (failure !== null) return unsupported(`a run failed: ${failure}`, test.name, test.expected);
  const x = summary.exploration;
  const v = judge(test.expected, positive, total);
  const q = test.condition.quantifier;
  return {
    ...base,
    name: test.name,
    expected: test.expected,
    observed: positive > 0,
    verdict: v.agrees === false ? 'mismatch' : 'match',
    observation: v.observation,
    condition: q === 'exists' ? (positive > 0 ? 'Ok' : 'No') : q === 'not-exists' ? (positive === 0 ? 'Ok' : 'No') : positive === total ? 'Ok' : 'No',
    positive,
    negative: total - positive,
    complete: x?.complete ?? false,
    executions,
    states: Object.fromEntries([...states.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    seconds: seconds(),
  };
}

/** The final state of one execution from the scenario's shared words. */
function finalState(prog: LitmusProgram, words: readonly number[], offsets: Readonly<Record<string, { at: number; len: number }>>): FinalState {
  const mem: Record<string, LitmusValue> = {};
  prog.test.globals.forEach((g, i) => {
    if (isObject(g.type) === null) mem[g.name] = decode(prog, words[offsets['mem']!.at + i]!);
  });
  const regs = prog.test.processes.map((_, p) => {
    const r: Record<string, LitmusValue> = {};
    prog.regs[p]!.forEach((name, j) => (r[name] = decode(prog, words[offsets['regs']!.at + p * prog.regWords + j]!)));
    return r;
  });
  return { regs, mem };
}
