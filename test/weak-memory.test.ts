/**
 * The weak memory model (src/runtime/memory/weak, docs/MEMORY-MODEL.md),
 * pure: litmus shapes enumerated exhaustively (every interleaving, every load
 * choice) and held against LKMM's verdicts, every execution the model
 * produces held against the LKMM axioms (src/runtime/memory/lkmm.ts), random
 * programs likewise, and the arena's mechanics (SC subset, reset,
 * determinism, capacities).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Fence as AccessFence, Order as AccessOrder } from '../src/runtime/kernel/access.js';
import { lkmmViolations, Tag, type Ev, type Execution } from '../src/runtime/memory/lkmm.js';
import { enumerateModel, lkmmOutcomes, outcomeKey, type Program } from '../src/runtime/memory/weak/enumerate.js';
import { arenaWords, Fence, Kind, MAX_THREADS, Order, RmwOp, WeakCapacityError, WeakMemory } from '../src/runtime/memory/weak/index.js';
import { randomProgram, rng, SHAPES, type Shape } from './weak-shapes.js';

/** Does an outcome satisfy the shape's `exists` clause? */
function matches(outcome: string, exists: Readonly<Record<string, number>>): boolean {
  const m = new Map(outcome.split(' ').map((p) => p.split('=') as [string, string]));
  return Object.entries(exists).every(([k, v]) => m.get(k) === String(v));
}
const observed = (outs: Iterable<string>, s: Shape): boolean => [...outs].some((o) => matches(o, s.exists));

/**
 * LKMM allows these, the model cannot produce them (docs/MEMORY-MODEL.md §4):
 * load buffering (a load reads only stores already executed), and shapes that
 * need a store to take a coherence position before a store that executed
 * earlier (stores are appended to modification order as they execute).
 */
const SHORTFALL = new Set(['LB+poonceonces', 'S+poonceonces', '2+2W', '2+2W+wmbs']);

const runs = new Map<string, { nodeps: ReturnType<typeof enumerateModel>; deps: ReturnType<typeof enumerateModel> }>();
function model(s: Shape) {
  let r = runs.get(s.name);
  if (!r) {
    r = { nodeps: enumerateModel(s.prog, { addrDeps: false }), deps: enumerateModel(s.prog, { addrDeps: true }) };
    runs.set(s.name, r);
  }
  return r;
}

test('the shapes: 43 kernel tests and the classic ones, names unique', () => {
  assert.is(SHAPES.filter((s) => s.kernel).length, 43);
  assert.is(new Set(SHAPES.map((s) => s.name)).size, SHAPES.length);
});

test('the axiomatic checker gives every shape the verdict LKMM (herd7) gives', () => {
  const wrong = SHAPES.filter((s) => (observed(lkmmOutcomes(s.prog, s.deps), s) ? 'Sometimes' : 'Never') !== s.lkmm).map((s) => s.name);
  assert.equal(wrong, []);
});

test('the checker names the axiom a forbidden execution breaks', () => {
  const I = (loc: number): Ev => ({ thread: -1, type: 'W', loc, value: 0, tags: 0 });
  const W = (thread: number, loc: number, value: number, tags = 0): Ev => ({ thread, type: 'W', loc, value, tags });
  const Rd = (thread: number, loc: number, value: number, tags = 0): Ev => ({ thread, type: 'R', loc, value, tags });
  const F = (thread: number, tags: number): Ev => ({ thread, type: 'F', loc: -1, value: 0, tags });
  // CoRR: 1:r0=1, 1:r1=0.
  const corr: Execution = { events: [I(0), W(0, 0, 1), Rd(1, 0, 1), Rd(1, 0, 0)], rf: [-1, -1, 1, 0], co: [[0, 1]], rmw: [] };
  assert.equal(lkmmViolations(corr, 'none'), ['coherence']);
  // Two RMWs both read the initial value.
  const atom: Execution = {
    events: [I(0), Rd(0, 0, 0), W(0, 0, 1), Rd(1, 0, 0), W(1, 0, 1)],
    rf: [-1, 0, -1, 0, -1],
    co: [[0, 2, 4]],
    rmw: [[1, 2], [3, 4]],
  };
  assert.ok(lkmmViolations(atom, 'none').includes('atomic'));
  // MP+wmb+rmb: the reader sees the flag and not the data.
  const mp: Execution = {
    events: [I(0), I(1), W(0, 0, 1), F(0, Tag.WMB), W(0, 1, 1), Rd(1, 1, 1), F(1, Tag.RMB), Rd(1, 0, 0)],
    rf: [-1, -1, -1, -1, -1, 4, -1, 0],
    co: [[0, 2], [1, 4]],
    rmw: [],
  };
  assert.equal(lkmmViolations(mp, 'none'), ['happens-before']);
  // Without the fences LKMM allows it.
  const mpBare: Execution = { ...mp, events: mp.events.map((e) => (e.type === 'F' ? { ...e, tags: 0 } : e)) };
  assert.equal(lkmmViolations(mpBare, 'none'), []);
  // SB+mbs: both loads read 0.
  const sb: Execution = {
    events: [I(0), I(1), W(0, 0, 1), F(0, Tag.MB), Rd(0, 1, 0), W(1, 1, 1), F(1, Tag.MB), Rd(1, 0, 0)],
    rf: [-1, -1, -1, -1, 1, -1, -1, 0],
    co: [[0, 2], [1, 5]],
    rmw: [],
  };
  assert.equal(lkmmViolations(sb, 'none'), ['propagation']);
});

