/**
 * The weak memory model's operations (docs/MEMORY-MODEL.md). A view-based
 * operational model in the line of loom / C11Tester / CDSChecker, made to
 * answer to the Linux-kernel memory model (tools/memory-model/linux-kernel.cat,
 * "LKMM" below): per-location store histories with message clocks
 * (history.ts), per-thread vector clocks (clock.ts), and full fences that
 * propagate what their thread has observed to every thread at once.
 *
 * Which store a load reads is the caller's choice among `loadCandidates()`;
 * candidate 0 is always the modification-order-latest store, so choosing 0
 * everywhere is sequential consistency. Everything lives in the arena
 * (arena.ts): any isolate can continue where another left off.
 *
 * The model never lets a load read a store LKMM forbids it to read; where it
 * is stronger than LKMM the behaviours lost are listed in docs/MEMORY-MODEL.md.
 */
import {
  arenaWords,
  C_CUR,
  C_PCUM,
  C_PORD,
  C_SJ,
  C_TMP,
  C_WM,
  checkGeometry,
  F_ADDR_DEPS,
  H_CAND_ADDR,
  H_FLAGS,
  H_HIST,
  H_LOCS,
  H_MAGIC,
  H_NCAND,
  H_RESYNC,
  H_STALE,
  H_THREADS,
  H_USED,
  HDR_WORDS,
  locsBase,
  MAGIC,
  slotWords,
  T_EV,
  T_FIXED,
  T_REL,
  threadsBase,
  threadWords,
  WeakCapacityError,
  type Geometry,
} from './arena.js';
import { copy, covers, join, joinOne } from './clock.js';
import { Histories } from './history.js';

/**
 * The thread's load floor F (docs/MEMORY-MODEL.md §1): CUR as it was at the
 * thread's last event that orders its later loads (a fence, an acquire, a
 * load that carries an address dependency, settle, syncFrom). A load that
 * nothing orders after the loads before it (ONCE_NODEP, and every non-acquire
 * load without addrDeps) may be satisfied as early as that point, so it reads
 * against F: what other threads' full fences propagated to the thread since
 * then does not bind it. Stored in the thread record's sixth clock
 * (arena.ts's C_TMP), which no operation needs as scratch any more.
 */
const C_FLOOR = C_TMP;

/**
 * Load and store kinds (linux-kernel.def): plain C, READ_ONCE/WRITE_ONCE,
 * smp_load_acquire, smp_store_release, and ONCE_NODEP: a READ_ONCE() that no
 * later access depends on through its address and that depends on no earlier
 * load, such as one per-CPU counter read in a sum (srcutree.c's
 * srcu_readers_lock_idx()). With addrDeps, ONCE_NODEP is the one load that
 * keeps LKMM's freedom to be reordered with the loads around it.
 */
export const Kind = { PLAIN: 0, ONCE: 1, ACQUIRE: 2, RELEASE: 3, ONCE_NODEP: 4 } as const;
export type KindT = (typeof Kind)[keyof typeof Kind];
/** RMW ordering and fences: the accessor layer's own (../orders.ts). */
import { Fence, Order, type FenceT, type OrderT } from '../orders.js';
export { Fence, Order, type FenceT, type OrderT };
export const RmwOp = { ADD: 0, OR: 1, AND: 2, XCHG: 3, CMPXCHG: 4 } as const;
export type RmwOpT = (typeof RmwOp)[keyof typeof RmwOp];

export interface WeakOptions {
  readonly threads: number;
  /** Stores kept readable per location (default 8). */
  readonly hist?: number;
  /**
   * Every load orders all later accesses of its thread after it, as an
   * address dependency would (default true). lockstep cannot see
   * dependencies in JavaScript, and LKMM orders dependent loads
   * (linux-kernel.cat: to-r = addr | ...): without this, a pointer load
   * followed by a load through the pointer could read a value LKMM forbids.
   * False gives the dependency-free semantics of litmus tests.
   */
  readonly addrDeps?: boolean;
}

export interface WeakStats {
  readonly locations: number;
  readonly staleReads: number;
  readonly resyncs: number;
}

export class WeakMemory {
  readonly geometry: Geometry;
  private readonly h: Histories;
  private readonly n: number;
  private readonly tw: number;
  private readonly tb: number;
  private readonly scratch: number;

  private constructor(
    private readonly a: Int32Array,
    private readonly base: number,
    g: Geometry,
  ) {
    this.geometry = g;
    this.n = g.threads;
    this.tw = threadWords(g.threads);
    this.tb = base + threadsBase(g);
    this.scratch = base + HDR_WORDS;
    this.h = new Histories(a, base, g);
  }

