/**
 * The exploration tree of a stateless depth-first search (pure: no workers,
 * no SAB; test/explore-tree.test.ts drives it with made-up executions).
 *
 * Each run of the scenario is one execution: a sequence of steps, each the
 * choice of a task at a decision point (explore/dfs.ts). The tree keeps the
 * current path from the root, one node per decision, with what is still to
 * be tried there; `next()` finds the deepest node with an untried choice and
 * returns the prefix of decisions that leads to it, which the next run
 * follows before its deterministic scheduler takes over. When no node has
 * anything left, the space (within the bound) is exhausted.
 *
 * Three reductions (docs/EXPLORATION.md):
 * - `none`: every enabled task is a branch at every node (within the bound):
 *   two tasks of k independent steps each give C(2k, k) executions.
 * - `sleep`: sleep sets (Godefroid): after a choice q has been explored at a
 *   node, q sleeps in the siblings explored later, until a step dependent
 *   with q's runs; an execution where every enabled task sleeps is redundant.
 * - `dpor`: source-set DPOR (Abdulla, Aronis, Jonsson & Sagonas, POPL'14)
 *   with sleep sets: a node gets a new branch only where the execution shows
 *   a race (two dependent steps of different tasks not ordered by
 *   happens-before), and then only if no task that could start the reversed
 *   order (an "initial") is already tried or asleep there.
 * Reductions are used without a bound only: sleep sets and DPOR lose
 * schedules under a preemption or delay bound (Coons, Musuvathi & McKinley,
 * OOPSLA'13), so a bounded search enumerates every schedule in the bound.
 *
 * Data choices (Kernel.choose: `ctx.choose()`, a load's store under the weak
 * memory model) are nodes too, where the running task goes on with one of n
 * alternatives. They are never pruned and cost nothing against a bound:
 * every alternative is a branch. For the reductions a task's step is its
 * task choice together with the data choices it makes before its next task
 * choice: one event whose footprint is the union of theirs, so a sleeping
 * task wakes on what any part of the step touched, and races are found and
 * reversed between events, at task choices.
 */
import { ALL_FOOTPRINT, dependent, type StepFootprint } from './dependence.js';
import { choiceCost, type DecisionPoint, type Policy } from './policy.js';

export type Reduction = 'none' | 'sleep' | 'dpor';

/** One step of an execution, as the exploration log recorded it. */
export interface ExecStep extends DecisionPoint {
  readonly chosen: number;
  /** Only timers could fire; the choice was which one. */
  readonly timer: boolean;
  readonly fp: StepFootprint;
  /** Label id of the decision point (a prefix is checked against it). */
  readonly label: number;
  /** A data choice of the decider: `enabled` are alternatives 0 .. n - 1 and `chosen` one of them. */
  readonly data?: boolean;
}

export interface Execution {
  /** The recorded steps (at most the exploration log's length). */
  readonly steps: readonly ExecStep[];
  /** Decisions the run made in all (more than `steps` when the log was too short). */
  readonly total: number;
}

export interface TreeOptions {
  readonly reduction: Reduction;
  readonly policy: Policy;
  /** Largest preemption (policy pb) or delay (policy db) count explored; null: unbounded. */
  readonly bound: number | null;
}

/** What the next run follows. */
export interface Plan {
  /** Slots chosen at decisions 0 .. prefix.length - 1; a data choice c is -1 - c. */
  readonly prefix: readonly number[];
  /** Label id of each of those decisions. */
  readonly labels: readonly number[];
  /** Tasks asleep at the end of the prefix, with the footprint of their next step. */
  readonly sleep: readonly { readonly slot: number; readonly fp: StepFootprint }[];
}

export interface TreeStats {
  /** Executions recorded. */
  executions: number;
  /** Executions cut short because every enabled task slept (redundant). */
  sleepBlocked: number;
  /** Branches never run: enabled choices within the bound the reduction proved equivalent to explored ones. */
  pruned: number;
  /** Most decisions in one execution. */
  maxDepth: number;
  /** A choice was left out because it would exceed the bound. */
  boundHit: boolean;
  /** An execution was longer than the exploration log: nothing past its end was branched. */
  depthLimited: boolean;
  /** Executions by their cost (preemptions or delays): iterative bounding counts new ones at each bound. */
  readonly byCost: Map<number, number>;
}

