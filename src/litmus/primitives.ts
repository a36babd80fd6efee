/**
 * The kernel primitives a litmus process may call, resolved to typed nodes.
 * Argument conventions follow LKMM's linux-kernel.def: READ_ONCE, WRITE_ONCE,
 * rcu_dereference, rcu_assign_pointer and smp_store_mb take the location as
 * an lvalue (`*x`); everything else takes a pointer (`x`). The atomic_* add
 * family takes the value first (`atomic_add(1, v)`), xchg/cmpxchg the pointer
 * first. Orderings: no suffix on a value-returning RMW is LKMM's {mb}
 * ('full'); the void atomics (atomic_inc) are unordered ('relaxed').
 */
import type { ArithRmwExpr, Expr, FenceKind, Pos, RmwOrder, Stmt } from './ast.js';
import { unsupported } from './cursor.js';

/** What a call is: a value, a statement, or a void RMW that only a statement may hold. */
export type Built = { readonly value: Expr } | { readonly stmt: Stmt } | { readonly voidRmw: ArithRmwExpr };

interface Prim {
  readonly arity: number;
  build(args: readonly Expr[], fn: string, pos: Pos): Built;
}

/** `*e` (a plain load in expression position) as an lvalue: the pointer e. */
function lvalue(e: Expr, fn: string): Expr {
  if (e.kind === 'load' && e.order === 'plain' && e.fn === null) return e.addr;
  return unsupported(e.pos, `${fn}() argument that is not an lvalue *p (LKMM's ${fn} takes *p)`);
}

const ORDERS: ReadonlyArray<readonly [string, RmwOrder]> = [
  ['', 'full'],
  ['_relaxed', 'relaxed'],
  ['_acquire', 'acquire'],
  ['_release', 'release'],
];

const FENCES: Readonly<Record<string, FenceKind>> = {
  smp_mb: 'mb',
  smp_rmb: 'rmb',
  smp_wmb: 'wmb',
  smp_mb__before_atomic: 'before-atomic',
  smp_mb__after_atomic: 'after-atomic',
  smp_mb__after_spinlock: 'after-spinlock',
  smp_mb__after_unlock_lock: 'after-unlock-lock',
  smp_mb__after_srcu_read_unlock: 'after-srcu-read-unlock',
  barrier: 'barrier',
};

function one(pos: Pos): Expr {
  return { kind: 'const', value: 1, pos };
}