test('Never shapes are never observed (both modes; address-dependency shapes only with addrDeps)', () => {
  const bad: string[] = [];
  for (const s of SHAPES.filter((x) => x.lkmm === 'Never')) {
    const r = model(s);
    if (observed(r.deps.outcomes, s)) bad.push(`${s.name} (addrDeps)`);
    if (s.deps !== 'addr' && observed(r.nodeps.outcomes, s)) bad.push(`${s.name} (no addrDeps)`);
  }
  assert.equal(bad, []);
});

test('Sometimes shapes are observed, or are a documented shortfall', () => {
  const missing: string[] = [];
  for (const s of SHAPES.filter((x) => x.lkmm === 'Sometimes')) {
    const r = model(s);
    if (!observed(r.nodeps.outcomes, s) && !SHORTFALL.has(s.name)) missing.push(`${s.name} (no addrDeps)`);
    // With addrDeps every load is treated as address-dependent: a miss is fine
    // only if LKMM forbids the outcome once those dependencies are assumed.
    if (!observed(r.deps.outcomes, s) && !SHORTFALL.has(s.name) && observed(lkmmOutcomes(s.prog, 'addr'), s)) missing.push(`${s.name} (addrDeps)`);
  }
  assert.equal(missing, []);
  // ... and every shortfall is real (the model indeed misses it).
  for (const name of SHORTFALL) {
    const s = SHAPES.find((x) => x.name === name)!;
    assert.is(s.lkmm, 'Sometimes');
    assert.not.ok(observed(model(s).nodeps.outcomes, s), name);
  }
});

test('every execution the model produces on the shapes satisfies the LKMM axioms', () => {
  const bad: string[] = [];
  let n = 0;
  for (const s of SHAPES) {
    const r = model(s);
    for (const [mode, res, deps] of [['no addrDeps', r.nodeps, 'ctrl'], ['addrDeps', r.deps, 'addr']] as const) {
      for (const e of res.executions) {
        n++;
        const v = lkmmViolations(e.exec, deps);
        if (v.length > 0) bad.push(`${s.name} (${mode}): ${v.join(', ')} in ${e.outcome}`);
      }
    }
  }
  assert.ok(n > 3000, `only ${n} executions`);
  assert.equal(bad, []);
});

// ----- random programs ----------------------------------------------------------------------------
test('random programs: every execution of the model satisfies the LKMM axioms', () => {
  const rnd = rng(14);
  let execs = 0;
  const bad: string[] = [];
  for (let i = 0; i < 40; i++) {
    const p = randomProgram(rnd);
    for (const [addrDeps, deps] of [[false, 'ctrl'], [true, 'addr']] as const) {
      for (const e of enumerateModel(p, { addrDeps }).executions) {
        execs++;
        const v = lkmmViolations(e.exec, deps);
        if (v.length > 0) bad.push(`${JSON.stringify(p.threads)} addrDeps=${addrDeps}: ${v.join(', ')} in ${e.outcome}`);
      }
    }
  }
  assert.ok(execs > 1000, `only ${execs} executions`);
  assert.equal(bad.slice(0, 3), []);
});