interface Node extends DecisionPoint {
  readonly timer: boolean;
  readonly data: boolean;
  readonly costBefore: number;
  readonly sleep: Map<number, StepFootprint>;
  /** Choices to try here (DPOR adds to it); includes those tried. */
  readonly backtrack: Set<number>;
  /** Choices tried here, with their step's footprint. */
  readonly done: Map<number, StepFootprint>;
  chosen: number;
  label: number;
  fp: StepFootprint;
}

export class ExplorationTree {
  private path: Node[] = [];
  private prefixLen = 0;
  readonly stats: TreeStats = {
    executions: 0,
    sleepBlocked: 0,
    pruned: 0,
    maxDepth: 0,
    boundHit: false,
    depthLimited: false,
    byCost: new Map(),
  };

  constructor(readonly opts: TreeOptions) {
    if (opts.bound !== null && opts.reduction !== 'none') {
      throw new Error(`reduction ${opts.reduction} cannot be combined with a bound (it would lose schedules within the bound)`);
    }
  }

  /**
   * Take in the run that followed the last plan. Throws if it did not follow
   * the prefix (the scenario is not deterministic under a fixed schedule).
   */
  record(ex: Execution): void {
    const m = this.prefixLen;
    const steps = ex.steps;
    if (steps.length < m) throw new Error(`the run ended after ${steps.length} decisions, inside its ${m}-decision prefix`);
    const evFp = eventFootprints(steps);
    for (let i = 0; i < m; i++) {
      const n = this.path[i]!;
      if (steps[i]!.chosen !== n.chosen || (steps[i]!.data ?? false) !== n.data) {
        const what = (d: boolean | undefined, c: number): string => (d ? `alternative ${c}` : `slot ${c}`);
        throw new Error(`the run left its prefix at decision ${i}: it took ${what(steps[i]!.data, steps[i]!.chosen)}, the prefix ${what(n.data, n.chosen)}`);
      }
      n.fp = evFp[i]!;
      // A step that makes data choices may touch other words under another
      // alternative: what a tried task's step is known to touch (it sleeps
      // in the later siblings with that footprint) is the union over every
      // run through it. The siblings are started only once all of them ran.
      if (i < m - 1 && steps[i + 1]?.data) n.done.set(n.chosen, unionFootprint([n.done.get(n.chosen)!, n.fp]));
    }
    if (m > 0) {
      const n = this.path[m - 1]!;
      n.done.set(n.chosen, n.fp);
    }
    this.stats.executions++;
    this.stats.maxDepth = Math.max(this.stats.maxDepth, ex.total);
    if (ex.total > steps.length) this.stats.depthLimited = true;
    const reduce = this.opts.reduction !== 'none';
    let blocked = false;
    for (let i = m; i < steps.length; i++) {
      const s = steps[i]!;
      const data = s.data ?? false;
      const parent = i > 0 ? this.path[i - 1]! : null;
      const sleep = parent && reduce ? childSleep(parent) : new Map<number, StepFootprint>();
      const costBefore = parent ? parent.costBefore + nodeCost(this.opts.policy, parent, parent.chosen) : 0;
      const node: Node = {
        enabled: s.enabled,
        decider: s.decider,
        curRunnable: s.curRunnable,
        curYielding: s.curYielding,
        timer: s.timer,
        data,
        costBefore,
        sleep,
        // Every alternative of a data choice is a branch, under any reduction.
        backtrack: new Set(this.opts.reduction === 'dpor' && !s.timer && !data ? [s.chosen] : s.enabled),
        done: new Map([[s.chosen, evFp[i]!]]),
        chosen: s.chosen,
        label: s.label,
        fp: evFp[i]!,
      };
      if (reduce && !s.timer && !data && sleep.has(s.chosen)) {
        // Every enabled task sleeps (or the run chose one that does): what
        // follows is equivalent to an explored execution. Keep the node for
        // any task still awake, and look no further.
        node.done.clear();
        node.backtrack.clear();
        const awake = s.enabled.filter((q) => !sleep.has(q));
        for (const q of awake) node.backtrack.add(q);
        if (awake.length === 0) this.stats.sleepBlocked++;
        this.path.push(node);
        blocked = true;
        break;
      }
      this.path.push(node);
    }
    const last = this.path[this.path.length - 1];
    if (!blocked && last) {
      const cost = last.costBefore + nodeCost(this.opts.policy, last, last.chosen);
      this.stats.byCost.set(cost, (this.stats.byCost.get(cost) ?? 0) + 1);
    }
    if (this.opts.reduction === 'dpor') this.addRaces(blocked ? this.path.length - 1 : this.path.length);
  }

