/**
 * Exhaustive enumeration of small multi-thread programs (pure, no workers):
 * every interleaving and every load choice of the weak model, or every
 * candidate execution LKMM allows (through the axiomatic checker ../lkmm.ts).
 * The tests and scripts/weak-shapes.mjs use both to compare the model with
 * LKMM on litmus shapes; the runtime's controlled mode explores the same
 * choices (a load's choice is a scheduling decision).
 */
import { lkmmAllows, Tag, type Deps, type Ev, type Execution } from '../lkmm.js';
import { arenaWords } from './arena.js';
import { Fence, Kind, Order, RmwOp, WeakMemory, type FenceT, type OrderT, type RmwOpT } from './model.js';

export type FenceName = 'mb' | 'rmb' | 'wmb' | 'before-atomic' | 'after-atomic' | 'after-spinlock' | 'after-unlock-lock';
export type RmwFn = 'add' | 'or' | 'and' | 'xchg' | 'cmpxchg';
export type OrderName = 'relaxed' | 'acquire' | 'release' | 'full';

export type Op =
  | {
      readonly op: 'st';
      readonly loc: number;
      /** The value, or the register whose value is stored (a data dependency). */
      readonly val: number | { readonly reg: string };
      readonly kind?: 'once' | 'release';
      /** Only if this register holds this value (a control dependency). */
      readonly if?: { readonly reg: string; readonly eq: number };
    }
  | { readonly op: 'ld'; readonly loc: number; readonly reg: string; readonly kind?: 'once' | 'acquire' }
  | {
      readonly op: 'rmw';
      readonly loc: number;
      readonly fn: RmwFn;
      readonly arg: number;
      readonly expect?: number;
      readonly order: OrderName;
      readonly reg?: string;
    }
  | { readonly op: 'fence'; readonly f: FenceName }
  /** spin_lock(): an acquiring cmpxchg 0 → 1 that waits while the lock is held. */
  | { readonly op: 'lock'; readonly loc: number }
  /** spin_unlock(): a release store of 0. */
  | { readonly op: 'unlock'; readonly loc: number };

export interface Program {
  readonly locs: readonly string[];
  readonly init?: readonly number[];
  readonly threads: readonly (readonly Op[])[];
}

const FENCE: Record<FenceName, [FenceT, number]> = {
  mb: [Fence.MB, Tag.MB],
  rmb: [Fence.RMB, Tag.RMB],
  wmb: [Fence.WMB, Tag.WMB],
  'before-atomic': [Fence.MB_BEFORE_ATOMIC, Tag.BEFORE_ATOMIC],
  'after-atomic': [Fence.MB_AFTER_ATOMIC, Tag.AFTER_ATOMIC],
  'after-spinlock': [Fence.MB_AFTER_SPINLOCK, Tag.AFTER_SPINLOCK],
  'after-unlock-lock': [Fence.MB_AFTER_UNLOCK_LOCK, Tag.AFTER_UNLOCK_LOCK],
};
const ORDER: Record<OrderName, OrderT> = { relaxed: Order.RELAXED, acquire: Order.ACQUIRE, release: Order.RELEASE, full: Order.FULL };
const FN: Record<RmwFn, RmwOpT> = { add: RmwOp.ADD, or: RmwOp.OR, and: RmwOp.AND, xchg: RmwOp.XCHG, cmpxchg: RmwOp.CMPXCHG };

function applyFn(fn: RmwFn, old: number, arg: number, expect: number): number | null {
  switch (fn) {
    case 'add': return (old + arg) | 0;
    case 'or': return old | arg;
    case 'and': return old & arg;
    case 'xchg': return arg;
    case 'cmpxchg': return old === expect ? arg : null;
  }
}

/** Canonical outcome: every register, then every location's final value. */
export function outcomeKey(prog: Program, regs: readonly Readonly<Record<string, number>>[], final: readonly number[]): string {
  const parts: string[] = [];
  regs.forEach((r, t) => {
    for (const k of Object.keys(r).sort()) parts.push(`${t}:${k}=${r[k]}`);
  });
  prog.locs.forEach((l, i) => parts.push(`${l}=${final[i]}`));
  return parts.join(' ');
}