  /** Geometry of the largest location table that fits `words` words. */
  static geometryFor(words: number, threads: number, hist = 8): Geometry {
    checkGeometry({ threads, hist, locs: 1 });
    const fixed = locsBase({ threads, hist, locs: 0 });
    const per = slotWords(threads, hist);
    let locs = 1;
    while (fixed + locs * 2 * per <= words) locs *= 2;
    if (fixed + per > words) {
      throw new WeakCapacityError(`weak memory: an arena of ${words} words cannot hold ${threads} threads (needs ${fixed + per})`);
    }
    return { threads, hist, locs };
  }

  /** Lay out a fresh model in `words` words at `base` and reset it. */
  static format(i32: Int32Array, base: number, words: number, opts: WeakOptions): WeakMemory {
    const g = WeakMemory.geometryFor(words, opts.threads, opts.hist ?? 8);
    if (base < 0 || base + arenaWords(g) > i32.length) throw new RangeError('weak memory: arena outside the array');
    i32.fill(0, base, base + HDR_WORDS);
    i32[base + H_MAGIC] = MAGIC;
    i32[base + H_THREADS] = g.threads;
    i32[base + H_HIST] = g.hist;
    i32[base + H_LOCS] = g.locs;
    i32[base + H_FLAGS] = opts.addrDeps === false ? 0 : F_ADDR_DEPS;
    const m = new WeakMemory(i32, base, g);
    m.reset();
    return m;
  }

  /** Continue a model another isolate formatted (reads the geometry from the header). */
  static attach(i32: Int32Array, base: number): WeakMemory {
    if (i32[base + H_MAGIC] !== MAGIC) throw new Error('weak memory: no model at this arena');
    const g = { threads: i32[base + H_THREADS]!, hist: i32[base + H_HIST]!, locs: i32[base + H_LOCS]! };
    checkGeometry(g);
    return new WeakMemory(i32, base, g);
  }

  /** Forget every history and clock (between iterations); geometry and flags stay. */
  reset(): void {
    const a = this.a;
    for (const w of [H_USED, H_NCAND, H_STALE, H_RESYNC, H_CAND_ADDR]) a[this.base + w] = 0;
    a.fill(0, this.scratch, this.base + arenaWords(this.geometry));
  }

  get addrDeps(): boolean {
    return (this.a[this.base + H_FLAGS]! & F_ADDR_DEPS) !== 0;
  }

  stats(): WeakStats {
    const a = this.a;
    return { locations: a[this.base + H_USED]!, staleReads: a[this.base + H_STALE]!, resyncs: a[this.base + H_RESYNC]! };
  }

  // ----- loads ---------------------------------------------------------------------------
  /**
   * The stores thread t may read at word `addr`, newest first (candidate 0 is
   * the latest). A store m of x is readable unless
   * - a store after m in modification order is covered by t's CUR clock: it
   *   has propagated to t, so reading m would put that store before m's read
   *   in fr while it propagated first (linux-kernel.cat coherence, and the hb
   *   and pb axioms through prop = fre ; cumul-fence* ; rfe), or
   * - t has already read or written a store after m (coherence: CoRR, CoWR).
   */
  loadCandidates(t: number, addr: number, kind: KindT = Kind.ONCE): number {
    this.checkThread(t);
    const a = this.a;
    const h = this.h;
    let n = 0;
    const s = h.find(addr);
    if (s < 0) {
      a[this.scratch] = -1;
      n = 1;
    } else {
      this.resyncIfNeeded(s, addr);
      // An unordered load walks against the floor (C_FLOOR above), any other against CUR.
      const cur = this.clock(t, this.unordered(kind) ? C_FLOOR : C_CUR);
      for (let seq = h.count(s) - 1; seq >= h.oldest(s); seq--) {
        const e = h.entry(s, seq);
        a[this.scratch + n++] = e;
        if (h.seenBy(e, t) || covers(a, cur, h.writer(e), h.wev(e))) break;
      }
    }
    a[this.base + H_NCAND] = n;
    a[this.base + H_CAND_ADDR] = addr;
    return n;
  }

