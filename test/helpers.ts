/**
 * Test helpers. uvu has no timeouts, and a test that awaits a worker parked
 * in Atomics.wait would hang forever (docs/ARCHITECTURE.md §14), so every
 * test that touches workers goes through `withTimeout`, and every run
 * started here is stopped through its AbortSignal and closes its pool in
 * `finally`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runStress, type FailureRecord, type IterationInfo, type StressOptions, type StressSummary } from '../src/harness/campaign.js';
import { isScenario, runParams, runThreads, type Params, type Scenario } from '../src/runtime/kernel/scenario.js';
import { strategyByName } from '../src/runtime/explore/index.js';
import { builtinByName } from '../src/scenarios/index.js';

export async function withTimeout<T>(what: string, ms: number, f: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    timer = setTimeout(() => {
      ac.abort();
      rej(new Error(`${what}: timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([f(ac.signal), timeout]);
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

/** URL of a compiled fixture scenario (test/fixtures/NAME.ts). */
export function fixtureUrl(name: string): string {
  return new URL(`./fixtures/${name}.js`, import.meta.url).href;
}

export async function loadScenario(url: string): Promise<Scenario> {
  const mod = (await import(url)) as { default?: unknown };
  if (!isScenario(mod.default)) throw new Error(`${url} is not a scenario module`);
  return mod.default;
}

export interface RunResult {
  readonly summary: StressSummary;
  readonly failures: FailureRecord[];
  readonly iterations: IterationInfo[];
}

export interface RunOpts extends Partial<Omit<StressOptions, 'scenario' | 'variant' | 'strategy'>> {
  /** Built-in scenario name, or a fixture URL from fixtureUrl(). */
  readonly scenario: string;
  readonly variant?: string;
  readonly strategy?: 'none' | 'random' | 'pct' | 'dfs';
  /** Keep each iteration's schedule (controlled mode) for comparisons. */
  readonly keepSchedules?: boolean;
  /** Test timeout in ms (default 60 s). */
  readonly timeoutMs?: number;
}

/** Run a scenario through the real harness and pool, bounded by iterations and a timeout. */
export async function run(o: RunOpts): Promise<RunResult> {
  const url = o.scenario.startsWith('file:') ? o.scenario : builtinByName(o.scenario)?.url;
  if (!url) throw new Error(`no scenario ${o.scenario}`);
  const sc = await loadScenario(url);
  const variant = o.variant ? sc.variants.find((v) => v.name === o.variant) : sc.variants[0];
  if (!variant) throw new Error(`no variant ${o.variant} in ${sc.name}`);
  const failures: FailureRecord[] = [];
  const iterations: IterationInfo[] = [];
  const params: Params = runParams(sc, variant, o.params ?? {});
  return withTimeout(`${sc.name}/${variant.name}`, o.timeoutMs ?? 60_000, async (stop) => {
    const summary = await runStress({
      scenario: { scenario: sc, url },
      variant,
      threads: o.threads ?? runThreads(sc, params),
      params,
      iterations: o.iterations === undefined ? 50 : o.iterations,
      seconds: o.seconds ?? null,
      seed: o.seed ?? 1,
      shard: o.shard ?? null,
      mode: o.mode ?? 'parallel',
      strategy: strategyByName(o.strategy ?? 'random')!,
      depth: o.depth ?? 3,
      perturbPermille: o.perturbPermille ?? 100,
      stopOnFailure: o.stopOnFailure ?? false,
      logDir: o.logDir ?? null,
      hangMs: o.hangMs ?? 2000,
      ...(o.iterationTimeoutMs !== undefined ? { iterationTimeoutMs: o.iterationTimeoutMs } : {}),
      stepLimit: o.stepLimit ?? 200_000,
      ...(o.fixedIteration !== undefined ? { fixedIteration: o.fixedIteration } : {}),
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
      ...(o.hunt !== undefined ? { hunt: o.hunt } : {}),
      ...(o.maxLogs !== undefined ? { maxLogs: o.maxLogs } : {}),
      ...(o.explore !== undefined ? { explore: o.explore } : {}),
      ...(o.pctSteps !== undefined ? { pctSteps: o.pctSteps } : {}),
      ...(o.memoryModel !== undefined ? { memoryModel: o.memoryModel } : {}),
      stop,
      onFailure: (f) => failures.push(f),
      onIteration: (it) => {
        if (o.keepSchedules) {
          const s = it.schedule();
          iterations.push({ ...it, schedule: () => s });
        } else iterations.push(it);
      },
    });
    return { summary, failures, iterations };
  });
}

