/**
 * One litmus process, run as a simulated task on the runtime's own code:
 * shared accesses go through the accessor layer with the kind the test
 * names (READ_ONCE is loadOnce, smp_load_acquire loadAcquire, xchg_relaxed
 * xchg with Order.RELAXED ...), each after a yield point so that every
 * interleaving of them can be explored; spin_lock is lockstep's spinlock,
 * srcu_* lockstep's Tree SRCU (subsystems/srcu) and rcu_* lockstep's RCU
 * (subsystems/rcu). Register arithmetic is local and is no step.
 */
import {
  cmpxchg,
  fetchAdd,
  fetchAnd,
  fetchOr,
  label,
  loadAcquire,
  loadOnce,
  loadPlain,
  Order,
  smpMb,
  smpMbAfterAtomic,
  smpMbAfterSpinlock,
  smpMbAfterUnlockLock,
  smpMbBeforeAtomic,
  smpRmb,
  smpWmb,
  spinIsLocked,
  spinLock,
  spinTrylock,
  spinUnlock,
  storeOnce,
  storePlain,
  storeRelease,
  xchg,
  type Kernel,
} from '../../runtime/index.js';
import type { OrderT } from '../../runtime/kernel/access.js';
import { rcuReadLock, rcuReadUnlock, synchronizeRcu } from '../../subsystems/rcu/index.js';
import { srcuDownRead, srcuReadLock, srcuReadUnlock, srcuUpRead, synchronizeSrcu } from '../../subsystems/srcu/index.js';
import type { Expr, FenceKind, RmwOrder, Stmt } from '../../litmus/index.js';
import { PTR_TAG, type LitmusProgram } from './program.js';

const L_ACCESS = label('litmus:access');

const ORDER: Readonly<Record<RmwOrder, OrderT>> = { relaxed: Order.RELAXED, acquire: Order.ACQUIRE, release: Order.RELEASE, full: Order.FULL };

export interface ProcessEnv {
  readonly k: Kernel;
  readonly prog: LitmusProgram;
  /** Address of shared location i's word. */
  mem(i: number): number;
  /** Address of the lock or srcu_struct that shared location i is. */
  obj(i: number): number;
  /** The process's registers. */
  readonly regs: Map<string, number>;
}

/** Run the statements of a process body. */
export function exec(env: ProcessEnv, body: readonly Stmt[]): void {
  for (const s of body) stmt(env, s);
}

function stmt(env: ProcessEnv, s: Stmt): void {
  const k = env.k;
  switch (s.kind) {
    case 'decl':
      env.regs.set(s.name, s.init ? expr(env, s.init) : (env.regs.get(s.name) ?? 0));
      return;
    case 'assign':
      env.regs.set(s.reg, expr(env, s.value));
      return;
    case 'store': {
      const a = word(env, s.addr);
      const v = expr(env, s.value);
      k.yieldPoint(L_ACCESS, a);
      if (s.order === 'release') storeRelease(k, a, v);
      else if (s.order === 'once') storeOnce(k, a, v);
      else storePlain(k, a, v);
      return;
    }
    case 'store-mb': {
      const a = word(env, s.addr);
      const v = expr(env, s.value);
      k.yieldPoint(L_ACCESS, a);
      storeOnce(k, a, v);
      smpMb(k);
      return;
    }
    case 'fence':
      fence(k, s.fence);
      return;
    case 'spin':
      if (s.op === 'lock') spinLock(k, object(env, s.lock));
      else spinUnlock(k, object(env, s.lock));
      return;
    case 'rcu':
      if (s.op === 'read_lock') rcuReadLock(k);
      else rcuReadUnlock(k);
      return;
    case 'srcu-unlock': {
      const ssp = object(env, s.srcu);
      const idx = expr(env, s.index);
      if (s.op === 'up_read') srcuUpRead(k, ssp, idx);
      else srcuReadUnlock(k, ssp, idx);
      return;
    }
    case 'sync':
      if (s.flavor === 'rcu') synchronizeRcu(k);
      else synchronizeSrcu(k, object(env, s.srcu!));
      return;
    case 'eval':
      expr(env, s.expr);
      return;
    case 'if':
      if (expr(env, s.cond) !== 0) exec(env, s.then);
      else if (s.else) exec(env, s.else);
      return;
    case 'block':
      exec(env, s.body);
      return;
  }
}

function fence(k: Kernel, f: FenceKind): void {
  switch (f) {
    case 'mb':
    case 'after-srcu-read-unlock': // smp_mb__after_srcu_read_unlock(): at least a full barrier here
      return smpMb(k);
    case 'rmb':
      return smpRmb(k);
    case 'wmb':
      return smpWmb(k);
    case 'before-atomic':
      return smpMbBeforeAtomic(k);
    case 'after-atomic':
      return smpMbAfterAtomic(k);
    case 'after-spinlock':
      return smpMbAfterSpinlock(k);
    case 'after-unlock-lock':
      return smpMbAfterUnlockLock(k);
    case 'barrier':
      return; // a compiler barrier: nothing at run time
  }
}

