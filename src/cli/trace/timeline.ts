/**
 * A seed log's trace as a timeline: one lane per simulated task, spans for
 * blocking waits (block -> the task's next wake, or the end of the trace)
 * and for syscalls (syscall -> sysret), instant markers for the events that
 * matter, and the failure. Both exporters (Chrome trace-event JSON and the
 * self-contained HTML page) draw this model, so they show the same thing.
 */
import { waitKindName } from '../../runtime/kernel/waitkind.js';
import type { SeedLog } from '../../harness/seedlog.js';
import type { CycleEntry } from '../../runtime/kernel/waitgraph.js';

export interface Lane {
  readonly tid: number;
  readonly name: string;
  /** Events the task recorded in all (its ring keeps only the last ones). */
  readonly recorded: number;
  /** The task is part of the failure's wait-for cycle. */
  readonly inCycle: boolean;
}

export interface Span {
  readonly tid: number;
  readonly cat: 'wait' | 'syscall';
  /** What the span is: the wait ("mutex 'A' (sync#0)") or the syscall name. */
  readonly name: string;
  /** Label of the yield point where it started. */
  readonly label: string;
  /** The object waited on, as described in the trace ("" if none). */
  readonly obj: string;
  /** Wait kind name (mutex, completion, ...) for waits; "" for syscalls. */
  readonly waitKind: string;
  readonly start: number;
  readonly end: number;
  /** Still open at the end of the trace (never woken, never returned). */
  readonly open: boolean;
  /** Syscalls: the value user space saw (null while open). */
  readonly ret: number | null;
}

export type MarkKind = 'start' | 'exit' | 'syscall' | 'sysret' | 'user' | 'fail' | 'yield' | 'wake' | 'stale';

export interface Mark {
  readonly tid: number;
  readonly kind: MarkKind;
  readonly t: number;
  readonly seq: number;
  readonly label: string;
  readonly obj: string;
  readonly aux: number;
  /** A stale read (weak memory): which store it read. */
  readonly note?: string;
}

export interface TimelineFailure {
  readonly kind: string;
  readonly message: string;
  readonly spec: string | null;
  /** The task that reported it (0: the harness / watchdog). */
  readonly tid: number;
  readonly label: string;
  /** When: the task's `fail` event, or the end of the trace for watchdog reports. */
  readonly t: number;
  readonly cycle: readonly CycleEntry[] | null;
}

export interface Timeline {
  readonly title: string;
  readonly scenario: string;
  readonly variant: string;
  readonly mode: string;
  readonly strategy: string;
  readonly seed: string;
  readonly iteration: number;
  readonly repro: string;
  readonly lanes: readonly Lane[];
  readonly spans: readonly Span[];
  readonly marks: readonly Mark[];
  readonly failure: TimelineFailure;
  /** Time of the first and last event (µs since the iteration started). */
  readonly t0: number;
  readonly end: number;
  /** The trace is the tail of a longer run (rings wrapped or the event limit hit). */
  readonly truncated: boolean;
  readonly eventCount: number;
}

export interface TimelineOptions {
  /** Keep plain `yield` events as marks (default false). */
  readonly yields?: boolean;
}

/** Throws with a one-line reason when the log has no usable trace. */
export function checkTrace(log: SeedLog, path: string): void {
  const tr = (log as { trace?: unknown }).trace as { tasks?: unknown; events?: unknown } | undefined;
  if (!tr || typeof tr !== 'object' || !Array.isArray(tr.tasks) || !Array.isArray(tr.events)) {
    throw new Error(`${path} has no trace (field "trace" with tasks and events is missing or malformed)`);
  }
  for (const e of tr.events as unknown[]) {
    const x = e as Record<string, unknown>;
    if (typeof x !== 'object' || x === null || typeof x['tid'] !== 'number' || typeof x['t'] !== 'number' || typeof x['kind'] !== 'string') {
      throw new Error(`${path}: trace event ${JSON.stringify(e).slice(0, 80)} is malformed (needs tid, kind, t)`);
    }
  }
}

