/**
 * Progress while a run goes: a redrawn bar on a TTY (stderr), plain lines
 * every few seconds otherwise, nothing at all in --json mode (stdout then
 * carries only JSON Lines).
 */
import type { Progress } from '../harness/campaign.js';

export interface ProgressSink {
  update(p: Progress): void;
  /** Print a line without breaking the bar. */
  log(line: string): void;
  done(): void;
}

export function makeProgress(label: string, mode: 'tty' | 'plain' | 'none', stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (mode === 'none') return { update() {}, log() {}, done() {} };
  // Once the reader has gone (EPIPE, see output.ts) the stream is destroyed: stay quiet.
  const put = (text: string): void => {
    if (!stream.destroyed) stream.write(text);
  };
  let lastPlain = 0;
  let drawn = false;
  const render = (p: Progress): string => {
    const rate = p.iterations / Math.max(p.elapsed, 1e-6);
    let frac: number | null = null;
    let remaining = '';
    if (p.target.iterations !== null) {
      frac = Math.min(1, p.iterations / p.target.iterations);
      const left = (p.target.iterations - p.iterations) / Math.max(rate, 1e-6);
      remaining = `~${fmtSecs(Math.max(0, left))} left`;
    } else if (p.target.seconds !== null) {
      frac = Math.min(1, p.elapsed / p.target.seconds);
      remaining = `~${fmtSecs(Math.max(0, p.target.seconds - p.elapsed))} left`;
    }
    const width = 24;
    const bar = frac === null ? '' : `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] `;
    const fails = p.failures === 1 ? '1 failure' : `${p.failures} failures`;
    return `${label} ${bar}${p.iterations} it  ${rate.toFixed(0)} it/s  ${fails}  ${fmtSecs(p.elapsed)} ${remaining}`.trimEnd();
  };
  if (mode === 'tty') {
    return {
      update(p) {
        put(`\r\x1b[2K${render(p)}`);
        drawn = true;
      },
      log(line) {
        put(`${drawn ? '\r\x1b[2K' : ''}${line}\n`);
        drawn = false;
      },
      done() {
        if (drawn) put('\n');
        drawn = false;
      },
    };
  }
  return {
    update(p) {
      const now = Date.now();
      if (now - lastPlain < 2000) return;
      lastPlain = now;
      put(`${render(p)}\n`);
    },
    log(line) {
      put(`${line}\n`);
    },
    done() {},
  };
}

export function fmtSecs(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Math.round(s - m * 60)
    .toString()
    .padStart(2, '0')}s`;
}

/** Render rows as an aligned text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
