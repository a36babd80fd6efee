/**
 * `lockstep trace LOG`: the logged failing iteration as a picture.
 *
 *  --out FILE    Chrome trace-event JSON (open in https://ui.perfetto.dev or chrome://tracing)
 *  --html FILE   a self-contained page drawing the same timeline
 *  --dot FILE    the wait-for graph of a deadlock or hang, as Graphviz DOT
 *
 * Every output is checked before anything is written, and each file is
 * written whole (temporary name, then rename).
 */
import { UsageError } from '../../runtime/kernel/errors.js';
import { toolVersion } from '../../harness/fingerprint.js';
import type { SeedLog } from '../../harness/seedlog.js';
import { strFlag, type CommandSpec, type Flags } from '../args.js';
import { emit, type Output } from '../output.js';
import { toChromeTrace } from '../trace/chrome.js';
import { graphFromLog, graphToDot } from '../trace/dot.js';
import { toHtml } from '../trace/html.js';
import { buildTimeline, checkTrace, headline } from '../trace/timeline.js';
import { checkOutputPath, writeWhole } from '../trace/write.js';
import { readSeedLog } from '../../harness/replay.js';

export const traceSpec: CommandSpec = {
  name: 'trace',
  summary:
    'Export the failing iteration of a seed log: Chrome/Perfetto trace-event JSON, a self-contained HTML timeline, or the wait-for graph as Graphviz DOT.',
  usage: 'lockstep trace LOG (--out FILE | --html FILE | --dot FILE)... [--yields] [--json]',
  options: {
    out: { type: 'string' },
    html: { type: 'string' },
    dot: { type: 'string' },
    yields: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1, names: 'LOG' },
  help: [
    '  LOG          a seed log written by stress (lockstep-logs/*.json)',
    '  --out FILE   Chrome trace-event JSON: open it in https://ui.perfetto.dev or chrome://tracing.',
    '               One lane per simulated task, a span for every blocking wait (what it waited on)',
    '               and syscall, instant events for starts, exits, syscalls and returns, the failure',
    '               marked, and arrows along the wait-for cycle',
    '  --html FILE  the same timeline as one self-contained HTML page (no network): open it in a browser',
    '  --dot FILE   the wait-for graph of a deadlock or hang as Graphviz DOT (dot -Tsvg FILE > graph.svg)',
    '  --yields     also show every plain yield point (compact instants; busy for long traces)',
    '  --json       print one JSON line {"type":"trace", ...} naming what was written',
  ],
  example:
    'lockstep trace lockstep-logs/selftest-abba-abba-controlled-0x00000003-i0.json --out abba.json --html abba.html --dot abba.dot',
};

export async function traceCommand(flags: Flags, out: Output, positionals: string[]): Promise<number> {
  const path = positionals[0]!;
  const outFile = strFlag(flags, 'out');
  const htmlFile = strFlag(flags, 'html');
  const dotFile = strFlag(flags, 'dot');
  if (outFile === undefined && htmlFile === undefined && dotFile === undefined) {
    throw new UsageError('say what to write: --out FILE (Perfetto JSON), --html FILE (timeline page) or --dot FILE (wait-for graph)');
  }
  const targets = [outFile, htmlFile, dotFile].filter((x): x is string => x !== undefined);
  if (new Set(targets).size !== targets.length) throw new UsageError('--out, --html and --dot must name different files');
  if (outFile !== undefined) checkOutputPath('--out', outFile);
  if (htmlFile !== undefined) checkOutputPath('--html', htmlFile);
  if (dotFile !== undefined) checkOutputPath('--dot', dotFile);

  const log: SeedLog = readSeedLog(path);
  if (targets.includes(path)) throw new UsageError(`refusing to overwrite the seed log ${path}`);
  try {
    checkTrace(log, path);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const graph = graphFromLog(log);
  if (dotFile !== undefined && graph === null) {
    throw new UsageError(`${path}: the ${log.failure.kind} failure left no task blocked, so there is no wait-for graph for --dot`);
  }
  // Build everything first; write only when all of it is ready.
  const tl = buildTimeline(log, { yields: flags['yields'] === true });
  const writes: [string, string, string][] = [];
  if (outFile !== undefined) writes.push(['--out', outFile, `${JSON.stringify(toChromeTrace(tl))}\n`]);
  if (htmlFile !== undefined) writes.push(['--html', htmlFile, toHtml(tl, graph, `lockstep ${toolVersion()}`)]);
  if (dotFile !== undefined) writes.push(['--dot', dotFile, graphToDot(graph!, `${headline(tl.failure).split('\n')[0]}\n${tl.title}`, laneNames(log))]);
  for (const [flag, file, text] of writes) writeWhole(flag, file, text);

  if (flags['json'] === true) {
    emit(out, {
      type: 'trace',
      log: path,
      failure: tl.failure.kind,
      tasks: tl.lanes.length,
      spans: tl.spans.length,
      events: tl.eventCount,
      ...(outFile !== undefined ? { out: outFile } : {}),
      ...(htmlFile !== undefined ? { html: htmlFile } : {}),
      ...(dotFile !== undefined ? { dot: dotFile, graphFrom: graph!.source } : {}),
    });
  } else {
    const waits = tl.spans.filter((s) => s.cat === 'wait').length;
    out.write(`${path}: ${headline(tl.failure)}\n`);
    out.write(`  ${tl.lanes.length} task lanes, ${tl.eventCount} events${tl.truncated ? ' (tail of a longer run)' : ''}, ${waits} blocking waits\n`);
    if (outFile !== undefined) out.write(`  trace-event JSON: ${outFile}  (open in https://ui.perfetto.dev or chrome://tracing)\n`);
    if (htmlFile !== undefined) out.write(`  timeline page:    ${htmlFile}\n`);
    if (dotFile !== undefined) {
      const note = graph!.source === 'cycle' ? ' (from the cycle only: the log has no full graph)' : '';
      out.write(`  wait-for graph:   ${dotFile}  (dot -Tsvg ${dotFile} > graph.svg)${note}\n`);
    }
  }
  return 0;
}

function laneNames(log: SeedLog): Map<number, string> {
  return new Map(log.trace.tasks.map((t) => [t.tid, t.name]));
}
