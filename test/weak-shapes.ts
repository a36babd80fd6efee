/**
 * Litmus shapes encoded by hand for the weak model's tests and
 * scripts/weak-shapes.mjs: the shapes of the Linux kernel's
 * tools/memory-model/litmus-tests (same names), and classic shapes beyond
 * them. `lkmm` is the verdict herd7 gives with linux-kernel.cat (each kernel
 * test states it in its `Result:` line); the tests also recompute it with the
 * axiomatic checker (src/runtime/memory/lkmm.ts). `deps` is what the
 * encoding's loads order through dependencies (none, control/data to
 * stores, or address to everything), which the checker then assumes.
 *
 * Approximations, where the op language has no equivalent: spin_is_locked()
 * is a READ_ONCE() of the lock word; MP+onceassign+derefonce dereferences a
 * fixed location (only the branch the `exists` clause names matters), and
 * rcu_dereference() is an acquiring load as in lockstep; dep+plain folds
 * its plain temporaries z1, z2 into the register.
 */
import type { Deps } from '../src/runtime/memory/lkmm.js';
import type { FenceName, Op, OrderName, Program, RmwFn } from '../src/runtime/memory/weak/enumerate.js';

export interface Shape {
  readonly name: string;
  /** One of the 43 kernel litmus tests' shapes. */
  readonly kernel: boolean;
  readonly prog: Program;
  readonly exists: Readonly<Record<string, number>>;
  readonly lkmm: 'Never' | 'Sometimes';
  readonly deps: Deps;
}

const X = 0, Y = 1, Z = 2, S = 3, T = 4; // prettier-ignore
const LOCS = ['x', 'y', 'z', 's', 't'];
const st = (loc: number, val: number): Op => ({ op: 'st', loc, val });
const rel = (loc: number, val: number): Op => ({ op: 'st', loc, val, kind: 'release' });
const ld = (loc: number, reg: string): Op => ({ op: 'ld', loc, reg });
const acq = (loc: number, reg: string): Op => ({ op: 'ld', loc, reg, kind: 'acquire' });
const f = (name: FenceName): Op => ({ op: 'fence', f: name });
const lock = (loc: number): Op => ({ op: 'lock', loc });
const unlock = (loc: number): Op => ({ op: 'unlock', loc });
const rmw = (loc: number, fn: RmwFn, arg: number, order: OrderName, reg?: string): Op => ({ op: 'rmw', loc, fn, arg, order, ...(reg ? { reg } : {}) });
const stIf = (loc: number, val: number, reg: string, eq: number): Op => ({ op: 'st', loc, val, if: { reg, eq } });
const mb = f('mb');

function shape(name: string, kernel: boolean, lkmm: 'Never' | 'Sometimes', threads: Op[][], exists: Record<string, number>, deps: Deps = 'none'): Shape {
  const used = Math.max(...threads.flat().map((o) => ('loc' in o ? o.loc : 0))) + 1;
  return { name, kernel, lkmm, deps, exists, prog: { locs: LOCS.slice(0, used), threads } };
}

const sb = (a: Op[], b: Op[]): Op[][] => [[st(X, 1), ...a, ld(Y, 'r0')], [st(Y, 1), ...b, ld(X, 'r0')]];
const SB0 = { '0:r0': 0, '1:r0': 0 };
const mp = (w: Op[], r: Op[], wy: Op = st(Y, 1), ry: Op = ld(Y, 'r0')): Op[][] => [[st(X, 1), ...w, wy], [ry, ...r, ld(X, 'r1')]];
const MP = { '1:r0': 1, '1:r1': 0 };
const iriw = (mid: Op[]): Op[][] => [[st(X, 1)], [ld(X, 'r0'), ...mid, ld(Y, 'r1')], [st(Y, 1)], [ld(Y, 'r0'), ...mid, ld(X, 'r1')]];
const IRIW = { '1:r0': 1, '1:r1': 0, '3:r0': 1, '3:r1': 0 };
const r = (a: Op[], b: Op[]): Op[][] => [[st(X, 1), ...a, st(Y, 1)], [st(Y, 2), ...b, ld(X, 'r0')]];
const R = { y: 2, '1:r0': 0 };
const s = (a: Op[], ry: Op): Op[][] => [[st(X, 2), ...a, st(Y, 1)], [ry, st(X, 1)]];
const Sx = { x: 2, '1:r0': 1 };
const WRC = { '1:r0': 1, '2:r0': 1, '2:r1': 0 };
const LB = { '0:r0': 1, '1:r0': 1 };
const Z6 = { '1:r0': 1, z: 2, '2:r1': 0 };
const ISA2 = { '1:r0': 1, '2:r0': 1, '2:r1': 0 };

