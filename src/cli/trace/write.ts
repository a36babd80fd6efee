/** Writing output files whole or not at all: a temporary name, then a rename. */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../runtime/kernel/errors.js';

/** Refuse, before any work, an output path that cannot be a file. */
export function checkOutputPath(flag: string, path: string): void {
  if (path.trim() === '') throw new UsageError(`${flag}: empty file name`);
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory (give a file name)`);
}

export function writeWhole(flag: string, path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(`${flag} ${path}: cannot write (${msg})`);
  }
}
