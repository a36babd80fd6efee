/** `lockstep bench`: the tinybench suite (bench/), with baselines measured in the same run. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UsageError } from '../../runtime/kernel/errors.js';
import { intFlag, strFlag, type CommandSpec, type Flags } from '../args.js';
import { formatRuns, GROUPS, MAX_REPEAT, selectGroups, type GroupName } from '../../../bench/groups.js';
import type { Output } from '../output.js';

export const benchSpec: CommandSpec = {
  name: 'bench',
  summary: 'Run the benchmark suite: runtime figures beside raw baselines measured in the same run, as ratios with their spread, and the time to first detection of planted bugs per strategy.',
  usage: 'lockstep bench [--quick] [--group G[,G...]] [--repeat N] [--json FILE] [--markdown FILE] | lockstep bench --from-json FILE --markdown FILE',
  options: { quick: { type: 'boolean' }, json: { type: 'string' }, markdown: { type: 'string' }, 'from-json': { type: 'string' }, group: { type: 'string' }, repeat: { type: 'string' } },
  help: [
    '  --quick           short sampling and a subset of the cases (CI smoke: under a minute)',
    `  --group G,...     run only these groups (${GROUPS.join(', ')}), with the groups their baselines come from (tsync: floor; srcu-sync: handoff)`,
    `  --repeat N        run the suite (or the groups) N times in a row (1..${MAX_REPEAT}), print each run and then every figure's median and ratio across the runs: lowest, median, highest`,
    '  --json FILE       write every result (median, p99, spread, samples, ratio, detection runs, machine fingerprint) and the SVG plots (TSYNC, SRCU) beside it; with --repeat, every run and the summary, rewritten after each run',
    '  --markdown FILE   write a BENCHMARKS.md-style report of this run (needs --json for the plots; a whole run: not with --group or --repeat)',
    '  --from-json FILE  do not run: render --markdown (and the plots beside FILE) from the report of an earlier run',
  ],
  example: 'lockstep bench --group handoff --repeat 5 --json bench-results/handoff.json',
};

export async function benchCommand(flags: Flags, out: Output): Promise<number> {
  const from = strFlag(flags, 'from-json');
  const md = strFlag(flags, 'markdown');
  const groupList = strFlag(flags, 'group');
  const repeat = intFlag(flags, 'repeat', 1, 1, MAX_REPEAT)!;
  let file = strFlag(flags, 'json');
  if (from !== undefined && (md === undefined || file !== undefined || flags['quick'] !== undefined || groupList !== undefined || flags['repeat'] !== undefined)) {
    throw new UsageError('--from-json FILE takes --markdown FILE and nothing else');
  }
  if (md !== undefined && from === undefined && (groupList !== undefined || repeat > 1)) throw new UsageError('--markdown renders one run of the whole suite: not with --group or --repeat');
  const groups = groupList !== undefined ? selectGroups(groupList) : GROUPS;
  const suite = await import('../../../bench/suite.js');
  let report: Awaited<ReturnType<typeof suite.runSuite>>;
  let plots: string[] = [];
  if (from !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(from, 'utf8'));
    } catch (e) {
      throw new UsageError(`--from-json ${from}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if ((parsed as { format?: unknown } | null)?.format === suite.RUNS_FORMAT) throw new UsageError(`--from-json ${from}: a report of repeated runs (--repeat); --markdown renders the report of one run`);
    report = parsed as typeof report;
    if (!Array.isArray(report?.results) || !Array.isArray(report.detection)) throw new UsageError(`--from-json ${from}: not a lockstep bench report`);
    if (report.groups !== undefined) throw new UsageError(`--from-json ${from}: a run of some groups (${report.groups.join(', ')}); --markdown renders a run of the whole suite`);
    plots = suite.writePlots(from, report);
    file = from;
  } else {
    const o = { quick: flags['quick'] === true };
    const log = (l: string): void => out.error(`${l}\n`);
    if (repeat > 1) return runRepeated(suite, o, groups, repeat, file, log, out);
    report = await suite.runSuite(o, log, groups);
    out.write(`${suite.formatReport(report)}\n`);
    if (file) {
      plots = suite.writeReport(file, report);
      out.write(`results written to ${file}${plots.length ? ` (plots: ${plots.join(', ')})` : ''}\n`);
    }
  }
  if (md) {
    const { benchmarksMarkdown } = await import('../../../bench/markdown.js');
    const rel = plots.map((p) => relative(dirname(resolve(md)), resolve(p)));
    writeFileSync(md, benchmarksMarkdown(report, rel, `lockstep bench${report.quick ? ' --quick' : ''}`));
    out.write(`report written to ${md}${from !== undefined ? ` from ${file}` : ''}\n`);
  }
  if (report.errors.length) {
    out.error(`${report.errors.length} benchmark(s) did not complete (see "did not complete" in the report)\n`);
    return 1;
  }
  return 0;
}

/**
 * --repeat: the selected groups `n` times in a row, each run's table as it
 * ends (and the --json file rewritten with every run so far), then each
 * figure across the runs.
 */
async function runRepeated(
  suite: typeof import('../../../bench/suite.js'),
  o: { quick: boolean },
  groups: readonly GroupName[],
  n: number,
  file: string | undefined,
  log: (l: string) => void,
  out: Output,
): Promise<number> {
  const runs: Awaited<ReturnType<typeof suite.runSuite>>[] = [];
  let failed = 0;
  for (let i = 1; i <= n; i++) {
    log(`run ${i} of ${n}:`);
    const r = await suite.runSuite(o, log, groups);
    runs.push(r);
    failed += r.errors.length;
    out.write(`run ${i} of ${n}\n${suite.formatReport(r)}\n\n`);
    if (file) suite.writeRunsReport(file, runs);
  }
  out.write(`${formatRuns(suite.runsSummary(runs), n)}\n`);
  if (file) out.write(`results written to ${file}\n`);
  if (failed) {
    out.error(`${failed} benchmark(s) did not complete over the ${n} runs (see "did not complete" in the runs' reports)\n`);
    return 1;
  }
  return 0;
}
