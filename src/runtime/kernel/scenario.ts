/**
 * The public scenario API: `defineScenario({...})`.
 *
 * A scenario module's default export describes
 *
 *  - `bodies`: the thread bodies, plain synchronous functions that run inside
 *    a worker as a simulated task and enter the kernel through `ctx.sys`;
 *  - `setup`: runs on the harness before each iteration, creates the first
 *    tasks and the objects they share;
 *  - `check`: the invariants, run after each iteration on the harness;
 *  - `variants`: the correct design, historical designs and planted bugs
 *    (`mutants`: spec IDs switched on for the whole run);
 *  - `threads`, `params`, `shared` words.
 *
 * The same module is imported by the harness and by every worker, so bodies
 * are found by name and never cross a thread boundary.
 */
import type { Mutant } from './mutants.js';
import type { Kernel } from './kernel.js';
import type { Xoshiro } from './prng.js';
import type { Sys } from './sys.js';

export type VariantKind = 'correct' | 'historical' | 'mutant';

export interface VariantDef {
  /** `mainline`, `srcu-2022`, ... or the spec ID of a mutant (`L1`). */
  readonly name: string;
  readonly kind: VariantKind;
  /** Whether a run of this variant is expected to find a failure. */
  readonly expect: 'pass' | 'fail';
  /** Spec ID this variant demonstrates (mutants: their own ID). */
  readonly spec: string | null;
  /** Planted bugs switched on (spec IDs); defaults to [spec] for mutants. */
  readonly mutants?: readonly string[];
  readonly description?: string;
  /**
   * Parameter defaults of this variant, applied over the scenario's `params`
   * and under the run's `--param` overrides (a 100-thread variant says
   * `params: { workers: 100 }`). Only parameters the scenario declares.
   */
  readonly params?: Params;
}

export type ParamValue = number | boolean | string;
export type Params = Readonly<Record<string, ParamValue>>;

export interface ThreadContext<P extends Params = Params> {
  readonly tid: number;
  readonly tgid: number;
  /** The argument given to clone()/spawn(). */
  readonly arg: number;
  readonly params: P;
  readonly variant: string;
  /** The run's thread count: --threads N, or what `threads.fromParams` derives. */
  readonly threads: number;
  readonly iteration: number;
  readonly sys: Sys;
  /** The kernel, for scenarios that drive subsystems directly. */
  readonly k: Kernel;
  /** Per-thread PRNG derived from (seed, iteration, tid). */
  readonly rng: Xoshiro;
  /**
   * Fail the iteration as kind `invariant` with `message` (and where the
   * assertion is) unless `cond` is truthy. Not a yield point. Returns void,
   * not `asserts cond`: TypeScript refuses assertion signatures called
   * through a parameter without a type annotation (TS2775), which `ctx` is.
   */
  assert(cond: unknown, message: string): void;
  /** Address of a scenario-shared word. */
  addr(name: string, i?: number): number;
  /** User-space loads and stores of shared words: preemption points, and signals are delivered at them. */
  load(name: string, i?: number): number;
  store(name: string, v: number, i?: number): void;
  add(name: string, d: number, i?: number): number;
  cas(name: string, expect: number, v: number, i?: number): number;
  /** A preemption point in user code (an interrupt return: signals are delivered here). */
  yield(): void;
  /**
   * A nondeterministic value from 0 to n - 1 (at most 256), 0 being the
   * default: a choice the run makes, like a scheduling decision (an input,
   * a fault to inject, which request to send). Controlled mode: the strategy
   * picks it, the seed log records it, \`dfs\` enumerates every alternative.
   * Parallel mode: drawn from the thread's PRNG. Not a preemption point.
   */
  choose(n: number): number;
}

export type ThreadBody<P extends Params = Params> = (ctx: ThreadContext<P>) => void;
export type SignalHandler<P extends Params = Params> = (ctx: ThreadContext<P>, sig: number) => void;

export interface SpawnOptions {
  readonly uid?: number;
  /** Capability mask (default: all, as root). */
  readonly caps?: number;
  readonly noNewPrivs?: boolean;
}

