/**
 * The wait-for graph, built from breadcrumbs.
 *
 * A task parked in Atomics.wait cannot answer messages, so what it wrote
 * before blocking (kind, object address, label, sleep state) is its only
 * stack. Each object kind knows who can release a waiter: a mutex or
 * spinlock its holder, a rwsem its writer, wait4() the live children, a
 * zombie its parent (who must reap it); subsystems register resolvers for
 * their own objects (an SRCU grace period -> the readers inside the old
 * index, a pid-namespace zap -> the unreaped tasks of the namespace). From
 * those edges the harness reports every blocked task, who can release it,
 * and any cycle, and classifies the failure.
 */
import { loadOnce } from './access.js';
import { isTimedWaitKind, waitKindName } from './waitkind.js';
import {
  EXIT_DEAD,
  EXIT_ZOMBIE,
  INIT_TID,
  TASK_DEAD,
  TASK_INTERRUPTIBLE,
  TASK_KILLABLE,
  TASK_NEW,
  TASK_RUNNING,
  TASK_UNINTERRUPTIBLE,
  WaitKind,
} from './constants.js';
import type { Kernel } from './kernel.js';
import { labelText } from './labels.js';
import {
  CACHE,
  MUTEX_OWNER,
  RWSEM_COUNT,
  RWSEM_OWNER,
  SLAB_HDR_WORDS,
  SPIN_OWNER,
  SYNC_NAME,
  SYNC_OBJ,
  T_BODY,
  T_EXIT_STATE,
  T_ON_RQ,
  T_PARENT,
  T_PARK,
  T_STATE,
  T_TGID,
  T_WAIT_AUX,
  T_WAIT_KIND,
  T_WAIT_LABEL,
  T_WAIT_OBJ,
} from './layout.js';
import { describeAddr } from './slab.js';

export interface WaitNode {
  readonly tid: number;
  readonly name: string;
  /** 'R' running/runnable, 'S' interruptible, 'D' uninterruptible, 'K' killable, 'Z' zombie. */
  readonly state: string;
  /** What it waits on ("mutex 'A' (sync#0)", "reap by parent 1234"). */
  readonly waitsOn: string;
  readonly label: string;
  /** Tids that can release it. */
  readonly releasers: readonly number[];
  /** Why those tids (e.g. "holder", "parent must reap"). */
  readonly why: string;
}

export interface CycleEntry {
  readonly tid: number;
  readonly name: string;
  readonly waitsOn: string;
  readonly label: string;
}

export interface WaitGraph {
  readonly nodes: readonly WaitNode[];
  readonly cycle: readonly CycleEntry[] | null;
  /** Tasks that could still run (not blocked, not dead). */
  readonly runnable: readonly number[];
  readonly kind: 'deadlock' | 'hang';
  readonly report: string;
}

/** A resolver: given the blocked task's slot and the object address, who can release it. */
export type WaitResolver = (k: Kernel, slot: number, obj: number) => { releasers: number[]; why: string } | null;

const resolvers: { prefix: string; fn: WaitResolver }[] = [];
const kindResolvers = new Map<number, WaitResolver>();

/**
 * Register a resolver for objects whose description (`describeAddr`)
 * starts with `prefix`, e.g. "srcu_struct#" or "pid_namespace#3.".
 */
export function registerWaitResolver(prefix: string, fn: WaitResolver): void {
  resolvers.push({ prefix, fn });
}

/**
 * Register a resolver for every breadcrumb of wait kind `kind` (for waits
 * whose object is not a slab object, e.g. the RCU Tasks holdout loop).
 */
export function registerWaitKindResolver(kind: number, fn: WaitResolver): void {
  kindResolvers.set(kind, fn);
}

const headerNames = new Map<number, string>();
const slicedNames: { readonly at: () => number; readonly name: string }[] = [];

/**
 * Name a kernel-wide object in the SAB header for reports (e.g. "rcu_tasks
 * holdout list"). A subsystem's word has no address until a layout exists,
 * so it passes a function that reads it from its descriptor.
 */
