/**
 * A self-contained HTML page that draws a seed log's timeline: no network,
 * the data embedded as JSON, inline CSS and JavaScript drawing an SVG.
 * One lane per task, bars for blocking waits (coloured by what they wait
 * on) and syscalls, markers for events, the failure as a red line with its
 * report, the wait-for cycle as red arrows, a legend, zoom buttons and
 * tooltips. When drawn, the page sets `data-lanes`, `data-spans` and
 * `data-marks` on `#timeline` (tests read them through --dump-dom).
 */
import type { GraphLike } from './dot.js';
import { headline, reporter, type Timeline } from './timeline.js';

export interface PageData {
  readonly timeline: Timeline;
  readonly graph: GraphLike | null;
  readonly headline: string;
  readonly reporter: string;
  readonly tool: string;
}

/** JSON that can sit inside a <script> element. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function toHtml(tl: Timeline, graph: GraphLike | null, tool: string): string {
  const data: PageData = { timeline: tl, graph, headline: headline(tl.failure), reporter: reporter(tl.failure), tool };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lockstep trace: ${esc(tl.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>lockstep trace <span class="dim">${esc(tl.scenario)}/${esc(tl.variant)}</span></h1>
  <div class="meta" id="meta"></div>
  <div class="failure" id="failure"></div>
</header>
<div class="controls">
  <button type="button" id="zoom-in" title="zoom in">+</button>
  <button type="button" id="zoom-out" title="zoom out">&minus;</button>
  <button type="button" id="zoom-fit" title="fit to width">fit</button>
  <label><input type="checkbox" id="show-sys" checked> syscall bars</label>
  <label><input type="checkbox" id="show-yield"> yield points</label>
  <span class="dim" id="zoom-info"></span>
</div>
<div id="timeline" class="timeline"></div>
<div class="legend" id="legend"></div>
<section id="graph"></section>
<footer class="dim" id="footer"></footer>
<script id="lockstep-data" type="application/json">${scriptJson(data)}</script>
<script>${JS}</script>
</body>
</html>
`;
}

const CSS = `
:root { --fail: #c62828; --ink: #212121; --dim: #757575; --grid: #eceff1; }
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); margin: 16px 20px; background: #fff; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
.dim { color: var(--dim); font-weight: normal; }
.meta { margin-bottom: 8px; }
.meta span { margin-right: 14px; }
.failure { border-left: 4px solid var(--fail); background: #ffebee; padding: 6px 10px; margin: 6px 0 10px; }
.failure .head { font-weight: 600; color: var(--fail); }
.failure pre, .graph pre { margin: 6px 0 0; font-size: 12px; white-space: pre-wrap; }
.failure code { font-size: 12px; background: #fff; padding: 1px 4px; }
.controls { margin: 6px 0; display: flex; gap: 8px; align-items: center; }
.controls button { min-width: 30px; padding: 2px 8px; font: inherit; cursor: pointer; }
.timeline { overflow-x: auto; border: 1px solid #cfd8dc; background: #fff; }
.timeline svg { display: block; }
.lane-label { font-size: 12px; }
.lane-label.cycle { fill: var(--fail); font-weight: 600; }
.axis text { font-size: 10px; fill: var(--dim); }
.legend { margin: 8px 0; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; }
.legend .item { display: inline-flex; align-items: center; gap: 5px; }
.legend svg { vertical-align: middle; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #cfd8dc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
tr.cycle td { background: #ffebee; }
footer { margin-top: 16px; font-size: 11px; }
`;

// Plain browser JavaScript (the project's tsconfig has no DOM types): builds
// the SVG with createElementNS and textContent only, never innerHTML.
const JS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lockstep-data').textContent);
  var tl = data.timeline;
  var NS = 'http://www.w3.org/2000/svg';
  var WAIT_COLORS = { 'mutex': '#ef6c00', 'spinlock': '#f9a825', 'rwsem(read)': '#ab47bc', 'rwsem(write)': '#6a1b9a',
    'completion': '#1e88e5', 'waitqueue': '#00897b', 'child exit': '#6d4c41', 'timeout': '#9e9e9e' };
  var OTHER_WAIT = '#546e7a';
  var MARK_STYLE = { start: '#2e7d32', exit: '#616161', syscall: '#1565c0', sysret: '#1565c0', user: '#8e24aa', fail: '#c62828', yield: '#b0bec5', wake: '#00838f', stale: '#ef6c00' };
  var LANE_H = 40, TOP = 34, LEFT = 170, RIGHT = 24;
  var zoom = 1;

  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, parent, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }
  function tip(node, text) { el('title', {}, node, text); }
  function fmtUs(us) {
    if (Math.abs(us) >= 1000) return (us / 1000).toFixed(us >= 100000 ? 0 : 2) + ' ms';
    return Math.round(us) + ' \\u00b5s';
  }
  function waitColor(kind) { return WAIT_COLORS[kind] || OTHER_WAIT; }

  // Header
  var meta = document.getElementById('meta');
  [['mode', tl.mode], ['strategy', tl.strategy], ['seed', tl.seed], ['iteration', String(tl.iteration)],
   ['tasks', String(tl.lanes.length)], ['events', String(tl.eventCount) + (tl.truncated ? ' (tail of a longer run)' : '')]]
    .forEach(function (kv) { var s = html('span', meta); html('b', s, kv[0] + ' '); s.appendChild(document.createTextNode(kv[1])); });
  var fbox = document.getElementById('failure');
  html('div', fbox, 'FAILURE ' + data.headline, 'head');
  var f = tl.failure;
  var by = html('div', fbox, 'reported by ' + data.reporter + (f.tid > 0 ? ' at ' + fmtUs(f.t) : ', after the last recorded event'));
  by.className = 'dim';
  if (f.cycle && f.cycle.length) {
    html('div', fbox, 'wait-for cycle: ' + f.cycle.map(function (c) { return c.tid + ' (' + c.name + ')'; }).join(' \\u2192 ') + ' \\u2192 ' + f.cycle[0].tid);
  }
  var rest = f.message.split('\\n').slice(1).join('\\n');
  if (rest) html('pre', fbox, rest);
  if (tl.repro) { var r = html('div', fbox, 'reproduce: '); html('code', r, tl.repro); }

  // Timeline
  var root = document.getElementById('timeline');
  var laneIndex = {};
  tl.lanes.forEach(function (l, i) { laneIndex[l.tid] = i; });
  var t0 = Math.min(tl.t0, f.t), t1 = Math.max(tl.end, f.t);
  if (!(t1 > t0)) t1 = t0 + 1;
  var span = t1 - t0;

  function draw() {
    while (root.firstChild) root.removeChild(root.firstChild);
    var showSys = document.getElementById('show-sys').checked;
    var showYield = document.getElementById('show-yield').checked;
    var avail = Math.max(700, root.clientWidth || 1100);
    var hasCycle = !!(f.cycle && f.cycle.length);
    var right = hasCycle ? 110 + 22 * f.cycle.length : RIGHT;
    var plotW = (avail - LEFT - right) * zoom;
    var W = LEFT + plotW + right, H = TOP + tl.lanes.length * LANE_H + 26;
    var x = function (t) { return LEFT + ((t - t0) / span) * plotW; };
    var svg = el('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' }, root);
    el('title', {}, svg, 'timeline of ' + tl.title);
    var defs = el('defs', {}, svg);
    var mk = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#c62828' }, mk);
    var pat = el('pattern', { id: 'open', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    el('rect', { width: 3, height: 6, fill: 'rgba(255,255,255,0.45)' }, pat);

    // Axis and grid
    var axis = el('g', { class: 'axis' }, svg);
    var step = niceStep(span / Math.max(2, plotW / 110));
    for (var t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
      el('line', { x1: x(t), x2: x(t), y1: TOP - 6, y2: H - 20, stroke: '#eceff1' }, axis);
      el('text', { x: x(t), y: TOP - 10, 'text-anchor': 'middle' }, axis, fmtUs(t));
    }
    el('text', { x: 8, y: TOP - 10 }, axis, 'time since iteration start');

    // Lanes
    var lanesG = el('g', {}, svg);
    tl.lanes.forEach(function (l, i) {
      var y = TOP + i * LANE_H;
      el('rect', { x: 0, y: y, width: W, height: LANE_H, fill: i % 2 ? '#fafafa' : '#ffffff' }, lanesG);
      if (l.inCycle) el('rect', { x: 0, y: y, width: 4, height: LANE_H, fill: '#c62828' }, lanesG);
      var lab = el('text', { x: 10, y: y + LANE_H / 2 + 4, class: 'lane-label' + (l.inCycle ? ' cycle' : '') }, lanesG,
        (l.inCycle ? '\\u27f2 ' : '') + l.name + '  tid ' + l.tid);
      tip(lab, l.name + ' (tid ' + l.tid + '), ' + l.recorded + ' events recorded' + (l.inCycle ? '; in the wait-for cycle' : ''));
      el('line', { x1: LEFT, x2: LEFT + plotW, y1: y + LANE_H - 0.5, y2: y + LANE_H - 0.5, stroke: '#eceff1' }, lanesG);
    });
    el('line', { x1: LEFT - 0.5, x2: LEFT - 0.5, y1: TOP, y2: TOP + tl.lanes.length * LANE_H, stroke: '#b0bec5' }, lanesG);

    // Spans: syscalls as thin bars at the top of the lane, waits as thick bars.
    var spansG = el('g', {}, svg), drawnSpans = 0, waitRight = {};
    tl.spans.forEach(function (s) {
      var i = laneIndex[s.tid];
      if (i === undefined) return;
      if (s.cat === 'syscall' && !showSys) return;
      var y = TOP + i * LANE_H;
      var x0 = x(s.start), w = Math.max(2, x(s.end) - x0);
      var text;
      if (s.cat === 'syscall') {
        var r = el('rect', { x: x0, y: y + 5, width: w, height: 6, rx: 2, fill: '#90caf9', class: 'span syscall' }, spansG);
        text = s.name + (s.ret !== null ? ' = ' + s.ret : '') + (s.open ? ' (had not returned at the end)' : '') + '\\n' + fmtUs(s.start) + ' \\u2013 ' + fmtUs(s.end);
        tip(r, text);
      } else {
        var color = waitColor(s.waitKind);
        var g = el('g', { class: 'span wait' }, spansG);
        el('rect', { x: x0, y: y + 14, width: w, height: 18, rx: 3, fill: color, stroke: s.open ? '#b71c1c' : 'none', 'stroke-width': s.open ? 1.5 : 0 }, g);
        if (s.open) el('rect', { x: x0, y: y + 14, width: w, height: 18, rx: 3, fill: 'url(#open)' }, g);
        if (w > 60) {
          var lbl = s.label ? s.name + ' \\u00b7 ' + s.label : s.name;
          var maxChars = Math.floor((w - 8) / 6.2);
          if (lbl.length > maxChars) lbl = lbl.slice(0, Math.max(1, maxChars - 1)) + '\\u2026';
          el('text', { x: x0 + 4, y: y + 27, fill: '#fff', 'font-size': 11 }, g, lbl);
        } else if (s.open) {
          // A short final wait (the deadlock itself): name it left of the bar, where there is room.
          var room = Math.floor((x0 - 10 - (waitRight[i] || LEFT)) / 6.2);
          var name = s.name.length > room ? s.name.slice(0, Math.max(0, room - 1)) + '\\u2026' : s.name;
          if (room >= 6) el('text', { x: x0 - 5, y: y + 27, fill: '#b71c1c', 'font-size': 11, 'text-anchor': 'end' }, g, name);
        }
        waitRight[i] = Math.max(waitRight[i] || LEFT, x0 + w);
        text = 'blocked: ' + s.name + '\\nat "' + s.label + '"\\n' + fmtUs(s.start) + ' \\u2013 ' + (s.open ? 'end of trace (never woken)' : fmtUs(s.end)) +
          ' (' + fmtUs(s.end - s.start) + ')';
        tip(g, text);
      }
      drawnSpans++;
    });

    // Markers
    var marksG = el('g', {}, svg), drawnMarks = 0;
    tl.marks.forEach(function (m) {
      var i = laneIndex[m.tid];
      if (i === undefined) return;
      if (m.kind === 'yield' && !showYield) return;
      var y = TOP + i * LANE_H, cx = x(m.t), c = MARK_STYLE[m.kind] || '#455a64', node;
      switch (m.kind) {
        case 'start': node = el('circle', { cx: cx, cy: y + 23, r: 5, fill: c, class: 'mark start' }, marksG); break;
        case 'exit': node = el('rect', { x: cx - 4, y: y + 19, width: 8, height: 8, fill: c, class: 'mark exit' }, marksG); break;
        case 'syscall': node = el('path', { d: 'M' + (cx - 4) + ',' + (y + 2) + ' L' + (cx + 4) + ',' + (y + 2) + ' L' + cx + ',' + (y + 9) + ' z', fill: c, class: 'mark syscall' }, marksG); break;
        case 'sysret': node = el('path', { d: 'M' + (cx - 4) + ',' + (y + 13) + ' L' + (cx + 4) + ',' + (y + 13) + ' L' + cx + ',' + (y + 6) + ' z', fill: 'none', stroke: c, class: 'mark sysret' }, marksG); break;
        case 'user': node = el('path', { d: 'M' + cx + ',' + (y + 17) + ' l5,6 l-5,6 l-5,-6 z', fill: c, class: 'mark user' }, marksG); break;
        case 'fail': node = el('path', { d: 'M' + (cx - 6) + ',' + (y + 17) + ' l12,12 m0,-12 l-12,12', stroke: c, 'stroke-width': 3, class: 'mark fail' }, marksG); break;
        case 'wake': node = el('circle', { cx: cx, cy: y + 23, r: 3, fill: 'none', stroke: c, class: 'mark wake' }, marksG); break;
        case 'stale': node = el('rect', { x: cx - 3, y: y + 30, width: 6, height: 6, fill: c, class: 'mark stale' }, marksG); break;
        default: node = el('line', { x1: cx, x2: cx, y1: y + 33, y2: y + 38, stroke: c, class: 'mark yield' }, marksG);
      }
      var desc = m.kind === 'sysret' ? m.label + ' = ' + m.aux : m.kind === 'exit' ? 'exit(' + m.aux + ')' : m.kind === 'stale' ? 'stale read: ' + m.note : m.kind + ' ' + m.label;
      tip(node, desc + (m.obj ? ' ' + m.obj : '') + '\\n' + fmtUs(m.t) + '  (event #' + m.seq + ')');
      drawnMarks++;
    });

    // The failure: a red line across every lane, labelled.
    var fx = x(f.t);
    var fg = el('g', { class: 'failure-line' }, svg);
    el('line', { x1: fx, x2: fx, y1: TOP - 4, y2: TOP + tl.lanes.length * LANE_H + 4, stroke: '#c62828', 'stroke-width': 2, 'stroke-dasharray': '5,3' }, fg);
    var ft = el('text', { x: Math.min(fx + 4, W - 4), y: H - 6, fill: '#c62828', 'font-size': 12, 'font-weight': 600, 'text-anchor': fx > W - 260 ? 'end' : 'start' }, fg,
      '\\u2716 ' + data.headline);
    tip(fg, f.message);
    void ft;

    // The wait-for cycle: in a gutter right of the plot, a red arrow from each
    // waiter's lane to the lane of the task it waits for.
    if (hasCycle) {
      var cg = el('g', { class: 'cycle' }, svg);
      var gx = LEFT + plotW + 14;
      el('text', { x: gx, y: TOP - 10, fill: '#c62828', 'font-size': 11, 'font-weight': 600 }, cg, 'wait-for cycle');
      f.cycle.forEach(function (c, k) {
        var next = f.cycle[(k + 1) % f.cycle.length];
        if (laneIndex[c.tid] === undefined || laneIndex[next.tid] === undefined) return;
        var ya = TOP + laneIndex[c.tid] * LANE_H + 23, yb = TOP + laneIndex[next.tid] * LANE_H + 23;
        var out = 30 + 22 * k, p;
        if (ya === yb) {
          p = el('path', { d: 'M' + gx + ',' + (ya - 5) + ' C' + (gx + out) + ',' + (ya - 24) + ' ' + (gx + out) + ',' + (ya + 24) + ' ' + (gx + 2) + ',' + (ya + 5),
            fill: 'none', stroke: '#c62828', 'stroke-width': 2, 'marker-end': 'url(#arrow)' }, cg);
        } else {
          var down = yb > ya ? 1 : -1;
          p = el('path', { d: 'M' + gx + ',' + (ya + 5 * down) + ' C' + (gx + out) + ',' + (ya + 5 * down) + ' ' + (gx + out) + ',' + (yb - 5 * down) + ' ' + (gx + 2) + ',' + (yb - 5 * down),
            fill: 'none', stroke: '#c62828', 'stroke-width': 2, 'marker-end': 'url(#arrow)' }, cg);
        }
        el('text', { x: gx + out + 6, y: ya - 6, fill: '#c62828', 'font-size': 10 }, cg, c.tid + ' waits for ' + next.tid);
        tip(p, c.tid + ' (' + c.name + ') waits on ' + c.waitsOn + ' at "' + c.label + '"; ' + next.tid + ' (' + next.name + ') would release it');
      });
    }

    document.getElementById('zoom-info').textContent = 'zoom ' + zoom + '\\u00d7, ' + fmtUs(span) + ' shown';
    root.setAttribute('data-lanes', String(tl.lanes.length));
    root.setAttribute('data-spans', String(drawnSpans));
    root.setAttribute('data-marks', String(drawnMarks));
    root.setAttribute('data-failure', f.kind);
    root.setAttribute('data-rendered', '1');
  }

  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    var n = raw / p;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
  }

  // Legend
  var legend = document.getElementById('legend');
  function swatch(label, drawFn) {
    var item = html('span', legend, undefined, 'item');
    var s = el('svg', { width: 26, height: 14 }, item);
    drawFn(s);
    item.appendChild(document.createTextNode(label));
  }
  var kinds = {};
  tl.spans.forEach(function (s) { if (s.cat === 'wait') kinds[s.waitKind] = true; });
  Object.keys(kinds).sort().forEach(function (k) {
    swatch('blocked on ' + k, function (s) { el('rect', { x: 1, y: 2, width: 24, height: 10, rx: 2, fill: waitColor(k) }, s); });
  });
  swatch('still blocked at the end', function (s) { el('rect', { x: 1, y: 2, width: 24, height: 10, rx: 2, fill: '#90a4ae', stroke: '#b71c1c', 'stroke-width': 1.5 }, s); });
  swatch('syscall (entry \\u25bc, return \\u25b3)', function (s) { el('rect', { x: 1, y: 4, width: 24, height: 6, rx: 2, fill: '#90caf9' }, s); });
  swatch('task start', function (s) { el('circle', { cx: 13, cy: 7, r: 5, fill: MARK_STYLE.start }, s); });
  swatch('exit', function (s) { el('rect', { x: 9, y: 3, width: 8, height: 8, fill: MARK_STYLE.exit }, s); });
  swatch('user mark', function (s) { el('path', { d: 'M13,1 l5,6 l-5,6 l-5,-6 z', fill: MARK_STYLE.user }, s); });
  swatch('yield point', function (s) { el('line', { x1: 13, x2: 13, y1: 3, y2: 11, stroke: '#78909c', 'stroke-width': 2 }, s); });
  swatch('failure', function (s) { el('line', { x1: 13, x2: 13, y1: 0, y2: 14, stroke: '#c62828', 'stroke-width': 2, 'stroke-dasharray': '4,2' }, s); });
  swatch('wait-for cycle', function (s) { el('line', { x1: 2, x2: 24, y1: 7, y2: 7, stroke: '#c62828', 'stroke-width': 2 }, s); });

  // Wait-for graph table
  if (data.graph && data.graph.nodes.length) {
    var sec = document.getElementById('graph');
    html('h2', sec, 'Wait-for graph (' + data.graph.kind + ')');
    var table = html('table', sec);
    var hr = html('tr', table);
    ['tid', 'task', 'state', 'waits on', 'at', 'released by', 'why'].forEach(function (h) { html('th', hr, h); });
    var cyc = {};
    (data.graph.cycle || []).forEach(function (c) { cyc[c.tid] = true; });
    data.graph.nodes.forEach(function (n) {
      var tr = html('tr', table);
      if (cyc[n.tid]) tr.className = 'cycle';
      [String(n.tid), n.name, n.state, n.waitsOn, n.label, n.releasers.length ? n.releasers.join(', ') : '-', n.why].forEach(function (v) { html('td', tr, v); });
    });
    if (data.graph.runnable && data.graph.runnable.length) html('p', sec, 'runnable: ' + data.graph.runnable.join(', '), 'dim');
  }
  document.getElementById('footer').textContent = 'written by ' + data.tool + ' from a seed log; self-contained (no network). Hover a bar or marker for details.';

  document.getElementById('zoom-in').addEventListener('click', function () { zoom = Math.min(256, zoom * 2); draw(); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoom = Math.max(1, zoom / 2); draw(); });
  document.getElementById('zoom-fit').addEventListener('click', function () { zoom = 1; draw(); });
  document.getElementById('show-sys').addEventListener('change', draw);
  document.getElementById('show-yield').addEventListener('change', draw);
  var hasYields = tl.marks.some(function (m) { return m.kind === 'yield'; });
  if (hasYields) document.getElementById('show-yield').checked = true;
  else document.getElementById('show-yield').parentNode.style.display = 'none';
  draw();
})();
`;
