/**
 * The litmus front end (src/litmus, docs/LITMUS-FORMAT.md), pure: the
 * hand-written tests in test/fixtures/litmus/ parse to the expected AST, the
 * condition evaluates on hand-made final states, herd7's verdict arithmetic,
 * and the unsupported/syntax error format. No worker pool.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  conditionResult,
  displayedLocations,
  evaluateCondition,
  type FinalState,
  type LitmusParseError,
  type LitmusTest,
  type LitmusValue,
  observation,
  parseLitmus,
  passesFilter,
  type Prop,
  stateKey,
  type Stmt,
  verdict,
} from '../src/litmus/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function fixture(name: string): LitmusTest {
  const file = `test/fixtures/litmus/${name}.litmus`;
  const r = parseLitmus(readFileSync(`${ROOT}/${file}`, 'utf8'), file);
  if (r.kind !== 'litmus') throw new Error(r.message);
  return r;
}

function fails(src: string, file = 'inline.litmus'): LitmusParseError {
  const r = parseLitmus(src, file);
  if (r.kind === 'litmus') throw new Error(`parsed: ${src}`);
  return r;
}

/** Positions make the shapes unreadable; compare without them. */
function strip<T>(x: T): unknown {
  return JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'pos' ? undefined : v)));
}

function state(regs: Record<string, LitmusValue>[], mem: Record<string, LitmusValue> = {}): FinalState {
  return { regs, mem };
}

/** A minimal test around one process body, to probe statements. */
function body(code: string, params = 'int *x, int *y'): readonly Stmt[] {
  const r = parseLitmus(`C t\n{}\nP0(${params})\n{\n${code}\n}\nexists (x=0)\n`, 'body.litmus');
  if (r.kind !== 'litmus') throw new Error(r.message);
  return r.processes[0]!.body;
}

const g = (name: string): unknown => ({ kind: 'global', name });
const reg = (name: string): unknown => ({ kind: 'reg', name });
const c = (value: number): unknown => ({ kind: 'const', value });

// ------------------------------------------------------------------ fixtures

test('every fixture parses with its Result and quantifier, except the one made to be refused', () => {
  const dir = `${ROOT}/test/fixtures/litmus`;
  const got = readdirSync(dir)
    .filter((f) => f.endsWith('.litmus'))
    .sort()
    .map((f) => {
      const r = parseLitmus(readFileSync(`${dir}/${f}`, 'utf8'), f);
      return r.kind === 'litmus' ? `${r.name}: ${r.expected} ${r.condition.quantifier} P0..P${r.processes.length - 1}` : `${f}: ${r.kind}`;
    });
  assert.equal(got, [
    'LB+ctrl-nested+mb: Always forall P0..P1',
    'MP+wmb+rmb: Never exists P0..P1',
    'RCU+publish-pointer: Never exists P0..P1',
    'SB+once: Sometimes exists P0..P1',
    'SRCU+sync+down-up: Never exists P0..P2',
    'SRCU+sync: Never exists P0..P1',
    'atomic-counter: Never not-exists P0..P1',
    'lock+trylock+filter: Never exists P0..P1',
    'unsupported-call-rcu.litmus: unsupported',
  ]);
  const sb = fixture('SB+once');
  assert.is(verdict(sb.expected, 3, 1000).agrees, true);
  assert.is(verdict(sb.expected, 0, 1000).discrepancy, 'allowed-unobserved');
});

