/**
 * The constraint section after the processes, in herd7's state syntax:
 * `locations [...]`, `filter P`, then `exists P`, `~exists P` or `forall P`.
 * Propositions follow herd7's precedence: `\/` binds weakest, then `/\`,
 * then `=>` (right-associative), then `~`.
 */
import type { Condition, Loc, LitmusValue, Prop } from './ast.js';
import { type Cursor, describe, syntax, unsupported } from './cursor.js';

export interface Constraints {
  readonly locations: Loc[];
  readonly filter: Prop | null;
  readonly condition: Condition;
}

function number(cur: Cursor): number | null {
  const neg = cur.eat('-');
  const t = cur.peek();
  if (t.t !== 'num') {
    if (neg) syntax(t.pos, `expected a number after '-', found ${describe(t)}`);
    return null;
  }
  cur.take();
  return neg ? -t.v : t.v;
}

/** `1:r0`, `x`, `[x]`. */
export function location(cur: Cursor): Loc {
  const t = cur.take();
  if (t.t === 'num') {
    cur.expect(':', `after process number ${t.v}`);
    return { kind: 'reg', proc: t.v, name: cur.ident('of a register').v };
  }
  if (t.t === 'ident') return { kind: 'mem', name: t.v };
  if (t.t === 'punct' && t.v === '[') {
    const name = cur.ident('in [ ]').v;
    cur.expect(']', 'closing [ ]');
    return { kind: 'mem', name };
  }
  return syntax(t.pos, `expected a location (n:reg or a shared name), found ${describe(t)}`);
}

function atom(cur: Cursor): Prop {
  const loc = location(cur);
  const op = cur.take();
  if (!(op.t === 'punct' && (op.v === '=' || op.v === '==' || op.v === '!='))) syntax(op.pos, `expected '=' or '!=' after a location, found ${describe(op)}`);
  let p: Prop;
  const n = number(cur);
  if (n !== null) {
    // `x = 1:r0` compares with a register; `x = 1` with a value.
    if (cur.is(':')) {
      cur.take();
      p = { kind: 'eq-loc', loc, other: { kind: 'reg', proc: n, name: cur.ident('of a register').v } };
    } else p = { kind: 'eq', loc, value: n };
  } else if (cur.eat('*') || cur.is('[')) {
    p = { kind: 'eq-loc', loc, other: location(cur) };
  } else {
    // A bare name is the address of that location (`1:r0=x`, `p=y`).
    const v: LitmusValue = cur.ident("after '='").v;
    p = { kind: 'eq', loc, value: v };
  }
  return op.v === '!=' ? { kind: 'not', arg: p } : p;
}

function primary(cur: Cursor): Prop {
  if (cur.eat('true')) return { kind: 'true' };
  if (cur.eat('false')) return { kind: 'false' };
  if (cur.eat('~')) return { kind: 'not', arg: primary(cur) };
  if (cur.eat('(')) {
    const p = prop(cur);
    cur.expect(')', 'closing a parenthesis');
    return p;
  }
  return atom(cur);
}

function implies(cur: Cursor): Prop {
  const left = primary(cur);
  if (!cur.eat('=>')) return left;
  return { kind: 'implies', left, right: implies(cur) };
}

function conj(cur: Cursor): Prop {
  let left = implies(cur);
  while (cur.eat('/\\')) left = { kind: 'and', left, right: implies(cur) };
  return left;
}

export function prop(cur: Cursor): Prop {
  let left = conj(cur);
  while (cur.eat('\\/')) left = { kind: 'or', left, right: conj(cur) };
  return left;
}

/** `locations [0:r1; x; y;]` (herd7 allows a type after each; it only changes printing). */
function locations(cur: Cursor): Loc[] {
  cur.expect('[', "after 'locations'");
  const out: Loc[] = [];
  while (!cur.eat(']')) {
    out.push(location(cur));
    while (cur.peek().t === 'ident' || cur.is('*')) cur.take();
    if (!cur.eat(';') && !cur.is(']')) syntax(cur.peek().pos, `expected ';' or ']' in locations, found ${describe(cur.peek())}`);
  }
  return out;
}

export function constraints(cur: Cursor): Constraints {
  let locs: Loc[] | null = null;
  let filter: Prop | null = null;
  for (;;) {
    const t = cur.peek();
    if (t.t === 'ident' && t.v === 'locations' && locs === null) {
      cur.take();
      locs = locations(cur);
    } else if (t.t === 'ident' && t.v === 'filter' && filter === null) {
      cur.take();
      filter = prop(cur);
    } else break;
  }
  const t = cur.peek();
  let condition: Condition;
  if (t.t === 'eof') {
    // herd7 reads a missing condition as `exists true`.
    condition = { quantifier: 'exists', prop: { kind: 'true' }, pos: t.pos };
  } else if (cur.eat('exists')) {
    condition = { quantifier: 'exists', prop: prop(cur), pos: t.pos };
  } else if (cur.eat('forall')) {
    condition = { quantifier: 'forall', prop: prop(cur), pos: t.pos };
  } else if (cur.eat('~')) {
    cur.expect('exists', "after '~' (the condition is ~exists)");
    condition = { quantifier: 'not-exists', prop: prop(cur), pos: t.pos };
  } else if (t.t === 'punct' && t.v === '(') {
    // herd7: a bare parenthesised proposition is an exists.
    condition = { quantifier: 'exists', prop: prop(cur), pos: t.pos };
  } else if (t.t === 'ident' && (t.v === 'final' || t.v === 'observed' || t.v === 'cases')) {
    return unsupported(t.pos, `'${t.v}' condition`);
  } else {
    return syntax(t.pos, `expected exists, ~exists or forall, found ${describe(t)}`);
  }
  cur.eat(';');
  const end = cur.peek();
  if (end.t === 'ident' && end.v === 'with') unsupported(end.pos, "'with' clause");
  if (end.t !== 'eof') syntax(end.pos, `expected end of file after the condition, found ${describe(end)}`);
  return { locations: locs ?? [], filter, condition };
}
