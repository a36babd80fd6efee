/**
 * `lockstep campaign` (what `npm start` runs): every built-in scenario's
 * correct variants in parallel mode, then demonstrations of known bugs,
 * each with its expected verdict; about a minute in all.
 */
import type { Mode } from '../../runtime/kernel/constants.js';
import { runStress, type StressSummary } from '../../harness/campaign.js';
import { loadBuiltin } from '../../harness/catalog.js';
import { readCatalog } from '../../harness/catalog-file.js';
import { describeScenario } from '../../harness/describe.js';
import { strategyByName } from '../../runtime/explore/index.js';
import { BUILTIN_SCENARIOS } from '../../scenarios/index.js';
import { numFlag, oneOf, strFlag, type CommandSpec, type Flags } from '../args.js';
import { MEMORY_MODELS, weakMisfit } from '../../harness/memorymodel.js';
import { emit, type Output } from '../output.js';
import { makeProgress, table } from '../progress.js';
import { reproCommand } from '../repro.js';
import { resolveSeed } from '../resolve.js';

export const campaignSpec: CommandSpec = {
  name: 'campaign',
  summary: 'The default stress campaign: every correct variant in parallel mode plus demonstrations of known bugs, with a summary table.',
  usage: 'lockstep campaign [--seconds T] [--seed S] [--memory-model sc|weak] [--log-dir DIR] [--json]',
  options: { seconds: { type: 'string' }, seed: { type: 'string' }, 'memory-model': { type: 'string' }, 'log-dir': { type: 'string' }, json: { type: 'boolean' } },
  help: [
    '  --seconds T     total time budget (default 60)',
    '  --memory-model M  sc (default) or weak: every run in controlled mode under the weak memory model',
    '                  (scenarios with more tasks than the model holds are skipped and listed)',
    '  --seed S        campaign seed (default: random, printed)',
    '  --log-dir DIR   where seed logs go (default ./lockstep-logs)',
    '  --json          JSON Lines: one summary per run, then {"type":"campaign"}',
  ],
  example: 'lockstep campaign --seconds 30',
};

interface Entry {
  readonly scenario: string;
  readonly variant: string;
  readonly threads?: number;
  /** Share of the time budget. */
  readonly weight: number;
  /** A demonstration: a failure is expected and the run stops at the first one. */
  readonly demo?: boolean;
  readonly mode?: Mode;
}

/** Demonstrations of historical bugs and checker calibrations, in the order they run. */
const DEMOS: readonly Entry[] = [
  { scenario: 'selftest-abba', variant: 'abba', weight: 1, demo: true },
  { scenario: 'selftest-lost-update', variant: 'racy', weight: 1, demo: true, mode: 'controlled' },
  // Why TSYNC exists: the libpsx broadcast leaves threads in distinct domains.
  { scenario: 'landlock-scope-signal', variant: 'libpsx', weight: 1, demo: true },
  // The serialisation fix v1/v2 (down_write_killable) deadlocks competing callers.
  { scenario: 'landlock-competing-enablement', variant: 'L8', weight: 1, demo: true, mode: 'controlled' },
  // The seed's A -> B -> C -> A: RCU Tasks' SRCU exit tracking vs a dying PID namespace (before v6.3).
  { scenario: 'rcu-tasks-pidns-deadlock', variant: 'srcu-2022', weight: 1, demo: true },
  // rcutorture's calibration: a broken grace period must show up in the Reader Pipe histogram.
  { scenario: 'srcu-torture', variant: 'busted', weight: 1, demo: true },
];

/**
 * Every correct variant, then the demonstrations. The catalog names them
 * without importing every scenario module before the first run (each run
 * loads its own); without a fresh catalog, the modules are loaded here.
 */
async function plan(): Promise<Entry[]> {
  const cat = readCatalog();
  const out: Entry[] = [];
  for (const [i, b] of BUILTIN_SCENARIOS.entries()) {
    const info = cat.ok ? cat.scenarios[i]! : describeScenario((await loadBuiltin(b.name)).scenario);
    for (const v of info.variants) if (v.kind === 'correct') out.push({ scenario: b.name, variant: v.name, weight: b.name.startsWith('selftest') ? 1 : 3 });
  }
  return [...out, ...DEMOS];
}