function table(): Map<string, Prim> {
  const t = new Map<string, Prim>();
  const def = (name: string, arity: number, build: Prim['build']): void => {
    t.set(name, { arity, build });
  };

  // Plain-named loads and stores.
  def('READ_ONCE', 1, ([x], fn, pos) => ({ value: { kind: 'load', order: 'once', addr: lvalue(x!, fn), fn, pos } }));
  def('rcu_dereference', 1, ([x], fn, pos) => ({ value: { kind: 'load', order: 'once', addr: lvalue(x!, fn), fn, pos } }));
  def('smp_load_acquire', 1, ([x], fn, pos) => ({ value: { kind: 'load', order: 'acquire', addr: x!, fn, pos } }));
  def('atomic_read', 1, ([x], fn, pos) => ({ value: { kind: 'load', order: 'once', addr: x!, fn, pos } }));
  def('atomic_read_acquire', 1, ([x], fn, pos) => ({ value: { kind: 'load', order: 'acquire', addr: x!, fn, pos } }));
  def('WRITE_ONCE', 2, ([x, v], fn, pos) => ({ stmt: { kind: 'store', order: 'once', addr: lvalue(x!, fn), value: v!, fn, pos } }));
  def('rcu_assign_pointer', 2, ([x, v], fn, pos) => ({ stmt: { kind: 'store', order: 'release', addr: lvalue(x!, fn), value: v!, fn, pos } }));
  def('smp_store_release', 2, ([x, v], fn, pos) => ({ stmt: { kind: 'store', order: 'release', addr: x!, value: v!, fn, pos } }));
  def('atomic_set', 2, ([x, v], fn, pos) => ({ stmt: { kind: 'store', order: 'once', addr: x!, value: v!, fn, pos } }));
  def('atomic_set_release', 2, ([x, v], fn, pos) => ({ stmt: { kind: 'store', order: 'release', addr: x!, value: v!, fn, pos } }));
  def('smp_store_mb', 2, ([x, v], fn, pos) => ({ stmt: { kind: 'store-mb', addr: lvalue(x!, fn), value: v!, fn, pos } }));

  for (const [name, fence] of Object.entries(FENCES)) def(name, 0, (_a, fn, pos) => ({ stmt: { kind: 'fence', fence, fn, pos } }));

  // Exchange and compare-exchange, bare and atomic_.
  for (const [suffix, order] of ORDERS) {
    for (const prefix of ['', 'atomic_']) {
      def(`${prefix}xchg${suffix}`, 2, ([x, v], fn, pos) => ({ value: { kind: 'rmw', op: 'xchg', order, addr: x!, value: v!, fn, pos } }));
      def(`${prefix}cmpxchg${suffix}`, 3, ([x, o, v], fn, pos) => ({ value: { kind: 'rmw', op: 'cmpxchg', order, addr: x!, expected: o!, value: v!, fn, pos } }));
    }
  }

  // atomic_{op}, atomic_{op}_return*, atomic_fetch_{op}*: (V, X), or (X) for inc/dec.
  const arith = (op: ArithRmwExpr['op'], returns: ArithRmwExpr['returns'], order: RmwOrder, unary: boolean, test: ArithRmwExpr['test'] = null): Prim['build'] =>
    (args, fn, pos) => {
      const rmw: ArithRmwExpr = { kind: 'rmw', op, order, addr: unary ? args[0]! : args[1]!, operand: unary ? one(pos) : args[0]!, returns, test, fn, pos };
      return returns === 'none' ? { voidRmw: rmw } : { value: rmw };
    };
  const binary = ['add', 'sub', 'and', 'or', 'xor', 'andnot'] as const;
  const unaries = [['inc', 'add'], ['dec', 'sub']] as const;
  for (const op of binary) def(`atomic_${op}`, 2, arith(op, 'none', 'relaxed', false));
  for (const [name, op] of unaries) def(`atomic_${name}`, 1, arith(op, 'none', 'relaxed', true));
  for (const [suffix, order] of ORDERS) {
    for (const op of binary) def(`atomic_fetch_${op}${suffix}`, 2, arith(op, 'old', order, false));
    for (const op of ['add', 'sub'] as const) def(`atomic_${op}_return${suffix}`, 2, arith(op, 'new', order, false));
    for (const [name, op] of unaries) {
      def(`atomic_fetch_${name}${suffix}`, 1, arith(op, 'old', order, true));
      def(`atomic_${name}_return${suffix}`, 1, arith(op, 'new', order, true));
    }
    def(`atomic_add_negative${suffix}`, 2, arith('add', 'new', order, false, 'negative'));
  }
  def('atomic_sub_and_test', 2, arith('sub', 'new', 'full', false, 'zero'));
  def('atomic_dec_and_test', 1, arith('sub', 'new', 'full', true, 'zero'));
  def('atomic_inc_and_test', 1, arith('add', 'new', 'full', true, 'zero'));
  // herd7 built-in (not in linux-kernel.def): atomic_add_unless(v, a, u).
  def('atomic_add_unless', 3, ([x, a, u], fn, pos) => ({ value: { kind: 'rmw', op: 'add_unless', order: 'full', addr: x!, operand: a!, unless: u!, fn, pos } }));

  // Spinlocks.
  def('spin_lock', 1, ([l], fn, pos) => ({ stmt: { kind: 'spin', op: 'lock', lock: l!, fn, pos } }));
  def('spin_unlock', 1, ([l], fn, pos) => ({ stmt: { kind: 'spin', op: 'unlock', lock: l!, fn, pos } }));
  def('spin_trylock', 1, ([l], fn, pos) => ({ value: { kind: 'spin-query', op: 'trylock', lock: l!, fn, pos } }));
  def('spin_is_locked', 1, ([l], fn, pos) => ({ value: { kind: 'spin-query', op: 'is_locked', lock: l!, fn, pos } }));

  // RCU and SRCU.
  def('rcu_read_lock', 0, (_a, fn, pos) => ({ stmt: { kind: 'rcu', op: 'read_lock', fn, pos } }));
  def('rcu_read_unlock', 0, (_a, fn, pos) => ({ stmt: { kind: 'rcu', op: 'read_unlock', fn, pos } }));
  for (const name of ['synchronize_rcu', 'synchronize_rcu_expedited']) def(name, 0, (_a, fn, pos) => ({ stmt: { kind: 'sync', flavor: 'rcu', srcu: null, fn, pos } }));
  for (const name of ['synchronize_srcu', 'synchronize_srcu_expedited']) def(name, 1, ([s], fn, pos) => ({ stmt: { kind: 'sync', flavor: 'srcu', srcu: s!, fn, pos } }));
  def('srcu_read_lock', 1, ([s], fn, pos) => ({ value: { kind: 'srcu-lock', op: 'read_lock', srcu: s!, fn, pos } }));
  def('srcu_down_read', 1, ([s], fn, pos) => ({ value: { kind: 'srcu-lock', op: 'down_read', srcu: s!, fn, pos } }));
  def('srcu_read_unlock', 2, ([s, i], fn, pos) => ({ stmt: { kind: 'srcu-unlock', op: 'read_unlock', srcu: s!, index: i!, fn, pos } }));
  def('srcu_up_read', 2, ([s, i], fn, pos) => ({ stmt: { kind: 'srcu-unlock', op: 'up_read', srcu: s!, index: i!, fn, pos } }));
  return t;
}

export const PRIMITIVES: ReadonlyMap<string, Prim> = table();
