/**
 * An axiomatic checker for the Linux-kernel memory model
 * (tools/memory-model/linux-kernel.cat), over one candidate execution: the
 * events, program order, reads-from and coherence order. Pure; it is the
 * oracle the weak model's tests hold every execution against
 * (test/weak-memory.test.ts), and it can enumerate the executions LKMM
 * allows for a small program (`lkmmOutcomes` in weak/enumerate.ts).
 *
 * It implements the axioms coherence, atomic, happens-before and
 * propagation. Where kernel versions differ it takes the stricter form of
 * each, so that passing it means passing every version: po-unlock-lock-po
 * with (po | rf) between the unlock and the lock, cumul-fence followed by
 * rmw-sequence = (rf ; rmw)*, and pb built on strong-order. The rcu axiom
 * and plain-access races are out of scope: lockstep's RCU is code running
 * on the model, and every access here counts as marked.
 *
 * Dependencies cannot be seen in lockstep's programs, so the checker assumes
 * the worst case: `deps: 'ctrl'` puts every load→store pair in program order
 * in ppo (rwdep, as if each store had a control or data dependency on every
 * earlier load, and dep ; rfi to loads), `deps: 'addr'` also every
 * load→load pair (addr), `deps: 'none'` neither.
 */

export const Tag = {
  ACQ: 1,
  REL: 2,
  /** spin_lock's read (LKR) and write (LKW), spin_unlock's write (UL) (lock.cat). */
  LKR: 4,
  LKW: 8,
  UL: 16,
  // fence kinds (linux-kernel.def)
  MB: 32,
  RMB: 64,
  WMB: 128,
  BEFORE_ATOMIC: 256,
  AFTER_ATOMIC: 512,
  AFTER_SPINLOCK: 1024,
  AFTER_UNLOCK_LOCK: 2048,
} as const;

export interface Ev {
  /** -1 for an initial write. */
  readonly thread: number;
  readonly type: 'R' | 'W' | 'F';
  /** -1 for a fence. */
  readonly loc: number;
  readonly value: number;
  readonly tags: number;
}

/** One candidate execution. Events of a thread appear in program order. */
export interface Execution {
  readonly events: readonly Ev[];
  /** rf[r] = the write event read by read r (-1 for non-reads). */
  readonly rf: readonly number[];
  /** Per location, the write events in coherence order (the initial write first). */
  readonly co: readonly (readonly number[])[];
  /** [read, write] of each RMW. */
  readonly rmw: readonly (readonly [number, number])[];
}

export type Deps = 'none' | 'ctrl' | 'addr';

