/**
 * SVG line charts for the scaling series (latency against thread count),
 * one line per mechanism, with the measured floor drawn as a dashed line.
 * Self-contained SVG: no fonts or scripts from outside.
 */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  readonly dashed?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#17becf'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface ChartOptions {
  /** A linear x axis (it may then start at 0, e.g. "0 readers"); default logarithmic. */
  readonly linearX?: boolean;
}

/** A log-log chart (x: threads, y: microseconds), or lin-log with `linearX`. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: readonly Series[], opts: ChartOptions = {}): string {
  const W = 720;
  const H = 420;
  const m = { l: 70, r: 220, t: 40, b: 50 };
  const fx = opts.linearX ? (x: number): number => x : Math.log10;
  const xOk = (x: number): boolean => (opts.linearX ? x >= 0 : x > 0);
  const xs = series.flatMap((s) => s.points.map((p) => p.x)).filter(xOk);
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0);
  if (xs.length === 0 || ys.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="40">no data</text></svg>`;
  const lx0 = fx(Math.min(...xs));
  const lx1 = fx(Math.max(...xs)) || lx0 + 1;
  const ly0 = Math.floor(Math.log10(Math.min(...ys)));
  const ly1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number): number => m.l + ((fx(x) - lx0) / Math.max(lx1 - lx0, 1e-9)) * (W - m.l - m.r);
  const py = (y: number): number => H - m.b - ((Math.log10(y) - ly0) / Math.max(ly1 - ly0, 1e-9)) * (H - m.t - m.b);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${m.l}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let e = ly0; e <= ly1; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1000 ? `${10 ** (e - 3)} ms` : `${10 ** e} µs`}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const X = px(x);
    out.push(`<line x1="${X}" x2="${X}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
    out.push(`<text x="${X}" y="${H - m.b + 16}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => xOk(p.x) && p.y > 0);
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of pts) out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${c}"/>`);
    const ly = m.t + 16 + i * 20;
    out.push(`<line x1="${W - m.r + 14}" x2="${W - m.r + 40}" y1="${ly - 4}" y2="${ly - 4}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${W - m.r + 46}" y="${ly}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