export function buildTimeline(log: SeedLog, opts: TimelineOptions = {}): Timeline {
  const tr = log.trace;
  const events = [...tr.events].sort((a, b) => a.seq - b.seq);
  const cycleTids = new Set((log.failure.cycle ?? []).map((c) => c.tid));
  const lanes = new Map<number, Lane>();
  for (const t of tr.tasks) lanes.set(t.tid, { tid: t.tid, name: t.name, recorded: t.recorded, inCycle: cycleTids.has(t.tid) });
  for (const e of events) if (!lanes.has(e.tid)) lanes.set(e.tid, { tid: e.tid, name: 'task', recorded: 0, inCycle: cycleTids.has(e.tid) });

  // Each task's own clock only moves forward; parallel-mode events from
  // different threads may interleave out of time order, which is fine.
  const last = new Map<number, number>();
  const at = (tid: number, t: number): number => {
    const v = Math.max(t, last.get(tid) ?? Number.NEGATIVE_INFINITY);
    last.set(tid, v);
    return v;
  };
  let t0 = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const e of events) {
    t0 = Math.min(t0, e.t);
    end = Math.max(end, e.t);
  }
  if (!Number.isFinite(t0)) t0 = 0;

  const spans: Span[] = [];
  const marks: Mark[] = [];
  const openWait = new Map<number, { label: string; obj: string; waitKind: string; start: number }>();
  const openSys = new Map<number, { label: string; start: number }[]>();
  let failT: number | null = null;
  let failTid = 0;
  const mark = (e: (typeof events)[number], kind: MarkKind, t: number): void => {
    marks.push({ tid: e.tid, kind, t, seq: e.seq, label: e.label, obj: e.obj, aux: e.aux, ...(e.note ? { note: e.note } : {}) });
  };
  for (const e of events) {
    const t = at(e.tid, e.t);
    switch (e.kind) {
      case 'block': {
        const prev = openWait.get(e.tid);
        if (prev) spans.push(waitSpan(e.tid, prev, t, false));
        openWait.set(e.tid, { label: e.label, obj: e.obj, waitKind: waitKindName(e.aux), start: t });
        break;
      }
      case 'wake': {
        const w = openWait.get(e.tid);
        if (w) {
          spans.push(waitSpan(e.tid, w, t, false));
          openWait.delete(e.tid);
        } else mark(e, 'wake', t);
        break;
      }
      case 'syscall': {
        const stack = openSys.get(e.tid) ?? [];
        // Sys.call() records a syscall event again for each restart: same call, not a nested one.
        if (stack.at(-1)?.label !== e.label) stack.push({ label: e.label, start: t });
        openSys.set(e.tid, stack);
        mark(e, 'syscall', t);
        break;
      }
      case 'sysret': {
        const stack = openSys.get(e.tid) ?? [];
        const i = stack.map((s) => s.label).lastIndexOf(e.label);
        if (i >= 0) {
          // Anything opened after it and not closed (a truncated ring) ends here too.
          for (const s of stack.splice(i).reverse()) spans.push(sysSpan(e.tid, s, t, s.label === e.label ? e.aux : null, false));
        }
        mark(e, 'sysret', t);
        break;
      }
      case 'fail':
        if (failT === null) {
          failT = t;
          failTid = e.tid;
        }
        mark(e, 'fail', t);
        break;
      case 'start':
      case 'exit':
      case 'user':
      case 'stale':
        mark(e, e.kind, t);
        break;
      case 'yield':
        if (opts.yields) mark(e, 'yield', t);
        break;
      default:
        break;
    }
  }
  for (const [tid, w] of openWait) spans.push(waitSpan(tid, w, Math.max(end, w.start), true));
  for (const [tid, stack] of openSys) for (const s of stack) spans.push(sysSpan(tid, s, Math.max(end, s.start), null, true));
  spans.sort((a, b) => a.start - b.start || (a.cat === b.cat ? 0 : a.cat === 'syscall' ? -1 : 1));

  const f = log.failure;
  const failure: TimelineFailure = {
    kind: f.kind,
    message: f.message,
    spec: f.spec ?? null,
    tid: f.tid ?? failTid,
    label: f.label ?? '',
    t: failT ?? end,
    cycle: f.cycle ?? log.graph?.cycle ?? null,
  };
  return {
    title: `${log.scenario}/${log.variant} ${log.mode} ${log.strategy} seed ${log.seed} iteration ${log.iteration}`,
    scenario: log.scenario,
    variant: log.variant,
    mode: log.mode,
    strategy: log.strategy,
    seed: log.seed,
    iteration: log.iteration,
    repro: log.repro,
    lanes: [...lanes.values()].sort((a, b) => a.tid - b.tid),
    spans,
    marks,
    failure,
    t0,
    end,
    truncated: tr.truncated,
    eventCount: events.length,
  };
}

function waitSpan(tid: number, w: { label: string; obj: string; waitKind: string; start: number }, end: number, open: boolean): Span {
  return {
    tid,
    cat: 'wait',
    name: `${w.waitKind}${w.obj ? ` ${w.obj}` : ''}`,
    label: w.label,
    obj: w.obj,
    waitKind: w.waitKind,
    start: w.start,
    end,
    open,
    ret: null,
  };
}

function sysSpan(tid: number, s: { label: string; start: number }, end: number, ret: number | null, open: boolean): Span {
  return { tid, cat: 'syscall', name: s.label, label: s.label, obj: '', waitKind: '', start: s.start, end, open, ret };
}

/** Who reported the failure, in words. */
export function reporter(f: TimelineFailure): string {
  if (f.tid > 0) return `tid ${f.tid}${f.label ? ` at "${f.label}"` : ''}`;
  if (f.kind === 'invariant') return "the scenario's check after the iteration";
  if (f.kind === 'kasan' || f.kind === 'crash') return 'the harness at teardown';
  return 'the harness watchdog';
}

/** The first line of a failure message (the rest is the report). */
export function headline(f: TimelineFailure): string {
  return `${f.kind}${f.spec ? ` (${f.spec})` : ''}: ${f.message.split('\n')[0]}`;
}
