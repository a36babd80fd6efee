/**
 * What a blocked task waits on: the breadcrumb's kind word (T_WAIT_KIND).
 * The core's kinds (spinlock, mutex, completion, wait4 ...) are small numbers
 * in constants.ts; a subsystem defines its own here, with its name for
 * reports and whether the sleep ends by itself (a timed poll is never part of
 * a certain deadlock). A subsystem kind's id is the label id of its name, so
 * every thread agrees on it without a central table.
 */
import { CORE_WAIT_KIND_NAMES, CORE_TIMED_WAIT_KINDS } from './constants.js';
import { label } from './labels.js';

const names = new Map<number, string>(Object.entries(CORE_WAIT_KIND_NAMES).map(([k, v]) => [Number(k), v]));
const timedKinds = new Set<number>(CORE_TIMED_WAIT_KINDS);

export interface WaitKindOptions {
  /** The sleep ends by itself (schedule_timeout): never a certain deadlock. */
  readonly timed?: boolean;
}

/** Define a subsystem's wait kind; returns the id to publish in the breadcrumb. */
export function defineWaitKind(name: string, opts: WaitKindOptions = {}): number {
  const id = label(`waitkind:${name}`);
  const old = names.get(id);
  if (old !== undefined && old !== name) throw new Error(`wait kind "${name}" collides with "${old}"`);
  names.set(id, name);
  if (opts.timed) timedKinds.add(id);
  return id;
}

export function waitKindName(kind: number): string {
  return names.get(kind) ?? 'wait';
}

export function isTimedWaitKind(kind: number): boolean {
  return timedKinds.has(kind);
}
