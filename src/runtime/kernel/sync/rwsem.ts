/** struct rw_semaphore: count > 0 readers, -1 one writer; writers record their tid as owner. */
import { EINTR, TASK_KILLABLE, TASK_UNINTERRUPTIBLE, WaitKind } from '../constants.js';
import { bug } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { label } from '../labels.js';
import { RWSEM_COUNT, RWSEM_OWNER, RWSEM_WAITERS } from '../layout.js';
import { finishWait, prepareToWait, schedule, wakeUp } from '../sched.js';
import { fatalSignalPending } from '../sigpending.js';

const L_DOWN_READ = label('down_read');
const L_DOWN_WRITE = label('down_write');
const L_UP = label('up_rwsem');

function tryRead(i32: Int32Array, s: number): boolean {
  for (;;) {
    const c = Atomics.load(i32, s + RWSEM_COUNT);
    if (c < 0) return false;
    if (Atomics.compareExchange(i32, s + RWSEM_COUNT, c, c + 1) === c) return true;
  }
}

function tryWrite(k: Kernel, s: number): boolean {
  if (Atomics.compareExchange(k.i32, s + RWSEM_COUNT, 0, -1) !== 0) return false;
  Atomics.store(k.i32, s + RWSEM_OWNER, k.curTid);
  return true;
}

function slow(k: Kernel, s: number, write: boolean, state: number, lbl: number): number {
  const kind = write ? WaitKind.RWSEM_WRITE : WaitKind.RWSEM_READ;
  for (;;) {
    if (write ? tryWrite(k, s) : tryRead(k.i32, s)) return 0;
    prepareToWait(k, kind, s, s + RWSEM_WAITERS, state, lbl);
    if (write ? tryWrite(k, s) : tryRead(k.i32, s)) {
      finishWait(k, s + RWSEM_WAITERS);
      return 0;
    }
    if (state === TASK_KILLABLE && fatalSignalPending(k)) {
      finishWait(k, s + RWSEM_WAITERS);
      return -EINTR;
    }
    schedule(k, lbl);
    finishWait(k, s + RWSEM_WAITERS);
  }
}

export function downRead(k: Kernel, s: number, lbl = L_DOWN_READ): void {
  k.yieldPoint(lbl, s);
  slow(k, s, false, TASK_UNINTERRUPTIBLE, lbl);
}

export function downReadTrylock(k: Kernel, s: number, lbl = L_DOWN_READ): boolean {
  k.yieldPoint(lbl, s);
  return tryRead(k.i32, s);
}

export function downWrite(k: Kernel, s: number, lbl = L_DOWN_WRITE): void {
  k.yieldPoint(lbl, s);
  slow(k, s, true, TASK_UNINTERRUPTIBLE, lbl);
}

/** down_write_killable(): 0 or -EINTR. */
export function downWriteKillable(k: Kernel, s: number, lbl = L_DOWN_WRITE): number {
  k.yieldPoint(lbl, s);
  return slow(k, s, true, TASK_KILLABLE, lbl);
}

/** down_write_trylock(): true if the write lock was taken. */
export function downWriteTrylock(k: Kernel, s: number, lbl = L_DOWN_WRITE): boolean {
  k.yieldPoint(lbl, s);
  return tryWrite(k, s);
}

export function upRead(k: Kernel, s: number, lbl = L_UP): void {
  k.yieldPoint(lbl, s);
  const c = Atomics.sub(k.i32, s + RWSEM_COUNT, 1);
  if (c <= 0) throw k.fail(bug(`up_read on a rwsem not held for read (count ${c})`));
  if (c === 1) wakeUp(k, s, s + RWSEM_WAITERS, 0);
}

export function upWrite(k: Kernel, s: number, lbl = L_UP): void {
  const i32 = k.i32;
  k.yieldPoint(lbl, s);
  if (Atomics.load(i32, s + RWSEM_COUNT) !== -1 || Atomics.load(i32, s + RWSEM_OWNER) !== k.curTid)
    throw k.fail(bug(`up_write by tid ${k.curTid} of a rwsem it does not hold`));
  Atomics.store(i32, s + RWSEM_OWNER, 0);
  Atomics.store(i32, s + RWSEM_COUNT, 0);
  wakeUp(k, s, s + RWSEM_WAITERS, 0);
}

export function rwsemWriter(k: Kernel, s: number): number {
  return Atomics.load(k.i32, s + RWSEM_COUNT) === -1 ? Atomics.load(k.i32, s + RWSEM_OWNER) : 0;
}

export function rwsemReaders(k: Kernel, s: number): number {
  return Math.max(0, Atomics.load(k.i32, s + RWSEM_COUNT));
}
