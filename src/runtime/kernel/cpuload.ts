/**
 * What else wants the machine's cores: the runnable threads that are not
 * this session's tasks or spinners (other processes, other sessions, a
 * benchmark's hog, the harness thread between iterations).
 *
 * Spinning and short-delay busy-waits pay only when every thread that wants a
 * core has one (sched.ts, explore/delay.ts). Our own threads are counted
 * exactly and at once in the SAB (kNrRunning, kSpinners); the others come
 * from the kernel's instantaneous count of runnable threads, the fourth field
 * of /proc/loadavg (`nr_running/nr_threads`, kernel/sched/loadavg.c and
 * fs/proc/loadavg.c: nr_running()), minus ours at the moment of the sample.
 *
 * The 1-minute load average used before counted our own spinners and
 * runnable tasks of the last minute: a benchmark's own threads raised it
 * above the cores and switched spinning off for the rest of the run (a
 * 68 µs handoff on an idle machine where spinning takes 2.6 µs, issue 16).
 *
 * One sample is a snapshot: each thread re-reads at most every SAMPLE_MS and
 * smooths the samples, so one short-lived thread (a kworker, a GC helper)
 * does not switch spinning off, while a thread that keeps running (another
 * process's busy loop) counts within a few samples. Where /proc/loadavg
 * cannot be read (not Linux), the load average above the cores stands in.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks'; // not the global accessor (kernel.ts)

export const CORES = availableParallelism();

/** A thread re-samples at most this often (ms): a pread of /proc/loadavg costs a few µs. */
const SAMPLE_MS = 10;
/** Weight of the newest sample in the smoothed count. */
const ALPHA = 0.3;

let fd = -2;
const buf = Buffer.alloc(128);
let sampledAt = -Infinity;
let smoothed = 0;
let others = 0;

function openLoadavg(): number {
  try {
    return openSync('/proc/loadavg', 'r');
  } catch {
    return -1;
  }
}

/** The runnable threads on the machine now, or -1 if the kernel does not say. */
function nrRunning(): number {
  if (fd === -2) fd = openLoadavg();
  if (fd < 0) return -1;
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    // "0.52 0.58 0.59 3/129 12345": the numerator of the fourth field.
    const s = buf.toString('latin1', 0, n);
    const slash = s.indexOf('/');
    const sp = s.lastIndexOf(' ', slash);
    const v = Number.parseInt(s.slice(sp + 1, slash), 10);
    return Number.isFinite(v) ? v : -1;
  } catch {
    closeSync(fd);
    fd = -1;
    return -1;
  }
}

/**
 * Runnable threads other than `ours` (this session's threads that want a
 * core now, the caller included: the kernel counts it running while it
 * reads), smoothed. `now`: the clock (performance.now()), if the caller has
 * just read it (a park reads it once for its event and its spin, sched.ts).
 */
export function othersRunnable(ours: number, now = performance.now()): number {
  if (now - sampledAt < SAMPLE_MS) return others;
  sampledAt = now;
  const nr = nrRunning();
  if (nr < 0) {
    others = loadavg()[0]! > CORES + 1 ? CORES : 0;
    return others;
  }
  smoothed = (1 - ALPHA) * smoothed + ALPHA * Math.max(0, nr - ours);
  // Round with a bias toward 0: one stray sample (0.3) does not count as a thread.
  others = Math.floor(smoothed + 0.4);
  return others;
}

/**
 * Every thread that wants a core has one while `ours` of this session's
 * threads want one (running tasks, woken ones, spinners and the caller
 * itself, as the caller counts them from kNrRunning and kSpinners) beside
 * the machine's other runnable threads; `now` as in othersRunnable().
 */
export function coresFor(ours: number, now?: number): boolean {
  return ours <= CORES && ours + othersRunnable(ours, now) <= CORES;
}