test('MP+wmb+rmb: header extras, fences and marked accesses, C and OCaml comments in their sections', () => {
  const t = fixture('MP+wmb+rmb');
  assert.is(t.name, 'MP+wmb+rmb');
  assert.is(t.expected, 'Never');
  assert.equal(strip(t.init), [
    { loc: { kind: 'mem', name: 'data' }, type: 'int', pointer: 0, value: 0 },
    { loc: { kind: 'mem', name: 'flag' }, type: 'int', pointer: 0, value: 0 },
  ]);
  assert.equal(t.globals, [
    { name: 'data', type: 'int', init: 0 },
    { name: 'flag', type: 'int', init: 0 },
  ]);
  const [p0, p1] = t.processes;
  assert.equal(strip(p0!.params), [
    { name: 'data', type: 'int', pointer: 1 },
    { name: 'flag', type: 'int', pointer: 1 },
  ]);
  assert.equal(strip(p0!.body), [
    { kind: 'store', order: 'once', addr: g('data'), value: c(1), fn: 'WRITE_ONCE' },
    { kind: 'fence', fence: 'wmb', fn: 'smp_wmb' },
    { kind: 'store', order: 'once', addr: g('flag'), value: c(1), fn: 'WRITE_ONCE' },
  ]);
  assert.equal(strip(p1!.body.slice(2)), [
    { kind: 'assign', reg: 'r0', value: { kind: 'load', order: 'once', addr: g('flag'), fn: 'READ_ONCE' } },
    { kind: 'fence', fence: 'rmb', fn: 'smp_rmb' },
    { kind: 'assign', reg: 'r1', value: { kind: 'load', order: 'once', addr: g('data'), fn: 'READ_ONCE' } },
  ]);
  assert.is(t.condition.quantifier, 'exists');
  assert.equal(t.condition.pos, { line: 33, col: 1 });
  assert.ok(evaluateCondition(t, state([{}, { r0: 1, r1: 0 }])));
  assert.not.ok(evaluateCondition(t, state([{}, { r0: 1, r1: 1 }])));
  assert.not.ok(evaluateCondition(t, state([{}, { r0: 0, r1: 0 }])));
  assert.is(stateKey(state([{}, { r0: 1, r1: 0 }]), displayedLocations(t)), '1:r0=1; 1:r1=0;');
});

test('atomic-counter: ATOMIC_INIT, the atomic_* family and xchg/cmpxchg with their orderings, ~exists', () => {
  const t = fixture('atomic-counter');
  assert.is(t.expected, 'Never');
  assert.equal(strip(t.init[0]), { loc: { kind: 'mem', name: 'v' }, type: 'atomic_t', pointer: 0, value: 1 });
  assert.equal(t.globals, [
    { name: 'v', type: 'atomic_t', init: 1 },
    { name: 'x', type: 'int', init: 0 },
  ]);
  const [p0, p1] = t.processes;
  assert.equal(strip(p0!.body.slice(2)), [
    { kind: 'fence', fence: 'before-atomic', fn: 'smp_mb__before_atomic' },
    { kind: 'assign', reg: 'r0', value: { kind: 'rmw', op: 'add', order: 'full', addr: g('v'), operand: c(2), returns: 'new', test: null, fn: 'atomic_add_return' } },
    { kind: 'fence', fence: 'after-atomic', fn: 'smp_mb__after_atomic' },
    { kind: 'assign', reg: 'r2', value: { kind: 'rmw', op: 'xchg', order: 'release', addr: g('x'), value: c(1), fn: 'xchg_release' } },
  ]);
  assert.equal(strip(p1!.body.slice(2)), [
    { kind: 'assign', reg: 'r1', value: { kind: 'rmw', op: 'add', order: 'relaxed', addr: g('v'), operand: c(1), returns: 'old', test: null, fn: 'atomic_fetch_inc_relaxed' } },
    { kind: 'assign', reg: 'r3', value: { kind: 'rmw', op: 'cmpxchg', order: 'acquire', addr: g('x'), expected: c(1), value: c(2), fn: 'cmpxchg_acquire' } },
    { kind: 'eval', expr: { kind: 'rmw', op: 'add', order: 'relaxed', addr: g('v'), operand: c(1), returns: 'none', test: null, fn: 'atomic_inc' } },
    { kind: 'eval', expr: { kind: 'rmw', op: 'sub', order: 'relaxed', addr: g('v'), operand: c(1), returns: 'none', test: null, fn: 'atomic_dec' } },
  ]);
  assert.is(t.condition.quantifier, 'not-exists');
  // The proposition, not the quantifier, is what evaluateCondition reports.
  const good = state([{ r0: 3, r2: 0 }, { r1: 3, r3: 2 }], { v: 4, x: 2 });
  assert.not.ok(evaluateCondition(t, good));
  assert.ok(evaluateCondition(t, state([{ r0: 3, r2: 0 }, { r1: 3, r3: 2 }], { v: 3, x: 2 })), 'lost update');
  assert.ok(evaluateCondition(t, state([{ r0: 3, r2: 0 }, { r1: 1, r3: 2 }], { v: 4, x: 2 })), 'both read the initial value');
  assert.ok(evaluateCondition(t, state([{ r0: 3, r2: 2 }, { r1: 3, r3: 0 }], { v: 4, x: 1 })), 'xchg saw a later value');
  // Result: Never on a ~exists test: the proposition never holds, and herd7 says Ok.
  assert.equal(verdict(t.expected, 0, 10), { observation: 'Never', positive: 0, negative: 10, agrees: true, discrepancy: 'none' });
  assert.is(conditionResult(t.condition.quantifier, 0, 10), 'Ok');
  assert.is(conditionResult(t.condition.quantifier, 1, 10), 'No');
  assert.is(verdict(t.expected, 1, 10).discrepancy, 'forbidden-observed');
});

