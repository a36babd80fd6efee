/** `lockstep bench`: the tinybench suite (bench/), with baselines measured in the same run. */
import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { strFlag, type CommandSpec, type Flags } from '../args.js';
import type { Output } from '../output.js';

export const benchSpec: CommandSpec = {
  name: 'bench',
  summary: 'Run the benchmark suite: runtime figures beside raw baselines measured in the same run, as ratios with their spread, and the time to first detection of planted bugs per strategy.',
  usage: 'lockstep bench [--quick] [--json FILE] [--markdown FILE]',
  options: { quick: { type: 'boolean' }, json: { type: 'string' }, markdown: { type: 'string' } },
  help: [
    '  --quick          short sampling and a subset of the cases (CI smoke: under a minute)',
    '  --json FILE      write every result (median, p99, spread, samples, ratio, detection runs, machine fingerprint) and the SVG plot beside it',
    '  --markdown FILE  write a BENCHMARKS.md-style report of this run (needs --json for the plots)',
  ],
  example: 'lockstep bench --quick --json bench-results/quick.json',
};

export async function benchCommand(flags: Flags, out: Output): Promise<number> {
  const suite = await import('../../../bench/suite.js');
  const file = strFlag(flags, 'json');
  const report = await suite.runSuite({ quick: flags['quick'] === true }, (l: string) => out.error(`${l}\n`));
  out.write(`${suite.formatReport(report)}\n`);
  let plots: string[] = [];
  if (file) {
    plots = suite.writeReport(file, report);
    out.write(`results written to ${file}${plots.length ? ` (plots: ${plots.join(', ')})` : ''}\n`);
  }
  const md = strFlag(flags, 'markdown');
  if (md) {
    const { benchmarksMarkdown } = await import('../../../bench/markdown.js');
    const rel = plots.map((p) => relative(dirname(resolve(md)), resolve(p)));
    writeFileSync(md, benchmarksMarkdown(report, rel, `lockstep bench${flags['quick'] ? ' --quick' : ''}`));
    out.write(`report written to ${md}\n`);
  }
  if (report.errors.length) {
    out.error(`${report.errors.length} benchmark(s) did not complete (listed above)\n`);
    return 1;
  }
  return 0;
}