export async function campaignCommand(flags: Flags, out: Output, stop: AbortSignal): Promise<number> {
  const budget = numFlag(flags, 'seconds', 60, 1, 1e6)!;
  const seed = resolveSeed(flags);
  const logDir = strFlag(flags, 'log-dir') ?? 'lockstep-logs';
  const json = flags['json'] === true;
  const memoryModel = oneOf(flags, 'memory-model', MEMORY_MODELS, 'sc');
  const weak = memoryModel === 'weak';
  const entries = await plan();
  const totalWeight = entries.reduce((a, e) => a + e.weight, 0);
  const rows: { e: Entry; s: StressSummary; verdict: string; ok: boolean }[] = [];
  const tty = process.stderr.isTTY === true;
  const skipped: { e: Entry; why: string }[] = [];
  if (!json) out.write(`lockstep campaign: ${entries.length} runs, ~${budget}s, seed 0x${(seed >>> 0).toString(16)}${weak ? ', memory model weak (controlled mode)' : ''}\n`);
  for (const e of entries) {
    if (stop.aborted) break;
    const loaded = await loadBuiltin(e.scenario);
    const scenario = loaded.scenario;
    const variant = scenario.variants.find((v) => v.name === e.variant)!;
    const threads = e.threads ?? scenario.threads.default;
    const misfit = weak ? weakMisfit(scenario, threads, scenario.params ?? {}) : null;
    if (misfit !== null) {
      skipped.push({ e, why: misfit });
      if (json) emit(out, { type: 'skipped', scenario: e.scenario, variant: e.variant, reason: misfit });
      continue;
    }
    // The weak model decides what each load reads one task at a time: controlled mode.
    const mode = weak ? 'controlled' : (e.mode ?? 'parallel');
    const seconds = (budget * e.weight) / totalWeight;
    const progress = makeProgress(`${e.scenario}/${e.variant}`, json ? 'none' : tty ? 'tty' : 'plain');
    const s = await runStress({
      scenario: loaded,
      variant,
      threads,
      params: scenario.params ?? {},
      iterations: null,
      seconds,
      seed,
      shard: null,
      mode,
      strategy: strategyByName(mode === 'controlled' ? 'pct' : 'random')!,
      ...(weak ? { memoryModel } : {}),
      depth: 3,
      perturbPermille: 50,
      stopOnFailure: e.demo === true,
      logDir,
      hangMs: scenario.hangMs ?? 2000,
      stepLimit: scenario.stepLimit ?? 200_000,
      maxLogs: 3,
      stop,
      formatRepro: reproCommand,
      onProgress: (p) => progress.update(p),
      onFailure: (f) => {
        if (!json && !e.demo) progress.log(`UNEXPECTED FAIL ${e.scenario}/${e.variant} iteration ${f.iteration}: ${f.kind}: ${f.message.split('\n')[0]}\n  repro: ${f.repro}`);
      },
    });
    progress.done();
    const ok = e.demo ? s.failures > 0 : s.failures === 0;
    const verdict = e.demo ? (s.failures > 0 ? `detected (expected) in ${s.firstFailureSeconds}s` : 'NOT detected') : s.failures === 0 ? 'pass' : 'FAIL';
    rows.push({ e, s, verdict, ok });
    if (json) emit(out, s);
  }
  const bad = rows.filter((r) => !r.ok).length;
  if (json) {
    emit(out, { type: 'campaign', runs: rows.length, unexpected: bad, interrupted: stop.aborted, memoryModel, skipped: skipped.length });
  } else {
    out.write(
      `\n${table(
        ['scenario', 'variant', 'mode', 'threads', 'iterations', 'it/s', 'failures', 'verdict', 'seed logs'],
        rows.map(({ e, s, verdict }) => [
          e.scenario,
          e.variant,
          s.mode,
          String(s.threads),
          String(s.iterations),
          s.itersPerSec.toFixed(0),
          String(s.failures),
          verdict,
          s.logs.length ? s.logs.join(' ') : '-',
        ]),
      )}\n`,
    );
    for (const x of skipped) out.write(`skipped ${x.e.scenario}/${x.e.variant}: ${x.why}\n`);
    out.write(bad === 0 ? `\nall ${rows.length} runs as expected\n` : `\n${bad} run(s) not as expected\n`);
  }
  if (stop.aborted) return bad > 0 ? 1 : 130;
  return bad > 0 ? 1 : 0;
}