test('LB+ctrl-nested+mb: nested if/else with blocks and single statements, C operator precedence, forall', () => {
  const t = fixture('LB+ctrl-nested+mb');
  assert.is(t.expected, 'Always');
  const p0 = t.processes[0]!.body;
  assert.equal(strip(p0[1]), { kind: 'decl', name: 'r2', type: 'int', pointer: 0, init: c(0) });
  const outer = p0[4]!;
  assert.is(outer.kind, 'if');
  if (outer.kind !== 'if') return;
  assert.equal(strip(outer.cond), { kind: 'binary', op: '==', left: reg('r0'), right: c(1) });
  assert.is(outer.then.length, 1);
  const inner = outer.then[0]!;
  assert.is(inner.kind, 'if');
  if (inner.kind !== 'if') return;
  assert.equal(strip(inner.cond), {
    kind: 'binary',
    op: '&&',
    left: { kind: 'binary', op: '>', left: reg('r0'), right: c(0) },
    right: { kind: 'binary', op: '!=', left: reg('r0'), right: c(2) },
  });
  assert.equal(strip(inner.then), [{ kind: 'store', order: 'once', addr: g('y'), value: c(1), fn: 'WRITE_ONCE' }]);
  assert.equal(strip(inner.else), [{ kind: 'store', order: 'once', addr: g('y'), value: c(2), fn: 'WRITE_ONCE' }]);
  assert.equal(strip(outer.else), [
    { kind: 'store', order: 'once', addr: g('y'), value: { kind: 'binary', op: '+', left: reg('r0'), right: c(3) }, fn: 'WRITE_ONCE' },
  ]);
  const bin = (op: string, left: unknown, right: unknown): unknown => ({ kind: 'binary', op, left, right });
  assert.equal(strip(p0[5]), { kind: 'assign', reg: 'r2', value: bin('^', bin('|', bin('<<', reg('r0'), c(2)), c(1)), c(4)) });
  // !r0 + (r0 >= 1) - (r0 < 0) + 7 % 4 / 3  ==  (((!r0 + (r0>=1)) - (r0<0)) + ((7 % 4) / 3))
  assert.equal(
    strip((p0[6] as Extract<Stmt, { kind: 'assign' }>).value),
    bin('+', bin('-', bin('+', { kind: 'unary', op: '!', arg: reg('r0') }, bin('>=', reg('r0'), c(1))), bin('<', reg('r0'), c(0))), bin('/', bin('%', c(7), c(4)), c(3))),
  );
  assert.is(t.condition.quantifier, 'forall');
  const ok = state([{ r0: 1, r2: 1, r3: 2 }, { r1: 0 }], { x: 1, y: 1 });
  assert.ok(evaluateCondition(t, ok));
  assert.not.ok(evaluateCondition(t, state([{ r0: 1, r2: 1, r3: 2 }, { r1: 1 }], { x: 1, y: 1 })), 'the LB cycle');
  assert.not.ok(evaluateCondition(t, state([{ r0: 0, r2: 1, r3: 2 }, { r1: 3 }], { x: 1, y: 3 })), 'r2 does not match r0');
  // forall: Ok iff every run satisfies it; Result: Always is the Observation.
  assert.is(conditionResult('forall', 7, 7), 'Ok');
  assert.is(conditionResult('forall', 6, 7), 'No');
  assert.is(verdict(t.expected, 7, 7).agrees, true);
  assert.is(verdict(t.expected, 6, 7).discrepancy, 'forbidden-observed');
  assert.is(verdict(t.expected, 0, 0).discrepancy, 'allowed-unobserved');
});

