import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CACHES,
  computeLayout,
  DEFAULT_LAYOUT_CONFIG,
  handleCache,
  handleGen,
  handleSlot,
  HEADER_WORDS,
  layoutHash,
  makeHandle,
  TASK_WORDS,
} from '../src/runtime/kernel/layout.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';

test('regions are laid out in order and do not overlap', () => {
  const L = computeLayout(DEFAULT_LAYOUT_CONFIG);
  assert.ok(L.tasks >= HEADER_WORDS);
  assert.ok(L.executors >= L.tasks + DEFAULT_LAYOUT_CONFIG.maxTasks * TASK_WORDS);
  assert.ok(L.rings >= L.executors);
  assert.ok(L.schedLog >= L.rings + DEFAULT_LAYOUT_CONFIG.maxTasks * L.ringStride);
  let end = L.schedLog;
  for (const c of L.caches) {
    assert.ok(c.ctl >= end, `cache ${c.spec.name} overlaps`);
    end = c.base + c.stride * c.spec.capacity;
  }
  assert.ok(L.scenario >= end);
  assert.ok(L.failMsgByte / 4 >= L.scenario + DEFAULT_LAYOUT_CONFIG.scenarioWords);
  assert.ok(L.totalWords * 4 >= L.failMsgByte);
});

test('the layout hash is stable and changes with the shape', () => {
  const a = layoutHash(DEFAULT_LAYOUT_CONFIG);
  assert.is(layoutHash({ ...DEFAULT_LAYOUT_CONFIG }), a);
  assert.is.not(layoutHash({ ...DEFAULT_LAYOUT_CONFIG, maxTasks: DEFAULT_LAYOUT_CONFIG.maxTasks + 1 }), a);
  assert.is(computeLayout(DEFAULT_LAYOUT_CONFIG).hash, a);
});

test('cache ids are unique and handles round-trip', () => {
  const ids = new Set(CACHES.map((c) => c.id));
  assert.is(ids.size, CACHES.length);
  for (const c of CACHES) {
    const h = makeHandle(c.id, 77, c.capacity - 1);
    assert.ok(h > 0);
    assert.is(handleCache(h), c.id);
    assert.is(handleGen(h), 77);
    assert.is(handleSlot(h), c.capacity - 1);
  }
});

test('memory carries a versioned header that workers verify', () => {
  const mem = KernelMemory.create(DEFAULT_LAYOUT_CONFIG);
  mem.verify();
  const other = new KernelMemory(mem.sab, { ...DEFAULT_LAYOUT_CONFIG, ringEvents: 16 });
  assert.throws(() => other.verify(), /layout mismatch/);
});

test.run();
