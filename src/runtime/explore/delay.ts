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
 *
 * A delay only matters beside another task that can run meanwhile: with
 * every other task of the run waiting (kNrRunning counts the running and
 * woken tasks, a task inside its own delay included), nobody can overtake
 * the delayed thread, so a sleep would only make the iteration longer (a
 * waiting task can only be woken by us, by its own timeout, which a delay
 * merely reaches later in our code, or by the harness's abort). Such delays
 * return at once, and a sleep ends when the last other task stops running:
 * in landlock-multi-threaded, whose caller runs alone while its siblings
 * wait, delays were half of a parallel random iteration. Likewise a yield
 * that gave the CPU away is over when a core is free again, not after a
 * fixed futex timeout.
 */
import { performance } from 'node:perf_hooks'; // not the global accessor (kernel/kernel.ts)
import { kDelayWaiters, kDelayWake, kNrRunning, kSpinners } from '../kernel/layout.js';
import { coresFor } from '../kernel/cpuload.js';

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
 * count too (cpuload.ts): on a loaded machine a thread that spins
 * through its delay spends its share of the CPU and is descheduled for a
 * time slice later, longer than the delay it was asked for.
 */
function cpuWanted(i32: Int32Array): boolean {
  return !coresFor(Atomics.load(i32, kNrRunning) + Atomics.load(i32, kSpinners)); // lockstep-internal
}

function spinUs(us: number): void {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
}

/** No other task of the run is running or runnable: a delay changes no interleaving. */
function alone(i32: Int32Array): boolean {
  return Atomics.load(i32, kNrRunning) <= 1; // lockstep-internal
}

/**
 * Block for at most `ms` (plus the overshoot), or until a task of the run
 * stops running (sched.ts wakeDelayed): counted in kDelayWaiters meanwhile.
 */
function delayWait(i32: Int32Array, ms: number): void {
  Atomics.add(i32, kDelayWaiters, 1); // lockstep-internal
  const g = Atomics.load(i32, kDelayWake); // lockstep-internal
  Atomics.wait(i32, kDelayWake, g, ms); // lockstep-internal: a perturbation delay
  Atomics.sub(i32, kDelayWaiters, 1); // lockstep-internal
}

/**
 * sched_yield(): give up the CPU if another task waits for it, else return at
 * once. Given up, it is back when a task of the run stops running (a core is
 * free: the kernel's yield returns when the scheduler picks the task again),
 * at the latest after the shortest futex sleep.
 */
export function yieldCpu(i32: Int32Array): void {
  if (cpuWanted(i32)) delayWait(i32, 0.001);
}

/**
 * Sleep for `us` microseconds: at once if no other task can run meanwhile,
 * and no longer than until every other task waits.
 */
export function sleepUs(i32: Int32Array, us: number): void {
  if (alone(i32)) return;
  const o = overshoot();
  if (us <= o) {
    if (cpuWanted(i32)) delayWait(i32, 0.001);
    else spinUs(us);
    return;
  }
  const end = performance.now() + us / 1000;
  for (let left = us; left > o; left = (end - performance.now()) * 1000) {
    delayWait(i32, (left - o) / 1000);
    if (alone(i32)) return;
  }
}
