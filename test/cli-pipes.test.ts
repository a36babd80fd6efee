/**
 * A reader that goes away (`lockstep list | head -1`): every command ends
 * quietly (no EPIPE, no stack trace), promptly, and a running stress run
 * stops and closes its pool instead of running to its end.
 *
 * The child's stdout (and stderr) is a pipe this process reads; closing our
 * end is what `head` does when it exits. "at once" closes it before the
 * child has written anything, so its first write fails for certain; "after
 * the first line" is the `| head -1` a user types.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLI, ROOT, lockstep } from './helpers.js';

interface Closed {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the child wrote on stderr while we still read it. */
  readonly stderr: string;
  readonly firstLine: string;
  /** From closing our end to the child's exit. */
  readonly msAfterClose: number;
}

/**
 * Run the CLI and close its output: `stdout` (read stderr to the end), or
 * `both` (as `2>&1 | head -1`: whichever first line comes first closes
 * both), `at-once` or after the first line. Killed, and the test failed,
 * after `timeoutMs`.
 */
function closingReader(args: readonly string[], o: { streams: 'stdout' | 'both'; when: 'at-once' | 'first-line'; timeoutMs: number }): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let head = '';
    let closedAt = 0;
    const close = (): void => {
      if (closedAt) return;
      closedAt = Date.now();
      child.stdout.destroy();
      if (o.streams === 'both') child.stderr.destroy();
    };
    const firstLine = (d: Buffer): void => {
      if (closedAt) return;
      head += d.toString();
      if (head.includes('\n')) close();
    };
    child.stdout.on('data', firstLine);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (o.streams === 'both') firstLine(d);
    });
    if (o.when === 'at-once') close();
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lockstep ${args.join(' ')}: still running ${o.timeoutMs} ms after its output closed`));
    }, o.timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(kill);
      resolve({ code, signal, stderr, firstLine: head.split('\n')[0]!, msAfterClose: closedAt ? Date.now() - closedAt : -1 });
    });
  });
}

function quiet(r: Closed, what: string): void {
  assert.is(r.signal, null, `${what}: not killed`);
  assert.not.match(r.stderr, /EPIPE/, `${what}: no EPIPE: ${r.stderr}`);
  assert.not.match(r.stderr, /\n\s+at |Error:/, `${what}: no stack trace: ${r.stderr}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'lockstep-pipes-'));

test('list | head -1, and list with its reader gone at once: exit 0, nothing on stderr', async () => {
  const r = await closingReader(['list'], { streams: 'stdout', when: 'first-line', timeoutMs: 60_000 });
  quiet(r, 'list | head -1');
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.match(r.firstLine, /^tw-barrier {2}\(threads 2\.\.64, default 4\)$/);
  // Closed before the first write: that write fails with EPIPE for certain.
  const a = await closingReader(['list'], { streams: 'stdout', when: 'at-once', timeoutMs: 60_000 });
  quiet(a, 'list, reader gone');
  assert.is(a.code, 0);
  assert.is(a.stderr, '');
});

test('stress --json | head -1: the run stops, the pool closes, exit 0 without a word', async () => {
  const r = await closingReader(['stress', '--scenario', 'tw-barrier', '--iterations', '2000', '--seed', '1', '--json', '--log-dir', join(tmp, 'a')], {
    streams: 'stdout',
    when: 'first-line',
    timeoutMs: 30_000,
  });
  quiet(r, 'stress --json');
  assert.is(r.code, 0);
  assert.is(r.stderr, '');
  assert.is((JSON.parse(r.firstLine) as { type: string }).type, 'progress');
  // A run far too long to finish within the timeout proves it stopped rather than ran to its end.
  const long = await closingReader(['stress', '--scenario', 'tw-barrier', '--iterations', '10000000', '--seed', '1', '--json', '--log-dir', join(tmp, 'b')], {
    streams: 'stdout',
    when: 'first-line',
    timeoutMs: 30_000,
  });
  quiet(long, 'long stress --json');
  assert.is(long.code, 0);
  assert.ok(long.msAfterClose < 20_000, `stopped ${long.msAfterClose} ms after the reader left`);
});

test('stress 2>&1 | head -1 (progress on stderr): the run stops, exit 0', async () => {
  const r = await closingReader(['stress', '--scenario', 'tw-barrier', '--seconds', '600', '--seed', '1', '--log-dir', join(tmp, 'c')], {
    streams: 'both',
    when: 'first-line',
    timeoutMs: 30_000,
  });
  // Both streams are closed, so a stack trace could not be seen; exit code 0 says there was none.
  assert.is(r.signal, null);
  assert.is(r.code, 0);
  assert.match(r.firstLine, /^tw-barrier\/mainline \[/);
});

test('replay, trace, merge, --version, --help and bench with their reader gone: their own exit code, nothing on stderr', async () => {
  const logs = join(tmp, 'abba');
  const s = await lockstep(['stress', '--scenario', 'selftest-abba', '--variant', 'abba', '--mode', 'controlled', '--seed', '3', '--stop-on-failure', '--log-dir', logs]);
  assert.is(s.code, 1, s.stderr);
  const log = join(logs, readdirSync(logs)[0]!);
  const shard = join(tmp, 'shard.json');
  writeFileSync(
    shard,
    `${JSON.stringify({ type: 'summary', scenario: 'tw-barrier', variant: 'mainline', mode: 'parallel', strategy: 'random', seed: '0x00000001', iterations: 5, failures: 0, seconds: 1, itersPerSec: 5, workersSpawned: 4, logs: [] })}\n`,
  );
  const cases: [string[], number][] = [
    [['replay', log, '--runs', '3'], 1],
    [['replay', log, '--runs', '3', '--json'], 1],
    [['trace', log, '--out', join(tmp, 'abba-trace.json')], 0],
    [['merge', shard], 0],
    [['merge', shard, '--json'], 0],
    [['--version'], 0],
    [['merge', '--help'], 0],
  ];
  for (const [args, code] of cases) {
    const r = await closingReader(args, { streams: 'stdout', when: 'at-once', timeoutMs: 30_000 });
    quiet(r, args.join(' '));
    assert.is(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.is(r.stderr, '', args.join(' '));
  }
  // bench takes no stop signal: its closed output ends the process at once (as SIGPIPE would).
  const b = await closingReader(['bench', '--quick'], { streams: 'both', when: 'at-once', timeoutMs: 30_000 });
  assert.is(b.signal, null);
  assert.is(b.code, 0);
});

test.run();
