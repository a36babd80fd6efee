/**
 * The small KASAN: each misuse is a classified failure (kind kasan), both
 * when called directly and when a simulated task does it inside a run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FailKind } from '../src/runtime/kernel/constants.js';
import { KernelFailure } from '../src/runtime/kernel/errors.js';
import { Kernel } from '../src/runtime/kernel/kernel.js';
import { CACHE, DEFAULT_LAYOUT_CONFIG, kFailSet, kNextSlot } from '../src/runtime/kernel/layout.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { deref, failNthAlloc, findLeaks, kfree, kget, kmemCacheAlloc, kput, ld, refcount } from '../src/runtime/kernel/slab.js';
import { label } from '../src/runtime/kernel/labels.js';
import { registeredSubsystems } from '../src/runtime/kernel/subsystem.js';
import { fixtureUrl, run } from './helpers.js';

/**
 * A main-thread Kernel laid out as every run is: with the subsystems this
 * thread has registered (their cred blobs included). A layout without them
 * left the cred release hooks (registered by the imports above, e.g.
 * Landlock's) reading their blob at offsets placed by whichever layout this
 * thread computed last: the result depended on which test file ran before.
 */
function fresh(): Kernel {
  const mem = KernelMemory.create({ ...DEFAULT_LAYOUT_CONFIG, subsystems: registeredSubsystems() });
  mem.resetIteration();
  mem.i32[kNextSlot] = 1;
  return new Kernel(mem, true);
}

function kasanOf(f: () => void): KernelFailure {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelFailure) return e;
    throw e;
  }
  throw new Error('expected a KASAN report');
}

const L = label('test:slab');

test('alloc gives refcount 1 and zeroed payload; put to zero frees', () => {
  const k = fresh();
  const h = kmemCacheAlloc(k, CACHE.cred);
  assert.is(refcount(k, h), 1);
  assert.is(ld(k, h, 0, L), 0);
  kget(k, h);
  assert.is(refcount(k, h), 2);
  kput(k, h);
  kput(k, h);
  assert.is(findLeaks(k).length, 0);
});

test('use-after-free through a stale handle is caught', () => {
  const k = fresh();
  const h = kmemCacheAlloc(k, CACHE.cred);
  kput(k, h);
  const again = kmemCacheAlloc(k, CACHE.cred); // the same slot, a new generation
  assert.is.not(again, h);
  const e = kasanOf(() => ld(k, h, 0, L));
  assert.is(e.kind, FailKind.KASAN);
  assert.match(e.message, /use-after-free/);
  assert.is(k.i32[kFailSet], 1);
});

test('double free is caught', () => {
  const k = fresh();
  const h = kmemCacheAlloc(k, CACHE.kobj);
  kfree(k, h);
  const e = kasanOf(() => kfree(k, h));
  assert.match(e.message, /double free/);
});

test('refcount underflow is caught', () => {
  const k = fresh();
  const h = kmemCacheAlloc(k, CACHE.kobj);
  const a = deref(k, h);
  Atomics.store(k.i32, a - 2, 0); // S_REF: force the count to zero while the object is live
  const e = kasanOf(() => kput(k, h));
  assert.match(e.message, /underflow/);
});

test('objects still allocated are reported as leaks, with their allocation site', () => {
  const k = fresh();
  kmemCacheAlloc(k, CACHE.cred, label('test:leaky-site'));
  const leaks = findLeaks(k);
  assert.is(leaks.length, 1);
  assert.is(leaks[0]!.cache, 'cred');
  assert.is(leaks[0]!.site, 'test:leaky-site');
});

test('fault injection fails the n-th allocation', () => {
  const k = fresh();
  failNthAlloc(k, CACHE.cred, 2);
  assert.ok(kmemCacheAlloc(k, CACHE.cred) !== 0);
  assert.is(kmemCacheAlloc(k, CACHE.cred), 0);
  assert.ok(kmemCacheAlloc(k, CACHE.cred) !== 0);
});

for (const variant of ['uaf', 'double-free', 'underflow', 'leak']) {
  test(`a task that commits ${variant} fails the iteration as kasan (parallel and controlled)`, async () => {
    for (const mode of ['parallel', 'controlled'] as const) {
      const r = await run({ scenario: fixtureUrl('kasan'), variant, mode, iterations: 3, stopOnFailure: true });
      assert.is(r.summary.failures, 1, `${variant}/${mode}`);
      assert.is(r.failures[0]!.kind, 'kasan', `${variant}/${mode}: ${r.failures[0]!.message}`);
    }
  });
}

test('the correct variant of the kasan fixture passes', async () => {
  const r = await run({ scenario: fixtureUrl('kasan'), variant: 'clean', iterations: 20 });
  assert.is(r.summary.failures, 0, r.failures[0]?.message);
});

test.run();