export function registerObjectName(addr: number | (() => number), name: string): void {
  if (typeof addr === 'number') headerNames.set(addr, name);
  else slicedNames.push({ at: addr, name });
}

/** A scenario's shared words by name: offsets within the scenario region (`Scenario.sharedOffsets`). */
export type SharedWordNames = Readonly<Record<string, { readonly at: number; readonly len: number }>>;

const sharedNames = new WeakMap<Kernel, SharedWordNames>();

/**
 * Name the scenario's shared words in reports made through `k`: a futex
 * sleep on `ctx.addr('flag')` then reads "waitqueue 'flag'" instead of a raw
 * offset. The harness registers the scenario it runs (the runtime knows no
 * scenario); keyed by Kernel, so sessions of different scenarios in one
 * process keep their own names.
 */
export function nameSharedWords(k: Kernel, words: SharedWordNames): void {
  sharedNames.set(k, words);
}

function sharedWordName(k: Kernel, addr: number): string | null {
  const words = sharedNames.get(k);
  if (!words) return null;
  const off = addr - k.L.scenario;
  for (const [name, w] of Object.entries(words)) {
    if (off >= w.at && off < w.at + w.len) return w.len === 1 ? `'${name}'` : `'${name}[${off - w.at}]'`;
  }
  return null;
}

/** Human name of the object at `addr`: named sync objects and shared words show their name. */
export function describeObject(k: Kernel, addr: number): string {
  const named = headerNames.get(addr);
  if (named !== undefined) return named;
  for (const n of slicedNames) if (n.at() === addr) return n.name;
  const word = sharedWordName(k, addr);
  if (word !== null) return word;
  const c = k.L.cacheById[CACHE.sync]!;
  if (addr >= c.base && addr < c.base + c.stride * c.spec.capacity) {
    const slot = Math.floor((addr - c.base) / c.stride);
    const payload = c.base + slot * c.stride + SLAB_HDR_WORDS;
    if (addr === payload + SYNC_OBJ) {
      const name = labelText(loadOnce(k, payload + SYNC_NAME));
      if (name) return `'${name}' (sync#${slot})`;
    }
  }
  return describeAddr(k, addr);
}

function stateLetter(st: number, exitState: number): string {
  if (exitState === EXIT_ZOMBIE) return 'Z';
  if (exitState === EXIT_DEAD || st === TASK_DEAD) return 'X';
  if (st === TASK_RUNNING) return 'R';
  if (st === TASK_NEW) return 'N';
  if (st === TASK_KILLABLE) return 'K';
  if ((st & TASK_INTERRUPTIBLE) !== 0) return 'S';
  if ((st & TASK_UNINTERRUPTIBLE) !== 0) return 'D';
  return '?';
}

function taskName(k: Kernel, slot: number): string {
  return labelText(k.tget(slot, T_BODY)) || 'task';
}

/** Build the graph from the breadcrumbs currently in kernel memory. */
export function buildWaitGraph(k: Kernel): WaitGraph {
  const n = k.nrSlots();
  const nodes: WaitNode[] = [];
  const runnable: number[] = [];
  let timed = 0;
  for (let s = 1; s < n; s++) {
    const st = k.tget(s, T_STATE);
    const es = k.tget(s, T_EXIT_STATE);
    const tid = k.tid(s);
    if (es === EXIT_DEAD) continue;
    const name = taskName(k, s);
    if (es === EXIT_ZOMBIE) {
      const parent = k.tget(s, T_PARENT);
      if (parent !== INIT_TID) {
        nodes.push({
          tid,
          name,
          state: 'Z',
          waitsOn: `reap by parent ${parent}`,
          label: 'exit_notify: EXIT_ZOMBIE',
          releasers: [parent],
          why: 'parent must reap the zombie',
        });
      }
      continue;
    }
    if (st === TASK_DEAD) continue;
    if (st === TASK_RUNNING || st === TASK_NEW) {
      runnable.push(tid);
      continue;
    }
    const kind = k.tget(s, T_WAIT_KIND);
    const obj = k.tget(s, T_WAIT_OBJ);
    const lbl = labelText(k.tget(s, T_WAIT_LABEL));
    if (isTimedWaitKind(kind)) timed++;
    const r = resolve(k, s, kind, obj);
    nodes.push({
      tid,
      name,
      state: stateLetter(st, es),
      waitsOn: `${waitKindName(kind)} ${obj ? describeObject(k, obj) : ''}`.trim(),
      label: lbl,
      releasers: r.releasers,
      why: r.why,
    });
  }
  const cycle = findCycle(nodes);
  // Nothing can run and nothing waits for a timer, or the timed waiters poll
  // for tasks in a cycle (the RCU Tasks holdout loop): a deadlock.
  const kind: 'deadlock' | 'hang' =
    runnable.length === 0 && (timed === 0 || cycle !== null) && nodes.some((x) => x.state !== 'Z') ? 'deadlock' : 'hang';
  return { nodes, cycle, runnable, kind, report: formatReport(nodes, cycle, runnable, kind) };
}