  /**
   * Could t's load of `addr` have more than one candidate in *some* order of
   * the other threads' fences? Only t's own accesses (the seen-by marks) and
   * the stores to `addr` bound that, not the clocks a fence changes: if the
   * latest store is seen by t, the load reads it whatever the fences did.
   * Exploration uses it to leave such loads independent of other threads'
   * fences (access.ts).
   */
  mayReadStale(t: number, addr: number): boolean {
    const h = this.h;
    const s = h.find(addr);
    if (s < 0) return false;
    const last = h.count(s) - 1;
    return last > h.oldest(s) && !h.seenBy(h.entry(s, last), t);
  }

  /** Value of candidate i of the last `loadCandidates`. */
  candidateValue(i: number): number {
    const e = this.cand(i);
    return e < 0 ? this.a[this.a[this.base + H_CAND_ADDR]!]! : this.h.value(e);
  }
  /** Writer thread of candidate i (-1: the initial value, or a value written outside the model). */
  candidateWriter(i: number): number {
    const e = this.cand(i);
    return e < 0 ? -1 : this.h.writer(e);
  }
  /** The writer's store number of candidate i (its n-th store; 0 for an initial value). */
  candidateEvent(i: number): number {
    const e = this.cand(i);
    return e < 0 ? 0 : this.h.wev(e);
  }

  /** For traces: what choosing candidate i of the last `loadCandidates` reads. */
  describe(i: number): string {
    const e = this.cand(i);
    const age = i === 0 ? 'the latest store' : `${i} store${i === 1 ? '' : 's'} old`;
    if (e < 0 || this.h.writer(e) < 0) return `read the initial value ${this.candidateValue(i)} (${age})`;
    return `read ${this.h.value(e)}, the store of thread ${this.h.writer(e)} at its store #${this.h.wev(e)} (${age})`;
  }

  /** For traces: what thread t's load of `addr` with this choice reads (before the load; changes no state but the scratch). */
  describeLoad(t: number, addr: number, choice: number, kind: KindT = Kind.ONCE): string {
    this.loadCandidates(t, addr, kind);
    return this.describe(choice);
  }

  /** Thread t loads `addr`, reading candidate `choice` of `loadCandidates(t, addr)`. */
  load(t: number, addr: number, kind: KindT, choice: number): number {
    if (kind === Kind.RELEASE) throw new RangeError('weak memory: a release load');
    const n = this.loadCandidates(t, addr, kind);
    if (!Number.isInteger(choice) || choice < 0 || choice >= n) {
      throw new RangeError(`weak memory: choice ${choice} of ${n} candidates at word ${addr}`);
    }
    const e = this.cand(choice);
    if (e < 0) return this.a[addr]!;
    if (choice > 0) this.a[this.base + H_STALE]!++;
    this.readEntry(t, e, kind === Kind.ACQUIRE, kind === Kind.ONCE_NODEP);
    return this.h.value(e);
  }

  /**
   * Does nothing order this load after the thread's earlier loads? ONCE_NODEP
   * always; without addrDeps every load, acquire included (LKMM's ppo has no
   * edge into a load from an earlier load without a dependency or a fence:
   * acquire orders what follows it, not what precedes it).
   */
  private unordered(kind: KindT): boolean {
    return kind === Kind.ONCE_NODEP || !this.addrDeps;
  }

  // ----- stores --------------------------------------------------------------------------
  /** Thread t stores v at `addr` (plain, once or release), at the end of modification order. */
  store(t: number, addr: number, v: number, kind: KindT): void {
    this.checkThread(t);
    if (kind === Kind.ACQUIRE || kind === Kind.ONCE_NODEP) throw new RangeError('weak memory: a store of a load kind');
    const s = this.h.slot(addr, this.a[addr]!);
    this.resyncIfNeeded(s, addr);
    this.write(t, s, addr, v | 0, kind === Kind.RELEASE, -1);
  }

