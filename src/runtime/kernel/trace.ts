/**
 * The merged trace of an iteration: every task's event ring, ordered by the
 * global sequence number. Rings are bounded (the last `ringEvents` events
 * per task are kept), so a trace is the tail of a long run.
 */
import { EV_NAMES, Ev } from './constants.js';
import type { Kernel } from './kernel.js';
import { labelText } from './labels.js';
import { EV_AUX, EV_KIND, EV_LABEL, EV_OBJ, EV_SEQ, EV_TIME, EV_WORDS, T_BODY, T_RING_HEAD } from './layout.js';
import { describeObject } from './waitgraph.js';

export interface TraceEvent {
  readonly seq: number;
  readonly tid: number;
  readonly kind: string;
  readonly label: string;
  /** Object touched or waited on, described ("mutex 'A' (sync#0)"), or "". */
  readonly obj: string;
  readonly aux: number;
  /** Microseconds since the iteration started. */
  readonly t: number;
  /** What the event means beyond its kind (a stale read: the store it read). */
  readonly note?: string;
}

export interface TraceTask {
  readonly tid: number;
  readonly name: string;
  /** Events this task recorded in all (the ring keeps the last ringEvents). */
  readonly recorded: number;
}

export interface Trace {
  readonly tasks: readonly TraceTask[];
  readonly events: readonly TraceEvent[];
  readonly truncated: boolean;
}

/** A stale read (access.ts): aux packs the writer's tid (0: the initial value) and its store number. */
function staleNote(aux: number): string {
  const tid = aux >>> 20;
  const n = aux & 0xfffff;
  return tid === 0 ? 'read the initial value, not the latest store' : `read the store #${n} of tid ${tid}, not the latest store`;
}

export function collectTrace(k: Kernel, limit = 20000): Trace {
  const i32 = k.i32;
  const L = k.L;
  const n = k.nrSlots();
  const ringEvents = L.config.ringEvents;
  const events: TraceEvent[] = [];
  const tasks: TraceTask[] = [];
  let truncated = false;
  for (let s = 1; s < n; s++) {
    const head = k.tget(s, T_RING_HEAD);
    tasks.push({ tid: k.tid(s), name: labelText(k.tget(s, T_BODY)) || 'task', recorded: head });
    const from = Math.max(0, head - ringEvents);
    if (from > 0) truncated = true;
    for (let e = from; e < head; e++) {
      const at = L.rings + s * L.ringStride + (e % ringEvents) * EV_WORDS;
      const kind = i32[at + EV_KIND]!;
      const obj = i32[at + EV_OBJ]!;
      events.push({
        seq: i32[at + EV_SEQ]!,
        tid: k.tid(s),
        kind: EV_NAMES[kind] ?? String(kind),
        label: labelText(i32[at + EV_LABEL]!),
        obj: obj > 0 ? describeObject(k, obj) : '',
        aux: i32[at + EV_AUX]!,
        t: i32[at + EV_TIME]!,
        ...(kind === Ev.STALE ? { note: staleNote(i32[at + EV_AUX]!) } : {}),
      });
    }
  }
  events.sort((a, b) => a.seq - b.seq);
  if (events.length > limit) {
    truncated = true;
    events.splice(0, events.length - limit);
  }
  return { tasks, events, truncated };
}

