/**
 * The build-time catalog of built-in scenarios, dist/catalog.json: exactly
 * what `lockstep list` prints, so that listing does not import every
 * scenario module (and every subsystem under it) at start-up.
 *
 * `npm run build` writes it after tsc (scripts/build-catalog.mjs →
 * catalog-gen.ts). It records a fingerprint of the compiled code it was
 * generated from: every .js file under dist/src, by path and content. The
 * catalog is used only while that fingerprint still matches, so a `tsc`
 * without the catalog step, an edit under `tsc -w` or a half-finished
 * build can make `list` slow (it falls back to loading the modules), never
 * wrong. test/catalog.test.ts checks the catalog against the modules.
 *
 * This module stays light on purpose: `list` imports it, and anything it
 * imports is start-up time (the worker machinery of catalog.ts is imported
 * only for the fallback).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioInfo } from './describe.js';

export const CATALOG_FORMAT = 'lockstep-catalog/1';
/** dist/catalog.json, beside the compiled tree it describes. */
export const CATALOG_URL = new URL('../../catalog.json', import.meta.url);
/** dist/src: the compiled code, of which the scenarios' descriptions are a function. */
const COMPILED_SRC = fileURLToPath(new URL('..', import.meta.url));

export interface CatalogFile {
  readonly format: typeof CATALOG_FORMAT;
  /** `compiledFingerprint()` when the catalog was generated. */
  readonly fingerprint: string;
  /** One entry per built-in scenario, in BUILTIN_SCENARIOS order (index.js is fingerprinted too). */
  readonly scenarios: readonly ScenarioInfo[];
}

/**
 * A hash of every compiled module under `root`, by relative path and
 * content. Content, not modification times: tsc rewrites every file on each
 * build, and an unchanged rebuild should keep the catalog valid. All of
 * dist/src rather than the scenarios' import closure: simpler to trust, and
 * reading some 200 files (under 1 MB) costs 10-30 ms here.
 */
export function compiledFingerprint(root: string = COMPILED_SRC): string {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.split('\\').join('/'))
    .sort();
  const h = createHash('sha256');
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  return h.digest('hex');
}

export type CatalogRead = { readonly ok: true; readonly scenarios: readonly ScenarioInfo[] } | { readonly ok: false; readonly problem: string };

/** The catalog if it is present and fresh; otherwise why not, as a clause ("… is stale (…)"). */
export function readCatalog(url: URL = CATALOG_URL, root: string = COMPILED_SRC): CatalogRead {
  const path = fileURLToPath(url);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: code === 'ENOENT' ? `${path} is missing` : `${path} cannot be read (${code ?? String(e)})` };
  }
  let file: Partial<CatalogFile>;
  try {
    file = JSON.parse(text) as Partial<CatalogFile>;
  } catch {
    return { ok: false, problem: `${path} is not valid JSON` };
  }
  if (file.format !== CATALOG_FORMAT) return { ok: false, problem: `${path} has format ${String(file.format)}, not ${CATALOG_FORMAT}` };
  if (file.fingerprint !== compiledFingerprint(root)) {
    return { ok: false, problem: `${path} is stale (the compiled code changed after it was generated)` };
  }
  if (!Array.isArray(file.scenarios)) return { ok: false, problem: `${path} has no scenarios array` };
  return { ok: true, scenarios: file.scenarios };
}

/**
 * `list`: every built-in scenario, from the catalog when it is fresh.
 * Otherwise `onStale` hears why, and the modules are described in one
 * catalog worker: slower, but the same answer, so a build that skipped the
 * catalog step never prints a wrong list.
 */
export async function listBuiltins(onStale: (problem: string) => void = () => {}, catalog: URL = CATALOG_URL): Promise<readonly ScenarioInfo[]> {
  const cat = readCatalog(catalog);
  if (cat.ok) return cat.scenarios;
  onStale(cat.problem);
  const { describeBuiltinsInWorker } = await import('./catalog.js');
  return describeBuiltinsInWorker();
}
