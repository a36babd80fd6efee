/**
 * `--shard`: a shard needs `--seed` (refused at once otherwise), and
 * `--shard auto[/N]` takes the shard from a job runner's environment
 * (Kubernetes Indexed Jobs, GitLab CI parallel:). The resolver is pure, so
 * most cases run in memory; the CLI runs check the stderr line, the
 * summary's shard field, and that auto picks the very shard I/N would.
 */
import { refusal } from './refusal.js';
import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseShard } from '../src/cli/shard.js';
import { resolveShard } from '../src/cli/resolve.js';
import { CLI, ROOT } from './helpers.js';

test('parseShard: explicit I/N is 0-based inside and says nothing', () => {
  assert.equal(parseShard('3/8', {}), { range: [2, 8], from: null });
  assert.is(parseShard(undefined, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '2' }), null);
  // The environment does not matter for an explicit shard.
  assert.equal(parseShard('1/1', { JOB_COMPLETION_INDEX: '5' }), { range: [0, 1], from: null });
  assert.match(refusal(() => parseShard('0/4', {})), '--shard 0/4: I must be between 1 and N');
  assert.match(refusal(() => parseShard('two/4', {})), '--shard: "two/4" is not I/N (e.g. 1/4) or auto[/N]');
});

test('parseShard auto: GitLab CI parallel: (1-based index and total)', () => {
  assert.equal(parseShard('auto', { CI_NODE_INDEX: '4', CI_NODE_TOTAL: '8' }), {
    range: [3, 8],
    from: 'shard 4/8 from GitLab CI (CI_NODE_INDEX=4, CI_NODE_TOTAL=8)',
  });
  // auto/N must agree with CI_NODE_TOTAL.
  assert.equal(parseShard('auto/8', { CI_NODE_INDEX: '8', CI_NODE_TOTAL: '8' })!.range, [7, 8]);
  assert.match(refusal(() => parseShard('auto/4', { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '8' })), 'CI_NODE_TOTAL=8 says 8 shards, not 4');
  assert.match(refusal(() => parseShard('auto', { CI_NODE_INDEX: '9', CI_NODE_TOTAL: '8' })), 'CI_NODE_INDEX=9 is out of range for CI_NODE_TOTAL=8 (1..8)');
  assert.match(refusal(() => parseShard('auto', { CI_NODE_INDEX: '0', CI_NODE_TOTAL: '8' })), 'CI_NODE_INDEX=0 is out of range for CI_NODE_TOTAL=8 (1..8)');
  assert.match(refusal(() => parseShard('auto', { CI_NODE_INDEX: 'x', CI_NODE_TOTAL: '8' })), 'CI_NODE_INDEX="x" is not a whole number');
  assert.match(refusal(() => parseShard('auto', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: 'eight' })), 'CI_NODE_TOTAL="eight" is not a whole number');
  assert.match(refusal(() => parseShard('auto', { CI_NODE_INDEX: '2' })), 'CI_NODE_INDEX=2 gives the index, but CI_NODE_TOTAL is not set: use --shard auto/N');
  // A GitLab job without parallel: has CI_NODE_TOTAL=1 and no index.
  assert.match(refusal(() => parseShard('auto', { CI_NODE_TOTAL: '1' })), 'CI_NODE_TOTAL=1 without CI_NODE_INDEX: the GitLab job has no parallel:');
});

test('parseShard auto/N: Kubernetes Indexed Job (0-based index, count from the flag)', () => {
  assert.equal(parseShard('auto/8', { JOB_COMPLETION_INDEX: '2' }), {
    range: [2, 8],
    from: 'shard 3/8 from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=2, count 8 from --shard auto/8)',
  });
  assert.equal(parseShard('auto/8', { JOB_COMPLETION_INDEX: '7' })!.range, [7, 8]);
  assert.match(refusal(() => parseShard('auto/8', { JOB_COMPLETION_INDEX: '8' })), 'JOB_COMPLETION_INDEX=8 is out of range for --shard auto/8 (0..7)');
  assert.match(
    refusal(() => parseShard('auto', { JOB_COMPLETION_INDEX: '2' })),
    'JOB_COMPLETION_INDEX=2 gives the index, but a Kubernetes Indexed Job does not say how many shards there are: use --shard auto/N',
  );
  assert.match(refusal(() => parseShard('auto/0', { JOB_COMPLETION_INDEX: '0' })), '--shard auto/0: N must be at least 1');
  assert.match(refusal(() => parseShard('auto/x', { JOB_COMPLETION_INDEX: '0' })), 'auto/N: N="x" is not a whole number');
});

