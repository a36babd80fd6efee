/**
 * The three ways parallel mode perturbs a thread at a yield point. A real
 * sleep must block in the OS so the other core can run: Atomics.wait on a
 * private word with a timeout does exactly that.
 */
const word = new Int32Array(new SharedArrayBuffer(4));

/** Busy-wait for about `n` loads (keeps the CPU: shifts timing by < 1 µs each). */
export function spinFor(n: number): void {
  for (let i = 0; i < n; i++) Atomics.load(word, 0);
}

/** Give up the CPU briefly (a futex sleep of ~1 µs requested; the OS rounds up). */
export function yieldCpu(): void {
  Atomics.wait(word, 0, 0, 0.001);
}

/** Sleep for `us` microseconds. */
export function sleepUs(us: number): void {
  Atomics.wait(word, 0, 0, us / 1000);
}