  /** The next prefix to run, or null when every branch (within the bound) has been explored. */
  next(): Plan | null {
    for (let i = this.path.length - 1; i >= 0; i--) {
      const n = this.path[i]!;
      const q = this.untried(n);
      if (q < 0) {
        this.retire(n);
        continue;
      }
      n.chosen = q;
      n.done.set(q, ALL_FOOTPRINT); // replaced by the real footprint when the run comes back
      this.path.length = i + 1;
      this.prefixLen = i + 1;
      const sleep: { slot: number; fp: StepFootprint }[] = [];
      if (this.opts.reduction !== 'none') {
        for (const [slot, fp] of n.sleep) sleep.push({ slot, fp });
        // A data node's tried alternatives are values, not tasks: none sleeps.
        if (!n.data) for (const [slot, fp] of n.done) if (slot !== q && !n.sleep.has(slot)) sleep.push({ slot, fp });
      }
      return { prefix: this.path.map((x) => (x.data ? -1 - x.chosen : x.chosen)), labels: this.path.map((x) => x.label), sleep };
    }
    this.path = [];
    this.prefixLen = 0;
    return null;
  }

  /** Lowest choice at `n` still to try (within the bound, not asleep), or -1. */
  private untried(n: Node): number {
    let best = -1;
    for (const q of n.backtrack) {
      if (n.done.has(q) || !n.enabled.includes(q)) continue;
      if (!n.timer && !n.data && n.sleep.has(q)) continue;
      if (!this.withinBound(n, q)) continue;
      if (best < 0 || q < best) best = q;
    }
    return best;
  }

  private withinBound(n: Node, q: number): boolean {
    const b = this.opts.bound;
    if (b === null || n.data) return true;
    if (n.costBefore + choiceCost(this.opts.policy, n, q) <= b) return true;
    this.stats.boundHit = true;
    return false;
  }

  /** A node is left for good: count the enabled choices within the bound that were never run. */
  private retire(n: Node): void {
    for (const q of n.enabled) if (!n.done.has(q) && this.withinBound(n, q)) this.stats.pruned++;
  }

  /**
   * Source-DPOR's race detection over the current execution (path[0..len)).
   * Happens-before is program order plus the dependency order of steps;
   * vector clocks hold, per task, the latest step of that task known to
   * happen before. The steps are the events at task choices (a data node
   * belongs to the event of the task choice before it: its footprint is in
   * that event's).
   */
  private addRaces(len: number): void {
    const ev: Node[] = [];
    for (let j = 0; j < len; j++) if (!this.path[j]!.data) ev.push(this.path[j]!);
    let T = 0;
    for (const n of ev) T = Math.max(T, n.chosen + 1, ...n.enabled.map((s) => s + 1));
    const vc: Int32Array[] = [];
    const lastOf = new Int32Array(T).fill(-1);
    const lastAllOf = new Int32Array(T).fill(-1);
    const reads = new Map<number, Int32Array>();
    const writes = new Map<number, Int32Array>();
    const perWord = (m: Map<number, Int32Array>, a: number): Int32Array => {
      let r = m.get(a);
      if (!r) {
        r = new Int32Array(T).fill(-1);
        m.set(a, r);
      }
      return r;
    };
    const cand = new Int32Array(T);
    for (let j = 0; j < ev.length; j++) {
      const p = ev[j]!.chosen;
      const fp = ev[j]!.fp;
      cand.fill(-1);
      // The latest earlier step of each other task that this step depends on.
      if (fp.all) {
        for (let q = 0; q < T; q++) if (q !== p) cand[q] = lastOf[q]!;
      } else {
        for (const a of fp.writes) {
          const w = writes.get(a);
          const r = reads.get(a);
          for (let q = 0; q < T; q++) {
            if (q === p) continue;
            if (w) cand[q] = Math.max(cand[q]!, w[q]!);
            if (r) cand[q] = Math.max(cand[q]!, r[q]!);
          }
        }
        for (const a of fp.reads) {
          const w = writes.get(a);
          if (w) for (let q = 0; q < T; q++) if (q !== p) cand[q] = Math.max(cand[q]!, w[q]!);
        }
        for (let q = 0; q < T; q++) if (q !== p) cand[q] = Math.max(cand[q]!, lastAllOf[q]!);
      }
      const prev = lastOf[p]!;
      const v = prev >= 0 ? vc[prev]!.slice() : new Int32Array(T).fill(-1);
      for (let q = 0; q < T; q++) {
        const c = cand[q]!;
        if (c < 0) continue;
        const o = vc[c]!;
        for (let x = 0; x < T; x++) if (o[x]! > v[x]!) v[x] = o[x]!;
      }
      v[p] = j;
      vc.push(v);
      for (let q = 0; q < T; q++) {
        const c = cand[q]!;
        if (c < 0) continue;
        // A race only if no other immediate predecessor of j already comes after c.
        let covered = prev >= 0 && vc[prev]![q]! >= c;
        for (let q2 = 0; q2 < T && !covered; q2++) {
          const c2 = cand[q2]!;
          if (q2 !== q && c2 >= 0 && vc[c2]![q]! >= c) covered = true;
        }
        if (!covered) reverse(ev, c, j, vc);
      }
      lastOf[p] = j;
      if (fp.all) lastAllOf[p] = j;
      for (const a of fp.writes) perWord(writes, a)[p] = j;
      for (const a of fp.reads) perWord(reads, a)[p] = j;
    }
  }
}