test('RCU+publish-pointer: pointer inits (&y, y), negative values, int ** parameters, pointer values in the condition', () => {
  const t = fixture('RCU+publish-pointer');
  assert.equal(strip(t.init), [
    { loc: { kind: 'mem', name: 'p' }, type: 'int', pointer: 1, value: 'y' },
    { loc: { kind: 'mem', name: 'x' }, type: 'int', pointer: 0, value: -1 },
    { loc: { kind: 'mem', name: 'y' }, type: 'int', pointer: 0, value: 5 },
    { loc: { kind: 'mem', name: 'q' }, type: null, pointer: 0, value: 'y' },
  ]);
  assert.equal(t.globals, [
    { name: 'p', type: 'int *', init: 'y' },
    { name: 'q', type: 'int *', init: 'y' },
    { name: 'x', type: 'int', init: -1 },
    { name: 'y', type: 'int', init: 5 },
  ]);
  assert.equal(strip(t.processes[0]!.body), [
    { kind: 'store', order: 'once', addr: g('x'), value: c(7), fn: 'WRITE_ONCE' },
    { kind: 'store', order: 'release', addr: g('p'), value: g('x'), fn: 'rcu_assign_pointer' },
  ]);
  const p1 = t.processes[1]!;
  assert.equal(strip(p1.params[0]), { name: 'p', type: 'int', pointer: 2 });
  assert.equal(strip(p1.body[0]), { kind: 'decl', name: 'r0', type: 'int', pointer: 1, init: null });
  assert.equal(strip(p1.body.slice(3)), [
    { kind: 'rcu', op: 'read_lock', fn: 'rcu_read_lock' },
    { kind: 'assign', reg: 'r0', value: { kind: 'load', order: 'once', addr: g('p'), fn: 'rcu_dereference' } },
    { kind: 'assign', reg: 'r1', value: { kind: 'load', order: 'once', addr: reg('r0'), fn: 'READ_ONCE' } },
    { kind: 'rcu', op: 'read_unlock', fn: 'rcu_read_unlock' },
    { kind: 'assign', reg: 'r2', value: { kind: 'load', order: 'once', addr: g('q'), fn: 'READ_ONCE' } },
  ]);
  assert.equal(strip(t.condition.prop), {
    kind: 'and',
    left: { kind: 'and', left: { kind: 'eq', loc: { kind: 'reg', proc: 1, name: 'r0' }, value: 'x' }, right: { kind: 'eq', loc: { kind: 'reg', proc: 1, name: 'r1' }, value: -1 } },
    right: { kind: 'eq', loc: { kind: 'mem', name: 'p' }, value: 'x' },
  });
  const bad = state([{}, { r0: 'x', r1: -1, r2: 'y' }], { p: 'x', q: 'y', x: 7, y: 5 });
  assert.ok(evaluateCondition(t, bad));
  assert.not.ok(evaluateCondition(t, state([{}, { r0: 'y', r1: -1, r2: 'y' }], { p: 'x', q: 'y', x: 7, y: 5 })), 'a pointer to y is not a pointer to x');
  assert.not.ok(evaluateCondition(t, state([{}, { r0: 'x', r1: 7, r2: 'y' }], { p: 'x', q: 'y', x: 7, y: 5 })));
  assert.is(stateKey(bad, displayedLocations(t)), '1:r0=x; 1:r1=-1; p=x;');
});

test('SRCU+sync+down-up: srcu_struct declarations, srcu_read_lock/unlock, srcu_down_read/up_read, synchronize_srcu', () => {
  const t = fixture('SRCU+sync+down-up');
  assert.is(t.processes.length, 3);
  assert.equal(t.globals[0], { name: 'ss', type: 'struct srcu_struct', init: 0 });
  assert.equal(strip(t.processes[0]!.params[0]), { name: 'ss', type: 'struct srcu_struct', pointer: 1 });
  const [p0, p1, p2] = t.processes.map((p) => strip(p.body) as unknown[]);
  assert.equal(p0![3], { kind: 'assign', reg: 'r0', value: { kind: 'srcu-lock', op: 'read_lock', srcu: g('ss'), fn: 'srcu_read_lock' } });
  assert.equal(p0![6], { kind: 'srcu-unlock', op: 'read_unlock', srcu: g('ss'), index: reg('r0'), fn: 'srcu_read_unlock' });
  assert.equal(p1![1], { kind: 'sync', flavor: 'srcu', srcu: g('ss'), fn: 'synchronize_srcu' });
  assert.equal(p2![3], { kind: 'assign', reg: 'r3', value: { kind: 'srcu-lock', op: 'down_read', srcu: g('ss'), fn: 'srcu_down_read' } });
  assert.equal(p2![6], { kind: 'srcu-unlock', op: 'up_read', srcu: g('ss'), index: reg('r3'), fn: 'srcu_up_read' });
  // `a /\ b \/ c /\ d` is `(a /\ b) \/ (c /\ d)`.
  assert.is(t.condition.prop.kind, 'or');
  const regs = (r1: number, r2: number, r4: number, r5: number): FinalState => state([{ r0: 0, r1, r2 }, {}, { r3: 0, r4, r5 }]);
  assert.ok(evaluateCondition(t, regs(1, 0, 0, 0)));
  assert.ok(evaluateCondition(t, regs(1, 1, 1, 0)));
  assert.not.ok(evaluateCondition(t, regs(1, 1, 0, 0)));
  assert.is(stateKey(regs(1, 1, 0, 1), displayedLocations(t)), '0:r1=1; 0:r2=1; 2:r4=0; 2:r5=1;');
});