// ----- sequential consistency as the choice-0 subset ---------------------------------------------------
/** Outcomes under sequential consistency, by a plain interleaving interpreter (no model). */
function scOutcomes(p: Program): Set<string> {
  const out = new Set<string>();
  const go = (mem: number[], pcs: number[], regs: Record<string, number>[]): void => {
    let any = false;
    p.threads.forEach((ops, t) => {
      const op = ops[pcs[t]!];
      if (op === undefined || (op.op === 'lock' && mem[op.loc] !== 0)) return;
      any = true;
      const m = [...mem];
      const r = regs.map((x) => ({ ...x }));
      switch (op.op) {
        case 'st':
          if (op.if === undefined || r[t]![op.if.reg] === op.if.eq) m[op.loc] = typeof op.val === 'number' ? op.val : r[t]![op.val.reg]!;
          break;
        case 'ld': r[t]![op.reg] = m[op.loc]!; break;
        case 'lock': m[op.loc] = 1; break;
        case 'unlock': m[op.loc] = 0; break;
        case 'fence': break;
        case 'rmw': {
          const old = m[op.loc]!;
          if (op.reg !== undefined) r[t]![op.reg] = old;
          if (op.fn === 'add') m[op.loc] = old + op.arg;
          else if (op.fn === 'xchg') m[op.loc] = op.arg;
          else if (op.fn === 'cmpxchg' && old === (op.expect ?? 0)) m[op.loc] = op.arg;
          else if (op.fn === 'or') m[op.loc] = old | op.arg;
          else if (op.fn === 'and') m[op.loc] = old & op.arg;
          break;
        }
      }
      go(m, pcs.map((x, i) => (i === t ? x + 1 : x)), r);
    });
    if (!any) out.add(outcomeKey(p, regs, mem));
  };
  go(p.locs.map((_, i) => p.init?.[i] ?? 0), p.threads.map(() => 0), p.threads.map(() => ({})));
  return out;
}

test('choosing candidate 0 at every load is sequential consistency, a subset of the weak outcomes', () => {
  for (const s of SHAPES) {
    const sc = scOutcomes(s.prog);
    assert.equal([...enumerateModel(s.prog, { latestOnly: true }).outcomes].sort(), [...sc].sort(), s.name);
    const weak = model(s).deps.outcomes;
    for (const o of sc) assert.ok(weak.has(o), `${s.name}: SC outcome ${o} missing`);
  }
  // The weak model adds outcomes (SB: both loads read 0).
  const sb = SHAPES.find((s) => s.name === 'SB+poonceonces')!;
  assert.not.ok(observed(scOutcomes(sb.prog), sb));
});

// ----- the arena -------------------------------------------------------------------------------------------
function fresh(threads = 3, hist = 4, words = 4096, addrDeps = true): { mem: Int32Array; m: WeakMemory } {
  const mem = new Int32Array(64 + words);
  return { mem, m: WeakMemory.format(mem, 64, words, { threads, hist, addrDeps }) };
}

function script(m: WeakMemory): number[] {
  const got: number[] = [];
  m.store(0, 1, 5, Kind.ONCE);
  m.fence(0, Fence.WMB);
  m.store(0, 2, 7, Kind.RELEASE);
  got.push(m.loadCandidates(1, 2), m.load(1, 2, Kind.ONCE, 1), m.load(1, 2, Kind.ACQUIRE, 0));
  got.push(m.rmw(2, 3, RmwOp.ADD, 3, Order.RELAXED), m.rmw(1, 3, RmwOp.CMPXCHG, 9, Order.FULL, 3));
  got.push(m.loadCandidates(2, 1), m.load(2, 1, Kind.ONCE, m.loadCandidates(2, 1) - 1));
  m.fence(2, Fence.MB);
  return got;
}

test('reset() restores the freshly formatted arena', () => {
  const a = fresh();
  const b = fresh();
  script(a.m);
  assert.ok(a.m.stats().locations > 0);
  assert.not.equal([...a.mem.subarray(64)], [...b.mem.subarray(64)]);
  a.m.reset();
  assert.equal([...a.mem.subarray(64)], [...b.mem.subarray(64)]);
  assert.equal(a.m.stats(), { locations: 0, staleReads: 0, resyncs: 0 });
});

