/**
 * Slab caches of refcounted kernel objects, with a small KASAN of our own.
 *
 * Objects live in fixed-size slots of a cache region. A handle is
 * [cache id | generation | slot]; freeing an object bumps its slot's
 * generation and fills the payload with POISON, so any later access through
 * the old handle is caught (use-after-free), as are a second free, a
 * refcount that goes below zero, an increment from zero, and (checked by
 * the harness at the end of every iteration) objects still allocated.
 *
 * Allocation is a preemption point (kmalloc may sleep). The cache's own
 * free-list lock is a raw word held for a few instructions and never across
 * a yield point, so it needs no yield point of its own.
 */
import { cmpxchg, fetchAdd, loadOnce, Order, smpRmb, storeOnce } from './access.js';
import { FailKind } from './constants.js';
import { kasan, KernelFailure } from './errors.js';
import type { Kernel } from './kernel.js';
import { label, labelText } from './labels.js';
import {
  C_ALLOCS,
  C_BUMP,
  C_FAIL_AT,
  C_FREE,
  C_LIVE,
  C_LOCK,
  handleCache,
  handleGen,
  handleSlot,
  HANDLE_GEN_MASK,
  makeHandle,
  ObjState,
  POISON,
  S_GEN,
  S_NEXT,
  S_REF,
  S_STATE,
  SLAB_HDR_WORDS,
  type CacheLayout,
} from './layout.js';

type Release = (k: Kernel, h: number) => void;
const releases = new Map<string, Release[]>();

/**
 * Register what happens when an object's last reference is put (e.g. a
 * cred puts its Landlock domain). Keyed by the cache's name (`'cred'`,
 * `'seccomp_filter'`), because a subsystem's cache id exists only once a
 * layout is computed, and this is called at module load. Several subsystems
 * may hook the same cache (they run in registration order).
 */
export function setCacheRelease(cacheName: string, fn: Release): void {
  const list = releases.get(cacheName) ?? [];
  list.push(fn);
  releases.set(cacheName, list);
}

const L_ALLOC = label('kmem_cache_alloc');
const L_GET = label('get');
const L_PUT = label('put');
const L_FREE = label('kfree');

function lockCache(i32: Int32Array, ctl: number): void {
  while (Atomics.compareExchange(i32, ctl + C_LOCK, 0, 1) !== 0) { // lockstep-internal
    // Held for a handful of instructions by a thread that may have been
    // descheduled by the OS: back off briefly rather than burn the core.
    Atomics.wait(i32, ctl + C_LOCK, 1, 0.01);
  }
}
function unlockCache(i32: Int32Array, ctl: number): void {
  Atomics.store(i32, ctl + C_LOCK, 0); // lockstep-internal
  Atomics.notify(i32, ctl + C_LOCK, 1);
}

/**
 * Exploration footprint (footprint.ts): allocating or freeing writes the
 * cache's free list and every word of the object (zeroed or poisoned), which
 * a reader through a stale pointer would see.
 */
function noteObject(k: Kernel, c: CacheLayout, at: number): void {
  const fp = k.fp;
  if (fp === null) return;
  fp.note(c.ctl + C_FREE, true);
  for (let w = at + SLAB_HDR_WORDS; w < at + c.stride; w++) fp.note(w, true);
}

function cacheOf(k: Kernel, cacheId: number): CacheLayout {
  const c = k.L.cacheById[cacheId];
  if (!c) throw new Error(`no slab cache with id ${cacheId}`);
  return c;
}

/**
 * kmem_cache_zalloc(): returns a handle with refcount 1, or 0 when the
 * allocation fails (fault injection: -ENOMEM paths).
 */
