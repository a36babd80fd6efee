/**
 * Warm pools for benchmarks that time whole iterations: one Session per
 * tinybench task, opened in its beforeAll (with the task's untimed warm-up:
 * at least one iteration, which starts the executors; warmFor() below for
 * the groups that time the steady state) and closed in its afterAll, so
 * that only one task's workers are alive at a time. Whatever is still open
 * when the run ends (a task threw) is closed by `run`.
 */
import type { Bench, FnOptions } from 'tinybench';
import { Session, type IterationResult, type SessionConfig } from '../src/harness/session.js';
import { strategyByName } from '../src/runtime/explore/index.js';

export class BenchSessions {
  private readonly open = new Set<Session>();

  /**
   * A session slot for one task: `get()` inside the task, `hooks` as its
   * tinybench options. `warm` is the untimed warm-up (at least one iteration); `onClose`
   * drops whatever the task buffered.
   */
  task(config: () => SessionConfig, warm: (s: Session) => Promise<unknown>, onClose?: () => void): { get(): Session; hooks: FnOptions } {
    let session: Session | null = null;
    const open = this.open;
    return {
      get(): Session {
        if (!session) throw new Error('bench: the task ran outside its beforeAll/afterAll');
        return session;
      },
      hooks: {
        async beforeAll() {
          session = new Session(config());
          open.add(session);
          await warm(session);
        },
        async afterAll() {
          onClose?.();
          if (session) {
            open.delete(session);
            await session.close();
          }
          session = null;
        },
      },
    };
  }

  /** Run the bench; close every session left open, whatever happened. */
  async run(bench: Bench): Promise<Bench> {
    try {
      await bench.run();
    } finally {
      for (const s of this.open) await s.close();
    }
    return bench;
  }
}

/**
 * Warm a session's code before it is timed: iterations until `ms` have
 * passed, at least one. Each executor is an isolate of its own, and V8
 * optimizes a function only after it has run enough there: a TSYNC
 * sibling's round runs twice a call, so after one warm iteration (12 calls)
 * its code is still interpreted or baseline-compiled. Measured on this
 * machine (issue 16): Landlock TSYNC with 8 siblings, median call 764 µs
 * after 3 warm iterations, 571 after 50, 467-517 after 200-600; a sibling's
 * first round 24 µs cold, 8 µs warm. A stress run spends its time warm; the
 * benchmark times that steady state (types.ts: steadyWarmMs). Returns the
 * iterations run.
 */
export async function warmFor(ms: number, iterate: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + ms;
  let n = 0;
  do {
    await iterate();
    n++;
  } while (performance.now() < end);
  return n;
}

/**
 * One iteration in parallel mode with strategy none and no perturbation
 * (what every latency benchmark measures); a failure throws, named.
 */
export async function runQuiet(s: Session, seed: number, what: string): Promise<IterationResult> {
  const r = await s.run({ iteration: seed, iterSeed: seed + 1, mode: 'parallel', strategy: strategyByName('none')!, depth: 1, maxSteps: 1, perturbPermille: 0 });
  if (r.failure) throw new Error(`${what}: ${r.failure.kind}: ${r.failure.message}`);
  return r;
}