test('parseShard auto: nothing in the environment, or two engines at once', () => {
  const none = refusal(() => parseShard('auto', { HOME: '/root' }));
  for (const v of ['JOB_COMPLETION_INDEX', 'CI_NODE_INDEX', 'CI_NODE_TOTAL', '--shard I/N']) assert.ok(none.includes(v), `${v} in: ${none}`);
  // An empty variable is not a value.
  assert.match(refusal(() => parseShard('auto/2', { JOB_COMPLETION_INDEX: '' })), 'no shard index in the environment');
  assert.match(
    refusal(() => parseShard('auto/2', { JOB_COMPLETION_INDEX: '0', CI_NODE_INDEX: '1', CI_NODE_TOTAL: '2' })),
    'JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) and CI_NODE_INDEX (GitLab CI) are all set: pass --shard I/N',
  );
});

test('resolveShard: a shard without --seed is refused, with a seed it is the shard', () => {
  assert.match(refusal(() => resolveShard({ shard: '2/4' }, {})), '--shard 2/4 needs --seed S, the same on every shard');
  assert.match(refusal(() => resolveShard({ shard: 'auto' }, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '2' })), '--shard auto needs --seed S');
  assert.equal(resolveShard({ shard: '2/4', seed: '7' }, {}), { range: [1, 4], from: null });
  assert.is(resolveShard({ seed: '7' }, { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '2' }), null, 'no --shard: the environment is not read');
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The CLI with `env` on top of ours minus any shard variable the machine running the tests has. */
function lockstepEnv(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const v of ['JOB_COMPLETION_INDEX', 'CI_NODE_INDEX', 'CI_NODE_TOTAL']) delete base[v];
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lockstep ${args.join(' ')}: timed out`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

const RUN = ['stress', '--scenario', 'tw-barrier', '--mode', 'controlled', '--iterations', '10', '--json', '--log-dir', 'lockstep-logs'];

test('CLI: --shard without --seed stops at once with exit 2 and one line', async () => {
  // 10 million iterations: had it started, the test would time out.
  const r = await lockstepEnv(['stress', '--scenario', 'tw-barrier', '--iterations', '10000000', '--shard', '2/4', '--json'], {});
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '', 'nothing ran');
  assert.is(r.stderr, 'lockstep stress: --shard 2/4 needs --seed S, the same on every shard (e.g. --seed 0x2a): shards of different seeds cannot be merged\n');
});

test('CLI: --shard auto from GitLab CI and from a Kubernetes Indexed Job runs the shard I/N would', async () => {
  const summaryOf = (r: Run): Record<string, unknown> => JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  const explicit = await lockstepEnv([...RUN, '--seed', '5', '--shard', '2/3'], {});
  assert.is(explicit.code, 0, explicit.stderr);
  assert.is(explicit.stderr, '', 'an explicit shard says nothing');

  const gitlab = await lockstepEnv([...RUN, '--seed', '5', '--shard', 'auto'], { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' });
  assert.is(gitlab.code, 0, gitlab.stderr);
  assert.is(gitlab.stderr, 'shard 2/3 from GitLab CI (CI_NODE_INDEX=2, CI_NODE_TOTAL=3)\n');
  const k8s = await lockstepEnv([...RUN, '--seed', '5', '--shard', 'auto/3'], { JOB_COMPLETION_INDEX: '1' });
  assert.is(k8s.code, 0, k8s.stderr);
  assert.is(k8s.stderr, 'shard 2/3 from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=1, count 3 from --shard auto/3)\n');

  const [e, g, k] = [explicit, gitlab, k8s].map(summaryOf);
  assert.is(g!['shard'], '2/3');
  assert.is(k!['shard'], '2/3');
  assert.is(g!['iterations'], 10);
  // Controlled mode: the same seeds give the same schedules, so the hash names the shard.
  assert.is(g!['scheduleHash'], e!['scheduleHash']);
  assert.is(k!['scheduleHash'], e!['scheduleHash']);
  const other = summaryOf(await lockstepEnv([...RUN, '--seed', '5', '--shard', 'auto'], { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' }));
  assert.is(other['shard'], '3/3');
  assert.is.not(other['scheduleHash'], e!['scheduleHash'], 'another shard runs other seeds');
});

test('CLI: --shard auto with no job runner in the environment is exit 2 naming the variables', async () => {
  const r = await lockstepEnv([...RUN, '--seed', '5', '--shard', 'auto'], {});
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^lockstep stress: --shard auto: no shard index in the environment; looked for JOB_COMPLETION_INDEX .*CI_NODE_INDEX and CI_NODE_TOTAL/);
  const bad = await lockstepEnv([...RUN, '--seed', '5', '--shard', 'auto/4'], { JOB_COMPLETION_INDEX: '4' });
  assert.is(bad.code, 2);
  assert.is(bad.stderr, 'lockstep stress: --shard auto/4: JOB_COMPLETION_INDEX=4 is out of range for --shard auto/4 (0..3)\n');
});

test.run();