export function kmemCacheAlloc(k: Kernel, cacheId: number, lbl = L_ALLOC): number {
  const c = cacheOf(k, cacheId);
  const i32 = k.i32;
  k.yieldPoint(lbl);
  lockCache(i32, c.ctl);
  k.fp?.note(c.ctl + C_FREE, true); // the n-th allocation, the slot it gets: ordered
  const n = ++i32[c.ctl + C_ALLOCS]!;
  if (i32[c.ctl + C_FAIL_AT] === n) {
    unlockCache(i32, c.ctl);
    return 0;
  }
  let slot = i32[c.ctl + C_FREE]!;
  // Only a slot freed in this iteration is checked for writes after free;
  // fresh slots (bump) may hold leftovers of an earlier, aborted iteration.
  const reused = slot >= 0;
  if (slot >= 0) {
    i32[c.ctl + C_FREE] = i32[c.base + slot * c.stride + S_NEXT]!;
  } else {
    slot = i32[c.ctl + C_BUMP]!;
    if (slot >= c.spec.capacity) {
      unlockCache(i32, c.ctl);
      throw k.fail(
        new KernelFailure(FailKind.CRASH, `slab cache ${c.spec.name} exhausted (${c.spec.capacity} objects live)`),
      );
    }
    i32[c.ctl + C_BUMP] = slot + 1;
  }
  i32[c.ctl + C_LIVE]!++;
  unlockCache(i32, c.ctl);
  const at = c.base + slot * c.stride;
  if (reused && loadOnce(k, at + S_STATE) === ObjState.POISONED) {
    // SLUB's "Poison overwritten": someone wrote through a stale pointer after the free.
    const bad = firstUnpoisoned(i32, at, c.stride);
    if (bad >= 0) {
      const field = c.spec.fields[bad] ?? `+${bad}`;
      throw k.fail(kasan(`use-after-free write: ${c.spec.name}#${slot}.${field} was modified after it was freed`));
    }
  }
  let gen = loadOnce(k, at + S_GEN) & HANDLE_GEN_MASK;
  if (gen === 0) gen = 1;
  i32.fill(0, at + SLAB_HDR_WORDS, at + c.stride);
  noteObject(k, c, at);
  storeOnce(k, at + S_GEN, gen);
  storeOnce(k, at + S_REF, 1);
  storeOnce(k, at + S_NEXT, lbl);
  storeOnce(k, at + S_STATE, ObjState.LIVE);
  return makeHandle(c.spec.id, gen, slot);
}

function firstUnpoisoned(i32: Int32Array, at: number, stride: number): number {
  for (let w = SLAB_HDR_WORDS; w < stride; w++) if (i32[at + w] !== POISON) return w - SLAB_HDR_WORDS;
  return -1;
}

/** Describe a handle for reports: "cred#12". */
export function describeHandle(k: Kernel, h: number): string {
  const c = k.L.cacheById[handleCache(h)];
  return c ? `${c.spec.name}#${handleSlot(h)}` : `handle 0x${(h >>> 0).toString(16)}`;
}

function slotAddr(k: Kernel, h: number, what: string): number {
  if (h === 0) throw k.fail(kasan(`NULL dereference: ${what}`));
  const c = k.L.cacheById[handleCache(h)];
  const slot = handleSlot(h);
  if (!c || slot >= c.spec.capacity) throw k.fail(kasan(`wild handle 0x${(h >>> 0).toString(16)}: ${what}`));
  return c.base + slot * c.stride;
}

function checkLive(k: Kernel, h: number, at: number, what: string): void {
  const st = loadOnce(k, at + S_STATE);
  const gen = loadOnce(k, at + S_GEN) & HANDLE_GEN_MASK;
  if (st !== ObjState.LIVE || gen !== handleGen(h)) {
    throw k.fail(kasan(`use-after-free: ${what} through stale handle ${describeHandle(k, h)}`));
  }
}

/** Payload address of a live object (checks the handle; no yield point). */
export function deref(k: Kernel, h: number, what = 'access'): number {
  const at = slotAddr(k, h, what);
  checkLive(k, h, at, what);
  return at + SLAB_HDR_WORDS;
}

/**
 * Load a field of an object: a yield point, then the handle is checked
 * before and after the load (seqlock style), so a free that races with the
 * access between the check and the load is caught too.
 */
export function ld(k: Kernel, h: number, field: number, lbl: number): number {
  k.yieldPoint(lbl);
  const at = slotAddr(k, h, labelText(lbl));
  checkLive(k, h, at, labelText(lbl));
  const v = loadOnce(k, at + SLAB_HDR_WORDS + field);
  checkLive(k, h, at, labelText(lbl));
  return v;
}

export function st(k: Kernel, h: number, field: number, v: number, lbl: number): void {
  k.yieldPoint(lbl);
  const at = slotAddr(k, h, labelText(lbl));
  checkLive(k, h, at, labelText(lbl));
  storeOnce(k, at + SLAB_HDR_WORDS + field, v);
}

