/**
 * A litmus test as the runtime lays it out (docs/LITMUS.md, "lockstep
 * litmus"): shared by the harness, which decodes final states, and the
 * workers, which run the processes. Both read and parse the same file and
 * derive the same layout from it: one shared word per shared location
 * (`mem`), the address of each lock or srcu_struct object (`obj`), and
 * one word per register per process (`regs`), written when the process ends.
 *
 * A pointer value is the index of the location it points to with PTR_TAG
 * set, so a register or a location may hold `&x` and be dereferenced.
 */
import { readFileSync } from 'node:fs';
import { parseLitmus, type LitmusTest, type LitmusValue, type Stmt, type Expr } from '../../litmus/index.js';

export const PTR_TAG = 0x40000000;

export interface LitmusProgram {
  readonly test: LitmusTest;
  /** Shared location name -> index in `mem` (and `obj`). */
  readonly index: ReadonlyMap<string, number>;
  /** Per process, its registers in a fixed order (declared, assigned, or named by the condition). */
  readonly regs: readonly (readonly string[])[];
  /** Registers per process in the `regs` array (the widest process). */
  readonly regWords: number;
}

const cache = new Map<string, LitmusProgram>();

/** Read, parse and lay out `file` (cached per thread: workers run many iterations of one test). */
export function litmusProgram(file: string): LitmusProgram {
  const hit = cache.get(file);
  if (hit) return hit;
  const parsed = parseLitmus(readFileSync(file, 'utf8'), file);
  if (parsed.kind !== 'litmus') throw new Error(parsed.message);
  const p = layout(parsed);
  cache.set(file, p);
  return p;
}

export function layout(test: LitmusTest): LitmusProgram {
  const index = new Map(test.globals.map((g, i) => [g.name, i] as const));
  const regs = test.processes.map((proc) => {
    const names = new Set<string>();
    collect(proc.body, names);
    for (const e of test.init) if (e.loc.kind === 'reg' && e.loc.proc === proc.id) names.add(e.loc.name);
    for (const l of [...propLocs(test.condition.prop), ...(test.filter ? propLocs(test.filter) : []), ...test.locations]) {
      if (l.kind === 'reg' && l.proc === proc.id) names.add(l.name);
    }
    return [...names].sort();
  });
  return { test, index, regs, regWords: Math.max(1, ...regs.map((r) => r.length)) };
}

function collect(body: readonly Stmt[], out: Set<string>): void {
  for (const s of body) {
    if (s.kind === 'decl') out.add(s.name);
    else if (s.kind === 'assign') out.add(s.reg);
    else if (s.kind === 'if') {
      collect(s.then, out);
      if (s.else) collect(s.else, out);
    } else if (s.kind === 'block') collect(s.body, out);
    for (const e of exprsOf(s)) regsOf(e, out);
  }
}

function exprsOf(s: Stmt): Expr[] {
  switch (s.kind) {
    case 'decl':
      return s.init ? [s.init] : [];
    case 'assign':
      return [s.value];
    case 'store':
    case 'store-mb':
      return [s.addr, s.value];
    case 'spin':
      return [s.lock];
    case 'srcu-unlock':
      return [s.srcu, s.index];
    case 'sync':
      return s.srcu ? [s.srcu] : [];
    case 'eval':
      return [s.expr];
    case 'if':
      return [s.cond];
    default:
      return [];
  }
}

function regsOf(e: Expr, out: Set<string>): void {
  switch (e.kind) {
    case 'reg':
      out.add(e.name);
      return;
    case 'unary':
      return regsOf(e.arg, out);
    case 'binary':
      regsOf(e.left, out);
      return regsOf(e.right, out);
    case 'load':
      return regsOf(e.addr, out);
    case 'rmw':
      regsOf(e.addr, out);
      if (e.op === 'xchg') regsOf(e.value, out);
      else if (e.op === 'cmpxchg') {
        regsOf(e.expected, out);
        regsOf(e.value, out);
      } else if (e.op === 'add_unless') {
        regsOf(e.operand, out);
        regsOf(e.unless, out);
      } else regsOf(e.operand, out);
      return;
    case 'spin-query':
      return regsOf(e.lock, out);
    case 'srcu-lock':
      return regsOf(e.srcu, out);
    default:
  }
}

type Prop = LitmusTest['condition']['prop'];
function propLocs(p: Prop): { kind: 'reg'; proc: number; name: string }[] | LitmusTest['locations'][number][] {
  switch (p.kind) {
    case 'eq':
      return [p.loc];
    case 'eq-loc':
      return [p.loc, p.other];
    case 'not':
      return propLocs(p.arg);
    case 'and':
    case 'or':
    case 'implies':
      return [...propLocs(p.left), ...propLocs(p.right)];
    default:
      return [];
  }
}

/** A value as the runtime stores it: integers as they are, a pointer to `x` as PTR_TAG | index(x). */
export function encode(p: LitmusProgram, v: LitmusValue): number {
  if (typeof v === 'number') return v | 0;
  const i = p.index.get(v);
  if (i === undefined) throw new Error(`${p.test.file}: a pointer to "${v}", which is no shared location`);
  return PTR_TAG | i;
}

/** The inverse of encode(). */
export function decode(p: LitmusProgram, w: number): LitmusValue {
  if ((w & PTR_TAG) !== 0 && (w & ~PTR_TAG) < p.test.globals.length && (w & ~PTR_TAG) >= 0) return p.test.globals[w & ~PTR_TAG]!.name;
  return w;
}

/** Is this shared location an object (a lock, an srcu_struct) rather than a word? */
export function isObject(type: string): 'spinlock' | 'srcu' | null {
  if (/spinlock_t/.test(type)) return 'spinlock';
  if (/srcu_struct/.test(type)) return 'srcu';
  return null;
}