export interface SetupContext<P extends Params = Params> {
  readonly k: Kernel;
  readonly params: P;
  readonly variant: string;
  readonly threads: number;
  readonly iteration: number;
  readonly rng: Xoshiro;
  /** Create a process (a new thread group, child of init) running `body`. */
  spawn(body: string, arg?: number, opts?: SpawnOptions): number;
  /** Create a thread in the thread group of `leaderTid`. */
  spawnThread(leaderTid: number, body: string, arg?: number): number;
  /** A named standalone primitive (its address); freed by the harness after the iteration. */
  mutex(name: string): number;
  completion(name: string): number;
  waitqueue(name: string): number;
  spinlock(name: string): number;
  rwsem(name: string): number;
  /** A named pthread condition variable (condWait/condSignal/condBroadcast). */
  condvar(name: string): number;
  addr(name: string, i?: number): number;
  set(name: string, v: number, i?: number): void;
  get(name: string, i?: number): number;
}

export interface TaskInfo {
  readonly tid: number;
  readonly tgid: number;
  readonly exitCode: number;
  readonly exited: boolean;
  readonly flags: number;
  readonly cred: number;
  readonly noNewPrivs: boolean;
}

export interface CheckContext<P extends Params = Params> {
  readonly k: Kernel;
  readonly params: P;
  readonly variant: string;
  readonly threads: number;
  readonly iteration: number;
  get(name: string, i?: number): number;
  task(tid: number): TaskInfo;
  /** Every task created in this iteration (init excluded). */
  tasks(): TaskInfo[];
  /** Report an invariant violation (the iteration fails; the first one is kept). */
  fail(message: string, spec?: string): void;
}

export interface ScenarioDef<P extends Params = Params> {
  readonly name: string;
  readonly description: string;
  /**
   * The range of `--threads`. With `fromParams`, the thread count follows
   * from the run's parameters instead (it must stay within min..max), and a
   * `--threads` that differs from it is refused.
   */
  readonly threads: {
    readonly default: number;
    readonly min: number;
    readonly max: number;
    readonly fromParams?: (params: P) => number;
  };
  /** Most tasks alive at once for `threads` (sizes the warm pool). Default: threads + 1. */
  readonly maxTasks?: (threads: number, params: P) => number;
  /** Default parameter values; the run may override them. */
  readonly params?: P;
  readonly variants: readonly VariantDef[];
  /** Shared words by name, with their length in words, or a function of the run's parameters. */
  readonly shared?: Readonly<Record<string, number | ((params: P) => number)>>;
  readonly bodies: Readonly<Record<string, ThreadBody<P>>>;
  readonly handlers?: Readonly<Record<string, SignalHandler<P>>>;
  readonly setup: (s: SetupContext<P>) => void;
  readonly check?: (c: CheckContext<P>) => void;
  /** Controlled-mode step bound before a run counts as a livelock (default 200,000). */
  readonly stepLimit?: number;
  /** Parallel-mode watchdog: ms without progress before a hang is declared (default 2,000). */
  readonly hangMs?: number;
  /**
   * Exhaustive exploration (docs/EXPLORATION.md). `exit: 'atomic'`: a task's
   * exit, from its body's return to its death, is one step that is neither
   * a branch point nor part of any footprint, for programs whose subject is
   * not the kernel's exit path (a user program's threads just end). The
   * default, 'explored', interleaves do_exit() like any other kernel code,
   * as the kernel scenarios whose races involve exit need.
   */
  readonly explore?: { readonly exit?: 'atomic' | 'explored' };
}

export interface Scenario<P extends Params = Params> extends ScenarioDef<P> {
  readonly __lockstepScenario: 1;
  /** Offsets of the shared words, by name. */
  readonly sharedOffsets: Readonly<Record<string, { readonly at: number; readonly len: number }>>;
  readonly sharedWords: number;
}

export type SharedOffsets = Readonly<Record<string, { readonly at: number; readonly len: number }>>;

/** Place the shared words for one run's parameters (sizes may be functions of them). */
function placeShared<P extends Params>(def: Pick<ScenarioDef<P>, 'name' | 'shared'>, params: P): { offsets: SharedOffsets; words: number } {
  const offsets: Record<string, { at: number; len: number }> = {};
  let w = 0;
  for (const [name, size] of Object.entries(def.shared ?? {})) {
    const len = typeof size === 'function' ? size(params) : size;
    if (!Number.isInteger(len) || len < 1) throw new Error(`scenario ${def.name}: shared word "${name}" needs a length >= 1 (got ${len})`);
    offsets[name] = { at: w, len };
    w += len;
  }
  return { offsets, words: w };
}

