/**
 * parseLitmus: a herd7 C litmus test (as the kernel's
 * tools/memory-model/litmus-tests/ write them) to a LitmusTest, or the first
 * construct that stops it, with its position. Sections, in order: `C name`,
 * header lines (a quoted string, `key=value`, `(* comments *)`), the init
 * block `{ ... }`, the processes P0..Pn, the constraints.
 */
import type { Expected, Global, InitEntry, LitmusParseError, LitmusTest, LitmusValue, Loc, Process, Prop } from './ast.js';
import { Cursor, describe, ParseFailure, syntax, unsupported } from './cursor.js';
import { parseProcess } from './parse-c.js';
import { constraints, location } from './parse-cond.js';

const EXPECTED = new Set<Expected>(['Never', 'Sometimes', 'Always', 'Maybe', 'DEADLOCK']);

function isProcessStart(cur: Cursor): boolean {
  const t = cur.peek();
  return t.t === 'ident' && (/^P\d+$/.test(t.v) || t.v === 'void');
}

/** Everything up to the init block's `{`. */
function header(cur: Cursor): string {
  const arch = cur.peek();
  if (arch.t !== 'ident') syntax(arch.pos, `expected 'C <name>' on the first line, found ${describe(arch)}`);
  if (arch.v !== 'C') unsupported(arch.pos, `${arch.v} litmus test (only the C dialect is read)`);
  cur.take();
  const name = cur.word();
  if (name === '') syntax(arch.pos, "expected a test name after 'C'");
  for (;;) {
    const t = cur.peek();
    if (t.t === 'punct' && t.v === '{') return name;
    if (t.t === 'str') {
      cur.take();
      continue;
    }
    if (t.t === 'ident') {
      cur.take();
      if (cur.is('=')) {
        cur.restOfLine(); // `key=value` information line, ignored by herd7's run too
        continue;
      }
    }
    syntax(t.pos, `expected the init block '{', found ${describe(t)}`);
  }
}

/** `-1`, `42`, `x`, `&x`, `ATOMIC_INIT(v)`: a name is the address of that location. */
function initValue(cur: Cursor): LitmusValue {
  if (cur.eat('-')) {
    const t = cur.take();
    if (t.t !== 'num') syntax(t.pos, `expected a number after '-', found ${describe(t)}`);
    return -t.v;
  }
  if (cur.eat('&')) return cur.ident("after '&'").v;
  const t = cur.take();
  if (t.t === 'num') return t.v;
  if (t.t !== 'ident') syntax(t.pos, `expected an initial value, found ${describe(t)}`);
  if (t.v === 'ATOMIC_INIT' && cur.eat('(')) {
    const v = initValue(cur);
    cur.expect(')', 'closing ATOMIC_INIT(');
    return v;
  }
  if (t.v === 'NULL') return 0;
  return t.v;
}

/** One entry: `x=1`, `int x`, `int *p=&x`, `spinlock_t lo`, `struct srcu_struct ss`, `0:r1=2`. */
function initEntry(cur: Cursor): InitEntry {
  const start = cur.peek();
  let loc: Loc;
  let type: string | null = null;
  let pointer = 0;
  if (start.t === 'num') {
    loc = location(cur);
  } else {
    const words: string[] = [];
    while (cur.peek().t === 'ident') words.push(cur.ident('in the init block').v);
    while (cur.eat('*')) pointer++;
    if (pointer > 0) words.push(cur.ident('after * in the init block').v);
    if (words.length === 0) syntax(start.pos, `expected an init entry, found ${describe(start)}`);
    if (cur.is('[')) unsupported(cur.peek().pos, 'array in the init block');
    const name = words.pop()!;
    const kept = words.filter((w) => w !== 'volatile' && w !== 'const');
    if (kept.length > 0) type = kept.join(' ');
    loc = { kind: 'mem', name };
  }
  const value = cur.eat('=') ? initValue(cur) : 0;
  return { loc, type, pointer, value, pos: start.pos };
}

function initBlock(cur: Cursor): InitEntry[] {
  cur.expect('{', 'opening the init block');
  const out: InitEntry[] = [];
  while (!cur.eat('}')) {
    if (cur.eat(';')) continue;
    out.push(initEntry(cur));
    if (!cur.is('}') && !cur.is(';')) syntax(cur.peek().pos, `expected ';' or '}' in the init block, found ${describe(cur.peek())}`);
  }
  return out;
}

