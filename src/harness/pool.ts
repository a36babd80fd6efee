/**
 * The warm pool: piscina runs one long-lived executor task per worker
 * (minThreads = maxThreads = N, idleTimeout Infinity; docs/ARCHITECTURE.md §8),
 * so after warm-up an iteration spawns no Worker. Workers are counted
 * through piscina's `workerCreate` event: that count is `workersSpawned`.
 *
 * An executor stuck in user code that never reaches a yield point cannot be
 * woken through the SAB; it is terminated through piscina's abort signal
 * (which replaces the worker) and a fresh executor is started in its place.
 */
import { Piscina } from 'piscina';
import { EXEC_IDLE, EXEC_QUIT, EXEC_WORDS, X_BUSY, X_MAILBOX, X_READY } from '../runtime/kernel/layout.js';
import type { KernelMemory } from '../runtime/kernel/memory.js';
import type { ExecutorArgs, ExecutorResult } from '../runtime/executor.js';

const EXECUTOR_URL = new URL('../runtime/executor.js', import.meta.url).href;

export class ExecutorPool {
  private readonly pool: Piscina;
  private readonly runs: (Promise<ExecutorResult | null> | null)[] = [];
  private readonly aborts: (AbortController | null)[] = [];
  /** Workers created by the pool since it started. */
  spawned = 0;
  /** Why the last executor failed to start, if it did. */
  startError: Error | null = null;

  constructor(
    private readonly mem: KernelMemory,
    private readonly base: Omit<ExecutorArgs, 'exec'>,
    readonly size: number,
  ) {
    this.pool = new Piscina({
      filename: EXECUTOR_URL,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      // Executors block in Atomics.wait on the SAB, never between piscina
      // tasks; 'disabled' keeps piscina's own wait loop out of the way.
      atomics: 'disabled',
    });
    this.pool.on('workerCreate', () => {
      this.spawned++;
    });
    this.pool.on('error', (e: unknown) => {
      this.startError = e instanceof Error ? e : new Error(String(e));
    });
  }

  start(): void {
    for (let x = 0; x < this.size; x++) this.launch(x);
  }

  /**
   * Wait until every executor has started (loaded the scenario, entered its
   * loop): before that, a task handed to it would look like a hang.
   */
  async ready(timeoutMs = 60_000): Promise<void> {
    const i32 = this.mem.i32;
    const deadline = performance.now() + timeoutMs;
    for (let x = 0; x < this.size; x++) {
      const w = this.mem.L.executors + x * EXEC_WORDS + X_READY;
      while (Atomics.load(i32, w) === 0) {
        if (this.startError) throw this.startError;
        if (performance.now() > deadline) throw new Error(`executor ${x} did not start within ${timeoutMs / 1000} s`);
        const r = Atomics.waitAsync(i32, w, 0, 50);
        if (r.async) await r.value;
      }
    }
  }

  private launch(x: number): void {
    const i32 = this.mem.i32;
    const xb = this.mem.L.executors + x * EXEC_WORDS;
    Atomics.store(i32, xb + X_MAILBOX, EXEC_IDLE);
    Atomics.store(i32, xb + X_BUSY, 0);
    Atomics.store(i32, xb + X_READY, 0);
    const ac = new AbortController();
    this.aborts[x] = ac;
    this.runs[x] = this.pool.run({ ...this.base, exec: x }, { signal: ac.signal }).then(
      (r: ExecutorResult) => r,
      (e: unknown) => {
        if (!ac.signal.aborted) this.startError = e instanceof Error ? e : new Error(String(e));
        return null;
      },
    );
  }

  /**
   * Executors that still owe kBusy a task's share: one handed a task it has
   * not taken yet (its mailbox holds a slot; wakeUpNewTask() counted the task
   * in kBusy when it posted it) or one running or finishing a task (X_BUSY,
   * set before the mailbox is emptied and cleared after the share is given
   * back). The mailbox is read first: an executor that takes its task between
   * the two loads is then seen through X_BUSY.
   */
  busy(): number[] {
    const i32 = this.mem.i32;
    const out: number[] = [];
    for (let x = 0; x < this.size; x++) {
      const xb = this.mem.L.executors + x * EXEC_WORDS;
      const m = Atomics.load(i32, xb + X_MAILBOX);
      if ((m !== EXEC_IDLE && m !== EXEC_QUIT) || Atomics.load(i32, xb + X_BUSY) !== 0) out.push(x);
    }
    return out;
  }

  /** Terminate the workers of executors `xs` (stuck in user code) and start replacements. */
  async replace(xs: readonly number[]): Promise<void> {
    for (const x of xs) {
      this.aborts[x]?.abort();
      await this.runs[x];
      this.launch(x);
    }
    await this.ready();
  }

  /** Ask every executor to return, then destroy the pool. */
  async close(): Promise<void> {
    const i32 = this.mem.i32;
    for (let x = 0; x < this.size; x++) {
      const mb = this.mem.L.executors + x * EXEC_WORDS + X_MAILBOX;
      Atomics.store(i32, mb, EXEC_QUIT);
      Atomics.notify(i32, mb);
    }
    const all = Promise.all(this.runs);
    const timeout = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), 2000).unref());
    await Promise.race([all, timeout]);
    await this.pool.destroy();
  }
}