export const SHAPES: readonly Shape[] = [
  // ----- the kernel's 43 (tools/memory-model/litmus-tests) --------------------------------
  shape('CoRR+poonceonce+Once', true, 'Never', [[st(X, 1)], [ld(X, 'r0'), ld(X, 'r1')]], { '1:r0': 1, '1:r1': 0 }),
  shape('CoRW+poonceonce+Once', true, 'Never', [[ld(X, 'r0'), st(X, 1)], [st(X, 2)]], { x: 2, '0:r0': 2 }),
  shape('CoWR+poonceonce+Once', true, 'Never', [[st(X, 1), ld(X, 'r0')], [st(X, 2)]], { x: 1, '0:r0': 2 }),
  shape('CoWW+poonceonce', true, 'Never', [[st(X, 1), st(X, 2)]], { x: 1 }),
  shape('IRIW+fencembonceonces+OnceOnce', true, 'Never', iriw([mb]), IRIW),
  shape('IRIW+mbonceonces+OnceOnce', true, 'Never', iriw([mb]), IRIW),
  shape('IRIW+poonceonces+OnceOnce', true, 'Sometimes', iriw([]), IRIW),
  shape('ISA2+pooncelock+pooncelock+pombonce', true, 'Never', [
    [lock(S), st(X, 1), st(Y, 1), unlock(S)],
    [lock(S), ld(Y, 'r0'), st(Z, 1), unlock(S)],
    [ld(Z, 'r0'), mb, ld(X, 'r1')],
  ], { '1:r0': 1, '2:r0': 1, '2:r1': 0 }),
  shape('ISA2+poonceonces', true, 'Sometimes', [[st(X, 1), st(Y, 1)], [ld(Y, 'r0'), st(Z, 1)], [ld(Z, 'r0'), ld(X, 'r1')]], ISA2),
  shape('ISA2+pooncerelease+poacquirerelease+poacquireonce', true, 'Never', [[st(X, 1), rel(Y, 1)], [acq(Y, 'r0'), rel(Z, 1)], [acq(Z, 'r0'), ld(X, 'r1')]], ISA2),
  shape('LB+ctrlonceonce+mbonceonce', true, 'Never', [[ld(X, 'r0'), stIf(Y, 1, 'r0', 1)], [ld(Y, 'r0'), mb, st(X, 1)]], LB, 'ctrl'),
  shape('LB+fencembonceonce+ctrlonceonce', true, 'Never', [[ld(X, 'r0'), stIf(Y, 1, 'r0', 1)], [ld(Y, 'r0'), mb, st(X, 1)]], LB, 'ctrl'),
  shape('LB+poacquireonce+pooncerelease', true, 'Never', [[ld(X, 'r0'), rel(Y, 1)], [acq(Y, 'r0'), st(X, 1)]], LB),
  shape('LB+poonceonces', true, 'Sometimes', [[ld(X, 'r0'), st(Y, 1)], [ld(Y, 'r0'), st(X, 1)]], LB),
  shape('LB+unlocklockonceonce+poacquireonce', true, 'Never', [
    [lock(S), ld(X, 'r0'), unlock(S), lock(T), st(Y, 1), unlock(T)],
    [acq(Y, 'r0'), st(X, 1)],
  ], LB),
  shape('MP+fencewmbonceonce+fencermbonceonce', true, 'Never', mp([f('wmb')], [f('rmb')]), MP),
  shape('MP+onceassign+derefonce', true, 'Never', mp([], [], rel(Y, 1), acq(Y, 'r0')), MP, 'addr'),
  shape('MP+polockmbonce+poacquiresilsil', true, 'Never', [
    [lock(S), f('after-spinlock'), st(X, 1), unlock(S)],
    [acq(X, 'r1'), ld(S, 'r2'), ld(S, 'r3')],
  ], { '1:r1': 1, '1:r2': 0, '1:r3': 1 }),
  shape('MP+polockonce+poacquiresilsil', true, 'Sometimes', [
    [lock(S), st(X, 1), unlock(S)],
    [acq(X, 'r1'), ld(S, 'r2'), ld(S, 'r3')],
  ], { '1:r1': 1, '1:r2': 0, '1:r3': 1 }),
  shape('MP+polocks', true, 'Never', [
    [st(X, 1), lock(S), st(Y, 1), unlock(S)],
    [lock(S), ld(Y, 'r0'), unlock(S), ld(X, 'r1')],
  ], MP),
  shape('MP+poonceonces', true, 'Sometimes', mp([], []), MP),
  shape('MP+pooncerelease+poacquireonce', true, 'Never', mp([], [], rel(Y, 1), acq(Y, 'r0')), MP),
  shape('MP+porevlocks', true, 'Never', [
    [ld(Y, 'r0'), lock(S), ld(X, 'r1'), unlock(S)],
    [lock(S), st(X, 1), unlock(S), st(Y, 1)],
  ], { '0:r0': 1, '0:r1': 0 }),
  shape('MP+unlocklockonceonce+fencermbonceonce', true, 'Never', [
    [lock(S), st(X, 1), unlock(S), lock(T), st(Y, 1), unlock(T)],
    [ld(Y, 'r0'), f('rmb'), ld(X, 'r1')],
  ], MP),
  shape('MP+wmbonceonce+rmbonceonce', true, 'Never', mp([f('wmb')], [f('rmb')]), MP),
  shape('R+fencembonceonces', true, 'Never', r([mb], [mb]), R),
  shape('R+mbonceonces', true, 'Never', r([mb], [mb]), R),
  shape('R+poonceonces', true, 'Sometimes', r([], []), R),
  shape('S+fencewmbonceonce+poacquireonce', true, 'Never', s([f('wmb')], acq(Y, 'r0')), Sx),
  shape('S+poonceonces', true, 'Sometimes', s([], ld(Y, 'r0')), Sx),
  shape('S+wmbonceonce+poacquireonce', true, 'Never', s([f('wmb')], acq(Y, 'r0')), Sx),
  shape('SB+fencembonceonces', true, 'Never', sb([mb], [mb]), SB0),
  shape('SB+mbonceonces', true, 'Never', sb([mb], [mb]), SB0),
  shape('SB+poonceonces', true, 'Sometimes', sb([], []), SB0),
  shape('SB+rfionceonce-poonceonces', true, 'Sometimes', [[st(X, 1), ld(X, 'r1'), ld(Y, 'r2')], [st(Y, 1), ld(Y, 'r3'), ld(X, 'r4')]], { '0:r2': 0, '1:r4': 0 }),
  shape('WRC+poonceonces+Once', true, 'Sometimes', [[st(X, 1)], [ld(X, 'r0'), st(Y, 1)], [ld(Y, 'r0'), ld(X, 'r1')]], WRC),
  shape('WRC+pooncerelease+fencermbonceonce+Once', true, 'Never', [[st(X, 1)], [ld(X, 'r0'), rel(Y, 1)], [ld(Y, 'r0'), f('rmb'), ld(X, 'r1')]], WRC),
  shape('WRC+pooncerelease+rmbonceonce+Once', true, 'Never', [[st(X, 1)], [ld(X, 'r0'), rel(Y, 1)], [ld(Y, 'r0'), f('rmb'), ld(X, 'r1')]], WRC),
  shape('Z6.0+pooncelock+poonceLock+pombonce', true, 'Never', [
    [lock(S), st(X, 1), st(Y, 1), unlock(S)],
    [lock(S), f('after-spinlock'), ld(Y, 'r0'), st(Z, 1), unlock(S)],
    [st(Z, 2), mb, ld(X, 'r1')],
  ], Z6),
  shape('Z6.0+pooncelock+pooncelock+pombonce', true, 'Sometimes', [
    [lock(S), st(X, 1), st(Y, 1), unlock(S)],
    [lock(S), ld(Y, 'r0'), st(Z, 1), unlock(S)],
    [st(Z, 2), mb, ld(X, 'r1')],
  ], Z6),
  shape('Z6.0+pooncerelease+poacquirerelease+fencembonceonce', true, 'Sometimes', [[st(X, 1), rel(Y, 1)], [acq(Y, 'r0'), rel(Z, 1)], [st(Z, 2), mb, ld(X, 'r1')]], Z6),
  shape('Z6.0+pooncerelease+poacquirerelease+mbonceonce', true, 'Sometimes', [[st(X, 1), rel(Y, 1)], [acq(Y, 'r0'), rel(Z, 1)], [st(Z, 2), mb, ld(X, 'r1')]], Z6),
  shape('dep+plain', true, 'Never', [
    [ld(X, 'r0'), { op: 'st', loc: Y, val: 1, if: { reg: 'r0', eq: 1 } }],
    [acq(Y, 'r0'), { op: 'st', loc: X, val: { reg: 'r0' }, kind: 'release' }],
  ], { x: 1, y: 1 }, 'ctrl'),

  // ----- further shapes ---------------------------------------------------------------------
  shape('MP+wmb', false, 'Sometimes', mp([f('wmb')], []), MP),
  shape('MP+rmb', false, 'Sometimes', mp([], [f('rmb')]), MP),
  shape('MP+wmb+addr', false, 'Never', mp([f('wmb')], []), MP, 'addr'),
  shape('MP+release+once', false, 'Sometimes', mp([], [], rel(Y, 1)), MP),
  shape('MP+mbs', false, 'Never', mp([mb], [mb]), MP),
  shape('SB+mb+once', false, 'Sometimes', sb([mb], []), SB0),
  shape('SB+release+acquire', false, 'Sometimes', [[rel(X, 1), acq(Y, 'r0')], [rel(Y, 1), acq(X, 'r0')]], SB0),
  shape('SB+full-xchg', false, 'Never', [[rmw(X, 'xchg', 1, 'full'), ld(Y, 'r0')], [rmw(Y, 'xchg', 1, 'full'), ld(X, 'r0')]], SB0),
  shape('SB+relaxed-xchg', false, 'Sometimes', [[rmw(X, 'xchg', 1, 'relaxed'), ld(Y, 'r0')], [rmw(Y, 'xchg', 1, 'relaxed'), ld(X, 'r0')]], SB0),
  shape('SB+before-atomic', false, 'Never', [
    [st(X, 1), f('before-atomic'), rmw(Z, 'add', 1, 'relaxed'), ld(Y, 'r0')],
    [st(Y, 1), f('before-atomic'), rmw(Z, 'add', 1, 'relaxed'), ld(X, 'r0')],
  ], SB0),
  shape('SB+after-atomic', false, 'Never', [
    [rmw(X, 'add', 1, 'relaxed'), f('after-atomic'), ld(Y, 'r0')],
    [rmw(Y, 'add', 1, 'relaxed'), f('after-atomic'), ld(X, 'r0')],
  ], SB0),
  shape('SB+unlock-lock+after-unlock-lock', false, 'Never', [
    [lock(S), st(X, 1), unlock(S), lock(S), f('after-unlock-lock'), ld(Y, 'r0'), unlock(S)],
    [st(Y, 1), mb, ld(X, 'r0')],
  ], SB0),
  shape('IRIW+rmbs', false, 'Sometimes', iriw([f('rmb')]), IRIW),
  shape('IRIW+acquires', false, 'Sometimes', [[st(X, 1)], [acq(X, 'r0'), ld(Y, 'r1')], [st(Y, 1)], [acq(Y, 'r0'), ld(X, 'r1')]], IRIW),
  shape('WRC+release+acquire', false, 'Never', [[st(X, 1)], [ld(X, 'r0'), rel(Y, 1)], [acq(Y, 'r0'), ld(X, 'r1')]], WRC),
  shape('WRC+wmb+rmb', false, 'Sometimes', [[st(X, 1)], [ld(X, 'r0'), f('wmb'), st(Y, 1)], [ld(Y, 'r0'), f('rmb'), ld(X, 'r1')]], WRC),
  shape('WRC+mb+rmb', false, 'Never', [[st(X, 1)], [ld(X, 'r0'), mb, st(Y, 1)], [ld(Y, 'r0'), f('rmb'), ld(X, 'r1')]], WRC),
  shape('ISA2+wmb+ctrl+rmb', false, 'Sometimes', [[st(X, 1), f('wmb'), st(Y, 1)], [ld(Y, 'r0'), stIf(Z, 1, 'r0', 1)], [ld(Z, 'r0'), f('rmb'), ld(X, 'r1')]], ISA2, 'ctrl'),
  shape('Z6.0+mbs', false, 'Never', [[st(X, 1), mb, st(Y, 1)], [ld(Y, 'r0'), mb, st(Z, 1)], [st(Z, 2), mb, ld(X, 'r1')]], Z6),
  shape('2+2W', false, 'Sometimes', [[st(X, 1), st(Y, 2)], [st(Y, 1), st(X, 2)]], { x: 1, y: 1 }),
  shape('2+2W+mbs', false, 'Never', [[st(X, 1), mb, st(Y, 2)], [st(Y, 1), mb, st(X, 2)]], { x: 1, y: 1 }),
  shape('2+2W+wmbs', false, 'Sometimes', [[st(X, 1), f('wmb'), st(Y, 2)], [st(Y, 1), f('wmb'), st(X, 2)]], { x: 1, y: 1 }),
  shape('RMW atomicity: two atomic_inc', false, 'Never', [[rmw(X, 'add', 1, 'relaxed')], [rmw(X, 'add', 1, 'relaxed')]], { x: 1 }),
  shape('RMW atomicity: cmpxchg race', false, 'Never', [[{ op: 'rmw', loc: X, fn: 'cmpxchg', arg: 1, expect: 0, order: 'full', reg: 'r0' }], [{ op: 'rmw', loc: X, fn: 'cmpxchg', arg: 2, expect: 0, order: 'full', reg: 'r0' }]], { '0:r0': 0, '1:r0': 0 }),
  shape('MP+relaxed-rmw-chain', false, 'Never', [[st(X, 1), rel(Y, 1)], [rmw(Y, 'add', 1, 'relaxed')], [acq(Y, 'r0'), ld(X, 'r1')]], { '2:r0': 2, '2:r1': 0 }),
  shape('RWC', false, 'Sometimes', [[st(X, 1)], [ld(X, 'r0'), ld(Y, 'r1')], [st(Y, 1), ld(X, 'r0')]], { '1:r0': 1, '1:r1': 0, '2:r0': 0 }),
  shape('RWC+mbs', false, 'Never', [[st(X, 1)], [ld(X, 'r0'), mb, ld(Y, 'r1')], [st(Y, 1), mb, ld(X, 'r0')]], { '1:r0': 1, '1:r1': 0, '2:r0': 0 }),
  shape('IRIW+mb+once', false, 'Sometimes', [[st(X, 1)], [ld(X, 'r0'), mb, ld(Y, 'r1')], [st(Y, 1)], [ld(Y, 'r0'), ld(X, 'r1')]], IRIW),
  shape('3.SB+mbs', false, 'Never', [[st(X, 1), mb, ld(Y, 'r0')], [st(Y, 1), mb, ld(Z, 'r0')], [st(Z, 1), mb, ld(X, 'r0')]], { '0:r0': 0, '1:r0': 0, '2:r0': 0 }),
  shape('pb through a control dependency', false, 'Never', [[st(Z, 1), mb, st(Y, 1)], [ld(Y, 'r0'), stIf(X, 1, 'r0', 1)], [ld(X, 'r0'), f('rmb'), ld(Z, 'r1')]], { '1:r0': 1, '2:r0': 1, '2:r1': 0 }, 'ctrl'),
  shape('WWC+release+acquire', false, 'Never', [[st(X, 2)], [ld(X, 'r0'), rel(Y, 1)], [acq(Y, 'r0'), st(X, 1)]], { '1:r0': 2, '2:r0': 1, x: 2 }),
  shape('lock mutual exclusion (lost update)', false, 'Never', [
    [lock(S), ld(X, 'r0'), { op: 'st', loc: X, val: 1 }, unlock(S)],
    [lock(S), ld(X, 'r0'), { op: 'st', loc: X, val: 1 }, unlock(S)],
  ], { '0:r0': 0, '1:r0': 0 }),
];

