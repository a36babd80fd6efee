import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../src/subsystems/index.js';
import {
  computeLayout,
  CORE_HEADER_WORDS,
  CORE_TASK_WORDS,
  DEFAULT_LAYOUT_CONFIG,
  EXEC_WORDS,
  kNrRunning,
  kSeq,
  kSpinners,
  kWaitTicket,
  LINE_WORDS,
  T_PARK,
  T_STATE,
  T_WAIT_KIND,
  T_WAIT_OBJ,
  T_WAIT_TICKET,
  handleCache,
  handleGen,
  handleSlot,
  makeHandle,
  type LayoutConfig,
} from '../src/runtime/kernel/layout.js';
import { KernelMemory } from '../src/runtime/kernel/memory.js';
import { registeredSubsystems } from '../src/runtime/kernel/subsystem.js';

// The built-in subsystems only: the toy below registers later and is added by hand.
const CONFIG: LayoutConfig = { ...DEFAULT_LAYOUT_CONFIG, subsystems: registeredSubsystems() };
const { toy } = await import('./fixtures/layout-toy.js');

test('regions are laid out in order and do not overlap', () => {
  const L = computeLayout(CONFIG);
  assert.ok(L.headerWords >= CORE_HEADER_WORDS);
  assert.ok(L.taskWords >= CORE_TASK_WORDS);
  assert.ok(L.tasks >= L.headerWords);
  assert.ok(L.executors >= L.tasks + CONFIG.maxTasks * L.taskWords);
  assert.ok(L.rings >= L.executors);
  assert.ok(L.schedLog >= L.rings + CONFIG.maxTasks * L.ringStride);
  let end = L.schedLog;
  for (const c of L.caches) {
    assert.ok(c.ctl >= end, `cache ${c.spec.name} overlaps`);
    end = c.base + c.stride * c.spec.capacity;
  }
  assert.ok(L.scenario >= end);
  assert.ok(L.failMsgByte / 4 >= L.scenario + CONFIG.scenarioWords);
  assert.ok(L.totalWords * 4 >= L.failMsgByte);
});

test('task and executor records start on cache lines; a wake-up touches one line of each', () => {
  const L = computeLayout(CONFIG);
  const line = (w: number): number => Math.floor(w / LINE_WORDS);
  assert.is(L.tasks % LINE_WORDS, 0);
  assert.is(L.taskWords % LINE_WORDS, 0);
  assert.ok(L.taskWords - L.taskUsedWords < LINE_WORDS);
  assert.is(L.executors % LINE_WORDS, 0);
  assert.is(EXEC_WORDS % LINE_WORDS, 0);
  // What the waker reads and writes of its wakee, which the wakee spins on (sched.ts).
  const wake = [T_STATE, T_PARK, T_WAIT_KIND, T_WAIT_OBJ, T_WAIT_TICKET].map(line);
  assert.equal(new Set(wake).size, 1);
  // The counters every park, wake-up and yield point writes.
  assert.equal(new Set([kSeq, kNrRunning, kSpinners, kWaitTicket].map(line)).size, 1);
});

test('kernel memory is a SharedArrayBuffer covering the layout', () => {
  const mem = KernelMemory.create(CONFIG);
  assert.ok(mem.sab instanceof SharedArrayBuffer);
  assert.ok(mem.sab.byteLength >= mem.L.totalWords * 4);
  assert.is(Atomics.add(mem.i32, mem.L.totalWords - 1, 1), 0);
});

test('the layout hash is stable and changes with the shape', () => {
  const a = computeLayout(CONFIG).hash;
  assert.is(computeLayout({ ...CONFIG }).hash, a);
  assert.is.not(computeLayout({ ...CONFIG, maxTasks: CONFIG.maxTasks + 1 }).hash, a);
  assert.is.not(computeLayout({ ...CONFIG, subsystems: CONFIG.subsystems.slice(1) }).hash, a);
});

test('a subsystem slice is placed after the core and covered by the hash', () => {
  const before = computeLayout(CONFIG);
  const cfg: LayoutConfig = { ...CONFIG, subsystems: [...CONFIG.subsystems, { name: toy.name, url: toy.decl.url }] };
  const L = computeLayout(cfg);
  assert.is.not(L.hash, before.hash);
  assert.is(L.taskUsedWords, before.taskUsedWords + 3);
  assert.is(toy.task.held, before.taskUsedWords);
  assert.is(toy.task.nesting, before.taskUsedWords + 1);
  assert.ok(L.taskWords >= L.taskUsedWords && L.taskWords % LINE_WORDS === 0);
  assert.is(toy.global.seq, before.headerWords);
  const c = L.cacheById[toy.cache.toy_obj]!;
  assert.is(c.spec.name, 'toy_obj');
  assert.is(c.spec.capacity, 4);
  computeLayout(CONFIG); // put the built-in placement back for later tests in this process
});

test('cache ids are unique and handles round-trip', () => {
  const L = computeLayout(CONFIG);
  const ids = new Set(L.caches.map((c) => c.spec.id));
  assert.is(ids.size, L.caches.length);
  for (const c of L.caches) {
    const h = makeHandle(c.spec.id, 77, c.spec.capacity - 1);
    assert.ok(h > 0);
    assert.is(handleCache(h), c.spec.id);
    assert.is(handleGen(h), 77);
    assert.is(handleSlot(h), c.spec.capacity - 1);
  }
});

test('memory carries a versioned header that workers verify', () => {
  const mem = KernelMemory.create(CONFIG);
  mem.verify();
  const other = new KernelMemory(mem.sab, { ...CONFIG, ringEvents: 16 });
  assert.throws(() => other.verify(), /layout mismatch/);
});

test.run();
