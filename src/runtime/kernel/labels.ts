/**
 * Labels name yield points, objects and callbacks. A SharedArrayBuffer holds
 * numbers, not strings, so a label is the FNV-1a hash of its text. Every
 * worker and the main thread load the same modules, so each one builds the
 * same id -> text table without any coordination; a collision between two
 * different texts is caught when the second is registered.
 */
import { fnv1a } from './layout.js';

const byId = new Map<number, string>();

export function label(text: string): number {
  const id = fnv1a(text) || 1; // 0 means "no label"
  const prev = byId.get(id);
  if (prev === undefined) byId.set(id, text);
  else if (prev !== text) throw new Error(`label hash collision: "${prev}" and "${text}"`);
  return id;
}

export function labelText(id: number): string {
  if (id === 0) return '';
  return byId.get(id) ?? `label#${(id >>> 0).toString(16)}`;
}