test('deterministic: the same calls and choices give the same values and the same arena; attach continues it', () => {
  const a = fresh();
  const b = fresh();
  const ra = script(a.m);
  const rb = script(WeakMemory.attach(b.mem, 64));
  assert.equal(ra, rb);
  assert.equal([...a.mem], [...b.mem]);
  // The SAB words hold the modification-order-latest values.
  assert.equal([a.mem[1], a.mem[2], a.mem[3]], [5, 7, 9]);
});

test('a load reads old stores only as coherence and propagation allow', () => {
  const { mem, m } = fresh();
  mem[10] = 4; // initial value, written before the model
  assert.is(m.loadCandidates(1, 10), 1);
  assert.match(m.describe(0), /initial value 4/);
  m.store(0, 10, 1, Kind.ONCE);
  m.store(0, 10, 2, Kind.ONCE);
  assert.is(m.loadCandidates(1, 10), 3);
  assert.equal([0, 1, 2].map((i) => m.candidateValue(i)), [2, 1, 4]);
  assert.equal([0, 1, 2].map((i) => m.candidateWriter(i)), [0, 0, -1]);
  assert.match(m.describe(1), /store of thread 0 at its store #1 \(1 store old\)/);
  assert.is(m.describeLoad(1, 10, 0), 'read 2, the store of thread 0 at its store #2 (the latest store)');
  // The writer itself reads only its latest store (CoWR).
  assert.is(m.loadCandidates(0, 10), 1);
  // Reading the middle one forbids the initial value afterwards (CoRR).
  assert.is(m.load(1, 10, Kind.ONCE, 1), 1);
  assert.is(m.loadCandidates(1, 10), 2);
  assert.is(m.stats().staleReads, 1);
  // After smp_mb() by the writer, every thread sees its stores.
  m.fence(0, Fence.MB);
  assert.is(m.loadCandidates(2, 10), 1);
  assert.throws(() => m.load(2, 10, Kind.ONCE, 1), /choice 1 of 1/);
});

test('history: only the last `hist` stores stay readable', () => {
  const { m } = fresh(2, 2);
  for (let v = 1; v <= 5; v++) m.store(0, 20, v, Kind.ONCE);
  assert.is(m.loadCandidates(1, 20), 2);
  assert.equal([m.candidateValue(0), m.candidateValue(1)], [5, 4]);
});

test('a word written behind the model: only its current value is readable', () => {
  const { mem, m } = fresh();
  m.store(0, 30, 1, Kind.ONCE);
  m.store(0, 30, 2, Kind.ONCE);
  mem[30] = 9;
  assert.is(m.loadCandidates(1, 30), 1);
  assert.is(m.load(1, 30, Kind.ONCE, 0), 9);
  assert.is(m.stats().resyncs, 1);
});

test('capacities are refused clearly', () => {
  assert.throws(() => fresh(MAX_THREADS + 1), (e: unknown) => e instanceof WeakCapacityError && /33 threads/.test((e as Error).message));
  assert.throws(() => fresh(2, 4, 20), (e: unknown) => e instanceof WeakCapacityError);
  // A table of 1 location slot: the second distinct word written overflows it.
  const words = arenaWords({ threads: 2, hist: 2, locs: 1 });
  const mem = new Int32Array(64 + words);
  const m = WeakMemory.format(mem, 64, words, { threads: 2, hist: 2 });
  assert.is(m.geometry.locs, 1);
  m.store(0, 1, 1, Kind.ONCE);
  assert.throws(() => m.store(0, 2, 1, Kind.ONCE), /more than 1 distinct words/);
  assert.throws(() => m.load(2, 1, Kind.ONCE, 0), /thread 2 of 2/);
  assert.throws(() => WeakMemory.attach(new Int32Array(100), 0), /no model/);
});

test('syncFrom: an ordering made outside the model (thread creation) makes the parent\'s stores visible', () => {
  const { m } = fresh();
  m.store(0, 5, 1, Kind.ONCE);
  assert.is(m.loadCandidates(1, 5), 2);
  m.syncFrom(1, 0);
  assert.is(m.loadCandidates(1, 5), 1);
});

test('settle: everything executed so far has propagated to the thread', () => {
  const { m } = fresh();
  m.store(0, 6, 1, Kind.ONCE);
  m.store(2, 7, 1, Kind.ONCE);
  assert.equal([m.loadCandidates(1, 6), m.loadCandidates(1, 7)], [2, 2]);
  m.settle(1);
  assert.equal([m.loadCandidates(1, 6), m.loadCandidates(1, 7)], [1, 1]);
  assert.is(m.loadCandidates(0, 7), 2);
});

// ----- loads nothing orders: the floor ----------------------------------------------------------------
/** MP with smp_mb() on the writer side; the reader's two loads with `mid` between them. */
function mpMbWriter(mid: Program['threads'][number]): Program {
  return {
    locs: ['x', 'y'],
    threads: [
      [{ op: 'st', loc: 0, val: 1 }, { op: 'fence', f: 'mb' }, { op: 'st', loc: 1, val: 1 }],
      [{ op: 'ld', loc: 1, reg: 'r0' }, ...mid, { op: 'ld', loc: 0, reg: 'r1' }],
    ],
  };
}

test('without addrDeps a load may be satisfied before another thread\'s smp_mb() reached its thread (MP+fencembonceonce+poonceonce)', () => {
  const stale = { '1:r0': 1, '1:r1': 0 };
  const bare = mpMbWriter([]);
  const rmb = mpMbWriter([{ op: 'fence', f: 'rmb' }]);
  // LKMM allows it without a reader-side barrier (no R->R ppo) and forbids it with smp_rmb().
  assert.ok([...lkmmOutcomes(bare, 'ctrl')].some((o) => matches(o, stale)));
  assert.not.ok([...lkmmOutcomes(rmb, 'ctrl')].some((o) => matches(o, stale)));
  // The model: produced without addrDeps, not with (both loads treated as address-dependent), never with rmb.
  const r = enumerateModel(bare, { addrDeps: false });
  assert.ok([...r.outcomes].some((o) => matches(o, stale)));
  assert.not.ok([...enumerateModel(bare, { addrDeps: true }).outcomes].some((o) => matches(o, stale)));
  assert.not.ok([...enumerateModel(rmb, { addrDeps: false }).outcomes].some((o) => matches(o, stale)));
  for (const e of r.executions) assert.equal(lkmmViolations(e.exec, 'ctrl'), [], e.outcome);
});

test('ONCE_NODEP under addrDeps: the counter sums of srcu_readers_active_idx_check() without and with barrier A', () => {
  // Thread 0 is a reader: lock count, smp_mb() B, ..., smp_mb() C, unlock count.
  // Thread 1 the updater: its last ordering point (here an smp_mb()) comes
  // before the reader's section; then it sums unlocks, then locks.
  const LOCK = 40;
  const UNLOCK = 41;
  const run = (kind: (typeof Kind)[keyof typeof Kind], fenceA: boolean): number => {
    const { m } = fresh(2, 4, 4096, true);
    m.fence(1, Fence.MB);
    m.rmw(0, LOCK, RmwOp.ADD, 1, Order.RELAXED);
    m.fence(0, Fence.MB);
    m.fence(0, Fence.MB);
    m.rmw(0, UNLOCK, RmwOp.ADD, 1, Order.RELAXED);
    assert.is(m.load(1, UNLOCK, kind, 0), 1);
    if (fenceA) m.fence(1, Fence.MB);
    return m.loadCandidates(1, LOCK, kind);
  };
  // No A: the lock sum may read the count from before the reader's lock (an
  // unlock counted without its lock: R3's barrier half).
  assert.is(run(Kind.ONCE_NODEP, false), 2);
  // With A, or with loads treated as address-dependent, it may not.
  assert.is(run(Kind.ONCE_NODEP, true), 1);
  assert.is(run(Kind.ONCE, false), 1);
  // Another thread's smp_mb() raises CUR, not the floor; the thread's own ordering raises both.
  const { m } = fresh(2, 4, 4096, true);
  m.store(0, 50, 1, Kind.ONCE);
  m.fence(0, Fence.MB);
  assert.equal([m.loadCandidates(1, 50, Kind.ONCE), m.loadCandidates(1, 50, Kind.ONCE_NODEP)], [1, 2]);
  m.fence(1, Fence.RMB);
  assert.is(m.loadCandidates(1, 50, Kind.ONCE_NODEP), 1);
  assert.throws(() => m.store(1, 50, 2, Kind.ONCE_NODEP), /load kind/);
});

test('Order and Fence are numbered as the accessor layer numbers them', () => {
  assert.equal({ ...Order }, { ...AccessOrder });
  assert.equal({ ...Fence }, { ...AccessFence });
});

test.run();
