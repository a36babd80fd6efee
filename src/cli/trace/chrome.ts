/**
 * Chrome trace-event JSON (the "JSON Object Format" that Perfetto and
 * chrome://tracing open): one process for the iteration, one thread lane
 * per simulated task (`thread_name` metadata), "X" complete events for
 * blocking waits and syscalls, "i" instant events for starts, exits,
 * syscalls and returns, user marks, and the failure (a global instant plus
 * one on the reporting task), and flow arrows along the wait-for cycle.
 * Timestamps are microseconds since the iteration started, as recorded.
 */
import { toolVersion } from '../../harness/fingerprint.js';
import { headline, reporter, type Mark, type Timeline } from './timeline.js';

export interface TraceEvent {
  readonly name: string;
  readonly ph: 'M' | 'X' | 'i' | 's' | 'f';
  readonly ts: number;
  readonly pid: number;
  readonly tid: number;
  readonly cat?: string;
  readonly dur?: number;
  readonly s?: 't' | 'p' | 'g';
  readonly id?: number;
  readonly bp?: 'e';
  readonly args?: Record<string, unknown>;
}

export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Record<string, unknown>;
}

const PID = 1;

export function laneName(l: { tid: number; name: string }): string {
  return `${l.name} (tid ${l.tid})`;
}

function markName(m: Mark): string {
  switch (m.kind) {
    case 'start':
      return `start ${m.label}`;
    case 'exit':
      return `exit(${m.aux})`;
    case 'syscall':
      return m.label;
    case 'sysret':
      return `${m.label} = ${m.aux}`;
    case 'fail':
      return `FAIL at ${m.label}`;
    case 'wake':
      return `wake ${m.label}`;
    case 'stale':
      return `stale read ${m.obj}: ${m.note ?? ''}`;
    default:
      return m.obj ? `${m.label} ${m.obj}` : m.label;
  }
}

export function toChromeTrace(tl: Timeline): ChromeTrace {
  const ev: TraceEvent[] = [];
  ev.push({ name: 'process_name', ph: 'M', ts: 0, pid: PID, tid: 0, args: { name: `lockstep ${tl.title}` } });
  if (tl.failure.tid <= 0) {
    // The harness reported it (watchdog, check, teardown): its marker gets a lane of its own.
    ev.push({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: 0, args: { name: `harness (${reporter(tl.failure).replace(/^the /, '')})` } });
    ev.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: PID, tid: 0, args: { sort_index: 1_000_000 } });
  }
  for (const l of tl.lanes) {
    ev.push({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid: l.tid, args: { name: laneName(l) } });
    ev.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: PID, tid: l.tid, args: { sort_index: l.tid } });
  }
  for (const s of tl.spans) {
    const args: Record<string, unknown> =
      s.cat === 'wait'
        ? { label: s.label, object: s.obj, waitKind: s.waitKind, ...(s.open ? { unfinished: 'still blocked at the end of the trace' } : {}) }
        : { ...(s.ret !== null ? { ret: s.ret } : {}), ...(s.open ? { unfinished: 'had not returned at the end of the trace' } : {}) };
    ev.push({
      name: s.cat === 'wait' ? `wait ${s.name} @ ${s.label}` : s.name,
      cat: s.cat,
      ph: 'X',
      ts: s.start,
      dur: Math.max(s.end - s.start, 1),
      pid: PID,
      tid: s.tid,
      args,
    });
  }
  for (const m of tl.marks) {
    ev.push({
      name: markName(m),
      cat: m.kind,
      ph: 'i',
      s: 't',
      ts: m.t,
      pid: PID,
      tid: m.tid,
      args: { seq: m.seq, label: m.label, ...(m.obj ? { object: m.obj } : {}), ...(m.kind === 'sysret' || m.kind === 'exit' ? { value: m.aux } : {}), ...(m.note ? { note: m.note } : {}) },
    });
  }
  const f = tl.failure;
  const fargs = {
    kind: f.kind,
    message: f.message,
    ...(f.spec ? { spec: f.spec } : {}),
    ...(f.label ? { label: f.label } : {}),
    reportedBy: reporter(f),
    ...(f.cycle ? { cycle: f.cycle.map((c) => `${c.tid} (${c.name}) waits on ${c.waitsOn} at "${c.label}"`) } : {}),
    repro: tl.repro,
  };
  const fname = `FAILURE ${headline(f)}`;
  ev.push({ name: fname, cat: 'failure', ph: 'i', s: 'g', ts: f.t, pid: PID, tid: f.tid > 0 ? f.tid : 0, args: fargs });
  ev.push({ name: fname, cat: 'failure', ph: 'i', s: 't', ts: f.t, pid: PID, tid: f.tid > 0 ? f.tid : 0, args: fargs });
  // The wait-for cycle: an arrow from each waiter's last wait to the task it waits for.
  if (f.cycle && f.cycle.length > 0) {
    const lastWait = new Map<number, { start: number }>();
    for (const s of tl.spans) if (s.cat === 'wait') lastWait.set(s.tid, s);
    f.cycle.forEach((c, i) => {
      const next = f.cycle![(i + 1) % f.cycle!.length]!;
      const from = lastWait.get(c.tid);
      const to = lastWait.get(next.tid);
      if (!from || !to) return;
      const name = `waits for tid ${next.tid}: ${c.waitsOn}`;
      ev.push({ name, cat: 'cycle', ph: 's', id: i + 1, ts: from.start, pid: PID, tid: c.tid });
      // Flows run forward in time; the releaser's last wait is open to the end, so it encloses this point.
      ev.push({ name, cat: 'cycle', ph: 'f', bp: 'e', id: i + 1, ts: Math.max(to.start, from.start), pid: PID, tid: next.tid });
      ev.push({ name: `in wait-for cycle: ${name}`, cat: 'cycle', ph: 'i', s: 't', ts: from.start, pid: PID, tid: c.tid, args: { label: c.label } });
    });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ms',
    otherData: {
      tool: `lockstep ${toolVersion()}`,
      scenario: tl.scenario,
      variant: tl.variant,
      mode: tl.mode,
      strategy: tl.strategy,
      seed: tl.seed,
      iteration: tl.iteration,
      failure: headline(f),
      repro: tl.repro,
      truncated: tl.truncated,
      events: tl.eventCount,
    },
  };
}