  // ----- read-modify-writes ------------------------------------------------------------------
  /**
   * An atomic RMW: reads the latest store (linux-kernel.cat `atomic`: rmw &
   * (fre ; coe) is empty) and appends its write right after it. `operand` is
   * the addend, mask or new value; `expected` the old value a CMPXCHG wants.
   * A failed CMPXCHG is a relaxed load (Documentation/atomic_t.txt). Returns
   * the old value.
   */
  rmw(t: number, addr: number, op: RmwOpT, operand: number, order: OrderT, expected = 0): number {
    this.checkThread(t);
    const a = this.a;
    const h = this.h;
    const s = h.slot(addr, a[addr]!);
    this.resyncIfNeeded(s, addr);
    const old = h.value(h.latest(s));
    let v: number;
    switch (op) {
      case RmwOp.ADD: v = (old + operand) | 0; break;
      case RmwOp.OR: v = old | operand; break;
      case RmwOp.AND: v = old & operand; break;
      case RmwOp.XCHG: v = operand | 0; break;
      case RmwOp.CMPXCHG:
        if (old !== (expected | 0)) {
          this.readEntry(t, h.latest(s), false, false);
          return old;
        }
        v = operand | 0;
        break;
      default: throw new RangeError(`weak memory: rmw op ${op as number}`);
    }
    // A fully ordered RMW is smp_mb() on both sides (linux-kernel.def's {mb}
    // RMWs; explanation.txt "fully ordered"). An acquiring RMW after a release
    // write of the same thread is treated as a lock after an unlock:
    // linux-kernel.cat orders po-unlock-lock-po & int in ppo; a full fence is
    // at least that strong (any acquiring RMW may be a lock, any release an unlock).
    const tr = this.thr(t);
    if (order === Order.FULL || (order === Order.ACQUIRE && a[tr + T_REL] !== 0)) this.mb(t);
    const e = h.latest(s);
    // The read store's message clock, for the write below (write() handles
    // the one case, hist 1, where the new entry takes this entry's place).
    const rc = h.clockOf(e);
    this.readEntry(t, e, order === Order.ACQUIRE || order === Order.FULL, false);
    if (order === Order.ACQUIRE) {
      // A lock acquisition: po-unlock-lock-po is a cumul-fence (not A-cumulative),
      // so the stores after the lock carry what preceded the unlock it read.
      join(a, this.clock(t, C_WM), rc, this.n);
    }
    this.write(t, s, addr, v, order === Order.RELEASE || order === Order.FULL, rc);
    if (order === Order.FULL) this.mb(t);
    return old;
  }

  // ----- fences ----------------------------------------------------------------------------
  fence(t: number, f: FenceT): void {
    this.checkThread(t);
    const a = this.a;
    const n = this.n;
    switch (f) {
      case Fence.RMB:
        // rmb orders earlier loads before later ones: what they read was
        // preceded (cumul-fence*) by the stores in their message clocks.
        join(a, this.clock(t, C_CUR), this.clock(t, C_PORD), n);
        this.raiseFloor(t);
        return;
      case Fence.WMB: {
        // wmb orders this thread's earlier stores before its later ones (not
        // A-cumulative): the later ones carry the earlier ones and, through
        // cumul-fence*, what those carried.
        const wm = this.clock(t, C_WM);
        join(a, wm, this.clock(t, C_SJ), n);
        joinOne(a, wm, t, a[this.thr(t) + T_EV]!);
        return;
      }
      case Fence.MB:
      case Fence.MB_BEFORE_ATOMIC:
      case Fence.MB_AFTER_ATOMIC:
      case Fence.MB_AFTER_SPINLOCK:
      case Fence.MB_AFTER_UNLOCK_LOCK:
        // Each is a strong fence in linux-kernel.cat's `mb` over the accesses it
        // orders; a full smp_mb() at this point orders a superset of them.
        this.mb(t);
        return;
      default:
        throw new RangeError(`weak memory: fence ${f as number}`);
    }
  }

  /**
   * An ordering the runtime creates outside the model (thread creation, a
   * join, a wake-up through the scheduler): everything `from` did or observed
   * is visible to t and carried by t's later stores.
   */
  syncFrom(t: number, from: number): void {
    this.checkThread(t);
    this.checkThread(from);
    const a = this.a;
    const n = this.n;
    for (const c of [C_CUR, C_PCUM, C_WM]) {
      join(a, this.clock(t, c), this.clock(from, C_CUR), n);
      join(a, this.clock(t, c), this.clock(from, C_PCUM), n);
    }
    this.raiseFloor(t);
  }

  /**
   * Every store executed so far has propagated to t (only removes
   * behaviours). For progress: a thread spinning on a flag, or back from a
   * futex wait or a yield, must eventually see the latest stores; LKMM
   * promises propagation in finite time, and a stateless search would
   * otherwise explore a spin loop that reads the stale value forever.
   */
  settle(t: number): void {
    this.checkThread(t);
    const cur = this.clock(t, C_CUR);
    for (let u = 0; u < this.n; u++) joinOne(this.a, cur, u, this.a[this.thr(u) + T_EV]!);
    this.raiseFloor(t);
  }