/** The modes every runtime-semantics case is checked in. */
export const ALL_MODES = [
  { mode: 'parallel', strategy: 'random' },
  { mode: 'controlled', strategy: 'random' },
  { mode: 'controlled', strategy: 'pct' },
] as const;

/**
 * Run fixture `fx`'s `variant` in every mode; each run must complete
 * `iterations` iterations without a failure. `tasksFor` sizes the pool
 * (only as many workers as the variant has tasks alive at once).
 */
export async function passesInEveryMode(
  fx: string,
  tasksFor: (variant: string, threads: number) => number,
  variant: string,
  iterations = 100,
  extra: Partial<RunOpts> = {},
): Promise<void> {
  const threads = extra.threads ?? 4;
  const params = { tasks: tasksFor(variant, threads), ...extra.params };
  for (const m of ALL_MODES) {
    const r = await run({ scenario: fx, variant, ...m, iterations, stopOnFailure: true, timeoutMs: 20_000, ...extra, threads, params });
    const f = r.failures[0];
    if (r.summary.failures !== 0) throw new Error(`${variant} (${m.mode}/${m.strategy}) iteration ${f?.iteration}: ${f?.kind}: ${f?.message}`);
    if (r.summary.iterations !== iterations) throw new Error(`${variant} (${m.mode}/${m.strategy}): ${r.summary.iterations} of ${iterations} iterations ran`);
  }
}

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/lockstep.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Run the `lockstep` command as a user would, bounded: killed (and the test
 * failed) after `timeoutMs`, which is how a frozen terminal shows up.
 * `interruptAfterMs` sends SIGINT (Ctrl-C) after that long; `interruptOn`
 * sends it as soon as stderr matches (once), so a test that needs something
 * to have happened before the Ctrl-C does not depend on how fast this
 * machine is (`interruptAfterMs` then only bounds the wait).
 */
export function lockstep(args: readonly string[], opts: { timeoutMs?: number; interruptAfterMs?: number; interruptOn?: RegExp; cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let interrupted = false;
    const interrupt = (): void => {
      if (interrupted) return;
      interrupted = true;
      child.kill('SIGINT');
    };
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.interruptOn?.test(stderr)) interrupt();
    });
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lockstep ${args.join(' ')}: timed out (a frozen terminal)`));
    }, opts.timeoutMs ?? 60_000);
    const later = opts.interruptAfterMs ? setTimeout(interrupt, opts.interruptAfterMs) : undefined;
    child.on('close', (code) => {
      clearTimeout(kill);
      clearTimeout(later);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

/**
 * The entry point the `lockstep` binary calls (src/cli/main.ts `main`, with
 * the output captured and a stop signal), run in this process: for the
 * many checks of what a command prints and returns where the process
 * itself is not the subject. Each contract of the real binary (exit codes,
 * one-line errors on stderr, stdout formats) stays checked through
 * `lockstep()` at least once; this only saves a Node start and a module
 * load per call. Bounded like `lockstep()`.
 */
export async function lockstepInProcess(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<CliRun> {
  const { main } = await import('../src/cli/main.js');
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  const out = { write: (t: string) => void (stdout += t), error: (t: string) => void (stderr += t) };
  const code = await withTimeout(`lockstep ${args.join(' ')} (in process)`, opts.timeoutMs ?? 60_000, (stop) => main(args, out, stop));
  return { code, stdout, stderr, ms: Date.now() - t0 };
}