/** A relation over n events as bitset rows. */
class Rel {
  readonly w: number;
  readonly b: Uint32Array;
  constructor(readonly n: number) {
    this.w = (n + 31) >>> 5;
    this.b = new Uint32Array(n * this.w);
  }
  set(i: number, j: number): void {
    this.b[i * this.w + (j >>> 5)]! |= 1 << (j & 31);
  }
  has(i: number, j: number): boolean {
    return (this.b[i * this.w + (j >>> 5)]! & (1 << (j & 31))) !== 0;
  }
  static from(n: number, f: (i: number, j: number) => boolean): Rel {
    const r = new Rel(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (f(i, j)) r.set(i, j);
    return r;
  }
  or(...os: Rel[]): Rel {
    const r = new Rel(this.n);
    r.b.set(this.b);
    for (const o of os) for (let k = 0; k < r.b.length; k++) r.b[k]! |= o.b[k]!;
    return r;
  }
  and(o: Rel): Rel {
    const r = new Rel(this.n);
    for (let k = 0; k < r.b.length; k++) r.b[k] = this.b[k]! & o.b[k]!;
    return r;
  }
  /** this ; o */
  seq(o: Rel): Rel {
    const r = new Rel(this.n);
    const w = this.w;
    for (let i = 0; i < this.n; i++) {
      for (let j = 0; j < this.n; j++) {
        if (!this.has(i, j)) continue;
        for (let k = 0; k < w; k++) r.b[i * w + k]! |= o.b[j * w + k]!;
      }
    }
    return r;
  }
  /** Restrict to pairs (i, j) with dom(i) and ran(j). */
  filter(dom: (i: number) => boolean, ran: (j: number) => boolean): Rel {
    return Rel.from(this.n, (i, j) => dom(i) && ran(j) && this.has(i, j));
  }
  inv(): Rel {
    return Rel.from(this.n, (i, j) => this.has(j, i));
  }
  /** Transitive closure (Warshall). */
  plus(): Rel {
    const r = this.or();
    const w = this.w;
    for (let k = 0; k < this.n; k++) {
      for (let i = 0; i < this.n; i++) {
        if (!r.has(i, k)) continue;
        for (let x = 0; x < w; x++) r.b[i * w + x]! |= r.b[k * w + x]!;
      }
    }
    return r;
  }
  star(): Rel {
    const r = this.plus();
    for (let i = 0; i < this.n; i++) r.set(i, i);
    return r;
  }
  opt(): Rel {
    const r = this.or();
    for (let i = 0; i < this.n; i++) r.set(i, i);
    return r;
  }
  acyclic(): boolean {
    const p = this.plus();
    for (let i = 0; i < this.n; i++) if (p.has(i, i)) return false;
    return true;
  }
  empty(): boolean {
    return this.b.every((x) => x === 0);
  }
}

/** Does LKMM allow the execution? (Stops at the first axiom violated.) */
export function lkmmAllows(x: Execution, deps: Deps): boolean {
  return lkmmViolations(x, deps, true).length === 0;
}

/** The LKMM axioms an execution violates (empty: LKMM allows it); `first`: stop at the first one. */
export function lkmmViolations(x: Execution, deps: Deps, first = false): string[] {
  const ev = x.events;
  const n = ev.length;
  const isM = (i: number): boolean => ev[i]!.type !== 'F';
  const isR = (i: number): boolean => ev[i]!.type === 'R';
  const isW = (i: number): boolean => ev[i]!.type === 'W';
  const tag = (t: number) => (i: number): boolean => (ev[i]!.tags & t) !== 0;
  const all = (): boolean => true;
  const inRmw = new Set<number>();
  for (const [r, w] of x.rmw) inRmw.add(r).add(w);
  const isRMW = (i: number): boolean => inRmw.has(i);

  const po = Rel.from(n, (i, j) => i < j && ev[i]!.thread >= 0 && ev[i]!.thread === ev[j]!.thread);
  const int = Rel.from(n, (i, j) => ev[i]!.thread === ev[j]!.thread && ev[i]!.thread >= 0);
  const ext = Rel.from(n, (i, j) => !int.has(i, j));
  const loc = Rel.from(n, (i, j) => isM(i) && isM(j) && ev[i]!.loc === ev[j]!.loc);
  const rf = new Rel(n);
  x.rf.forEach((w, r) => {
    if (w >= 0) rf.set(w, r);
  });
  const co = new Rel(n);
  for (const order of x.co) for (let a = 0; a < order.length; a++) for (let b = a + 1; b < order.length; b++) co.set(order[a]!, order[b]!);
  const rmw = new Rel(n);
  for (const [r, w] of x.rmw) rmw.set(r, w);
  const fr = rf.inv().seq(co);
  const rfe = rf.and(ext);
  const fre = fr.and(ext);
  const coe = co.and(ext);
  const out: string[] = [];

  // coherence and atomicity
  if (!po.and(loc).or(rf, co, fr).acyclic()) out.push('coherence');
  if (!rmw.and(fre.seq(coe)).empty()) out.push('atomic');
  if (first && out.length > 0) return out;

  const fencerel = (t: number): Rel => po.filter(all, tag(t)).seq(po);
  const acqPo = po.filter(tag(Tag.ACQ), isM);
  const poRel = po.filter(isM, tag(Tag.REL));
  const poUnlockLockPo = po.filter(all, tag(Tag.UL)).seq(po.or(rf).filter(tag(Tag.UL), tag(Tag.LKR))).seq(po);
  const rmb = fencerel(Tag.RMB).filter(isR, isR);
  const wmb = fencerel(Tag.WMB).filter(isW, isW);
  const mb = fencerel(Tag.MB)
    .filter(isM, isM)
    .or(
      fencerel(Tag.BEFORE_ATOMIC).filter(isM, isRMW).seq(po.opt()).filter(all, isM),
      po.opt().filter(isM, isRMW).seq(fencerel(Tag.AFTER_ATOMIC)).filter(all, isM),
      po.opt().filter(isM, tag(Tag.LKW)).seq(fencerel(Tag.AFTER_SPINLOCK)).filter(all, isM),
      po
        .filter(isM, tag(Tag.UL))
        .seq(co.or(po).filter(tag(Tag.UL), tag(Tag.LKW)))
        .seq(fencerel(Tag.AFTER_UNLOCK_LOCK))
        .filter(all, isM),
    );
  const strongFence = mb;
  const strongOrder = strongFence.or(poUnlockLockPo.filter(isM, tag(Tag.AFTER_UNLOCK_LOCK)).seq(po).filter(all, isM));
  const fence = strongFence.or(poRel, acqPo, wmb, rmb);

  // ppo, with the dependencies the mode assumes
  const rToW = po.filter(isR, isW);
  const rwdep = deps === 'none' ? new Rel(n) : rToW;
  const toR = deps === 'addr' ? po.filter(isR, isM).filter(all, isR).or(rToW.seq(rf.and(int))) : deps === 'ctrl' ? rToW.seq(rf.and(int)) : new Rel(n);
  const overwrite = co.or(fr);
  const toW = rwdep.or(overwrite.and(int));
  const ppo = toR.or(toW, fence, poUnlockLockPo.and(int)).filter(isM, isM);

  const aCumul = (r: Rel): Rel => rfe.opt().seq(r);
  const rmwSequence = rf.seq(rmw).star();
  const cumulFence = aCumul(strongFence.or(poRel)).or(wmb, poUnlockLockPo).filter(isM, isM).seq(rmwSequence);
  const prop = overwrite.and(ext).opt().seq(cumulFence.star()).seq(rfe.opt()).filter(isM, isM);
  const propInt = prop.and(int).and(Rel.from(n, (i, j) => i !== j));
  const hb = ppo.or(rfe, propInt).filter(isM, isM);
  if (!hb.acyclic()) out.push('happens-before');
  if (first && out.length > 0) return out;
  const pb = prop.seq(strongOrder).seq(hb.star()).filter(all, isM);
  if (!pb.acyclic()) out.push('propagation');
  return out;
}