test('lock+trylock+filter: spinlock primitives, locations with a trailing ;, filter', () => {
  const t = fixture('lock+trylock+filter');
  assert.equal(t.globals[0], { name: 'lk', type: 'spinlock_t', init: 0 });
  assert.equal(strip(t.processes[0]!.body[0]), { kind: 'spin', op: 'lock', lock: g('lk'), fn: 'spin_lock' });
  assert.equal(strip(t.processes[0]!.body[3]), { kind: 'spin', op: 'unlock', lock: g('lk'), fn: 'spin_unlock' });
  const p1 = t.processes[1]!.body;
  assert.equal(strip(p1[4]), { kind: 'assign', reg: 'r0', value: { kind: 'spin-query', op: 'trylock', lock: g('lk'), fn: 'spin_trylock' } });
  const ifs = p1[5]!;
  assert.ok(ifs.kind === 'if' && ifs.else === null && ifs.then.length === 4);
  if (ifs.kind === 'if') assert.equal(strip(ifs.then[2]), { kind: 'assign', reg: 'r3', value: { kind: 'spin-query', op: 'is_locked', lock: g('lk'), fn: 'spin_is_locked' } });
  assert.equal(t.locations, [
    { kind: 'reg', proc: 1, name: 'r3' },
    { kind: 'mem', name: 'x' },
    { kind: 'mem', name: 'y' },
  ]);
  assert.equal(strip(t.filter), { kind: 'eq', loc: { kind: 'reg', proc: 1, name: 'r0' }, value: 1 });
  const held = state([{}, { r0: 1, r1: 1, r2: 1, r3: 1 }], { x: 1, y: 1, lk: 0 });
  const missed = state([{}, { r0: 0, r1: 0, r2: 0, r3: 0 }], { x: 1, y: 1, lk: 0 });
  assert.ok(passesFilter(t, held));
  assert.not.ok(passesFilter(t, missed));
  assert.not.ok(evaluateCondition(t, held));
  // herd7 prints the condition's locations and the `locations` list, registers first.
  assert.is(stateKey(held, displayedLocations(t)), '1:r1=1; 1:r2=1; 1:r3=1; x=1; y=1;');
});

test('unsupported-call-rcu: an unknown function is refused with file:line:col', () => {
  const file = 'test/fixtures/litmus/unsupported-call-rcu.litmus';
  const r = parseLitmus(readFileSync(`${ROOT}/${file}`, 'utf8'), file);
  assert.equal(r, { kind: 'unsupported', file, line: 15, col: 2, construct: 'call_rcu()', message: `unsupported: ${file}:15:2 call_rcu()` });
});

// ------------------------------------------------------------------ details