export interface ModelResult {
  /** Distinct outcomes reached. */
  readonly outcomes: Set<string>;
  /** Distinct execution graphs (reads-from and coherence order) with their outcome. */
  readonly executions: { readonly exec: Execution; readonly outcome: string }[];
  /** Search nodes visited. */
  readonly nodes: number;
}

export interface ModelOptions {
  readonly addrDeps?: boolean;
  readonly hist?: number;
  /** Always read the latest store (candidate 0): the sequentially consistent subset. */
  readonly latestOnly?: boolean;
  /**
   * Remember visited states by a 64-bit hash of the arena instead of its
   * contents (for large programs; a collision could only skip a state).
   */
  readonly hashKeys?: boolean;
  /** Give up (throw `EnumerationBudget`) after this many search nodes. */
  readonly maxNodes?: number;
}

export class EnumerationBudget extends Error {
  override readonly name = 'EnumerationBudget';
}

/** Two FNV-1a hashes of the words, as a short string. */
function hash64(a: Int32Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ a.length;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    h1 = Math.imul(h1 ^ v, 0x01000193);
    h2 = Math.imul(h2 ^ (v + i), 0x5bd1e995) ^ (h2 >>> 15);
  }
  return `${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
}

/** Every interleaving and every load choice of the weak model on `prog`. */
export function enumerateModel(prog: Program, opts: ModelOptions = {}): ModelResult {
  const L = prog.locs.length;
  const T = prog.threads.length;
  let locs = 1;
  while (locs < 2 * L) locs *= 2;
  const g = { threads: T, hist: opts.hist ?? 16, locs };
  const words = arenaWords(g);
  const mem0 = new Int32Array(L + words);
  prog.locs.forEach((_, i) => (mem0[i] = prog.init?.[i] ?? 0));
  WeakMemory.format(mem0, L, words, { threads: T, hist: g.hist, addrDeps: opts.addrDeps ?? true });

  const events: Ev[] = prog.locs.map((_, i) => ({ thread: -1, type: 'W', loc: i, value: prog.init?.[i] ?? 0, tags: 0 }));
  const rf: number[] = events.map(() => -1);
  const co: number[][] = prog.locs.map((_, i) => [i]);
  const rmw: [number, number][] = [];
  const writeId = new Map<string, number>();
  const pcs = new Array<number>(T).fill(0);
  const regs: Record<string, number>[] = prog.threads.map(() => ({}));
  const sig: string[] = prog.threads.map(() => '');
  const outcomes = new Set<string>();
  const executions: { exec: Execution; outcome: string }[] = [];
  const seen = new Set<string>();
  const graphs = new Set<string>();
  let nodes = 0;

  const push = (e: Ev): number => {
    events.push(e);
    rf.push(-1);
    return events.length - 1;
  };
  const srcOf = (m: WeakMemory, loc: number, i: number): number => {
    const w = m.candidateWriter(i);
    return w < 0 ? loc : writeId.get(`${w}:${m.candidateEvent(i)}`)!;
  };
  const addWrite = (t: number, loc: number, value: number, tags: number, m: WeakMemory): number => {
    const id = push({ thread: t, type: 'W', loc, value, tags });
    // The model numbers a thread's stores 1, 2, ...: its latest is this one.
    m.loadCandidates(t, loc);
    writeId.set(`${t}:${m.candidateEvent(0)}`, id);
    co[loc]!.push(id);
    return id;
  };

  const dfs = (mem: Int32Array): void => {
    if (++nodes > (opts.maxNodes ?? Infinity)) throw new EnumerationBudget(`more than ${opts.maxNodes} search nodes`);
    // The graph so far (reads-from per thread; coherence order is in the arena's
    // histories) and the model's state: equal keys have equal futures.
    const key = `${pcs.join(',')}|${sig.join('/')}|${regs.map((r) => JSON.stringify(r)).join('')}|${opts.hashKeys ? hash64(mem) : Buffer.from(mem.buffer, mem.byteOffset, mem.byteLength).toString('latin1')}`;
    if (seen.has(key)) return;
    seen.add(key);
    let any = false;
    for (let t = 0; t < T; t++) {
      const prog_t = prog.threads[t]!;
      if (pcs[t]! >= prog_t.length) continue;
      const op = prog_t[pcs[t]!]!;
      if (op.op === 'lock' && mem[op.loc] !== 0) continue;
      any = true;
      const nChoices = op.op === 'ld' && !opts.latestOnly ? WeakMemory.attach(mem, L).loadCandidates(t, op.loc) : 1;
      for (let c = 0; c < nChoices; c++) {
        const m2 = new Int32Array(mem);
        const m = WeakMemory.attach(m2, L);
        const mark = { ev: events.length, rmw: rmw.length, sig: sig[t]!, regs: { ...regs[t] }, co: co.map((x) => x.length) };
        step(m, t, op, c);
        pcs[t]!++;
        dfs(m2);
        pcs[t]!--;
        // undo
        for (let i = events.length - 1; i >= mark.ev; i--) {
          const e = events[i]!;
          if (e.type === 'W') for (const [k, v] of writeId) if (v === i) writeId.delete(k);
        }
        events.length = mark.ev;
        rf.length = mark.ev;
        rmw.length = mark.rmw;
        co.forEach((x, i) => (x.length = mark.co[i]!));
        sig[t] = mark.sig;
        regs[t] = mark.regs;
      }
    }
    if (!any) {
      if (pcs.some((p, t) => p < prog.threads[t]!.length)) throw new Error('enumerate: deadlock (a lock never released)');
      const final = prog.locs.map((_, i) => mem[i]!);
      const outcome = outcomeKey(prog, regs, final);
      outcomes.add(outcome);
      const gk = `${sig.join('/')}|${co.map((x) => x.map((id) => `${events[id]!.thread}.${id}`).join(',')).join('/')}|${outcome}`;
      if (!graphs.has(gk)) {
        graphs.add(gk);
        executions.push({ exec: { events: [...events], rf: [...rf], co: co.map((x) => [...x]), rmw: rmw.map((p) => [p[0], p[1]] as const) }, outcome });
      }
    }
  };

  const step = (m: WeakMemory, t: number, op: Op, choice: number): void => {
    switch (op.op) {
      case 'st': {
        if (op.if !== undefined && regs[t]![op.if.reg] !== op.if.eq) return;
        const v = typeof op.val === 'number' ? op.val : regs[t]![op.val.reg]!;
        m.store(t, op.loc, v, op.kind === 'release' ? Kind.RELEASE : Kind.ONCE);
        addWrite(t, op.loc, v, op.kind === 'release' ? Tag.REL : 0, m);
        return;
      }
      case 'ld': {
        m.loadCandidates(t, op.loc);
        const src = srcOf(m, op.loc, choice);
        const v = m.load(t, op.loc, op.kind === 'acquire' ? Kind.ACQUIRE : Kind.ONCE, choice);
        const id = push({ thread: t, type: 'R', loc: op.loc, value: v, tags: op.kind === 'acquire' ? Tag.ACQ : 0 });
        rf[id] = src;
        regs[t]![op.reg] = v;
        sig[t] += `${src},`;
        return;
      }
      case 'rmw': {
        m.loadCandidates(t, op.loc);
        const src = srcOf(m, op.loc, 0);
        const full = op.order === 'full';
        const old = m.rmw(t, op.loc, FN[op.fn], op.arg, ORDER[op.order], op.expect ?? 0);
        const nv = applyFn(op.fn, old, op.arg, op.expect ?? 0);
        // A failed cmpxchg is a relaxed read with no fences (atomic_t.txt).
        if (full && nv !== null) push({ thread: t, type: 'F', loc: -1, value: 0, tags: Tag.MB });
        const r = push({ thread: t, type: 'R', loc: op.loc, value: old, tags: op.order === 'acquire' && nv !== null ? Tag.ACQ : 0 });
        rf[r] = src;
        sig[t] += `${src},`;
        if (nv !== null) {
          const w = addWrite(t, op.loc, nv, op.order === 'release' ? Tag.REL : 0, m);
          rmw.push([r, w]);
          if (full) push({ thread: t, type: 'F', loc: -1, value: 0, tags: Tag.MB });
        }
        if (op.reg !== undefined) regs[t]![op.reg] = old;
        return;
      }
      case 'fence':
        m.fence(t, FENCE[op.f][0]);
        push({ thread: t, type: 'F', loc: -1, value: 0, tags: FENCE[op.f][1] });
        return;
      case 'lock': {
        m.loadCandidates(t, op.loc);
        const src = srcOf(m, op.loc, 0);
        m.rmw(t, op.loc, RmwOp.CMPXCHG, 1, Order.ACQUIRE, 0);
        const r = push({ thread: t, type: 'R', loc: op.loc, value: 0, tags: Tag.ACQ | Tag.LKR });
        rf[r] = src;
        sig[t] += `${src},`;
        const w = addWrite(t, op.loc, 1, Tag.LKW, m);
        rmw.push([r, w]);
        return;
      }
      case 'unlock':
        m.store(t, op.loc, 0, Kind.RELEASE);
        addWrite(t, op.loc, 0, Tag.REL | Tag.UL, m);
        return;
    }
  };

  dfs(mem0);
  return { outcomes, executions, nodes };
}

// ----- what LKMM allows -------------------------------------------------------------------------

interface Slot {
  thread: number;
  type: 'R' | 'W' | 'F';
  loc: number;
  tags: number;
  /** For a write: a constant, or computed from the read `from` with fn/arg/expect. */
  value?: number;
  from?: number;
  fn?: RmwFn;
  arg?: number;
  expect?: number;
  /** For an RMW read: its write slot; a failed cmpxchg drops the write and the RMW's fences. */
  write?: number;
  fences?: number[];
  /** A conditional store: present only if read slot `read` got `eq`. */
  cond?: { read: number; eq: number };
  reg?: string;
  lockRead?: boolean;
}

/** Every outcome of `prog` that LKMM allows (checked by ../lkmm.ts), with dependencies as `deps` assumes. */
export function lkmmOutcomes(prog: Program, deps: Deps): Set<string> {
  const slots: Slot[] = prog.locs.map((_, i) => ({ thread: -1, type: 'W', loc: i, tags: 0, value: prog.init?.[i] ?? 0 }));
  prog.threads.forEach((ops, t) => {
    const regSlot = new Map<string, number>();
    for (const op of ops) {
      const add = (s: Slot): number => slots.push(s) - 1;
      switch (op.op) {
        case 'st': {
          const w: Slot = { thread: t, type: 'W', loc: op.loc, tags: op.kind === 'release' ? Tag.REL : 0 };
          if (typeof op.val === 'number') w.value = op.val;
          else w.from = regSlot.get(op.val.reg)!;
          if (op.if !== undefined) w.cond = { read: regSlot.get(op.if.reg)!, eq: op.if.eq };
          add(w);
          break;
        }
        case 'ld': regSlot.set(op.reg, add({ thread: t, type: 'R', loc: op.loc, tags: op.kind === 'acquire' ? Tag.ACQ : 0, reg: op.reg })); break;
        case 'fence': add({ thread: t, type: 'F', loc: -1, tags: FENCE[op.f][1] }); break;
        case 'unlock': add({ thread: t, type: 'W', loc: op.loc, tags: Tag.REL | Tag.UL, value: 0 }); break;
        case 'lock': {
          const r = add({ thread: t, type: 'R', loc: op.loc, tags: Tag.ACQ | Tag.LKR, lockRead: true });
          slots[r]!.write = add({ thread: t, type: 'W', loc: op.loc, tags: Tag.LKW, value: 1 });
          break;
        }
        case 'rmw': {
          const full = op.order === 'full';
          const f1 = full ? add({ thread: t, type: 'F', loc: -1, tags: Tag.MB }) : -1;
          const r = add({ thread: t, type: 'R', loc: op.loc, tags: op.order === 'acquire' ? Tag.ACQ : 0, ...(op.reg !== undefined ? { reg: op.reg } : {}) });
          if (op.reg !== undefined) regSlot.set(op.reg, r);
          const w = add({ thread: t, type: 'W', loc: op.loc, tags: op.order === 'release' ? Tag.REL : 0, from: r, fn: op.fn, arg: op.arg, expect: op.expect ?? 0 });
          const f2 = full ? add({ thread: t, type: 'F', loc: -1, tags: Tag.MB }) : -1;
          slots[r]!.write = w;
          slots[r]!.fences = full ? [f1, f2] : [];
          break;
        }
      }
    }
  });
  const reads = slots.map((s, i) => (s.type === 'R' ? i : -1)).filter((i) => i >= 0);
  const writesOf = prog.locs.map((_, l) => slots.map((s, i) => (s.type === 'W' && s.loc === l ? i : -1)).filter((i) => i >= 0));
  const out = new Set<string>();
  const choice = new Array<number>(slots.length).fill(-1);

  const evaluate = (): void => {
    // Values: reads take their source's value, RMW writes apply their function; iterate to a fixpoint.
    const val = new Array<number | null | undefined>(slots.length).fill(undefined);
    slots.forEach((s, i) => {
      if (s.type === 'W' && s.value !== undefined) val[i] = s.value;
    });
    for (let round = 0; round <= slots.length; round++) {
      let changed = false;
      for (const r of reads) {
        const v = val[choice[r]!];
        if (val[r] === undefined && v !== undefined && v !== null) {
          val[r] = v;
          changed = true;
        }
      }
      slots.forEach((s, w) => {
        if (s.type !== 'W' || val[w] !== undefined || s.from === undefined || val[s.from] === undefined) return;
        const v = val[s.from]!;
        val[w] = s.fn === undefined ? v : applyFn(s.fn, v, s.arg!, s.expect!);
        changed = true;
      });
      if (!changed) break;
    }
    const present = slots.map((s, i) => s.type !== 'W' || (val[i] !== null && (s.cond === undefined || val[s.cond.read] === s.cond.eq)));
    for (const r of reads) {
      if (val[r] === undefined || val[r] === null || !present[choice[r]!]) return;
      if (slots[r]!.lockRead && val[r] !== 0) return;
      for (const f of slots[r]!.fences ?? []) if (val[slots[r]!.write!] === null) present[f] = false;
    }
    // Event list in slot order (threads' slots are in program order).
    const idOf = new Array<number>(slots.length).fill(-1);
    const events: Ev[] = [];
    slots.forEach((s, i) => {
      if (!present[i]) return;
      idOf[i] = events.length;
      // A failed cmpxchg_acquire() is a relaxed read.
      const failed = s.write !== undefined && !present[s.write];
      events.push({ thread: s.thread, type: s.type, loc: s.loc, value: val[i] ?? 0, tags: failed ? s.tags & ~Tag.ACQ : s.tags });
    });
    const rf = events.map(() => -1);
    for (const r of reads) rf[idOf[r]!] = idOf[choice[r]!]!;
    const rmw: [number, number][] = [];
    for (const r of reads) {
      const w = slots[r]!.write;
      if (w !== undefined && present[w]) rmw.push([idOf[r]!, idOf[w]!]);
    }
    const regs: Record<string, number>[] = prog.threads.map(() => ({}));
    for (const r of reads) if (slots[r]!.reg !== undefined) regs[slots[r]!.thread]![slots[r]!.reg!] = val[r]!;
    // Every coherence order: the initial write first, then a permutation of the others.
    const perLoc = writesOf.map((ws) => ws.filter((w) => present[w] && slots[w]!.thread >= 0).map((w) => idOf[w]!));
    const cos: number[][] = prog.locs.map(() => []);
    const permute = (l: number): void => {
      if (l === prog.locs.length) {
        const co = cos.map((c, i) => [i, ...c]);
        const x: Execution = { events, rf, co, rmw };
        if (lkmmAllows(x, deps)) {
          out.add(outcomeKey(prog, regs, co.map((c) => events[c[c.length - 1]!]!.value)));
        }
        return;
      }
      const rest = perLoc[l]!;
      const gen = (avail: number[]): void => {
        if (avail.length === 0) return permute(l + 1);
        for (let i = 0; i < avail.length; i++) {
          cos[l]!.push(avail[i]!);
          gen([...avail.slice(0, i), ...avail.slice(i + 1)]);
          cos[l]!.pop();
        }
      };
      gen(rest);
    };
    permute(0);
  };

  const pick = (k: number): void => {
    if (k === reads.length) return evaluate();
    const r = reads[k]!;
    for (const w of writesOf[slots[r]!.loc]!) {
      choice[r] = w;
      pick(k + 1);
    }
  };
  pick(0);
  return out;
}
