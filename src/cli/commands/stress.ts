/** `lockstep stress`: run one scenario variant many times, report failures with seed logs. */
import { UsageError } from '../../runtime/kernel/errors.js';
import { runStress, type FailureRecord, type StressSummary } from '../../harness/campaign.js';
import { intFlag, numFlag, oneOf, strFlag, type CommandSpec, type Flags } from '../args.js';
import { makeProgress, table } from '../progress.js';
import { resolveExplore, resolveMemoryModel, resolveParams, resolveScenario, resolveSeed, resolveShard, resolveStrategy, resolveThreads, resolveVariant } from '../resolve.js';
import { formatExploration } from '../explore-summary.js';
import { emit, type Output } from '../output.js';
import { reproCommand } from '../repro.js';
import { formatPctBound } from '../../harness/hunt.js';
import { graphToDot, liveGraph } from '../trace/dot.js';
import { checkOutputPath, writeWhole } from '../trace/write.js';

export const stressSpec: CommandSpec = {
  name: 'stress',
  summary: 'Run a scenario variant for K iterations or T seconds on real threads; every failure writes a seed log and prints a line that reproduces it.',
  usage:
    'lockstep stress (--scenario NAME | --scenario-file PATH) [--variant V] [--threads N] [--iterations K | --seconds T] [--seed S] [--mode parallel|controlled] [--strategy none|random|pct|dfs] [--depth D] [--pct-steps K] [--preemption-bound P | --delay-bound D] [--bound-mode fixed|iterative] [--reduction none|sleep|dpor] [--memory-model sc|weak] [--explore-exit atomic|explored] [--log-dir DIR] [--stop-on-failure] [--shard I/N|auto[/N]] [--dot FILE] [--json]',
  options: {
    scenario: { type: 'string' },
    'scenario-file': { type: 'string' },
    variant: { type: 'string' },
    threads: { type: 'string' },
    iterations: { type: 'string' },
    seconds: { type: 'string' },
    seed: { type: 'string' },
    mode: { type: 'string' },
    strategy: { type: 'string' },
    depth: { type: 'string' },
    'pct-steps': { type: 'string' },
    'preemption-bound': { type: 'string' },
    'delay-bound': { type: 'string' },
    'bound-mode': { type: 'string' },
    reduction: { type: 'string' },
    'memory-model': { type: 'string' },
    'explore-exit': { type: 'string' },
    'log-dir': { type: 'string' },
    'stop-on-failure': { type: 'boolean' },
    shard: { type: 'string' },
    json: { type: 'boolean' },
    param: { type: 'string', multiple: true },
    'hang-ms': { type: 'string' },
    perturb: { type: 'string' },
    dot: { type: 'string' },
  },
  help: [
    '  --scenario NAME          a built-in scenario (lockstep list)',
    '  --scenario-file PATH     your own scenario module (.ts or .js; compiled on the fly)',
    '  --variant V              variant to run (default: the correct one)',
    '  --threads N              simulated threads (scenario range)',
    '  --iterations K           stop after K iterations (default 1000; dfs: no limit)',
    '  --seconds T              or stop after T seconds (dfs default: 300)',
    '  --seed S                 run seed, decimal or 0x-hex (default: random, printed)',
    '  --mode M                 parallel (real cores, default) or controlled (one thread at a time, exact replay)',
    '  --strategy S             none, random (default), pct, or dfs (controlled: every schedule, docs/EXPLORATION.md)',
    '  --depth D                PCT depth (default 3)',
    '  --pct-steps K            PCT step bound k (default: estimated from the runs)',
    '  --preemption-bound P     dfs: only schedules with at most P preemptions',
    '  --delay-bound D          dfs: only schedules at most D delays from round robin',
    '  --bound-mode M           dfs: fixed (default) or iterative (bound 0, 1, 2 ... until the budget ends)',
    '  --reduction R            dfs: dpor (default without a bound), sleep, or none (default with a bound)',
    '  --memory-model M         sc (default: every access sequentially consistent) or weak (controlled mode:',
    '                           a load may read an older store, as the kernel memory model allows; docs/MEMORY-MODEL.md)',
    '  --explore-exit E         dfs: explored (interleave do_exit, default) or atomic (each exit one step)',
    '  --log-dir DIR            where seed logs go (default ./lockstep-logs)',
    '  --stop-on-failure        stop at the first failure',
    '  --shard I/N              run shard I of N of the seed space (needs --seed)',
    '  --shard auto[/N]         take I and N from the job runner: JOB_COMPLETION_INDEX (Kubernetes',
    '                           Indexed Job; give N), CI_NODE_INDEX/CI_NODE_TOTAL (GitLab CI parallel:)',
    '  --param name=value       override a scenario parameter (repeatable)',
    '  --hang-ms MS             watchdog: ms without progress before a hang (default 2000)',
    '  --perturb P              parallel mode: delay probability per yield point, per mille (default 50)',
    '  --dot FILE               write the wait-for graph of the first deadlock or hang as Graphviz DOT',
    '  --json                   JSON Lines on stdout; the last line is the summary',
  ],
  example: 'lockstep stress --scenario tw-barrier --threads 4 --seconds 10 --seed 0x2a',
};