  /**
   * t's later loads are ordered after everything t has done so far: the floor
   * catches up with CUR. Only the thread's own ordering events call this;
   * another thread's full fence raises CUR, never the floor.
   */
  private raiseFloor(t: number): void {
    copy(this.a, this.clock(t, C_FLOOR), this.clock(t, C_CUR), this.n);
  }

  // ----- internals ---------------------------------------------------------------------------
  /**
   * smp_mb(): strong and A-cumulative (linux-kernel.cat strong-fence, A-cumul,
   * pb). Everything t has observed (PCUM, which holds the stores it read and
   * their message clocks) and its own stores become visible to t and, at
   * once, to every thread: the fence does not complete before they have
   * propagated to every CPU (explanation.txt "propagation"), and every event
   * after it in any hb order executes later in this model's execution order.
   */
  private mb(t: number): void {
    const a = this.a;
    const n = this.n;
    const cur = this.clock(t, C_CUR);
    join(a, cur, this.clock(t, C_PORD), n);
    join(a, cur, this.clock(t, C_PCUM), n);
    for (let u = 0; u < n; u++) if (u !== t) join(a, this.clock(u, C_CUR), cur, n);
    join(a, this.clock(t, C_WM), cur, n);
    a[this.thr(t) + T_REL] = 0;
    this.raiseFloor(t);
  }

  /** Thread t reads entry e (relaxed or acquiring; `nodep`: a load no later access depends on). */
  private readEntry(t: number, e: number, acquire: boolean, nodep: boolean): void {
    const a = this.a;
    const h = this.h;
    const n = this.n;
    h.markSeen(e, t);
    const mc = h.clockOf(e);
    const pord = this.clock(t, C_PORD);
    const pcum = this.clock(t, C_PCUM);
    join(a, pord, mc, n);
    join(a, pcum, mc, n);
    const w = h.writer(e);
    if (w >= 0) joinOne(a, pcum, w, h.wev(e));
    // Acquire orders later accesses after this load (acq-po); it also applies
    // the earlier loads' message clocks (stronger than LKMM, needed when an
    // hb path through other threads links an earlier load to this one).
    // Either orders the thread's later loads after this one: the floor follows.
    if (acquire) {
      join(a, this.clock(t, C_CUR), pord, n);
      this.raiseFloor(t);
    } else if (this.addrDeps && !nodep) {
      join(a, this.clock(t, C_CUR), mc, n);
      this.raiseFloor(t);
    }
  }

  /**
   * Append t's store of v. A release store carries everything t has seen or
   * done (po-rel is A-cumulative); any other store carries WM, extended by the
   * clock `rc` of the store an RMW read (like a release sequence; stronger
   * than LKMM, so safe).
   */
  private write(t: number, s: number, addr: number, v: number, release: boolean, rc: number): void {
    const a = this.a;
    const n = this.n;
    const tr = this.thr(t);
    const prev = a[tr + T_EV]!;
    const ev = prev + 1;
    a[tr + T_EV] = ev;
    const e = this.h.append(s, v, t, ev);
    const mc = this.h.clockOf(e);
    if (release) {
      copy(a, mc, this.clock(t, C_CUR), n);
      join(a, mc, this.clock(t, C_PCUM), n);
      joinOne(a, mc, t, prev);
      a[tr + T_REL] = 1;
    } else {
      // With hist 1 the new entry is the read entry (rc === mc) and append()
      // has cleared it: PCUM holds rc since the read (readEntry), and
      // carrying more only removes behaviours.
      const from = rc === mc ? this.clock(t, C_PCUM) : rc;
      copy(a, mc, this.clock(t, C_WM), n);
      if (rc >= 0) join(a, mc, from, n);
    }
    join(a, this.clock(t, C_SJ), mc, n);
    a[this.clock(t, C_CUR) + t] = ev;
    a[addr] = v;
  }

  private resyncIfNeeded(s: number, addr: number): void {
    if (this.h.value(this.h.latest(s)) !== this.a[addr]) {
      this.h.resync(s, this.a[addr]!);
      this.a[this.base + H_RESYNC]!++;
    }
  }

  private cand(i: number): number {
    const n = this.a[this.base + H_NCAND]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`weak memory: candidate ${i} of ${n}`);
    return this.a[this.scratch + i]!;
  }
  private thr(t: number): number {
    return this.tb + t * this.tw;
  }
  private clock(t: number, c: number): number {
    return this.tb + t * this.tw + T_FIXED + c * this.n;
  }
  private checkThread(t: number): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.n) throw new RangeError(`weak memory: thread ${t} of ${this.n}`);
  }
}