/** The shared location an address expression names: its index. */
function target(env: ProcessEnv, e: Expr): number {
  if (e.kind === 'global') {
    const i = env.prog.index.get(e.name);
    if (i === undefined) throw new Error(`litmus: no shared location ${e.name}`);
    return i;
  }
  const v = expr(env, e);
  if ((v & PTR_TAG) === 0 || (v & ~PTR_TAG) >= env.prog.test.globals.length) {
    throw new Error(`litmus ${env.prog.test.name}: dereference of ${v}, which is not a pointer to a shared location`);
  }
  return v & ~PTR_TAG;
}

function word(env: ProcessEnv, e: Expr): number {
  return env.mem(target(env, e));
}

function object(env: ProcessEnv, e: Expr): number {
  return env.obj(target(env, e));
}

function expr(env: ProcessEnv, e: Expr): number {
  const k = env.k;
  switch (e.kind) {
    case 'const':
      return e.value | 0;
    case 'reg':
      return env.regs.get(e.name) ?? 0;
    case 'global': {
      const i = env.prog.index.get(e.name);
      if (i === undefined) throw new Error(`litmus: no shared location ${e.name}`);
      return PTR_TAG | i;
    }
    case 'unary': {
      const v = expr(env, e.arg);
      return e.op === '!' ? (v === 0 ? 1 : 0) : e.op === '-' ? -v | 0 : ~v;
    }
    case 'binary':
      return binary(env, e.op, e.left, e.right);
    case 'load': {
      const a = word(env, e.addr);
      k.yieldPoint(L_ACCESS, a);
      return e.order === 'acquire' ? loadAcquire(k, a) : e.order === 'once' ? loadOnce(k, a) : loadPlain(k, a);
    }
    case 'rmw':
      return rmw(env, e);
    case 'spin-query': {
      const lock = object(env, e.lock);
      if (e.op === 'trylock') return spinTrylock(k, lock) ? 1 : 0;
      k.yieldPoint(L_ACCESS, lock);
      return spinIsLocked(k, lock) ? 1 : 0;
    }
    case 'srcu-lock': {
      const ssp = object(env, e.srcu);
      return e.op === 'down_read' ? srcuDownRead(k, ssp) : srcuReadLock(k, ssp);
    }
  }
}

function binary(env: ProcessEnv, op: string, l: Expr, r: Expr): number {
  if (op === '&&') return expr(env, l) !== 0 && expr(env, r) !== 0 ? 1 : 0;
  if (op === '||') return expr(env, l) !== 0 || expr(env, r) !== 0 ? 1 : 0;
  const a = expr(env, l);
  const b = expr(env, r);
  switch (op) {
    case '+': return (a + b) | 0;
    case '-': return (a - b) | 0;
    case '*': return Math.imul(a, b);
    case '/': return b === 0 ? 0 : (a / b) | 0;
    case '%': return b === 0 ? 0 : a % b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    default: throw new Error(`litmus: operator ${op}`);
  }
}

function rmw(env: ProcessEnv, e: Extract<Expr, { kind: 'rmw' }>): number {
  const k = env.k;
  const a = word(env, e.addr);
  const order = ORDER[e.order];
  switch (e.op) {
    case 'xchg': {
      const v = expr(env, e.value);
      k.yieldPoint(L_ACCESS, a);
      return xchg(k, a, v, order);
    }
    case 'cmpxchg': {
      const old = expr(env, e.expected);
      const v = expr(env, e.value);
      k.yieldPoint(L_ACCESS, a);
      return cmpxchg(k, a, old, v, order);
    }
    case 'add_unless': {
      const d = expr(env, e.operand);
      const u = expr(env, e.unless);
      k.yieldPoint(L_ACCESS, a);
      // One atomic step: no yield point between the read and the update.
      for (;;) {
        const old = loadOnce(k, a);
        if (old === u) return 0;
        if (cmpxchg(k, a, old, (old + d) | 0, order) === old) return 1;
      }
    }
    default: {
      const d = expr(env, e.operand);
      k.yieldPoint(L_ACCESS, a);
      let old: number;
      if (e.op === 'add') old = fetchAdd(k, a, d, order);
      else if (e.op === 'sub') old = fetchAdd(k, a, -d | 0, order);
      else if (e.op === 'or') old = fetchOr(k, a, d, order);
      else if (e.op === 'and') old = fetchAnd(k, a, d, order);
      else if (e.op === 'andnot') old = fetchAnd(k, a, ~d, order);
      else {
        // xor: one atomic step (no yield point inside the retry).
        do old = loadOnce(k, a);
        while (cmpxchg(k, a, old, old ^ d, order) !== old);
      }
      const now = e.op === 'add' ? (old + d) | 0 : e.op === 'sub' ? (old - d) | 0 : e.op === 'or' ? old | d : e.op === 'and' ? old & d : e.op === 'andnot' ? old & ~d : old ^ d;
      if (e.test === 'zero') return now === 0 ? 1 : 0;
      if (e.test === 'negative') return now < 0 ? 1 : 0;
      return e.returns === 'old' ? old : e.returns === 'new' ? now : 0;
    }
  }
}
