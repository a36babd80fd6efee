/**
 * The wait-for graph of a deadlock or hang as Graphviz DOT: one node per
 * task (name, state, what it waits on and where), an edge "waits for" from
 * each blocked task to every task that can release it, labelled with the
 * object and why; the edges of the wait-for cycle are drawn bold and red.
 * Render with `dot -Tsvg FILE > graph.svg`.
 */
import type { SeedLog, SeedLogGraph } from '../../harness/seedlog.js';
import type { CycleEntry, WaitGraph, WaitNode } from '../../runtime/kernel/waitgraph.js';

export interface GraphLike {
  readonly kind: string;
  readonly nodes: readonly WaitNode[];
  readonly runnable: readonly number[];
  readonly cycle: readonly CycleEntry[] | null;
}

const STATE_NAMES: Readonly<Record<string, string>> = {
  R: 'runnable',
  S: 'interruptible sleep',
  D: 'uninterruptible sleep',
  K: 'killable sleep',
  Z: 'zombie',
  X: 'dead',
  N: 'new',
};

/** A DOT double-quoted string (newlines become \n line breaks). */
export function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

export function graphToDot(g: GraphLike, title: string, names: ReadonlyMap<number, string> = new Map()): string {
  const cycle = g.cycle ?? [];
  const cycleEdges = new Set<string>();
  cycle.forEach((c, i) => cycleEdges.add(`${c.tid}->${cycle[(i + 1) % cycle.length]!.tid}`));
  const inCycle = new Set(cycle.map((c) => c.tid));
  const lines: string[] = [
    'digraph waitfor {',
    `  graph [label=${dotString(title)}, labelloc=t, fontname="Helvetica", rankdir=LR, nodesep=0.5];`,
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const declared = new Set<number>();
  for (const n of g.nodes) {
    declared.add(n.tid);
    const state = STATE_NAMES[n.state] ?? n.state;
    const label = `tid ${n.tid} ${n.name} [${n.state}: ${state}]\nwaits on ${n.waitsOn}${n.label ? `\nat "${n.label}"` : ''}`;
    const style = inCycle.has(n.tid) ? ', color="#c62828", fillcolor="#ffebee", penwidth=2' : ', fillcolor="#fff8e1"';
    lines.push(`  t${n.tid} [label=${dotString(label)}${style}];`);
  }
  const extra = (tid: number): void => {
    if (declared.has(tid)) return;
    declared.add(tid);
    const runnable = g.runnable.includes(tid);
    const name = names.get(tid) ?? 'task';
    const label = `tid ${tid} ${name}${runnable ? ' [R: runnable]' : ''}`;
    lines.push(`  t${tid} [label=${dotString(label)}${runnable ? ', fillcolor="#e8f5e9"' : ', style="rounded,dashed"'}];`);
  };
  let unknown = 0;
  for (const n of g.nodes) {
    if (n.releasers.length === 0) {
      // Nobody known can release it (a completion or wait queue): say who would have to.
      const id = `u${unknown++}`;
      lines.push(`  ${id} [label=${dotString(n.why || 'unknown')}, shape=note, style="dashed", fontsize=10];`);
      lines.push(`  t${n.tid} -> ${id} [label=${dotString(`${n.waitsOn}\n(no known releaser)`)}, style=dashed, color="#757575"];`);
      continue;
    }
    for (const r of n.releasers) {
      extra(r);
      const hot = cycleEdges.has(`${n.tid}->${r}`);
      const label = `${n.waitsOn}${n.why ? `\n(${n.why})` : ''}`;
      lines.push(`  t${n.tid} -> t${r} [label=${dotString(label)}${hot ? ', color="#c62828", fontcolor="#c62828", penwidth=2.5' : ''}];`);
    }
  }
  for (const t of g.runnable) extra(t);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** From the harness's live graph (stress --dot). */
export function liveGraph(g: WaitGraph): GraphLike {
  return { kind: g.kind, nodes: g.nodes, runnable: g.runnable, cycle: g.cycle };
}

const REPORT_LINE = /^\s+tid (\d+) (\S+) \[(\w)\] (.*) at "(.*)" released by ([\d,]+|-) \((.*)\)$/;

/**
 * The best graph a seed log gives: its `graph` field (logs written by this
 * version), else the "blocked tasks:" lines of the failure report, else
 * just the cycle. Null when the failure left no task blocked.
 */
export function graphFromLog(log: SeedLog): (GraphLike & { source: 'graph' | 'report' | 'cycle' }) | null {
  const stored: SeedLogGraph | undefined = log.graph;
  const stall = ['deadlock', 'hang', 'gp-stall'].includes(log.failure.kind);
  if (stored && Array.isArray(stored.nodes) && (stored.nodes.length > 0 || stall)) {
    return { kind: stored.kind, nodes: stored.nodes, runnable: stored.runnable ?? [], cycle: stored.cycle ?? log.failure.cycle ?? null, source: 'graph' };
  }
  const nodes: WaitNode[] = [];
  let runnable: number[] = [];
  for (const line of log.failure.message.split('\n')) {
    const m = REPORT_LINE.exec(line);
    if (m) {
      nodes.push({
        tid: Number(m[1]),
        name: m[2]!,
        state: m[3]!,
        waitsOn: m[4]!,
        label: m[5]!,
        releasers: m[6] === '-' ? [] : m[6]!.split(',').map(Number),
        why: m[7]!,
      });
    }
    const r = /^runnable: ([\d, ]+)$/.exec(line);
    if (r) runnable = r[1]!.split(',').map((x) => Number(x.trim()));
  }
  const cycle = log.failure.cycle ?? null;
  const kind = log.failure.kind;
  if (nodes.length > 0) return { kind, nodes, runnable, cycle, source: 'report' };
  if (cycle && cycle.length > 0) {
    const cnodes = cycle.map((c, i) => ({
      tid: c.tid,
      name: c.name,
      state: '?',
      waitsOn: c.waitsOn,
      label: c.label,
      releasers: [cycle[(i + 1) % cycle.length]!.tid],
      why: '',
    }));
    return { kind, nodes: cnodes, runnable: [], cycle, source: 'cycle' };
  }
  return null;
}