test('every kernel ordering suffix maps to its ordering; the void atomics are relaxed, the tests fully ordered', () => {
  const rmw = (call: string): Record<string, unknown> => {
    const s = body(`int r; r = ${call};`, 'atomic_t *v, int *x')[1]!;
    if (s.kind !== 'assign') throw new Error(s.kind);
    return strip(s.value) as Record<string, unknown>;
  };
  for (const [suffix, order] of [['', 'full'], ['_relaxed', 'relaxed'], ['_acquire', 'acquire'], ['_release', 'release']] as const) {
    assert.is(rmw(`xchg${suffix}(x, 1)`).order, order);
    assert.is(rmw(`cmpxchg${suffix}(x, 0, 1)`).order, order);
    assert.is(rmw(`atomic_xchg${suffix}(v, 1)`).order, order);
    assert.is(rmw(`atomic_cmpxchg${suffix}(v, 0, 1)`).order, order);
    assert.is(rmw(`atomic_sub_return${suffix}(3, v)`).order, order);
    assert.is(rmw(`atomic_fetch_andnot${suffix}(3, v)`).order, order);
    assert.is(rmw(`atomic_dec_return${suffix}(v)`).order, order);
  }
  assert.equal(rmw('atomic_dec_and_test(v)'), { kind: 'rmw', op: 'sub', order: 'full', addr: g('v'), operand: c(1), returns: 'new', test: 'zero', fn: 'atomic_dec_and_test' });
  assert.equal(rmw('atomic_sub_and_test(2, v)').test, 'zero');
  assert.equal(rmw('atomic_inc_and_test(v)').op, 'add');
  assert.equal(rmw('atomic_add_negative(-2, v)').test, 'negative');
  assert.equal(rmw('atomic_add_unless(v, 1, 5)'), { kind: 'rmw', op: 'add_unless', order: 'full', addr: g('v'), operand: c(1), unless: c(5), fn: 'atomic_add_unless' });
  assert.equal(rmw('atomic_read_acquire(v)'), { kind: 'load', order: 'acquire', addr: g('v'), fn: 'atomic_read_acquire' });
  assert.equal(strip(body('atomic_or(4, v);', 'atomic_t *v')[0]), {
    kind: 'eval',
    expr: { kind: 'rmw', op: 'or', order: 'relaxed', addr: g('v'), operand: c(4), returns: 'none', test: null, fn: 'atomic_or' },
  });
  assert.equal(strip(body('atomic_set_release(v, 2);', 'atomic_t *v')[0]), { kind: 'store', order: 'release', addr: g('v'), value: c(2), fn: 'atomic_set_release' });
  assert.equal(strip(body('smp_store_mb(*x, 2);')[0]), { kind: 'store-mb', addr: g('x'), value: c(2), fn: 'smp_store_mb' });
  const fences = body('smp_mb(); smp_mb__after_spinlock(); smp_mb__after_unlock_lock(); barrier(); synchronize_rcu();');
  assert.equal(strip(fences), [
    { kind: 'fence', fence: 'mb', fn: 'smp_mb' },
    { kind: 'fence', fence: 'after-spinlock', fn: 'smp_mb__after_spinlock' },
    { kind: 'fence', fence: 'after-unlock-lock', fn: 'smp_mb__after_unlock_lock' },
    { kind: 'fence', fence: 'barrier', fn: 'barrier' },
    { kind: 'sync', flavor: 'rcu', srcu: null, fn: 'synchronize_rcu' },
  ]);
});

test('plain accesses, address-of, casts and (*x) in C code, which is not an OCaml comment there', () => {
  const s = body('int *r0; int r1 = (*x) + 1; *y = r1; r0 = &x; r1 = *(int *)r0; if (!r1) ; else { { r1 = -r1; } } WRITE_ONCE(*y, -2);');
  assert.equal(strip(s[1]), { kind: 'decl', name: 'r1', type: 'int', pointer: 0, init: { kind: 'binary', op: '+', left: { kind: 'load', order: 'plain', addr: g('x'), fn: null }, right: c(1) } });
  assert.equal(strip(s[2]), { kind: 'store', order: 'plain', addr: g('y'), value: reg('r1'), fn: null });
  assert.equal(strip(s[3]), { kind: 'assign', reg: 'r0', value: g('x') });
  assert.equal(strip(s[4]), { kind: 'assign', reg: 'r1', value: { kind: 'load', order: 'plain', addr: reg('r0'), fn: null } });
  assert.equal(strip(s[5]), {
    kind: 'if',
    cond: { kind: 'unary', op: '!', arg: reg('r1') },
    then: [],
    else: [{ kind: 'block', body: [{ kind: 'assign', reg: 'r1', value: { kind: 'unary', op: '-', arg: reg('r1') } }] }],
  });
  const or = body('int r; r = r || r & 1 && r == 2 | 3;')[1] as Extract<Stmt, { kind: 'assign' }>;
  const b = (op: string, left: unknown, right: unknown): unknown => ({ kind: 'binary', op, left, right });
  assert.equal(strip(or.value), b('||', reg('r'), b('&&', b('&', reg('r'), c(1)), b('|', b('==', reg('r'), c(2)), c(3)))));
  assert.equal(strip(body('(void)xchg_relaxed(x, 2);')), [
    { kind: 'eval', expr: { kind: 'rmw', op: 'xchg', order: 'relaxed', addr: g('x'), value: c(2), fn: 'xchg_relaxed' } },
  ]);
  assert.equal(strip(s[6]), { kind: 'store', order: 'once', addr: g('y'), value: c(-2), fn: 'WRITE_ONCE' });
  // A local declared with a parameter's name is a register from then on.
  const shadow = body('int x = 1; WRITE_ONCE(*y, x);');
  assert.equal(strip((shadow[1] as Extract<Stmt, { kind: 'store' }>).value), reg('x'));
});

