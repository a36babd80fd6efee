/**
 * The one line an exhaustive exploration ends with (pure). A clean run that
 * exhausted its space says what was verified; one that stopped early says
 * what stopped it; one that failed says how far it got.
 */
import type { StressSummary } from '../harness/campaign.js';

function n(x: number): string {
  return x.toLocaleString('en-US');
}

export function formatExploration(s: StressSummary): string {
  const x = s.exploration;
  if (!x) return '';
  const unit = x.boundKind === 'delay' ? 'delay' : 'preemption';
  const within = (b: number | null): string => (b === null ? '' : ` with ≤ ${b} ${unit}${b === 1 ? '' : 's'}`);
  const counts = `${n(x.schedules)} schedule${x.schedules === 1 ? '' : 's'}, ${n(x.pruned)} pruned, ${x.seconds.toFixed(1)} s`;
  if (x.complete && s.failures === 0) {
    if (x.exhaustive) return `verified: every schedule passes (${counts}; no bound was needed, ${x.reduction === 'none' ? 'no reduction' : `reduction ${x.reduction}`})`;
    return `verified: every schedule${within(x.boundCompleted ?? x.bound)} passes (${counts})`;
  }
  if (x.complete) return `explored: every schedule${x.exhaustive ? '' : within(x.boundCompleted ?? x.bound)} (${counts}); ${s.failures} failed`;
  const why: Record<string, string> = {
    budget: 'the iteration budget',
    time: 'the time budget',
    interrupted: 'an interrupt',
    failure: 'the first failure (--stop-on-failure)',
    depth: `runs longer than the exploration log (${n(x.maxDepth)} decisions)`,
    nondeterminism: 'a run that did not follow its prefix',
  };
  const done = x.boundCompleted !== null ? `; every schedule${within(x.boundCompleted)} was run` : '';
  return `not verified: stopped by ${why[x.stoppedBy ?? 'budget']} after ${counts} at bound ${x.bound ?? 'none'}${done}`;
}
