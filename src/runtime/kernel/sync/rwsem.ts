/** struct rw_semaphore: count > 0 readers, -1 one writer; writers record their tid as owner. */
import { Order, cmpxchg, fetchAdd, loadOnce, storeOnce, storeRelease } from '../access.js';
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

function tryRead(k: Kernel, s: number): boolean {
  for (;;) {
    const c = loadOnce(k, s + RWSEM_COUNT);
    if (c < 0) return false;
    if (cmpxchg(k, s + RWSEM_COUNT, c, c + 1, Order.ACQUIRE) === c) return true;
  }
}

function tryWrite(k: Kernel, s: number): boolean {
  if (cmpxchg(k, s + RWSEM_COUNT, 0, -1, Order.ACQUIRE) !== 0) return false;
  storeOnce(k, s + RWSEM_OWNER, k.curTid);
  return true;
}

function slow(k: Kernel, s: number, write: boolean, state: number, lbl: number): number {
  const kind = write ? WaitKind.RWSEM_WRITE : WaitKind.RWSEM_READ;
  for (;;) {
    if (write ? tryWrite(k, s) : tryRead(k, s)) return 0;
    prepareToWait(k, kind, s, s + RWSEM_WAITERS, state, lbl);
    if (write ? tryWrite(k, s) : tryRead(k, s)) {
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
  return tryRead(k, s);
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
  const c = fetchAdd(k, s + RWSEM_COUNT, -1, Order.RELEASE);
  if (c <= 0) throw k.fail(bug(`up_read on a rwsem not held for read (count ${c})`));
  if (c === 1) wakeUp(k, s, s + RWSEM_WAITERS, 0);
}

export function upWrite(k: Kernel, s: number, lbl = L_UP): void {
  k.yieldPoint(lbl, s);
  if (loadOnce(k, s + RWSEM_COUNT) !== -1 || loadOnce(k, s + RWSEM_OWNER) !== k.curTid)
    throw k.fail(bug(`up_write by tid ${k.curTid} of a rwsem it does not hold`));
  storeOnce(k, s + RWSEM_OWNER, 0);
  storeRelease(k, s + RWSEM_COUNT, 0);
  wakeUp(k, s, s + RWSEM_WAITERS, 0);
}

export function rwsemWriter(k: Kernel, s: number): number {
  return loadOnce(k, s + RWSEM_COUNT) === -1 ? loadOnce(k, s + RWSEM_OWNER) : 0;
}

export function rwsemReaders(k: Kernel, s: number): number {
  return Math.max(0, loadOnce(k, s + RWSEM_COUNT));
}