test('condition syntax: ~, =>, !=, ==, negative numbers, register-to-location comparison, true', () => {
  const cond = (text: string): Prop => {
    const r = parseLitmus(`C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\n${text}\n`, 'c.litmus');
    if (r.kind !== 'litmus') throw new Error(r.message);
    return strip(r.condition.prop) as Prop;
  };
  const x1 = { kind: 'eq', loc: { kind: 'mem', name: 'x' }, value: 1 };
  const r0 = (v: LitmusValue): unknown => ({ kind: 'eq', loc: { kind: 'reg', proc: 0, name: 'r0' }, value: v });
  assert.equal(cond('exists (~x=1 /\\ 0:r0=-3)'), { kind: 'and', left: { kind: 'not', arg: x1 }, right: r0(-3) });
  assert.equal(cond('exists (x!=1)'), { kind: 'not', arg: x1 });
  assert.equal(cond('exists (x==1 => 0:r0=2 => true)'), { kind: 'implies', left: x1, right: { kind: 'implies', left: r0(2), right: { kind: 'true' } } });
  assert.equal(cond('exists (x=0:r0)'), { kind: 'eq-loc', loc: { kind: 'mem', name: 'x' }, other: { kind: 'reg', proc: 0, name: 'r0' } });
  assert.equal(cond('exists x=1 \\/ x=2 /\\ 0:r0=1'), { kind: 'or', left: x1, right: { kind: 'and', left: { kind: 'eq', loc: { kind: 'mem', name: 'x' }, value: 2 }, right: r0(1) } });
  assert.equal(cond('exists (x=0x10);'), { kind: 'eq', loc: { kind: 'mem', name: 'x' }, value: 16 });
  assert.equal(cond(''), { kind: 'true' });
  const t = parseLitmus('C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=0:r0)\n', 'c.litmus') as LitmusTest;
  assert.ok(evaluateCondition(t, state([{ r0: 'y' }], { x: 'y' })));
  assert.not.ok(evaluateCondition(t, state([{ r0: 1 }], { x: 'y' })));
  assert.throws(() => evaluateCondition(t, state([{}], { x: 1 })), /no 0:r0/);
});

test('init block forms: untyped, register inits, pointer with and without &, several types, empty entries', () => {
  const r = parseLitmus('C t (* c *)\n{ x=1; 0:r1=2; int *p=&x; int **pp = p; unsigned long u = -4; ; spinlock_t s; *q = &p; }\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)', 'i.litmus');
  if (r.kind !== 'litmus') throw new Error(r.message);
  assert.equal(strip(r.init), [
    { loc: { kind: 'mem', name: 'x' }, type: null, pointer: 0, value: 1 },
    { loc: { kind: 'reg', proc: 0, name: 'r1' }, type: null, pointer: 0, value: 2 },
    { loc: { kind: 'mem', name: 'p' }, type: 'int', pointer: 1, value: 'x' },
    { loc: { kind: 'mem', name: 'pp' }, type: 'int', pointer: 2, value: 'p' },
    { loc: { kind: 'mem', name: 'u' }, type: 'unsigned long', pointer: 0, value: -4 },
    { loc: { kind: 'mem', name: 's' }, type: 'spinlock_t', pointer: 0, value: 0 },
    { loc: { kind: 'mem', name: 'q' }, type: null, pointer: 1, value: 'p' },
  ]);
  assert.is(r.expected, null);
  assert.equal(
    r.globals.map((x) => `${x.name}:${x.type}=${x.init}`),
    ['p:int *=x', 'pp:int **=p', 'q:int *=p', 's:spinlock_t=0', 'u:unsigned long=-4', 'x:int=1'],
  );
});

test('Result: takes the first word after it; Maybe and DEADLOCK follow the kernel judge', () => {
  const withResult = (r: string): ReturnType<typeof parseLitmus> => parseLitmus(`C t\n(*\n * Result: ${r}\n *)\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n`, 'r.litmus');
  assert.is((withResult('Sometimes (on most CPUs)') as LitmusTest).expected, 'Sometimes');
  assert.is((withResult('Maybe') as LitmusTest).expected, 'Maybe');
  assert.is(verdict('Maybe', 3, 5).agrees, true);
  assert.is(verdict('DEADLOCK', 0, 0).agrees, true);
  assert.is(verdict('DEADLOCK', 0, 2).discrepancy, 'forbidden-observed');
  const bad = withResult('Flag');
  assert.is(bad.kind, 'unsupported');
  assert.is((bad as LitmusParseError).message, 'unsupported: r.litmus:3:4 Result: Flag (expected Never, Sometimes, Always, Maybe or DEADLOCK)');
});