export async function stressCommand(flags: Flags, out: Output, stop: AbortSignal): Promise<number> {
  const loaded = await resolveScenario(flags);
  const sc = loaded.scenario;
  const variant = resolveVariant(sc, strFlag(flags, 'variant'));
  const params = resolveParams(sc, flags, variant);
  const threads = resolveThreads(sc, flags, params);
  if (flags['iterations'] !== undefined && flags['seconds'] !== undefined) {
    throw new UsageError('give either --iterations K or --seconds T, not both');
  }
  const strategy = resolveStrategy(flags, 'random');
  const explore = resolveExplore(flags, strategy, sc);
  // An exploration runs until its space is exhausted, within a time budget.
  const seconds = numFlag(flags, 'seconds', explore && flags['iterations'] === undefined ? 300 : null, 0.001, 1e7);
  const iterations = intFlag(flags, 'iterations', seconds === null ? 1000 : null, 1);
  const memoryModel = resolveMemoryModel(flags, sc, threads, params);
  const mode = oneOf(flags, 'mode', ['parallel', 'controlled'] as const, explore || memoryModel === 'weak' ? 'controlled' : 'parallel');
  if (memoryModel === 'weak' && mode !== 'controlled') throw new UsageError('--memory-model weak runs in controlled mode only (use --mode controlled)');
  if (explore && mode !== 'controlled') throw new UsageError('--strategy dfs enumerates controlled schedules: it needs --mode controlled');
  const pctSteps = intFlag(flags, 'pct-steps', null, 1, 1 << 30);
  if (pctSteps !== null && strategy.name !== 'pct') throw new UsageError('--pct-steps applies to --strategy pct only');
  const depth = intFlag(flags, 'depth', 3, 1, 17)!;
  const seed = resolveSeed(flags);
  const shard = resolveShard(flags);
  if (shard?.from) out.error(`${shard.from}\n`);
  const logDir = strFlag(flags, 'log-dir') ?? 'lockstep-logs';
  const hangMs = intFlag(flags, 'hang-ms', sc.hangMs ?? 2000, 50, 3_600_000)!;
  const perturb = intFlag(flags, 'perturb', 50, 0, 1000)!;
  const json = flags['json'] === true;
  const dotFile = strFlag(flags, 'dot');
  if (dotFile !== undefined) checkOutputPath('--dot', dotFile);
  let dotWritten = false;
  const progress = makeProgress(`${sc.name}/${variant.name}`, json ? 'none' : process.stderr.isTTY ? 'tty' : 'plain');
  const failures: FailureRecord[] = [];
  const summary = await runStress({
    scenario: loaded,
    variant,
    threads,
    params,
    iterations,
    seconds,
    seed,
    shard: shard?.range ?? null,
    mode,
    strategy,
    depth,
    perturbPermille: perturb,
    stopOnFailure: flags['stop-on-failure'] === true,
    logDir,
    hangMs,
    stepLimit: sc.stepLimit ?? 200_000,
    ...(explore ? { explore } : {}),
    ...(memoryModel === 'weak' ? { memoryModel } : {}),
    ...(pctSteps !== null ? { pctSteps } : {}),
    stop,
    formatRepro: reproCommand,
    onProgress: (p) => {
      progress.update(p);
      if (json) emit(out, { type: 'progress', ...p });
    },
    onFailure: (f) => {
      failures.push(f);
      const dot = dotFile !== undefined && !dotWritten && f.graph !== null && ['deadlock', 'hang', 'gp-stall'].includes(f.kind);
      if (dot) {
        const names = new Map(f.log.trace.tasks.map((t) => [t.tid, t.name]));
        const title = `${f.kind}: ${f.message.split('\n')[0]}\n${sc.name}/${variant.name} ${mode} ${strategy.name} seed ${f.log.seed} iteration ${f.iteration}`;
        writeWhole('--dot', dotFile, graphToDot(liveGraph(f.graph!), title, names));
        dotWritten = true;
      }
      if (json) {
        if (dot) emit(out, { type: 'dot', iteration: f.iteration, kind: f.kind, file: dotFile });
        emit(out, { type: 'failure', iteration: f.iteration, kind: f.kind, message: f.message, spec: f.spec, log: f.logPath, repro: f.repro, ...(f.log.failure.cycle ? { cycle: f.log.failure.cycle } : {}) });
      } else {
        progress.log(`FAIL iteration ${f.iteration}: ${f.kind}${f.spec ? ` (${f.spec})` : ''}: ${f.message.split('\n')[0]}`);
        for (const line of f.message.split('\n').slice(1, 12)) progress.log(`    ${line}`);
        for (const line of huntLines(f)) progress.log(`  ${line}`);
        progress.log(`  repro: ${f.repro}`);
        if (dot) progress.log(`  wait-for graph: ${dotFile} (dot -Tsvg ${dotFile} > graph.svg)`);
      }
    },
  });
  progress.done();
  if (dotFile !== undefined && !dotWritten) out.error(`no deadlock or hang was found: --dot ${dotFile} not written\n`);
  if (json) emit(out, summary);
  else {
    out.write(`${formatSummary([summary])}\n`);
    if (summary.pctBound) out.write(`${formatPctBound(summary.pctBound)}\n`);
    if (summary.exploration) out.write(`${formatExploration(summary)}\n`);
    if (summary.error) out.error(`lockstep: ${summary.error}\n`);
    if (summary.conversions) {
      out.write(`parallel failures converted to exact controlled schedules: ${summary.conversions.reproduced}/${summary.conversions.tried}\n`);
    }
  }
  if (summary.failures > 0) return 1;
  if (summary.error) return 2;
  return summary.interrupted ? 130 : 0;
}