/** Plain load without a yield point (harness and invariant checks). */
export function peek(k: Kernel, h: number, field: number): number {
  return loadOnce(k, deref(k, h, 'peek') + field);
}

/**
 * Payload address of a handle without any check (no report, no yield): for
 * the watchdog's resolvers, which run on the harness and must never report.
 */
export function payloadAddr(k: Kernel, h: number): number {
  const c = k.L.cacheById[handleCache(h)];
  if (!c) return -1;
  return c.base + handleSlot(h) * c.stride + SLAB_HDR_WORDS;
}

/**
 * Read a field of an object that another task may free at any moment,
 * without a report: null if the handle is (or went) stale around the load.
 * For walks that the kernel does under a lock lockstep does not take there
 * (wait4's scan runs under read_lock(&tasklist_lock) in the kernel, which
 * keeps release_task() out); whoever acts on the value re-checks under the
 * lock.
 */
export function peekIfLive(k: Kernel, h: number, field: number): number | null {
  if (h === 0) return null;
  const c = k.L.cacheById[handleCache(h)];
  const slot = handleSlot(h);
  if (!c || slot >= c.spec.capacity) return null;
  const at = c.base + slot * c.stride;
  const live = (): boolean => loadOnce(k, at + S_STATE) === ObjState.LIVE && (loadOnce(k, at + S_GEN) & HANDLE_GEN_MASK) === handleGen(h);
  if (!live()) return null;
  const v = loadOnce(k, at + SLAB_HDR_WORDS + field);
  return live() ? v : null;
}

/** Take a reference. Incrementing from zero means the object was already dead. */
export function kget(k: Kernel, h: number, lbl = L_GET): number {
  k.yieldPoint(lbl);
  const at = slotAddr(k, h, 'get');
  checkLive(k, h, at, 'get');
  const old = fetchAdd(k, at + S_REF, 1, Order.RELAXED);
  if (old <= 0) throw k.fail(kasan(`refcount_t: addition on 0 (use-after-free) for ${describeHandle(k, h)}`));
  return h;
}

/**
 * Take a reference only if the object is still live (refcount_inc_not_zero
 * under RCU): false, without a report, when the handle went stale or the
 * count already reached zero. For readers of another task's pointer, which
 * may be replaced and freed at any moment (get_task_cred()).
 */
export function ktryget(k: Kernel, h: number, lbl = L_GET): boolean {
  k.yieldPoint(lbl);
  if (h === 0) return false;
  const c = k.L.cacheById[handleCache(h)];
  const slot = handleSlot(h);
  if (!c || slot >= c.spec.capacity) return false;
  const at = c.base + slot * c.stride;
  for (;;) {
    if (loadOnce(k, at + S_STATE) !== ObjState.LIVE || (loadOnce(k, at + S_GEN) & HANDLE_GEN_MASK) !== handleGen(h)) return false;
    const r = loadOnce(k, at + S_REF);
    if (r <= 0) return false;
    if (cmpxchg(k, at + S_REF, r, r + 1, Order.FULL) === r) {
      // Re-check: the slot may have been freed and reused between the loads and the CAS.
      if ((loadOnce(k, at + S_GEN) & HANDLE_GEN_MASK) === handleGen(h)) return true;
      fetchAdd(k, at + S_REF, -1, Order.RELAXED);
      return false;
    }
  }
}

/** Drop a reference; the last one runs the cache's release hook and frees. */
export function kput(k: Kernel, h: number, lbl = L_PUT): void {
  k.yieldPoint(lbl);
  const at = slotAddr(k, h, 'put');
  // A put on a freed object is the kernel's "refcount_t: underflow; use-after-free".
  checkLive(k, h, at, 'refcount_t: underflow; put');
  // refcount_dec_and_test(): release ordering before the drop, and acquire when it
  // hits zero (smp_acquire__after_ctrl_dep(), an smp_rmb(); Documentation/core-api/refcount-vs-atomic.rst).
  const old = fetchAdd(k, at + S_REF, -1, Order.RELEASE);
  if (old === 1) smpRmb(k);
  if (old <= 0) throw k.fail(kasan(`refcount_t: underflow for ${describeHandle(k, h)}`));
  if (old === 1) {
    for (const rel of releases.get(cacheOf(k, handleCache(h)).spec.name) ?? []) rel(k, h);
    kfree(k, h);
  }
}

