/**
 * The exploration tree, the dependency relation and the bounds, on made-up
 * programs (pure: no workers). A program is a list of threads, each a list
 * of steps with the words it reads and writes; `explore()` runs it the way
 * the dfs strategy does in the workers (follow the prefix, then the
 * deterministic scheduler, avoiding sleeping tasks) and returns every
 * execution's final state. Unpruned search must give the textbook counts,
 * and every reduction must reach exactly the final states the unpruned
 * search reaches, on many random programs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dependent, footprintOf, type StepFootprint } from '../src/runtime/explore/dependence.js';
import { choiceCost, defaultOrder, roundRobin, type Policy } from '../src/runtime/explore/policy.js';
import { ExplorationTree, type ExecStep, type Reduction } from '../src/runtime/explore/tree.js';

interface Op {
  readonly r: number[];
  readonly w: number[];
  /**
   * A data choice among `n` alternatives after the reads (ctx.choose()):
   * the step then writes only w[c % w.length] and records c, so what the
   * step touches depends on the alternative.
   */
  readonly n?: number;
}
type Program = Op[][];

const fpOf = (op: Op): StepFootprint => footprintOf([...op.r.map((a) => a << 1), ...op.w.map((a) => (a << 1) | 1)], op.r.length + op.w.length, false);

