/**
 * The process section: `P0(int *x, ...) { ... }` in herd7's C fragment
 * (declarations, assignments, plain `*p` accesses, if/else, calls of the
 * kernel primitives). Loops, goto, switch and anything else herd7's C does
 * not run are reported as unsupported with their position.
 */
import type { BinaryOp, Expr, Param, Pos, Process, Stmt } from './ast.js';
import { type Cursor, describe, syntax, unsupported } from './cursor.js';
import type { Token } from './lexer.js';
import { type Built, PRIMITIVES } from './primitives.js';

/** Words that start a declaration (herd7 types plus the kernel's). */
const TYPE_WORDS = new Set([
  'int', 'long', 'short', 'char', 'unsigned', 'signed', 'bool', '_Bool', 'void', 'const', 'volatile', 'struct', 'intptr_t', 'uintptr_t',
  'size_t', 'atomic_t', 'atomic_long_t', 'spinlock_t', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64',
]);
const UNSUPPORTED_STMT = new Set(['while', 'for', 'do', 'switch', 'goto', 'return', 'break', 'continue', 'case', 'default']);

const BINARY: ReadonlyArray<readonly BinaryOp[]> = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

function isTypeStart(cur: Cursor): boolean {
  const t = cur.peek();
  return t.t === 'ident' && TYPE_WORDS.has(t.v);
}

/** `unsigned long`, `struct srcu_struct`, `spinlock_t`: type words up to the stars and the name. */
function typeName(cur: Cursor): string {
  const words: string[] = [];
  for (;;) {
    const t = cur.peek();
    if (t.t !== 'ident') break;
    if (words.length > 0 && !TYPE_WORDS.has(t.v) && words[words.length - 1] !== 'struct') break;
    words.push(cur.ident('in a type').v);
  }
  // `volatile`/`const` do not change what herd7 does with the location.
  const kept = words.filter((w) => w !== 'volatile' && w !== 'const');
  return kept.join(' ');
}

function stars(cur: Cursor): number {
  let n = 0;
  while (cur.eat('*')) n++;
  return n;
}

class ProcessParser {
  private readonly locals = new Set<string>();
  private readonly params: ReadonlySet<string>;

  constructor(
    private readonly cur: Cursor,
    params: readonly Param[],
  ) {
    this.params = new Set(params.map((p) => p.name));
  }

  block(): Stmt[] {
    const out: Stmt[] = [];
    while (!this.cur.is('}')) {
      if (this.cur.peek().t === 'eof') syntax(this.cur.peek().pos, "expected '}' closing the process body");
      out.push(...this.stmt());
    }
    return out;
  }

  /** One statement; a declaration `int a, b;` yields several. */
  private stmt(): Stmt[] {
    const t = this.cur.peek();
    if (t.t === 'punct' && t.v === ';') {
      this.cur.take();
      return [];
    }
    if (t.t === 'punct' && t.v === '{') {
      this.cur.take();
      const body = this.block();
      this.cur.expect('}', 'closing the block');
      return [{ kind: 'block', body, pos: t.pos }];
    }
    if (t.t !== 'ident' && !(t.t === 'punct' && (t.v === '*' || t.v === '('))) syntax(t.pos, `expected a statement, found ${describe(t)}`);
    if (t.t === 'ident') {
      if (t.v === 'if') return [this.ifStmt()];
      if (t.v === 'else') syntax(t.pos, "'else' without 'if'");
      if (UNSUPPORTED_STMT.has(t.v)) unsupported(t.pos, `'${t.v}' statement (herd7's C has no loops, goto or switch)`);
      if (isTypeStart(this.cur)) return this.decl();
    }
    return [this.simple()];
  }

  private ifStmt(): Stmt {
    const pos = this.cur.take().pos;
    this.cur.expect('(', "after 'if'");
    const cond = this.expr();
    this.cur.expect(')', "closing the 'if' condition");
    const then = this.branch();
    const els = this.cur.eat('else') ? this.branch() : null;
    return { kind: 'if', cond, then, else: els, pos };
  }

