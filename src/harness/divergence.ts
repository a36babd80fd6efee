/** Where a replayed schedule first differs from the recorded one. */
import type { SeedLogSchedule } from './seedlog.js';

export interface Divergence {
  readonly step: number;
  readonly expected: { readonly tid: number; readonly label: string } | null;
  readonly seen: { readonly tid: number; readonly label: string } | null;
}

export function firstDivergence(recorded: SeedLogSchedule, seen: SeedLogSchedule): Divergence | null {
  const n = Math.max(recorded.length, seen.length);
  for (let i = 0; i < n; i++) {
    const a = i < recorded.length ? { tid: recorded.tids[i]!, label: recorded.labels[recorded.at[i]!] ?? '' } : null;
    const b = i < seen.length ? { tid: seen.tids[i]!, label: seen.labels[seen.at[i]!] ?? '' } : null;
    if (!a || !b || a.tid !== b.tid || a.label !== b.label) return { step: i, expected: a, seen: b };
  }
  return null;
}

/** The divergence at a known step (where the replay strategy could not follow). */
export function divergenceAt(recorded: SeedLogSchedule, seen: SeedLogSchedule, step: number): Divergence {
  const entry = (s: SeedLogSchedule): { tid: number; label: string } | null =>
    step < s.length ? { tid: s.tids[step]!, label: s.labels[s.at[step]!] ?? '' } : null;
  return { step, expected: entry(recorded), seen: entry(seen) };
}

export function formatDivergence(d: Divergence): string {
  const f = (x: { tid: number; label: string } | null): string =>
    x ? `${x.tid < 0 ? `choice ${-1 - x.tid}` : `tid ${x.tid}`} at "${x.label}"` : 'the end of the schedule';
  return `first divergent step ${d.step}: expected ${f(d.expected)}, saw ${f(d.seen)}`;
}
