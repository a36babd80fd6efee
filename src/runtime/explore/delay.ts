/**
 * The three ways parallel mode perturbs a thread at a yield point, with the
 * durations the strategies ask for.
 *
 * A futex wait with a timeout overshoots by the kernel's timer slack (50 µs
 * by default for a normal thread) plus the wake-up: a "~1 µs" wait took
 * ~70 µs and a 5 µs sleep ~77 µs here, so perturbations were ~70 µs longer
 * than drawn and made up half of a parallel iteration's time (issue 16).
 * Each thread measures that overshoot once and subtracts it. A delay shorter
 * than the overshoot cannot block for its length: it blocks (giving the CPU
 * away, which is what a sleep does to the other tasks) when a task is
 * waiting for a core (kNrRunning > cores) or the machine is loaded;
 * otherwise every runnable task has a core of its own, nobody can use ours,
 * and the thread spins for the delay instead. A yield is the kernel's sched_yield(): a switch when
 * another task waits for the CPU, a return at once when none does.
 */
import { kNrRunning } from '../kernel/layout.js';
import { CORES, machineBusy } from '../kernel/sched.js';

const word = new Int32Array(new SharedArrayBuffer(4));

/** Busy-wait for about `n` loads (keeps the CPU: shifts timing by < 1 µs each). */
export function spinFor(n: number): void {
  for (let i = 0; i < n; i++) Atomics.load(word, 0);
}

/** The shortest futex sleep this thread gets (µs), measured on first use. */
let overshootUs = -1;

function overshoot(): number {
  if (overshootUs < 0) {
    const xs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      Atomics.wait(word, 0, 0, 0.001);
      xs.push((performance.now() - t0) * 1000);
    }
    xs.sort((a, b) => a - b);
    overshootUs = xs[2]!;
  }
  return overshootUs;
}

/**
 * Somebody waits for a core: blocking hands ours over. Other processes
 * count too (sched.ts machineBusy): on a loaded machine a thread that spins
 * through its delay spends its share of the CPU and is descheduled for a
 * time slice later, longer than the delay it was asked for.
 */
function cpuWanted(i32: Int32Array): boolean {
  return Atomics.load(i32, kNrRunning) > CORES || machineBusy(); // lockstep-internal
}

function spinUs(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

/** sched_yield(): give up the CPU if another task waits for it, else return at once. */
export function yieldCpu(i32: Int32Array): void {
  if (cpuWanted(i32)) Atomics.wait(word, 0, 0, 0.001);
}

/** Sleep for `us` microseconds. */
export function sleepUs(i32: Int32Array, us: number): void {
  const o = overshoot();
  if (us > o) Atomics.wait(word, 0, 0, (us - o) / 1000);
  else if (cpuWanted(i32)) Atomics.wait(word, 0, 0, 0.001);
  else spinUs(us);
}