// ----- random programs (the tests' and scripts/weak-shapes.mjs's differential campaigns) -----------
/** A small deterministic generator (LCG). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) / 0x1000000;
  };
}
const FENCES = ['mb', 'rmb', 'wmb', 'before-atomic', 'after-atomic', 'after-spinlock', 'after-unlock-lock'] as const;
/** A random program of 2-3 threads, 2-3 ops each, over x, y and a lock s. */
export function randomProgram(rnd: () => number, maxThreads = 3): Program {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const T = maxThreads <= 2 || rnd() < 0.7 ? 2 : maxThreads;
  const L = 2;
  let val = 1;
  const threads: Op[][] = [];
  for (let t = 0; t < T; t++) {
    const ops: Op[] = [];
    let r = 0;
    const n = 2 + Math.floor(rnd() * 2);
    for (let i = 0; i < n; i++) {
      const k = rnd();
      const loc = Math.floor(rnd() * L);
      if (k < 0.28) ops.push({ op: 'st', loc, val: val++, ...(rnd() < 0.3 ? { kind: 'release' as const } : {}) });
      else if (k < 0.56) ops.push({ op: 'ld', loc, reg: `r${r++}`, ...(rnd() < 0.3 ? { kind: 'acquire' as const } : {}) });
      else if (k < 0.7) {
        const fn = pick(['add', 'xchg', 'cmpxchg'] as const);
        ops.push({ op: 'rmw', loc, fn, arg: fn === 'add' ? 1 : val++, expect: 0, order: pick(['relaxed', 'acquire', 'release', 'full'] as const), reg: `r${r++}` });
      } else if (k < 0.86) ops.push({ op: 'fence', f: pick(FENCES) });
      else ops.push({ op: 'lock', loc: L }, rnd() < 0.5 ? { op: 'st', loc, val: val++ } : { op: 'ld', loc, reg: `r${r++}` }, { op: 'unlock', loc: L });
    }
    threads.push(ops);
  }
  return { locs: ['x', 'y', 's'], threads };
}

