/**
 * One SharedArrayBuffer is the kernel's memory. This module creates it, gives
 * typed views over it, and resets it between iterations.
 */
import { resetRunqueue } from './runqueue.js';
import {
  C_BUMP,
  C_FAIL_AT,
  C_FREE,
  C_LIVE,
  C_LOCK,
  C_ALLOCS,
  computeLayout,
  EXEC_WORDS,
  EXEC_IDLE,
  kEpochWord,
  kLayoutHash,
  kMagic,
  kMaxTasks,
  CORE_HEADER_WORDS,
  kVersion,
  LAYOUT_MAGIC,
  LAYOUT_VERSION,
  SLAB_HDR_WORDS,
  X_MAILBOX,
  type Layout,
  type LayoutConfig,
} from './layout.js';
import { WeakMemory, arenaWords } from '../memory/weak/index.js';

/**
 * Model threads of a weak run: one per task slot, so a run may use slots
 * 0 .. WEAK_THREADS - 1 (a store's seen-by mask is one word).
 */
export const WEAK_THREADS = 32;
/** Readable stores per location and location slots of the arena a weak run gets. */
export const WEAK_HIST = 8;
export const WEAK_LOCS = 4096;
/** The arena words of a weak run (`LayoutConfig.weakWords`). */
export function weakArenaWords(): number {
  return arenaWords({ threads: WEAK_THREADS, hist: WEAK_HIST, locs: WEAK_LOCS });
}

/** WebAssembly.Memory, which @types/node declares only as types. */
interface WasmMemoryCtor {
  new (d: { initial: number; maximum: number; shared: true }): { readonly buffer: SharedArrayBuffer };
}
const WASM_PAGE = 65536;
/** The most pages a 32-bit WebAssembly memory can have (4 GiB). */
const WASM_MAX_PAGES = 65536;

/**
 * A SharedArrayBuffer of at least `bytes` whose byte 0 starts a 64-byte
 * cache line, so that the layout's line-aligned regions (the header's hot
 * counters, each task record, each executor's record: layout.ts LINE_WORDS)
 * are aligned in the machine's caches too. A plain SharedArrayBuffer is
 * malloc'ed: on glibc its data sat 16 bytes past a line (measured with two
 * threads bumping neighbouring words: the lines ran from word 12 to 27, 28 to
 * 43 ...), so every "one line" of the layout straddled two (issue 16). The
 * buffer of a shared WebAssembly.Memory is mapped by V8 at a page boundary.
 * Where that fails (no WebAssembly, over 4 GiB), a plain buffer is as correct,
 * only slower.
 */
export function lineAlignedSab(bytes: number): SharedArrayBuffer {
  const pages = Math.ceil(bytes / WASM_PAGE);
  const Memory = (globalThis as unknown as { WebAssembly?: { Memory: WasmMemoryCtor } }).WebAssembly?.Memory;
  if (Memory !== undefined && pages <= WASM_MAX_PAGES) {
    try {
      return new Memory({ initial: pages, maximum: pages, shared: true }).buffer;
    } catch {
      // Address space or memory refused: fall back below.
    }
  }
  return new SharedArrayBuffer(bytes);
}

export class KernelMemory {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  readonly f64: Float64Array;
  readonly L: Layout;
  /**
   * The weak memory model over this memory (`--memory-model weak`), or null
   * when memory is sequentially consistent. The harness formats the arena,
   * every worker attaches to it; only the controlled baton holder uses it.
   */
  readonly weak: WeakMemory | null;

  constructor(
    readonly sab: SharedArrayBuffer,
    config: LayoutConfig,
  ) {
    this.L = computeLayout(config);
    if (sab.byteLength < this.L.totalWords * 4) throw new Error('SharedArrayBuffer smaller than its layout');
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.f64 = new Float64Array(sab, 0, CORE_HEADER_WORDS / 2);
    const ww = config.weakWords ?? 0;
    // A fresh SAB (create) is formatted there; a worker's view attaches to the harness's arena.
    this.weak = ww > 0 && this.i32[this.L.weak] !== 0 ? WeakMemory.attach(this.i32, this.L.weak) : null;
  }

  static create(config: LayoutConfig): KernelMemory {
    const L = computeLayout(config);
    const mem = new KernelMemory(lineAlignedSab(L.totalWords * 4), config);
    const i32 = mem.i32;
    i32[kMagic] = LAYOUT_MAGIC;
    i32[kVersion] = LAYOUT_VERSION;
    i32[kLayoutHash] = L.hash;
    i32[kMaxTasks] = config.maxTasks;
    for (let x = 0; x < config.maxExecutors; x++) i32[L.executors + x * EXEC_WORDS + X_MAILBOX] = EXEC_IDLE;
    if ((config.weakWords ?? 0) > 0) {
      const weak = WeakMemory.format(i32, L.weak, config.weakWords!, { threads: WEAK_THREADS });
      return Object.assign(mem, { weak });
    }
    return mem;
  }

  /** Check that a SAB handed to a worker was made with the same layout. */
  verify(): void {
    const i32 = this.i32;
    if (i32[kMagic] !== LAYOUT_MAGIC || i32[kVersion] !== LAYOUT_VERSION || i32[kLayoutHash] !== this.L.hash) {
      throw new Error('kernel memory layout mismatch between threads');
    }
  }

  get epoch(): number {
    return this.f64[kEpochWord / 2]!;
  }
  set epoch(ms: number) {
    this.f64[kEpochWord / 2] = ms;
  }

  /**
   * Reset kernel state for the next iteration. Only the harness calls this,
   * and only when every executor is idle. Task records and the scenario
   * region are zeroed; slab caches are reset lazily (bump pointer back to 0,
   * generations kept so a handle from an earlier iteration stays stale).
   */
  resetIteration(): void {
    const { i32, L } = this;
    i32.fill(0, L.tasks, L.tasks + L.config.maxTasks * L.taskWords);
    resetRunqueue(i32, L.dequeued, L.config.maxTasks);
    i32.fill(0, L.scenario, L.scenario + L.config.scenarioWords);
    for (const c of L.caches) {
      i32[c.ctl + C_LOCK] = 0;
      i32[c.ctl + C_BUMP] = 0;
      i32[c.ctl + C_FREE] = -1;
      i32[c.ctl + C_LIVE] = 0;
      i32[c.ctl + C_ALLOCS] = 0;
      i32[c.ctl + C_FAIL_AT] = 0;
    }
    // Every iteration starts with empty store histories: its initial values are what setup wrote.
    if (this.weak !== null) {
      this.weak.reset();
      // A slab header (state, generation) is read through the model, and a load may read the value a word had
      // before the iteration's first store to it: that value must not depend on which iterations ran before in
      // this process, or a seed log would not replay exactly. So a weak run starts every slot's header from zero
      // (generation 0 becomes 1 at the first allocation), as a fresh process does.
      for (const c of L.caches) for (let s = 0; s < c.spec.capacity; s++) i32.fill(0, c.base + s * c.stride, c.base + s * c.stride + SLAB_HDR_WORDS);
    }
  }

  /** Write a UTF-8 message into the failure buffer; returns its byte length. */
  writeFailMessage(msg: string): number {
    const bytes = new TextEncoder().encode(msg);
    const n = Math.min(bytes.length, 8192);
    this.u8.set(bytes.subarray(0, n), this.L.failMsgByte);
    return n;
  }

  readFailMessage(len: number): string {
    const start = this.L.failMsgByte;
    // Copy out of shared memory: TextDecoder refuses shared views.
    return new TextDecoder().decode(this.u8.slice(start, start + len));
  }
}
