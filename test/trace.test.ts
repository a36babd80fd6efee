/**
 * `lockstep trace LOG --out/--html/--dot` and `stress --dot`: the exports of
 * a failing run. The Chrome trace-event JSON is checked field by field; the
 * HTML page is opened in headless Chromium when one is installed (skipped
 * otherwise); the DOT graph names the cycle.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, lockstepInProcess, ROOT } from './helpers.js';

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: timed out`));
    }, opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

const lockstep = (args: string[], timeoutMs?: number): Promise<Ran> => run(process.execPath, [CLI, ...args], timeoutMs ? { timeoutMs } : {});

interface ChromeEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  dur?: number;
  s?: string;
  args?: Record<string, unknown>;
}

interface Log {
  trace: { tasks: { tid: number; name: string }[] };
  failure: { kind: string; message: string; cycle?: { tid: number }[] };
  graph?: { nodes: { tid: number }[]; cycle: { tid: number }[] | null };
}

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-trace-'));
let deadlockLog = '';
let parallelLog = '';

function onlyLog(dir: string): string {
  const logs = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.is(logs.length, 1, `one seed log in ${dir}`);
  return join(dir, logs[0]!);
}

function checkChromeTrace(file: string, log: Log, want: { spans: number }): ChromeEvent[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: ChromeEvent[]; displayTimeUnit?: string };
  assert.ok(Array.isArray(doc.traceEvents), 'traceEvents is an array');
  const evs = doc.traceEvents;
  for (const e of evs) {
    assert.type(e.name, 'string');
    assert.ok(['M', 'X', 'i', 's', 'f'].includes(e.ph), `ph ${e.ph}`);
    assert.type(e.ts, 'number');
    assert.ok(Number.isFinite(e.ts) && e.ts >= 0, `ts ${e.ts}`);
    assert.type(e.pid, 'number');
    assert.type(e.tid, 'number');
    if (e.ph === 'X') assert.ok(typeof e.dur === 'number' && e.dur > 0, `X has a positive dur: ${JSON.stringify(e)}`);
    if (e.ph === 'i') assert.ok(['t', 'p', 'g'].includes(e.s ?? ''), 'instant scope');
  }
  // One lane per task, named after it.
  const names = evs.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.tid > 0);
  assert.is(names.length, log.trace.tasks.length, 'one thread_name per task');
  for (const t of log.trace.tasks) {
    const n = names.filter((e) => e.tid === t.tid);
    assert.is(n.length, 1, `thread_name for tid ${t.tid}`);
    assert.match(String(n[0]!.args!['name']), t.name);
  }
  // Blocking waits as spans labelled with what they waited on.
  const waits = evs.filter((e) => e.ph === 'X' && e.cat === 'wait');
  assert.ok(waits.length >= want.spans, `at least ${want.spans} wait span(s), got ${waits.length}`);
  for (const w of waits) {
    assert.match(w.name, /mutex '[AB]' \(sync#\d\)/);
    assert.type(w.args!['label'], 'string');
    assert.ok(names.some((n) => n.tid === w.tid), 'span on a named lane');
  }
  assert.ok(waits.some((w) => w.args!['unfinished'] !== undefined), 'the deadlocked waits never end');
  // Instants for the yield points that matter.
  assert.ok(evs.some((e) => e.ph === 'i' && e.cat === 'start'), 'task starts');
  // The failure, marked, with its cycle.
  const fail = evs.filter((e) => e.cat === 'failure');
  assert.ok(fail.length >= 1, 'failure marker');
  assert.ok(fail.some((e) => e.s === 'g'), 'a global marker across lanes');
  assert.match(fail[0]!.name, /deadlock/);
  assert.is(fail[0]!.args!['kind'], 'deadlock');
  assert.ok(Array.isArray(fail[0]!.args!['cycle']) && (fail[0]!.args!['cycle'] as unknown[]).length === 2, 'cycle in the marker');
  const flows = evs.filter((e) => e.ph === 's' || e.ph === 'f');
  assert.is(flows.length, 4, 'one flow arrow (s+f) per cycle edge');
  return evs;
}

test('trace and merge --help show flags and an example', async () => {
  const h = await lockstep(['trace', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /Usage: lockstep trace LOG/);
  assert.match(h.stdout, /--out FILE/);
  assert.match(h.stdout, /--html FILE/);
  assert.match(h.stdout, /--dot FILE/);
  assert.match(h.stdout, /Example: lockstep trace /);
  // The binary's help is checked above and in cli.test.ts; these through its entry point in this process.
  const top = await lockstepInProcess(['--help']);
  assert.match(top.stdout, /trace\s+Export/);
  assert.match(top.stdout, /merge\s+Combine/);
  const s = await lockstepInProcess(['stress', '--help']);
  assert.match(s.stdout, /--dot FILE/);
});

test('stress --dot writes the wait-for graph of the first deadlock', async () => {
  const dir = join(tmp, 'abba');
  const dot = join(tmp, 'stress.dot');
  const r = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'abba', '--mode', 'controlled', '--seed', '3', '--stop-on-failure', '--log-dir', dir, '--dot', dot]);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /wait-for graph: .*stress\.dot/);
  deadlockLog = onlyLog(dir);
  const text = readFileSync(dot, 'utf8');
  assert.match(text, /^digraph waitfor \{/);
  assert.match(text, /t2 \[label="tid 2 worker \[D: uninterruptible sleep\]\\nwaits on mutex 'B' \(sync#1\)/);
  assert.match(text, /t2 -> t3 \[label="mutex 'B' \(sync#1\)\\n\(holder\)", color="#c62828"/);
  assert.match(text, /t3 -> t2 \[label="mutex 'A' \(sync#0\)\\n\(holder\)", color="#c62828"/);
  assert.ok(text.trimEnd().endsWith('}'));
  // Graphviz, where installed, accepts it.
  const gv = spawnSync('dot', ['-Tsvg', dot], { timeout: 30_000 });
  if (!gv.error) assert.is(gv.status, 0, `dot -Tsvg: ${gv.stderr?.toString()}`);
  // The seed log now keeps the graph's nodes.
  const log = JSON.parse(readFileSync(deadlockLog, 'utf8')) as Log;
  assert.is(log.graph?.nodes.length, 2);
  assert.is(log.graph?.cycle?.length, 2);
});

test('stress --dot without a deadlock writes nothing and says so', async () => {
  const dot = join(tmp, 'none.dot');
  const r = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'ordered', '--iterations', '20', '--seed', '1', '--dot', dot, '--log-dir', join(tmp, 'none')]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /no deadlock or hang was found: --dot .*none\.dot not written/);
  assert.not.ok(existsSync(dot));
});

test('trace --out: Chrome trace-event JSON of a controlled deadlock', async () => {
  assert.ok(deadlockLog, 'needs the log of the stress --dot test');
  const out = join(tmp, 'abba-trace.json');
  const r = await lockstep(['trace', deadlockLog, '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /deadlock: no runnable task/);
  assert.match(r.stdout, /ui\.perfetto\.dev/);
  const log = JSON.parse(readFileSync(deadlockLog, 'utf8')) as Log;
  const evs = checkChromeTrace(out, log, { spans: 2 });
  // The task that reported it carries the failure; no watchdog lane in controlled mode.
  assert.not.ok(evs.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.tid === 0));
  assert.ok(evs.some((e) => e.ph === 'i' && e.cat === 'fail'));
  // Plain yields only on request.
  assert.not.ok(evs.some((e) => e.cat === 'yield'));
  const y = join(tmp, 'abba-yields.json');
  assert.is((await lockstep(['trace', deadlockLog, '--out', y, '--yields'])).code, 0);
  const withYields = JSON.parse(readFileSync(y, 'utf8')) as { traceEvents: ChromeEvent[] };
  assert.ok(withYields.traceEvents.filter((e) => e.cat === 'yield').length >= 5);
});

test('trace --out: a parallel-mode deadlock found by the watchdog', async () => {
  const dir = join(tmp, 'abba-par');
  const r = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'abba', '--seed', '3', '--hang-ms', '200', '--iterations', '2000', '--stop-on-failure', '--log-dir', dir]);
  assert.is(r.code, 1, r.stderr);
  parallelLog = onlyLog(dir);
  const out = join(tmp, 'par.json');
  const t = await lockstep(['trace', parallelLog, '--out', out, '--json']);
  assert.is(t.code, 0, t.stderr);
  const rec = JSON.parse(t.stdout) as { type: string; out: string; tasks: number };
  assert.is(rec.type, 'trace');
  assert.is(rec.out, out);
  assert.is(rec.tasks, 2);
  const log = JSON.parse(readFileSync(parallelLog, 'utf8')) as Log;
  const evs = checkChromeTrace(out, log, { spans: 2 });
  // Reported by the harness: its marker sits on a watchdog lane.
  assert.ok(evs.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.tid === 0 && /watchdog/.test(String(e.args!['name']))));
});

test('trace --dot from the log: the stored graph, the report of an older log, or the cycle alone', async () => {
  const dot = join(tmp, 'trace.dot');
  const r = await lockstep(['trace', deadlockLog, '--dot', dot, '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is((JSON.parse(r.stdout) as { graphFrom: string }).graphFrom, 'graph');
  const fromTrace = readFileSync(dot, 'utf8');
  assert.match(fromTrace, /t2 -> t3 \[label="mutex 'B' \(sync#1\)\\n\(holder\)", color="#c62828"/);
  // An older log (no graph field): the report lines are parsed.
  const log = JSON.parse(readFileSync(deadlockLog, 'utf8')) as Record<string, unknown> & Log;
  delete log.graph;
  const old = join(tmp, 'old.json');
  writeFileSync(old, JSON.stringify(log));
  const o = await lockstep(['trace', old, '--dot', join(tmp, 'old.dot'), '--json']);
  assert.is(o.code, 0, o.stderr);
  assert.is((JSON.parse(o.stdout) as { graphFrom: string }).graphFrom, 'report');
  assert.match(readFileSync(join(tmp, 'old.dot'), 'utf8'), /t3 -> t2 \[label="mutex 'A' \(sync#0\)\\n\(holder\)", color="#c62828"/);
  // Only the cycle left.
  log.failure.message = log.failure.message.split('\n')[0]!;
  writeFileSync(old, JSON.stringify(log));
  const c = await lockstep(['trace', old, '--dot', join(tmp, 'cycle.dot')]);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, /from the cycle only/);
  assert.match(readFileSync(join(tmp, 'cycle.dot'), 'utf8'), /t2 -> t3 .*color="#c62828"/);
});

test('trace --html: a self-contained page with the data embedded', async () => {
  const html = join(tmp, 'abba.html');
  const r = await lockstep(['trace', deadlockLog, '--html', html]);
  assert.is(r.code, 0, r.stderr);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!doctype html>/);
  assert.match(page, /<script id="lockstep-data" type="application\/json">/);
  // No network: no external scripts, styles, images or fonts.
  assert.not.match(page, /<script[^>]+src=/i);
  assert.not.match(page, /<link[^>]+href=/i);
  assert.not.match(page, /<img/i);
  assert.not.match(page, /@import|url\(\s*['"]?https?:/i);
  const urls = page.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  assert.equal([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'the only URL is the SVG namespace');
  // Data that looks like markup cannot end the script element.
  assert.not.match(page.slice(page.indexOf('lockstep-data'), page.indexOf('</script>')), /<\//);
});

function findChromium(): string | null {
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  // LOCKSTEP_CHROMIUM names the browser to use (and only that one: a wrong path skips the test).
  const forced = process.env['LOCKSTEP_CHROMIUM'];
  const candidates = forced ? [forced] : ['/usr/bin/chromium'];
  if (!forced) for (const dir of (process.env['PATH'] ?? '').split(delimiter)) for (const n of names) if (dir) candidates.push(join(dir, n));
  for (const c of candidates) {
    if (!c || !existsSync(c)) continue;
    try {
      if (statSync(c).isFile() && spawnSync(c, ['--version'], { timeout: 20_000 }).status === 0) return c;
    } catch {
      // not runnable
    }
  }
  return null;
}

const chromium = findChromium();
if (!chromium) console.log('  (skipped: no Chromium found, so the HTML trace is not rendered; apt-get install chromium to run it)');

(chromium ? test : test.skip)('trace --html renders its lanes in headless Chromium', async () => {
  const html = join(tmp, 'render.html');
  const r = await lockstep(['trace', deadlockLog, '--html', html]);
  assert.is(r.code, 0, r.stderr);
  const profile = mkdtempSync(join(tmpdir(), 'lockstep-chromium-'));
  try {
    const c = await run(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        '--window-size=1400,900',
        '--dump-dom',
        pathToFileURL(html).href,
      ],
      { timeoutMs: 90_000, cwd: tmp },
    );
    assert.is(c.code, 0, c.stderr.slice(-2000));
    const m = /<div id="timeline"[^>]*>/.exec(c.stdout);
    assert.ok(m, 'the timeline element is in the DOM');
    assert.match(m![0], /data-lanes="2"/);
    assert.match(m![0], /data-rendered="1"/);
    assert.match(m![0], /data-failure="deadlock"/);
    const spans = Number(/data-spans="(\d+)"/.exec(m![0])?.[1]);
    assert.ok(spans >= 2, `wait spans drawn: ${spans}`);
    // The lanes, the failure and the legend are drawn.
    assert.match(c.stdout, /class="lane-label cycle"/);
    assert.match(c.stdout, /class="failure-line"/);
    assert.match(c.stdout, /blocked on mutex/);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('trace: bad input is one line, exit 2, and nothing is written', async () => {
  const notLog = join(tmp, 'notlog.json');
  writeFileSync(notLog, '{"hello": 1}');
  const out = join(tmp, 'never.json');
  const cases: [string, string[], RegExp][] = [
    ['no output named', ['trace', deadlockLog], /say what to write: --out FILE/],
    ['missing log', ['trace', '--out', out], /missing LOG/],
    ['not a seed log', ['trace', notLog, '--out', out], /is not a usable seed log: format is null/],
    ['unreadable log', ['trace', join(tmp, 'nope.json'), '--out', out], /cannot read seed log/],
    ['output is a directory', ['trace', deadlockLog, '--out', tmp], /--out .*: is a directory/],
    ['same file twice', ['trace', deadlockLog, '--out', out, '--html', out], /must name different files/],
    ['overwrite the log', ['trace', deadlockLog, '--out', deadlockLog], /refusing to overwrite the seed log/],
    ['unknown flag', ['trace', deadlockLog, '--png', out], /unknown option --png \(valid: --out, --html, --dot/],
  ];
  // The first through the binary; the rest through its entry point (main) in this process.
  for (const [i, [what, args, re]] of cases.entries()) {
    const r = i === 0 ? await lockstep(args) : await lockstepInProcess(args);
    assert.is(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, re, what);
    assert.is(r.stderr.trim().split('\n').length, 1, `${what}: one line`);
    assert.not.ok(existsSync(out), `${what}: nothing written`);
  }
  // A log whose trace is missing.
  const log = JSON.parse(readFileSync(deadlockLog, 'utf8')) as Record<string, unknown>;
  delete log['trace'];
  const noTrace = join(tmp, 'notrace.json');
  writeFileSync(noTrace, JSON.stringify(log));
  const nt = await lockstep(['trace', noTrace, '--out', out]);
  assert.is(nt.code, 2);
  assert.match(nt.stderr, /has no trace/);
  // --dot on a failure that left nothing blocked refuses before writing --out too.
  const inv = join(tmp, 'inv');
  const s = await lockstep(['stress', '--scenario', 'selftest-lost-update', '--variant', 'racy', '--mode', 'controlled', '--strategy', 'pct', '--seed', '2', '--iterations', '300', '--stop-on-failure', '--log-dir', inv]);
  assert.is(s.code, 1, s.stderr);
  const d = await lockstep(['trace', onlyLog(inv), '--out', out, '--dot', join(tmp, 'never.dot')]);
  assert.is(d.code, 2);
  assert.match(d.stderr, /the invariant failure left no task blocked, so there is no wait-for graph for --dot/);
  assert.not.ok(existsSync(out));
  assert.not.ok(existsSync(join(tmp, 'never.dot')));
  // ... while --out alone works for it.
  const ok = await lockstep(['trace', onlyLog(inv), '--out', out]);
  assert.is(ok.code, 0, ok.stderr);
  assert.ok(existsSync(out));
});

test.run();