export function defineScenario<P extends Params = Params>(def: ScenarioDef<P>): Scenario<P> {
  const t = def.threads;
  if (!(t.min >= 1 && t.min <= t.default && t.default <= t.max)) {
    throw new Error(`scenario ${def.name}: threads must satisfy 1 <= min <= default <= max`);
  }
  if (def.variants.length === 0) throw new Error(`scenario ${def.name}: at least one variant is required`);
  // Placed for the default parameters: what a scenario with fixed sizes always uses.
  const { offsets, words } = placeShared(def, (def.params ?? {}) as P);
  return { ...def, __lockstepScenario: 1, sharedOffsets: offsets, sharedWords: words };
}

/** Does any shared size depend on the parameters? Then addresses depend on the run (bindShared). */
function sharedVaries(sc: Pick<ScenarioDef, 'shared'>): boolean {
  return Object.values(sc.shared ?? {}).some((v) => typeof v === 'function');
}

/** The shared words of a run with `params`: offsets and the total (sizes the layout's scenario words). */
export function sharedLayout(sc: Scenario, params: Params): { offsets: SharedOffsets; words: number } {
  if (!sharedVaries(sc)) return { offsets: sc.sharedOffsets, words: sc.sharedWords };
  return placeShared(sc as ScenarioDef, params);
}

/**
 * A run's parameters: the scenario's defaults, then the variant's own
 * (`VariantDef.params`), then the caller's overrides (`--param`).
 */
export function runParams(sc: Scenario, variant: VariantDef | null, overrides: Params = {}): Params {
  return { ...(sc.params ?? {}), ...(variant?.params ?? {}), ...overrides };
}

/**
 * A run's thread count when none is given: `threads.fromParams(params)` if
 * the scenario derives it, else `threads.default`. Throws if the derived
 * count is not an integer within min..max.
 */
export function runThreads(sc: Scenario, params: Params): number {
  const t = sc.threads;
  if (!t.fromParams) return t.default;
  const n = t.fromParams(params as never);
  if (!Number.isInteger(n) || n < t.min || n > t.max) {
    throw new Error(`scenario ${sc.name} derives ${n} threads from its parameters, outside ${t.min}..${t.max}`);
  }
  return n;
}

/**
 * Shared-word offsets bound to a thread's Kernel for the run it serves. A
 * scenario whose shared sizes are functions of its parameters has different
 * addresses in different runs, so `sharedAddr(k, scenario, ...)`, called
 * with the module's scenario object, looks them up here; the executor and
 * the harness's Session bind them once (one Kernel serves one run).
 */
const boundShared = new WeakMap<Kernel, SharedOffsets>();

export function bindShared(k: Kernel, sc: Scenario, params: Params): void {
  if (sharedVaries(sc)) boundShared.set(k, sharedLayout(sc, params).offsets);
}

export function isScenario(x: unknown): x is Scenario {
  return typeof x === 'object' && x !== null && (x as { __lockstepScenario?: unknown }).__lockstepScenario === 1;
}

/** The kernel's current algorithm (or a named correct design, switched on by `design`). */
export function mainline(description: string, opts: { name?: string; design?: readonly Mutant[] } = {}): VariantDef {
  const design = opts.design ?? [];
  return {
    name: opts.name ?? 'mainline',
    kind: 'correct',
    expect: 'pass',
    spec: null,
    description,
    ...(design.length ? { mutants: design.map((d) => d.id) } : {}),
  };
}

/**
 * A planted bug's variant, described by the mutant's own description: it
 * switches `m` on, on top of the designs it applies to (`design`).
 */
export function mutantVariant(m: Mutant, opts: { design?: readonly Mutant[]; expect?: 'pass' | 'fail' } = {}): VariantDef {
  const design = opts.design ?? [];
  return {
    name: m.id,
    kind: 'mutant',
    expect: opts.expect ?? 'fail',
    spec: m.id,
    description: m.description,
    ...(design.length ? { mutants: [...design.map((d) => d.id), m.id] } : {}),
  };
}

export function variantMutants(v: VariantDef): readonly string[] {
  if (v.mutants) return v.mutants;
  return v.kind === 'mutant' && v.spec ? [v.spec] : [];
}

/** Resolve a shared word name to its absolute address. */
export function sharedAddr(k: Kernel, sc: Pick<Scenario, 'name' | 'sharedOffsets'>, name: string, i = 0): number {
  const o = (boundShared.get(k) ?? sc.sharedOffsets)[name];
  if (!o) throw new Error(`scenario ${sc.name}: no shared word "${name}"`);
  if (i < 0 || i >= o.len) throw new Error(`scenario ${sc.name}: shared word ${name}[${i}] out of range (length ${o.len})`);
  return k.L.scenario + o.at + i;
}