test('verdict: herd7 counts over the proposition, whatever the quantifier', () => {
  assert.is(observation(0, 0), 'Never');
  assert.is(observation(0, 4), 'Never');
  assert.is(observation(2, 4), 'Sometimes');
  assert.is(observation(4, 4), 'Always');
  assert.is(conditionResult('exists', 1, 4), 'Ok');
  assert.is(conditionResult('exists', 0, 4), 'No');
  assert.is(conditionResult('not-exists', 0, 4), 'Ok');
  assert.is(conditionResult('not-exists', 4, 4), 'No');
  assert.equal(verdict('Sometimes', 2, 4), { observation: 'Sometimes', positive: 2, negative: 2, agrees: true, discrepancy: 'none' });
  assert.is(verdict('Sometimes', 0, 4).discrepancy, 'allowed-unobserved');
  assert.is(verdict('Sometimes', 4, 4).discrepancy, 'allowed-unobserved');
  assert.is(verdict('Never', 1, 4).discrepancy, 'forbidden-observed');
  assert.is(verdict('Always', 3, 4).discrepancy, 'forbidden-observed');
  assert.equal(verdict(null, 1, 4).agrees, null);
  assert.throws(() => observation(5, 4), RangeError);
  assert.throws(() => verdict('Never', -1, 4), RangeError);
});

test('unsupported constructs carry the exact message form and the position of the construct', () => {
  const proc = (code: string): LitmusParseError => fails(`C t\n{}\nP0(int *x, int *y)\n{\n\t${code}\n}\nexists (x=0)\n`);
  const cases: Array<[string, number, string]> = [
    ['int r; while (r) r = 1;', 9, "'while' statement (herd7's C has no loops, goto or switch)"],
    ['int r; for (;;) ;', 9, "'for' statement (herd7's C has no loops, goto or switch)"],
    ['int r[2];', 7, 'array declaration'],
    ['int r; r += 1;', 11, "'+=' (herd7's C has only plain '=')"],
    ['int r; r = READ_ONCE(x);', 23, "READ_ONCE() argument that is not an lvalue *p (LKMM's READ_ONCE takes *p)"],
    ['x = 0;', 2, 'assignment to parameter x (a pointer to shared x; write *x)'],
    ['int r; r = r ? 1 : 2;', 15, "conditional operator '?:'"],
    ['int r; r = kfree(x);', 13, 'kfree()'],
  ];
  for (const [code, col, construct] of cases) {
    const e = proc(code);
    assert.equal([e.kind, e.line, e.col, e.construct], ['unsupported', 5, col, construct], code);
    assert.is(e.message, `unsupported: inline.litmus:5:${col} ${construct}`);
  }
  const arch = fails('AArch64 t\n{}\nP0 | P1 ;\n');
  assert.is(arch.message, 'unsupported: inline.litmus:1:1 AArch64 litmus test (only the C dialect is read)');
  assert.is(fails('C t\n{}\nP0(int x) { }\nexists (x=0)').construct, 'parameter x passed by value (litmus parameters are pointers to shared locations)');
  assert.is(fails('C t\n{}\nP0(int *x) { }\nexists (x=0) with a:exists\n').construct, "'with' clause");
});

test('syntax errors: the message form, and the usual mistakes', () => {
  const e = fails('C t\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1)\n}\nexists (x=0)\n');
  assert.equal([e.kind, e.message], ['syntax', "syntax error: inline.litmus:6:1 expected ';' after WRITE_ONCE(), found '}'"]);
  assert.match(fails('C t\n{}\nP1(int *x) { }\nexists (x=0)').message, /expected P0, found P1/);
  assert.match(fails('C t\n{}\nP0(int *x) { WRITE_ONCE(*x); }\nexists (x=0)').message, /WRITE_ONCE\(\) takes 2 arguments, got 1/);
  assert.match(fails('C t\n{}\nP0(int *x) { int r; r = smp_mb(); }\nexists (x=0)').message, /smp_mb\(\) has no value/);
  assert.match(fails('C t\n{ x=1 y=2 }\nP0(int *x) { }\nexists (x=0)').message, /2:7 expected ';' or '}' in the init block/);
  assert.match(fails('C t\n(* unterminated\n{}\n').message, /2:1 unterminated \(\* comment/);
  assert.match(fails('C t\n{}\nP0(int *x) { }\nexists (x=0) junk').message, /expected end of file after the condition/);
  assert.match(fails('C t\n{}\n').message, /expected process P0, found end of file/);
});

test.run();
