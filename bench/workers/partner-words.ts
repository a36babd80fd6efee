/**
 * The words a paired echo partner (echo.ts) and the main thread
 * (handoff.ts: PartnerThread) share beside the kernel memory: the raw
 * ping-pong counters, the mode the partner answers in, and the count of
 * mode switches it has acknowledged.
 */
export const P_PING = 0;
export const P_PONG = 1;
export const P_MODE = 2;
export const P_ACK = 3;
export const P_WORDS = 4;

export const PartnerMode = {
  /** Atomics.wait / Atomics.notify on P_PING / P_PONG. */
  RAW: 1,
  /** Busy loads on the same words. */
  SPIN: 2,
  /** lockstep's completions in the kernel memory. */
  RUNTIME: 3,
  /** Leave. */
  STOP: 4,
  /** The completion protocol alone, plain JS on the floor's words (completion-floor.ts): `bare`. */
  FLOOR: 5,
  /** The same with lockstep's counts and recorded order: `ordered`. */
  FLOOR_ORDERED: 6,
} as const;