function processes(cur: Cursor): Process[] {
  const out: Process[] = [];
  while (isProcessStart(cur)) {
    cur.setMode('c');
    cur.eat('void');
    const p = parseProcess(cur);
    cur.setMode('herd');
    if (p.id !== out.length) syntax(p.pos, `expected P${out.length}, found P${p.id} (processes are numbered from 0 in order)`);
    out.push(p);
  }
  if (out.length === 0) syntax(cur.peek().pos, `expected process P0, found ${describe(cur.peek())}`);
  return out;
}

/** herd's judge reads the first ` * Result: <word>` (kernel scripts/judgelitmus.sh). */
function expectedResult(cur: Cursor): Expected | null {
  for (const c of cur.lexer.comments) {
    const m = /(?:^|\n)[ \t]*\*?[ \t]*Result:[ \t]*(\S*)/.exec(c.text);
    if (!m) continue;
    const word = m[1]!;
    if (EXPECTED.has(word as Expected)) return word as Expected;
    // Position of `Result:` itself: the comment text starts 2 columns after `(*`.
    const before = c.text.slice(0, m.index + m[0].indexOf('Result:')).split('\n');
    const line = c.pos.line + before.length - 1;
    const col = before.length === 1 ? c.pos.col + 2 + before[0]!.length : before[before.length - 1]!.length + 1;
    return unsupported({ line, col }, `Result: ${word || '(empty)'} (expected Never, Sometimes, Always, Maybe or DEADLOCK)`);
  }
  return null;
}

/** `int` with 2 levels of pointer is `int **`. */
function pointerType(base: string, pointer: number): string {
  return pointer > 0 ? `${base} ${'*'.repeat(pointer)}` : base;
}

/** Shared locations: pointer targets, names in the condition, parameters, the init block (its types win). */
function globals(init: readonly InitEntry[], procs: readonly Process[], props: readonly (Prop | null)[], locs: readonly Loc[]): Global[] {
  const g = new Map<string, { type: string; init: LitmusValue }>();
  const add = (name: string, type: string | null, value: LitmusValue | null): void => {
    const old = g.get(name);
    g.set(name, { type: type ?? old?.type ?? 'int', init: value ?? old?.init ?? 0 });
  };
  const fromProp = (p: Prop | null): void => {
    if (!p) return;
    switch (p.kind) {
      case 'eq':
        if (p.loc.kind === 'mem') add(p.loc.name, null, null);
        if (typeof p.value === 'string') add(p.value, null, null);
        return;
      case 'eq-loc':
        for (const l of [p.loc, p.other]) if (l.kind === 'mem') add(l.name, null, null);
        return;
      case 'not':
        return fromProp(p.arg);
      case 'and':
      case 'or':
      case 'implies':
        fromProp(p.left);
        fromProp(p.right);
        return;
      default:
        return;
    }
  };
  props.forEach(fromProp);
  for (const l of locs) if (l.kind === 'mem') add(l.name, null, null);
  for (const e of init) if (typeof e.value === 'string') add(e.value, null, null);
  for (const p of procs) for (const q of p.params) add(q.name, pointerType(q.type, q.pointer - 1), null);
  for (const e of init) if (e.loc.kind === 'mem') add(e.loc.name, e.type !== null ? pointerType(e.type, e.pointer) : e.pointer > 0 ? pointerType('int', e.pointer) : null, e.value);
  return [...g.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, v]) => ({ name, type: v.type, init: v.init }));
}

export function parseLitmus(text: string, file = '<input>'): LitmusTest | LitmusParseError {
  const cur = new Cursor(text);
  try {
    const name = header(cur);
    const init = initBlock(cur);
    const procs = processes(cur);
    const c = constraints(cur);
    const expected = expectedResult(cur);
    return {
      kind: 'litmus',
      file,
      name,
      expected,
      init,
      globals: globals(init, procs, [c.filter, c.condition.prop], c.locations),
      processes: procs,
      locations: c.locations,
      filter: c.filter,
      condition: c.condition,
    };
  } catch (e) {
    if (e instanceof ParseFailure) return e.toResult(file);
    throw e;
  }
}