/** Run every schedule the tree asks for; return the final states and the tree. */
function explore(p: Program, reduction: Reduction, policy: Policy = 'pb', bound: number | null = null): { states: Set<string>; runs: number; tree: ExplorationTree } {
  const tree = new ExplorationTree({ reduction, policy, bound });
  const states = new Set<string>();
  let plan: { prefix: readonly number[]; sleep: readonly { slot: number; fp: StepFootprint }[] } | null = { prefix: [], sleep: [] };
  let runs = 0;
  while (plan !== null) {
    runs++;
    const pc = p.map(() => 0);
    const mem = new Map<number, string>();
    const steps: ExecStep[] = [];
    const sleep = new Map(plan.sleep.map((x) => [x.slot, x.fp]));
    let cur = -1;
    // Past the prefix, the sleep set learns what the step before did (as dfs.ts's filterSleep, at every decision).
    const filter = (i: number): void => {
      if (i < plan!.prefix.length || i === 0) return;
      const last = steps[i - 1]!.fp;
      for (const [s, fp] of sleep) if (dependent(fp, last)) sleep.delete(s);
    };
    for (;;) {
      const i = steps.length;
      const enabled = p.map((_, t) => t).filter((t) => pc[t]! < p[t]!.length);
      if (enabled.length === 0) break;
      const d = { enabled, decider: cur, curRunnable: enabled.includes(cur), curYielding: false };
      let q: number;
      if (i < plan.prefix.length) q = plan.prefix[i]!;
      else {
        filter(i);
        const order = defaultOrder(policy, d, () => false);
        q = order.find((s) => !sleep.has(s)) ?? order[0]!;
      }
      const op = p[q]![pc[q]!]!;
      // Reads leave their mark in the state: which write each read saw.
      const seen = op.r.map((a) => mem.get(a) ?? '0').join('|');
      if (op.n === undefined) {
        for (const a of op.w) mem.set(a, `${q}.${pc[q]}`);
        mem.set(1000 + q * 100 + pc[q]!, seen);
        steps.push({ ...d, chosen: q, timer: false, fp: fpOf(op), label: 0 });
      } else {
        steps.push({ ...d, chosen: q, timer: false, fp: fpOf({ r: op.r, w: [] }), label: 0 });
        const j = steps.length;
        let c = 0;
        if (j < plan.prefix.length) c = -1 - plan.prefix[j]!;
        else filter(j);
        const w = op.w.length > 0 ? [op.w[c % op.w.length]!] : [];
        for (const a of w) mem.set(a, `${q}.${pc[q]}=${c}`);
        mem.set(1000 + q * 100 + pc[q]!, `${seen}/${c}`);
        const alts = Array.from({ length: op.n }, (_, x) => x);
        steps.push({ enabled: alts, decider: q, curRunnable: true, curYielding: false, chosen: c, timer: false, data: true, fp: fpOf({ r: [], w }), label: 0 });
      }
      pc[q]!++;
      cur = q;
    }
    tree.record({ steps, total: steps.length });
    states.add([...mem.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}=${v}`).join(' '));
    plan = tree.next();
  }
  return { states, runs, tree };
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

const disjoint = (threads: number, k: number): Program =>
  Array.from({ length: threads }, (_, t) => Array.from({ length: k }, () => ({ r: [], w: [10 + t] })));
const shared = (threads: number, k: number): Program =>
  Array.from({ length: threads }, () => Array.from({ length: k }, () => ({ r: [], w: [5] })));

test('dependence: a shared word with a write, or an overflowed footprint', () => {
  const a = footprintOf([(4 << 1) | 1], 1, false);
  const b = footprintOf([4 << 1], 1, false);
  const c = footprintOf([5 << 1], 1, false);
  assert.ok(dependent(a, b));
  assert.ok(!dependent(b, b), 'two reads commute');
  assert.ok(!dependent(a, c));
  assert.ok(dependent(c, footprintOf([], 0, true)));
  assert.equal(footprintOf([8, 9], 2, false), { all: false, reads: [], writes: [4] }, 'a write subsumes a read of the same word');
});

test('policy: preemptions and delays', () => {
  const d = { enabled: [1, 2, 3], decider: 2, curRunnable: true, curYielding: false };
  assert.equal(roundRobin(d), [2, 3, 1]);
  assert.equal([1, 2, 3].map((q) => choiceCost('pb', d, q)), [1, 0, 1]);
  assert.equal([1, 2, 3].map((q) => choiceCost('db', d, q)), [2, 0, 1]);
  const y = { ...d, curYielding: true };
  assert.equal([1, 2, 3].map((q) => choiceCost('pb', y, q)), [0, 0, 0], 'switching away from a yield is free');
  assert.equal(roundRobin(y), [3, 1, 2]);
  assert.equal(defaultOrder('pb', { ...d, curRunnable: false, enabled: [1, 3] }, () => false)[0], 1);
});

test('no reduction: C(2k, k) schedules for two threads of k steps, (3k)!/(k!)^3 for three', () => {
  for (const k of [1, 2, 3, 4, 5]) {
    assert.is(explore(disjoint(2, k), 'none').runs, binom(2 * k, k), `k=${k}`);
  }
  assert.is(explore(disjoint(3, 2), 'none').runs, 90);
});

test('DPOR and sleep sets: disjoint words give one schedule, one shared word all of them', () => {
  for (const k of [1, 3, 5]) {
    assert.is(explore(disjoint(2, k), 'dpor').runs, 1, `dpor k=${k}`);
    assert.is(explore(shared(2, k), 'dpor').tree.stats.executions, binom(2 * k, k), `dpor shared k=${k}`);
    assert.is(explore(disjoint(2, k), 'sleep').tree.stats.byCost.size > 0, true);
  }
  assert.is(explore(disjoint(3, 3), 'dpor').runs, 1);
  const sl = explore(disjoint(2, 3), 'sleep');
  assert.is([...sl.tree.stats.byCost.values()].reduce((a, b) => a + b, 0), 1, 'sleep sets: one complete schedule, the rest blocked');
});

test('bounds: the schedules within a preemption or delay bound, counted by brute force', () => {
  const k = 3;
  // Every interleaving of two threads of k steps, with its preemptions and delays.
  const all: number[][] = [];
  const gen = (a: number, b: number, seq: number[]): void => {
    if (a === k && b === k) return void all.push(seq);
    if (a < k) gen(a + 1, b, [...seq, 0]);
    if (b < k) gen(a, b + 1, [...seq, 1]);
  };
  gen(0, 0, []);
  const cost = (seq: number[], policy: Policy): number => {
    let c = 0;
    const pc = [0, 0];
    let cur = -1;
    for (const q of seq) {
      const enabled = [0, 1].filter((t) => pc[t]! < k);
      c += choiceCost(policy, { enabled, decider: cur, curRunnable: enabled.includes(cur), curYielding: false }, q);
      pc[q]!++;
      cur = q;
    }
    return c;
  };
  for (const policy of ['pb', 'db'] as const) {
    for (const b of [0, 1, 2]) {
      const want = all.filter((s) => cost(s, policy) <= b).length;
      assert.is(explore(disjoint(2, k), 'none', policy, b).runs, want, `${policy} bound ${b}`);
    }
  }
  assert.is(explore(disjoint(2, k), 'none', 'pb', 0).runs, 2, 'no preemption: each thread runs to its end');
});

test('data choices: every alternative is a branch, under every reduction and bound, and costs nothing', () => {
  const oneThread: Program = [[{ r: [], w: [1], n: 3 }, { r: [1], w: [2], n: 3 }]];
  for (const red of ['none', 'sleep', 'dpor'] as const) assert.is(explore(oneThread, red).runs, 9, red);
  assert.is(explore(oneThread, 'none', 'pb', 0).runs, 9, 'bound 0: data choices are not preemptions');
  const two: Program = [[{ r: [], w: [10], n: 2 }], [{ r: [], w: [20], n: 2 }]];
  assert.is(explore(two, 'none').runs, 8, 'two interleavings, four value pairs each');
  assert.is(explore(two, 'dpor').runs, 4, 'independent steps: one interleaving, every value pair');
  // The second alternative writes the word the other thread reads: DPOR must find that race too.
  const hidden: Program = [[{ r: [], w: [10, 20], n: 2 }], [{ r: [20], w: [] }]];
  assert.equal([...explore(hidden, 'dpor').states].sort(), [...explore(hidden, 'none').states].sort());
  assert.equal([...explore(hidden, 'sleep').states].sort(), [...explore(hidden, 'none').states].sort());
});

/**
 * `programs` random programs of 2-3 threads with 1 to `maxSteps` steps over
 * 3 words, each step reading and writing a random subset; with `choices`,
 * about half the steps make a data choice of 2-3 alternatives. Every
 * reduction must reach exactly the final states of brute force.
 */
function agreesWithBruteForce(seed: number, choices: boolean, programs: number, maxSteps: number): void {
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let i = 0; i < programs; i++) {
    const threads = 2 + next(2);
    const p: Program = Array.from({ length: threads }, () =>
      Array.from({ length: 1 + next(maxSteps) }, () => {
        const r: number[] = [];
        const w: number[] = [];
        for (let a = 0; a < 3; a++) {
          const x = next(4);
          if (x === 1) r.push(a);
          else if (x === 2) w.push(a);
        }
        return choices && next(2) === 1 ? { r, w, n: 2 + next(2) } : { r, w };
      }),
    );
    const brute = explore(p, 'none').states;
    for (const red of ['dpor', 'sleep'] as const) {
      const got = explore(p, red).states;
      assert.equal([...got].sort(), [...brute].sort(), `${red} on program ${i}: ${JSON.stringify(p)}`);
    }
  }
}

test('reductions lose no final state: 300 random programs, DPOR and sleep sets against brute force', () => {
  agreesWithBruteForce(12345, false, 300, 3);
});

test('reductions lose no final state with data choices: 300 random programs whose steps choose what they write', () => {
  // Two steps a thread at most: a choice multiplies the brute-force tree by its alternatives.
  agreesWithBruteForce(777, true, 300, 2);
});

test.run();