/** What the hunt made of a failure: conversion to an exact schedule, shrinking, bug depth. */
export function huntLines(f: FailureRecord): string[] {
  const out: string[] = [];
  const c = f.log.conversion;
  if (c) {
    out.push(
      c.reproduced
        ? `recorded global order replayed in controlled mode: same failure (exact schedule, ${c.misses} order entries skipped)`
        : `recorded global order replayed in controlled mode: ${c.kind ? `a different failure (${c.kind})` : 'no failure'}; use replay --runs K for a reproduction rate`,
    );
  }
  const m = f.log.minimized;
  if (m) {
    out.push(`shrunk from ${m.fromPreemptions} to ${m.preemptions} preemption(s), ${m.steps} steps, in ${m.attempts} runs: bug depth ${m.depth}`);
  }
  return out;
}

export function formatSummary(rows: readonly StressSummary[]): string {
  return table(
    ['scenario', 'variant', 'mode', 'strategy', 'threads', 'iterations', 'it/s', 'failures', 'seed', 'logs'],
    rows.map((s) => [
      s.scenario,
      s.variant,
      s.mode,
      s.strategy,
      String(s.threads),
      String(s.iterations),
      s.itersPerSec.toFixed(1),
      s.failures === 0 ? '0' : `${s.failures}${s.expect === 'fail' ? ' (expected)' : ''}`,
      s.seed,
      s.logs.length ? s.logs.join(' ') : '-',
    ]),
  );
}
