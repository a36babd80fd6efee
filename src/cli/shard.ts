/**
 * `--shard I/N` and `--shard auto[/N]`: which shard of a run this process
 * is. `auto` reads the index (and the count, where the engine gives it)
 * from the environment a job runner sets, so one job definition serves
 * every shard. Pure: the environment is a parameter, so the unit tests
 * need no process of their own. docs/SHARDS.md shows each engine's job.
 *
 * GitHub Actions has no standard variable for a matrix entry, so it is not
 * here: there the job passes `--shard ${{ matrix.shard }}/N` itself.
 */
import { UsageError } from '../runtime/kernel/errors.js';

export interface ShardChoice {
  /** 0-based index and count, as the harness takes them. */
  readonly range: readonly [number, number];
  /** For `auto`: the line saying where the shard came from; null for an explicit I/N. */
  readonly from: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

interface Engine {
  readonly name: string;
  /** The variable holding this job's index. */
  readonly index: string;
  /** 0 when the index counts from 0, 1 when from 1. */
  readonly base: 0 | 1;
  /** The variable holding the count, when the engine sets one. */
  readonly count: string | null;
}

const ENGINES: readonly Engine[] = [
  // Indexed Jobs (completionMode: Indexed); the count (spec.completions) is not in the environment.
  { name: 'a Kubernetes Indexed Job', index: 'JOB_COMPLETION_INDEX', base: 0, count: null },
  // `parallel: N`; without it GitLab sets CI_NODE_TOTAL=1 and no CI_NODE_INDEX.
  { name: 'GitLab CI', index: 'CI_NODE_INDEX', base: 1, count: 'CI_NODE_TOTAL' },
];

const LOOKED_FOR = 'JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with --shard auto/N), CI_NODE_INDEX and CI_NODE_TOTAL (GitLab CI parallel:)';

function whole(text: string, what: string): number {
  if (!/^[0-9]+$/.test(text.trim())) throw new UsageError(`--shard: ${what}="${text}" is not a whole number`);
  return Number(text);
}

/** The shard `--shard VALUE` names, or null without --shard. */
export function parseShard(value: string | undefined, env: Env): ShardChoice | null {
  if (value === undefined) return null;
  const v = value.trim();
  const auto = /^auto(?:\/(.*))?$/.exec(v);
  if (auto) return fromEnvironment(auto[1] === undefined ? null : whole(auto[1], 'auto/N: N'), v, env);
  const m = /^([0-9]+)\/([0-9]+)$/.exec(v);
  if (!m) throw new UsageError(`--shard: "${value}" is not I/N (e.g. 1/4) or auto[/N]`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || i < 1 || i > n) throw new UsageError(`--shard ${value}: I must be between 1 and N`);
  return { range: [i - 1, n], from: null };
}

function fromEnvironment(given: number | null, flag: string, env: Env): ShardChoice {
  if (given !== null && given < 1) throw new UsageError(`--shard ${flag}: N must be at least 1`);
  const present = ENGINES.filter((e) => env[e.index] !== undefined && env[e.index] !== '');
  if (present.length === 0) {
    const hint = env['CI_NODE_TOTAL'] !== undefined ? ` (CI_NODE_TOTAL=${env['CI_NODE_TOTAL']} without CI_NODE_INDEX: the GitLab job has no parallel:)` : '';
    throw new UsageError(`--shard ${flag}: no shard index in the environment${hint}; looked for ${LOOKED_FOR}; elsewhere (GitHub Actions) pass --shard I/N`);
  }
  if (present.length > 1) {
    throw new UsageError(`--shard ${flag}: ${present.map((e) => `${e.index} (${e.name})`).join(' and ')} are all set: pass --shard I/N`);
  }
  const e = present[0]!;
  const rawIndex = env[e.index]!;
  const index = whole(rawIndex, e.index);
  const rawCount = e.count === null ? undefined : env[e.count];
  const envCount = rawCount === undefined || rawCount === '' ? null : whole(rawCount, e.count!);
  if (envCount !== null && given !== null && envCount !== given) {
    throw new UsageError(`--shard ${flag}: ${e.count}=${envCount} says ${envCount} shards, not ${given}`);
  }
  const count = envCount ?? given;
  if (count === null) {
    const why = e.count === null ? `${e.name} does not say how many shards there are` : `${e.count} is not set`;
    throw new UsageError(`--shard ${flag}: ${e.index}=${rawIndex} gives the index, but ${why}: use --shard auto/N`);
  }
  if (count < 1) throw new UsageError(`--shard ${flag}: ${e.count}=${count}: the count must be at least 1`);
  const i = index - e.base;
  if (i < 0 || i >= count) {
    const countFrom = envCount !== null ? `${e.count}=${count}` : `--shard auto/${count}`;
    throw new UsageError(`--shard ${flag}: ${e.index}=${rawIndex} is out of range for ${countFrom} (${e.base}..${count - 1 + e.base})`);
  }
  const vars = envCount !== null ? `${e.index}=${rawIndex}, ${e.count}=${count}` : `${e.index}=${rawIndex}, count ${count} from --shard auto/${count}`;
  return { range: [i, count], from: `shard ${i + 1}/${count} from ${e.name} (${vars})` };
}