function resolve(k: Kernel, slot: number, kind: number, obj: number): { releasers: number[]; why: string } {
  const desc = obj ? describeAddr(k, obj) : '';
  const byKind = kindResolvers.get(kind);
  if (byKind) {
    const out = byKind(k, slot, obj);
    if (out) return out;
  }
  for (const r of resolvers) {
    if (desc.startsWith(r.prefix)) {
      const out = r.fn(k, slot, obj);
      if (out) return out;
    }
  }
  switch (kind) {
    case WaitKind.MUTEX: {
      const o = loadOnce(k, obj + MUTEX_OWNER);
      return o ? holder(k, o, 'holder') : { releasers: [], why: 'unlocked (wake-up pending)' };
    }
    case WaitKind.SPINLOCK: {
      const o = loadOnce(k, obj + SPIN_OWNER);
      return o ? holder(k, o, 'holder') : { releasers: [], why: 'unlocked (wake-up pending)' };
    }
    case WaitKind.RWSEM_READ:
    case WaitKind.RWSEM_WRITE: {
      const c = loadOnce(k, obj + RWSEM_COUNT);
      if (c === -1) return holder(k, loadOnce(k, obj + RWSEM_OWNER), 'writer');
      return { releasers: [], why: c > 0 ? `${c} reader(s)` : 'free (wake-up pending)' };
    }
    case WaitKind.CHILD_EXIT: {
      const tgid = k.tget(slot, T_TGID);
      const pid = k.tget(slot, T_WAIT_AUX);
      const out: number[] = [];
      const n = k.nrSlots();
      for (let s = 1; s < n; s++) {
        const p = k.tget(s, T_PARENT);
        if (p === 0 || k.tget(k.slotOf(p), T_TGID) !== tgid) continue;
        if (k.tget(s, T_TGID) !== k.tid(s)) continue;
        if (pid > 0 && k.tid(s) !== pid) continue;
        if (k.tget(s, T_EXIT_STATE) !== 0) continue;
        out.push(k.tid(s));
      }
      return { releasers: out, why: 'children that must exit' };
    }
    case WaitKind.TIMEOUT:
      return { releasers: [], why: 'timer' };
    default:
      return { releasers: [], why: 'any task that signals the object' };
  }
}

/**
 * The owner of a lock releases it, unless it has exited: then nobody will.
 * The kernel's do_exit() (kernel/exit.c) calls lockdep's
 * debug_check_no_locks_held() for this; lockstep lets the task exit and
 * says so in the report instead.
 */
function holder(k: Kernel, tid: number, why: string): { releasers: number[]; why: string } {
  const s = k.slotOf(tid);
  if (tid > 0 && s < k.nrSlots() && (k.tget(s, T_EXIT_STATE) !== 0 || k.tget(s, T_STATE) === TASK_DEAD)) {
    return { releasers: [], why: `held by ${tid}, which exited without releasing it` };
  }
  return { releasers: [tid], why };
}