export function refcount(k: Kernel, h: number): number {
  return loadOnce(k, slotAddr(k, h, 'refcount') + S_REF);
}

/** Free an object regardless of its refcount; poisons it. A second free is caught. */
export function kfree(k: Kernel, h: number, lbl = L_FREE): void {
  const i32 = k.i32;
  const at = slotAddr(k, h, 'kfree');
  const c = k.L.cacheById[handleCache(h)]!;
  k.yieldPoint(lbl);
  const gen = loadOnce(k, at + S_GEN) & HANDLE_GEN_MASK;
  if (gen !== handleGen(h) || cmpxchg(k, at + S_STATE, ObjState.LIVE, ObjState.POISONED, Order.FULL) !== ObjState.LIVE) {
    throw k.fail(kasan(`double free of ${describeHandle(k, h)}`));
  }
  storeOnce(k, at + S_GEN, ((gen + 1) & HANDLE_GEN_MASK) || 1);
  i32.fill(POISON, at + SLAB_HDR_WORDS, at + c.stride);
  noteObject(k, c, at);
  lockCache(i32, c.ctl);
  i32[at + S_NEXT] = i32[c.ctl + C_FREE]!;
  i32[c.ctl + C_FREE] = handleSlot(h);
  i32[c.ctl + C_LIVE]!--;
  unlockCache(i32, c.ctl);
}

/** Make the n-th allocation (1-based, counted from now) of a cache fail. */
export function failNthAlloc(k: Kernel, cacheId: number, n: number): void {
  const c = cacheOf(k, cacheId);
  Atomics.store(k.i32, c.ctl + C_FAIL_AT, Atomics.load(k.i32, c.ctl + C_ALLOCS) + n); // lockstep-internal
}

export interface Leak {
  readonly cache: string;
  readonly handle: number;
  readonly refs: number;
  readonly site: string;
}

/** Freed objects that were written after their free (checked at the end of every iteration). */
export function findPoisonOverwrites(k: Kernel): string[] {
  const i32 = k.i32;
  const out: string[] = [];
  for (const c of k.L.caches) {
    const bump = i32[c.ctl + C_BUMP]!;
    for (let s = 0; s < bump; s++) {
      const at = c.base + s * c.stride;
      if (i32[at + S_STATE] !== ObjState.POISONED) continue;
      const bad = firstUnpoisoned(i32, at, c.stride);
      if (bad >= 0) out.push(`${c.spec.name}#${s}.${c.spec.fields[bad] ?? `+${bad}`}`);
    }
  }
  return out;
}

/** Objects still allocated (the harness calls this after teardown). */
export function findLeaks(k: Kernel): Leak[] {
  const i32 = k.i32;
  const out: Leak[] = [];
  for (const c of k.L.caches) {
    if (i32[c.ctl + C_LIVE] === 0) continue;
    const bump = i32[c.ctl + C_BUMP]!;
    for (let s = 0; s < bump; s++) {
      const at = c.base + s * c.stride;
      if (i32[at + S_STATE] !== ObjState.LIVE) continue;
      out.push({
        cache: c.spec.name,
        handle: makeHandle(c.spec.id, i32[at + S_GEN]!, s),
        refs: i32[at + S_REF]!,
        site: labelText(i32[at + S_NEXT]!),
      });
    }
  }
  return out;
}

/** Which object (cache, slot, field) an address points into: for reports. */
export function describeAddr(k: Kernel, addr: number): string {
  for (const c of k.L.caches) {
    const end = c.base + c.stride * c.spec.capacity;
    if (addr < c.base || addr >= end) continue;
    const slot = Math.floor((addr - c.base) / c.stride);
    const off = addr - c.base - slot * c.stride - SLAB_HDR_WORDS;
    const field = c.spec.fields[off];
    return `${c.spec.name}#${slot}${field ? `.${field}` : off > 0 ? `+${off}` : ''}`;
  }
  if (addr >= k.L.scenario && addr < k.L.scenario + k.L.config.scenarioWords) return `scenario+${addr - k.L.scenario}`;
  return `@${addr}`;
}