  /** An if/else arm: a block or a single statement. */
  private branch(): Stmt[] {
    if (this.cur.eat('{')) {
      const body = this.block();
      this.cur.expect('}', "closing the 'if' branch");
      return body;
    }
    return this.stmt();
  }

  private decl(): Stmt[] {
    const type = typeName(this.cur);
    const out: Stmt[] = [];
    do {
      const pointer = stars(this.cur);
      const name = this.cur.ident('in a declaration');
      if (this.cur.is('[')) unsupported(this.cur.peek().pos, 'array declaration');
      const init = this.cur.eat('=') ? this.expr() : null;
      this.locals.add(name.v);
      out.push({ kind: 'decl', name: name.v, type, pointer, init, pos: name.pos });
    } while (this.cur.eat(','));
    this.cur.expect(';', 'after a declaration');
    return out;
  }

  /** `r = e;`, `*p = e;` or a call statement `f(...);`. */
  private simple(): Stmt {
    const t = this.cur.peek();
    if (t.t === 'ident') {
      this.cur.take();
      if (this.cur.is('(')) {
        const built = this.call(t);
        this.cur.expect(';', `after ${t.v}()`);
        if ('stmt' in built) return built.stmt;
        return { kind: 'eval', expr: 'value' in built ? built.value : built.voidRmw, pos: t.pos };
      }
      return this.assign(this.name(t), t.pos);
    }
    const lhs = this.unary();
    // `(void)xchg(x, 1);`: a value call behind a cast, its value dropped.
    if (this.cur.is(';') && (lhs.kind === 'rmw' || lhs.kind === 'spin-query' || lhs.kind === 'srcu-lock' || (lhs.kind === 'load' && lhs.fn !== null))) {
      this.cur.take();
      return { kind: 'eval', expr: lhs, pos: t.pos };
    }
    return this.assign(lhs, t.pos);
  }

  private assign(lhs: Expr, pos: Pos): Stmt {
    const op = this.cur.take();
    if (op.t === 'punct' && /^([-+*/%&|^]|<<|>>)=$|^(\+\+|--)$/.test(op.v)) unsupported(op.pos, `'${op.v}' (herd7's C has only plain '=')`);
    if (!(op.t === 'punct' && op.v === '=')) syntax(op.pos, `expected '=' or a call statement, found ${describe(op)}`);
    const value = this.expr();
    this.cur.expect(';', 'after an assignment');
    if (lhs.kind === 'reg') return { kind: 'assign', reg: lhs.name, value, pos };
    if (lhs.kind === 'load' && lhs.order === 'plain' && lhs.fn === null) return { kind: 'store', order: 'plain', addr: lhs.addr, value, fn: null, pos };
    if (lhs.kind === 'global') unsupported(lhs.pos, `assignment to parameter ${lhs.name} (a pointer to shared ${lhs.name}; write *${lhs.name})`);
    return syntax(lhs.pos, 'the left of = is not a register or *pointer');
  }

  expr(): Expr {
    const e = this.binary(0);
    const t = this.cur.peek();
    if (t.t === 'punct' && t.v === '?') unsupported(t.pos, "conditional operator '?:'");
    return e;
  }