function findCycle(nodes: readonly WaitNode[]): CycleEntry[] | null {
  const byTid = new Map<number, WaitNode>(nodes.map((x) => [x.tid, x]));
  const color = new Map<number, number>();
  const stack: number[] = [];
  let found: number[] | null = null;
  const dfs = (t: number): void => {
    if (found) return;
    color.set(t, 1);
    stack.push(t);
    for (const r of byTid.get(t)?.releasers ?? []) {
      if (!byTid.has(r)) continue;
      const c = color.get(r) ?? 0;
      if (c === 1) {
        found = stack.slice(stack.indexOf(r));
        return;
      }
      if (c === 0) dfs(r);
      if (found) return;
    }
    stack.pop();
    color.set(t, 2);
  };
  for (const x of nodes) if (!color.has(x.tid)) dfs(x.tid);
  if (!found) return null;
  return (found as number[]).map((t) => {
    const x = byTid.get(t)!;
    return { tid: x.tid, name: x.name, waitsOn: x.waitsOn, label: x.label };
  });
}

function formatReport(
  nodes: readonly WaitNode[],
  cycle: readonly CycleEntry[] | null,
  runnable: readonly number[],
  kind: string,
): string {
  const lines: string[] = [];
  if (cycle) {
    const byTid = new Map(nodes.map((x) => [x.tid, x]));
    const parts = cycle.map((c, i) => {
      const next = cycle[(i + 1) % cycle.length]!;
      const why = byTid.get(c.tid)?.why ?? '';
      return `${c.tid} (${c.name}) waits on ${c.waitsOn} [${why}: ${next.tid}]`;
    });
    lines.push(`${kind}: wait-for cycle ${cycle.map((c) => c.tid).join(' -> ')} -> ${cycle[0]!.tid}`);
    for (const p of parts) lines.push(`  ${p}`);
  } else {
    lines.push(`${kind}: no wait-for cycle; ${runnable.length} runnable task(s) made no progress`);
  }
  lines.push('blocked tasks:');
  for (const x of nodes) {
    const rel = x.releasers.length ? x.releasers.join(',') : '-';
    lines.push(`  tid ${x.tid} ${x.name} [${x.state}] ${x.waitsOn} at "${x.label}" released by ${rel} (${x.why})`);
  }
  if (runnable.length) lines.push(`runnable: ${runnable.join(', ')}`);
  return lines.join('\n');
}

/**
 * A certain deadlock, cheap enough for every watchdog tick: every live task
 * is committed to sleeping (on_rq = 0), not woken (park word 0), and none
 * waits with a timeout. Nobody is left to wake anybody.
 */
export function allParked(k: Kernel): boolean {
  const n = k.nrSlots();
  let parked = 0;
  for (let s = 1; s < n; s++) {
    const st = k.tget(s, T_STATE);
    // A task whose exit_state is set but that has not reached do_task_dead()
    // still runs its exit (exit_notify() sets exit_state with tasklist_lock
    // held): if the OS deschedules it there, the tasks spinning on that lock
    // are not deadlocked. Only a dead task is out of the picture.
    if (st === TASK_DEAD) continue;
    if (st === TASK_RUNNING || st === TASK_NEW) return false;
    if (k.tget(s, T_ON_RQ) !== 0 || k.tget(s, T_PARK) !== 0) return false;
    if (isTimedWaitKind(k.tget(s, T_WAIT_KIND))) return false;
    parked++;
  }
  return parked > 0;
}

/**
 * Every runnable task was woken but is still inside park() (on_rq = 0, park
 * word 1): the OS has not run it yet. On an oversubscribed machine that can
 * last a while; it is not a hang of the protocol.
 */
export function onlyWaitingForCpu(k: Kernel): boolean {
  const n = k.nrSlots();
  let waiting = 0;
  for (let s = 1; s < n; s++) {
    if (k.tget(s, T_STATE) !== TASK_RUNNING || k.tget(s, T_EXIT_STATE) !== 0) continue;
    if (k.tget(s, T_ON_RQ) !== 0 || k.tget(s, T_PARK) === 0) return false;
    waiting++;
  }
  return waiting > 0;
}