/** Events c and j (indices into `ev`, the task-choice nodes) race: make sure some task that can run j's side first is tried at c. */
function reverse(ev: readonly Node[], c: number, j: number, vc: readonly Int32Array[]): void {
  const node = ev[c]!;
  const pc = node.chosen;
  const p = ev[j]!.chosen;
  if (!node.enabled.includes(p) && c + 1 < ev.length && ev[c + 1]!.enabled.includes(p)) {
    // Step c made p runnable (a wake-up): j cannot run before it.
    return;
  }
  // v: the steps after c that do not happen after it, then j; its initials
  // are the tasks whose first step in v follows no other step of v.
  const first = new Map<number, number>();
  for (let k = c + 1; k < j; k++) {
    if (vc[k]![pc]! >= c) continue;
    const t = ev[k]!.chosen;
    if (!first.has(t)) first.set(t, k);
  }
  if (!first.has(p)) first.set(p, j);
  const initials: number[] = [];
  for (const [r, f] of first) {
    let ok = true;
    for (const [s, fs] of first) {
      if (s !== r && fs < f && vc[f]![s]! >= fs) {
        ok = false;
        break;
      }
    }
    if (ok) initials.push(r);
  }
  if (initials.some((r) => node.backtrack.has(r) || node.sleep.has(r))) return;
  const pick = initials.includes(p) ? p : Math.min(...initials);
  if (node.enabled.includes(pick)) node.backtrack.add(pick);
  else for (const e of node.enabled) node.backtrack.add(e); // cannot tell who starts it: try them all
}

/** What a node's choice costs against the bound: nothing at a data choice. */
function nodeCost(policy: Policy, n: Node, q: number): number {
  return n.data ? 0 : choiceCost(policy, n, q);
}

/**
 * Each step's footprint for the reductions: at a task choice, the union of
 * its own and those of the data choices that follow it (the same task's
 * step goes on through them); at a data choice, its own.
 */
function eventFootprints(steps: readonly ExecStep[]): StepFootprint[] {
  const out: StepFootprint[] = steps.map((s) => s.fp);
  for (let i = 0; i < steps.length; i++) {
    if (steps[i]!.data) continue;
    let j = i + 1;
    while (j < steps.length && steps[j]!.data) j++;
    if (j > i + 1) out[i] = unionFootprint(steps.slice(i, j).map((s) => s.fp));
  }
  return out;
}

function unionFootprint(fps: readonly StepFootprint[]): StepFootprint {
  if (fps.some((f) => f.all)) return ALL_FOOTPRINT;
  const reads = new Set<number>();
  const writes = new Set<number>();
  for (const f of fps) {
    for (const a of f.reads) reads.add(a);
    for (const a of f.writes) writes.add(a);
  }
  return { all: false, reads: [...reads], writes: [...writes] };
}

/** The sleep set of the child reached from `n` by its current choice. */
function childSleep(n: Node): Map<number, StepFootprint> {
  const out = new Map<number, StepFootprint>();
  if (n.data) {
    // The node's own alternative decides what the rest of the step touches
    // (the union at the task choice above is that of the first run through
    // it): wake what this alternative's part touches, as the run does.
    for (const [slot, fp] of n.sleep) if (!dependent(fp, n.fp)) out.set(slot, fp);
    return out;
  }
  const add = (slot: number, fp: StepFootprint): void => {
    if (slot !== n.chosen && !dependent(fp, n.fp)) out.set(slot, fp);
  };
  for (const [slot, fp] of n.sleep) add(slot, fp);
  for (const [slot, fp] of n.done) add(slot, fp);
  return out;
}
