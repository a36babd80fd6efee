/**
 * Layout of the weak-memory model's state inside an `Int32Array` region of the
 * SharedArrayBuffer (docs/MEMORY-MODEL.md §5). Every simulated thread is its
 * own worker isolate, so the model keeps no JavaScript object state between
 * calls: everything is in these words, and whichever isolate runs next (in
 * controlled mode only one runs at a time) continues from them.
 *
 *   header (HDR_WORDS) | candidate scratch (hist) | thread records (threads) | location slots (locs)
 *
 * A thread record: its store counter, flags, then five vector clocks of
 * `threads` words each (clock.ts says what each one means) and a scratch clock.
 * A location slot: key (word index + 1, 0 = free), the number of stores in
 * modification order so far (`S_COUNT`, the next sequence number), the first
 * sequence number still readable (`S_FLOOR`), then a ring of `hist` entries,
 * entry `seq % hist` holding the store of sequence number `seq`:
 * value, writer thread (-1: the initial or an external value), the writer's
 * store number, the seen-by mask, then the message clock (`threads` words).
 */

export const MAGIC = 0x57eaa001;
/** Most threads a clock (and a seen-by mask, one bit each) can hold. */
export const MAX_THREADS = 32;
/** Most stores a location keeps readable. */
export const MAX_HISTORY = 64;

// ----- header words ---------------------------------------------------------------
export const H_MAGIC = 0;
export const H_THREADS = 1;
export const H_HIST = 2;
export const H_LOCS = 3;
/** Location slots in use. */
export const H_USED = 4;
/** Bit F_ADDR_DEPS: every load orders later accesses as an address dependency would. */
export const H_FLAGS = 5;
/** Candidates of the last `loadCandidates` (written into the scratch). */
export const H_NCAND = 6;
/** Statistics: loads that read a store older than the latest. */
export const H_STALE = 7;
/** Statistics: locations whose word changed behind the model's back (resynchronised). */
export const H_RESYNC = 8;
/** The location (word index) the scratch describes. */
export const H_CAND_ADDR = 9;
export const HDR_WORDS = 16;

export const F_ADDR_DEPS = 1;

// ----- thread record ----------------------------------------------------------------
/** Stores (plain, once, release, RMW writes) this thread has made: its own clock entry. */
export const T_EV = 0;
/** Non-zero: a release write since this thread's last full fence (an unlock, for unlock→lock). */
export const T_REL = 1;
export const T_FIXED = 4;
/** Offsets of the five clocks in a thread record, in units of `threads` words. */
export const C_CUR = 0;
export const C_PORD = 1;
export const C_PCUM = 2;
export const C_WM = 3;
export const C_SJ = 4;
/** Scratch clock for building a message clock (not state). */
export const C_TMP = 5;
export const CLOCKS = 6;

// ----- location slot ----------------------------------------------------------------
export const S_KEY = 0;
export const S_COUNT = 1;
export const S_FLOOR = 2;
export const S_FIXED = 4;
// entry words
export const E_VAL = 0;
export const E_WRITER = 1;
export const E_WEV = 2;
export const E_SEEN = 3;
export const E_FIXED = 4;

export const WRITER_INIT = -1;

export interface Geometry {
  readonly threads: number;
  readonly hist: number;
  readonly locs: number;
}

export function threadWords(threads: number): number {
  return T_FIXED + CLOCKS * threads;
}
export function entryWords(threads: number): number {
  return E_FIXED + threads;
}
export function slotWords(threads: number, hist: number): number {
  return S_FIXED + hist * entryWords(threads);
}
export function threadsBase(g: Geometry): number {
  return HDR_WORDS + g.hist;
}
export function locsBase(g: Geometry): number {
  return threadsBase(g) + g.threads * threadWords(g.threads);
}
/** Words an arena of this geometry needs. */
export function arenaWords(g: Geometry): number {
  return locsBase(g) + g.locs * slotWords(g.threads, g.hist);
}

/** Weak mode cannot hold this run (too many threads, locations or a bad geometry). */
export class WeakCapacityError extends Error {
  override readonly name = 'WeakCapacityError';
}

export function checkGeometry(g: Geometry): void {
  if (!Number.isInteger(g.threads) || g.threads < 1 || g.threads > MAX_THREADS) {
    throw new WeakCapacityError(`weak memory: ${g.threads} threads; a clock holds 1..${MAX_THREADS}`);
  }
  if (!Number.isInteger(g.hist) || g.hist < 1 || g.hist > MAX_HISTORY) {
    throw new WeakCapacityError(`weak memory: history of ${g.hist} stores; 1..${MAX_HISTORY} supported`);
  }
  if (!Number.isInteger(g.locs) || g.locs < 1 || (g.locs & (g.locs - 1)) !== 0) {
    throw new WeakCapacityError(`weak memory: ${g.locs} location slots; a power of two is needed`);
  }
}