  private binary(level: number): Expr {
    if (level === BINARY.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.cur.peek();
      const op = t.t === 'punct' ? BINARY[level]!.find((o) => o === t.v) : undefined;
      if (!op) return left;
      this.cur.take();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op, left, right, pos: t.pos };
    }
  }

  private unary(): Expr {
    const t = this.cur.peek();
    if (t.t === 'punct') {
      if (t.v === '!' || t.v === '-' || t.v === '~') {
        this.cur.take();
        const arg = this.unary();
        // A negative literal is a constant, as in the init block and the condition.
        if (t.v === '-' && arg.kind === 'const') return { kind: 'const', value: -arg.value, pos: t.pos };
        return { kind: 'unary', op: t.v, arg, pos: t.pos };
      }
      if (t.v === '*') {
        this.cur.take();
        return { kind: 'load', order: 'plain', addr: this.unary(), fn: null, pos: t.pos };
      }
      if (t.v === '&') {
        this.cur.take();
        return this.addressOf(this.unary(), t.pos);
      }
      if (t.v === '++' || t.v === '--') unsupported(t.pos, `'${t.v}'`);
    }
    const e = this.primary();
    const p = this.cur.peek();
    if (p.t === 'punct' && ['[', '.', '->', '++', '--'].includes(p.v)) unsupported(p.pos, `'${p.v}' (herd7's C has no arrays, structures or increments)`);
    return e;
  }

  /**
   * herd7's C has no `&` in process code; lockstep reads `&x` for a shared
   * location x as in the init block (the address of x), and `&*p` as p.
   */
  private addressOf(e: Expr, pos: Pos): Expr {
    if (e.kind === 'load' && e.order === 'plain' && e.fn === null) return e.addr;
    if (e.kind === 'global') return e;
    return unsupported(pos, `address of ${e.kind === 'reg' ? `register ${e.name}` : 'an expression'}`);
  }

  private primary(): Expr {
    const t = this.cur.take();
    if (t.t === 'num') return { kind: 'const', value: t.v, pos: t.pos };
    if (t.t === 'ident') {
      if (t.v === 'NULL') return { kind: 'const', value: 0, pos: t.pos };
      if (!this.cur.is('(')) return this.name(t);
      const built = this.call(t);
      if ('value' in built) return built.value;
      return syntax(t.pos, `${t.v}() has no value`);
    }
    if (t.t === 'punct' && t.v === '(') {
      // herd7 accepts and ignores casts: `(int *)p`.
      if (isTypeStart(this.cur)) {
        typeName(this.cur);
        stars(this.cur);
        this.cur.expect(')', 'closing a cast');
        return this.unary();
      }
      const e = this.expr();
      this.cur.expect(')', 'closing a parenthesis');
      return e;
    }
    return syntax(t.pos, `expected an expression, found ${describe(t)}`);
  }

  /** A local (declared here, or undeclared: herd7 makes those registers too) or a parameter. */
  private name(t: Extract<Token, { t: 'ident' }>): Expr {
    if (this.locals.has(t.v) || !this.params.has(t.v)) return { kind: 'reg', name: t.v, pos: t.pos };
    return { kind: 'global', name: t.v, pos: t.pos };
  }

  private call(name: Extract<Token, { t: 'ident' }>): Built {
    // Unknown names are reported before their arguments are parsed.
    const prim = PRIMITIVES.get(name.v);
    if (!prim) return unsupported(name.pos, `${name.v}()`);
    this.cur.expect('(', `after ${name.v}`);
    const args: Expr[] = [];
    if (!this.cur.is(')')) {
      do args.push(this.expr());
      while (this.cur.eat(','));
    }
    this.cur.expect(')', `closing the arguments of ${name.v}()`);
    if (args.length !== prim.arity) syntax(name.pos, `${name.v}() takes ${prim.arity} argument${prim.arity === 1 ? '' : 's'}, got ${args.length}`);
    return prim.build(args, name.v, name.pos);
  }
}

export function parseProcess(cur: Cursor): Process {
  const head = cur.ident('naming a process');
  const m = /^P(\d+)$/.exec(head.v);
  if (!m) syntax(head.pos, `expected a process P<n>, found '${head.v}'`);
  cur.expect('(', `after ${head.v}`);
  const params: Param[] = [];
  if (!cur.is(')')) {
    do {
      const p = cur.peek();
      const type = typeName(cur);
      const pointer = stars(cur);
      const name = cur.ident(`in ${head.v}'s parameters`);
      if (pointer === 0) unsupported(p.pos, `parameter ${name.v} passed by value (litmus parameters are pointers to shared locations)`);
      params.push({ name: name.v, type: type || 'int', pointer, pos: name.pos });
    } while (cur.eat(','));
  }
  cur.expect(')', `closing ${head.v}'s parameters`);
  cur.expect('{', `opening ${head.v}'s body`);
  const body = new ProcessParser(cur, params).block();
  cur.expect('}', `closing ${head.v}'s body`);
  return { id: Number(m![1]), params, body, pos: head.pos };
}
