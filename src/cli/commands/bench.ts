/** `lockstep bench`: the tinybench suite (bench/), with baselines measured in the same run. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UsageError } from '../../runtime/kernel/errors.js';
import { strFlag, type CommandSpec, type Flags } from '../args.js';
import type { Output } from '../output.js';

export const benchSpec: CommandSpec = {
  name: 'bench',
  summary: 'Run the benchmark suite: runtime figures beside raw baselines measured in the same run, as ratios with their spread, and the time to first detection of planted bugs per strategy.',
  usage: 'lockstep bench [--quick] [--json FILE] [--markdown FILE] | lockstep bench --from-json FILE --markdown FILE',
  options: { quick: { type: 'boolean' }, json: { type: 'string' }, markdown: { type: 'string' }, 'from-json': { type: 'string' } },
  help: [
    '  --quick           short sampling and a subset of the cases (CI smoke: under a minute)',
    '  --json FILE       write every result (median, p99, spread, samples, ratio, detection runs, machine fingerprint) and the SVG plots (TSYNC, SRCU) beside it',
    '  --markdown FILE   write a BENCHMARKS.md-style report of this run (needs --json for the plots)',
    '  --from-json FILE  do not run: render --markdown (and the plots beside FILE) from the report of an earlier run',
  ],
  example: 'lockstep bench --quick --json bench-results/quick.json',
};

export async function benchCommand(flags: Flags, out: Output): Promise<number> {
  const suite = await import('../../../bench/suite.js');
  const from = strFlag(flags, 'from-json');
  const md = strFlag(flags, 'markdown');
  let file = strFlag(flags, 'json');
  let report: Awaited<ReturnType<typeof suite.runSuite>>;
  let plots: string[] = [];
  if (from !== undefined) {
    if (md === undefined || file !== undefined || flags['quick'] !== undefined) throw new UsageError('--from-json FILE takes --markdown FILE and nothing else');
    try {
      report = JSON.parse(readFileSync(from, 'utf8')) as typeof report;
    } catch (e) {
      throw new UsageError(`--from-json ${from}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!Array.isArray(report.results) || !Array.isArray(report.detection)) throw new UsageError(`--from-json ${from}: not a lockstep bench report`);
    plots = suite.writePlots(from, report);
    file = from;
  } else {
    report = await suite.runSuite({ quick: flags['quick'] === true }, (l: string) => out.error(`${l}\n`));
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
