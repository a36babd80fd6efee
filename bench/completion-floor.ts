/**
 * The floor of a kernel-faithful spinning handoff: the shared-memory accesses
 * of complete() and wait_for_completion() (kernel/sched/completion.c: the
 * `done` count; the waiter's sleep state and what it waits on, as
 * prepare_to_wait() and try_to_wake_up() in kernel/sched/core.c read and
 * write them) with the runtime's spin-then-park on a park word, written out
 * in plain JS on a few words: none of lockstep's own code (no accessor layer,
 * no yield points, no events, no clock stamps, no wake-up scan of a task
 * table).
 *
 * It answers what the raw spin ping-pong cannot: how far above one cache line
 * passed back and forth a handoff that keeps the kernel's protocol must sit
 * on this machine. The raw spin ping-pong writes one word a side; a
 * completion handoff writes the completion's line, the wakee's sleep state and
 * park word on its record's line, and its own record's line, each of which the
 * other side wrote last (docs/bench/issue-16.md, twelfth session).
 *
 * Two flavours. `bare`: the kernel's accesses only. `ordered`: also what
 * lockstep keeps for itself on every park and yield point (sched.ts,
 * kernel.ts): the runnable count and the spinner count that decide spinning,
 * the FIFO wait ticket, and a ticket from one global sequence at each yield
 * point, block and wake (the recorded order a failing parallel run is
 * replayed from). The runtime's handoff against `ordered` is lockstep's own
 * share.
 */
import { performance } from 'node:perf_hooks';
import { TASK_RUNNING, TASK_UNINTERRUPTIBLE } from '../src/runtime/kernel/constants.js';
import { LINE_WORDS } from '../src/runtime/kernel/layout.js';
import { SPIN_US } from '../src/runtime/kernel/sched.js';

/** Header line: the global sequence, runnable tasks, spinners, wait tickets. */
const H_SEQ = 0;
const H_RUNNING = 1;
const H_SPINNERS = 2;
const H_TICKET = 3;
/** A task's record, one line each: sleep state, what it waits on, park word, wait ticket. */
const T_STATE = 0;
const T_WAIT_OBJ = 1;
const T_PARK = 2;
const T_TICKET = 3;
/** A completion, one line each: done, waiters. */
const C_DONE = 0;
const C_WAITERS = 1;

const task = (t: 0 | 1): number => LINE_WORDS * (1 + t);
/** The two completions, one each way (their word offsets in the floor's buffer). */
export const FLOOR_PING = LINE_WORDS * 3;
export const FLOOR_PONG = LINE_WORDS * 4;
/** Words the floor needs (header, two task records, two completions), whole lines. */
export const FLOOR_WORDS = LINE_WORDS * 5;

export type FloorFlavour = 'bare' | 'ordered';

/** Both tasks running (park words 1, two runnable), both completions at zero. */
export function initFloor(i32: Int32Array): void {
  i32.fill(0, 0, FLOOR_WORDS);
  i32[task(0) + T_PARK] = 1;
  i32[task(1) + T_PARK] = 1;
  i32[H_RUNNING] = 2;
}

/** One task's side of the handoff: complete() and wait_for_completion() on the floor's words. */
export interface FloorSide {
  complete(c: number): void;
  waitForCompletion(c: number): void;
}

/** Task `me`'s side (0: the main thread, 1: the partner); `other` is the one it wakes. */
export function floorSide(i32: Int32Array, me: 0 | 1, flavour: FloorFlavour): FloorSide {
  const ordered = flavour === 'ordered';
  const mine = task(me);
  const theirs = task(me === 0 ? 1 : 0);
  /** A yield point or an event: a ticket of the global sequence. */
  const tick = (): void => {
    if (ordered) Atomics.add(i32, H_SEQ, 1);
  };
  const tryConsume = (c: number): boolean => {
    for (;;) {
      const d = Atomics.load(i32, c + C_DONE);
      if (d === 0) return false;
      if (Atomics.compareExchange(i32, c + C_DONE, d, d - 1) === d) return true;
    }
  };
  const prepareToWait = (c: number): void => {
    // Park word 1 -> 0; lockstep counts the task out of the runnable ones.
    if (Atomics.exchange(i32, mine + T_PARK, 0) !== 0 && ordered) Atomics.sub(i32, H_RUNNING, 1);
    Atomics.store(i32, mine + T_WAIT_OBJ, c);
    if (ordered) Atomics.store(i32, mine + T_TICKET, Atomics.add(i32, H_TICKET, 1));
    Atomics.add(i32, c + C_WAITERS, 1);
    Atomics.store(i32, mine + T_STATE, TASK_UNINTERRUPTIBLE);
  };
  const finishWait = (c: number): void => {
    Atomics.store(i32, mine + T_STATE, TASK_RUNNING);
    Atomics.store(i32, mine + T_WAIT_OBJ, 0);
    if (Atomics.exchange(i32, mine + T_PARK, 1) === 0 && ordered) Atomics.add(i32, H_RUNNING, 1);
    Atomics.sub(i32, c + C_WAITERS, 1);
  };
  // The spin is sched.ts's spinWhile() written out: that one counts itself in
  // the kernel header's kSpinners word, which the bare flavour must not write.
  const park = (): void => {
    const pw = mine + T_PARK;
    if (ordered) Atomics.add(i32, H_SPINNERS, 1);
    const t0 = performance.now();
    let won = false;
    for (;;) {
      for (let i = 0; i < 64; i++) {
        if (Atomics.load(i32, pw) !== 0) {
          won = true;
          break;
        }
      }
      if (won || performance.now() - t0 > SPIN_US / 1000) break;
    }
    if (ordered) Atomics.sub(i32, H_SPINNERS, 1);
    while (Atomics.load(i32, pw) === 0) Atomics.wait(i32, pw, 0);
  };
  return {
    complete(c: number): void {
      tick();
      for (;;) {
        const d = Atomics.load(i32, c + C_DONE);
        if (Atomics.compareExchange(i32, c + C_DONE, d, d + 1) === d) break;
      }
      if (Atomics.load(i32, c + C_WAITERS) === 0) return;
      if (Atomics.load(i32, theirs + T_WAIT_OBJ) !== c) return;
      const st = Atomics.load(i32, theirs + T_STATE);
      if (st === TASK_RUNNING || Atomics.compareExchange(i32, theirs + T_STATE, st, TASK_RUNNING) !== st) return;
      if (Atomics.exchange(i32, theirs + T_PARK, 1) === 0 && ordered) Atomics.add(i32, H_RUNNING, 1);
      Atomics.notify(i32, theirs + T_PARK, 1);
    },
    waitForCompletion(c: number): void {
      tick();
      for (;;) {
        if (tryConsume(c)) return;
        prepareToWait(c);
        if (tryConsume(c)) {
          finishWait(c);
          return;
        }
        if (Atomics.load(i32, mine + T_STATE) !== TASK_RUNNING) {
          tick(); // the block event
          park();
          tick(); // the wake event
        }
        finishWait(c);
      }
    },
  };
}
