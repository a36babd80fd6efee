/**
 * Per-location store histories (arena.ts has the words). Modification order
 * (linux-kernel.cat `co`) is the order stores are appended: the order in which
 * they executed. Each location keeps its last `hist` stores; older ones are
 * no longer readable, which only removes behaviours. The SAB word itself
 * always holds the latest value, so futex waits and code outside the model
 * keep seeing the coherence-latest store.
 */
import {
  E_SEEN,
  E_VAL,
  E_WEV,
  E_WRITER,
  E_FIXED,
  entryWords,
  locsBase,
  S_COUNT,
  S_FIXED,
  S_FLOOR,
  S_KEY,
  slotWords,
  WeakCapacityError,
  WRITER_INIT,
  H_USED,
  type Geometry,
} from './arena.js';
import { zero } from './clock.js';

export class Histories {
  private readonly ew: number;
  private readonly sw: number;
  private readonly base: number;

  constructor(
    private readonly a: Int32Array,
    private readonly arena: number,
    private readonly g: Geometry,
  ) {
    this.ew = entryWords(g.threads);
    this.sw = slotWords(g.threads, g.hist);
    this.base = arena + locsBase(g);
  }

  /** The slot of word `addr` (its absolute offset), or -1 if no store to it was ever modelled. */
  find(addr: number): number {
    const mask = this.g.locs - 1;
    let h = Math.imul(addr, 0x9e3779b1) >>> 0;
    for (let probe = 0; probe < this.g.locs; probe++) {
      const s = this.base + ((h + probe) & mask) * this.sw;
      const k = this.a[s + S_KEY]!;
      if (k === addr + 1) return s;
      if (k === 0) return -1;
    }
    return -1;
  }

  /**
   * The slot of `addr`, created on its first modelled store with the word's
   * current value as the initial store (writer -1: every thread may read it
   * until a later store covers it, as LKMM's initial writes IW).
   */
  slot(addr: number, current: number): number {
    const mask = this.g.locs - 1;
    const h = Math.imul(addr, 0x9e3779b1) >>> 0;
    for (let probe = 0; probe < this.g.locs; probe++) {
      const s = this.base + ((h + probe) & mask) * this.sw;
      const k = this.a[s + S_KEY]!;
      if (k === addr + 1) return s;
      if (k === 0) {
        this.a[s + S_KEY] = addr + 1;
        this.a[s + S_COUNT] = 0;
        this.a[s + S_FLOOR] = 0;
        this.a[this.arena + H_USED]!++;
        this.append(s, current, WRITER_INIT, 0);
        return s;
      }
    }
    throw new WeakCapacityError(
      `weak memory: more than ${this.g.locs} distinct words written in one iteration (location table full); ` +
        'give the model a larger arena or run with --memory-model sc',
    );
  }

  /** Entry offset of sequence number `seq` of slot `s`. */
  entry(s: number, seq: number): number {
    return s + S_FIXED + (seq % this.g.hist) * this.ew;
  }
  clockOf(e: number): number {
    return e + E_FIXED;
  }
  count(s: number): number {
    return this.a[s + S_COUNT]!;
  }
  /** The oldest readable sequence number: the history's length and any resynchronisation bound it. */
  oldest(s: number): number {
    return Math.max(this.a[s + S_FLOOR]!, this.a[s + S_COUNT]! - this.g.hist);
  }
  latest(s: number): number {
    return this.entry(s, this.a[s + S_COUNT]! - 1);
  }

  /** Append a store at the end of modification order; the caller fills its clock. Returns the entry. */
  append(s: number, value: number, writer: number, wev: number): number {
    const seq = this.a[s + S_COUNT]!;
    const e = this.entry(s, seq);
    this.a[e + E_VAL] = value;
    this.a[e + E_WRITER] = writer;
    this.a[e + E_WEV] = wev;
    this.a[e + E_SEEN] = writer >= 0 ? 1 << writer : 0;
    zero(this.a, e + E_FIXED, this.g.threads);
    this.a[s + S_COUNT] = seq + 1;
    return e;
  }

  /**
   * The word was written outside the model (its value is not the latest
   * entry's): that value becomes the only readable one, as a new initial
   * store. Dropping the older entries only removes behaviours.
   */
  resync(s: number, value: number): void {
    const seq = this.a[s + S_COUNT]!;
    this.append(s, value, WRITER_INIT, 0);
    this.a[s + S_FLOOR] = seq;
  }

  value(e: number): number {
    return this.a[e + E_VAL]!;
  }
  writer(e: number): number {
    return this.a[e + E_WRITER]!;
  }
  wev(e: number): number {
    return this.a[e + E_WEV]!;
  }
  seenBy(e: number, t: number): boolean {
    return (this.a[e + E_SEEN]! & (1 << t)) !== 0;
  }
  markSeen(e: number, t: number): void {
    this.a[e + E_SEEN]! |= 1 << t;
  }
}
