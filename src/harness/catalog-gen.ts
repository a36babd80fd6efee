/**
 * Writes the build-time catalog (catalog-file.ts): `npm run build` runs
 * scripts/build-catalog.mjs after tsc, which calls `writeCatalog()`. It
 * loads every built-in scenario in this one process, as `campaign` does;
 * a built-in that fails to load fails the build, which is where such a bug
 * should surface.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUILTIN_SCENARIOS } from '../scenarios/index.js';
import { CATALOG_FORMAT, CATALOG_URL, compiledFingerprint, type CatalogFile } from './catalog-file.js';
import { loadBuiltin } from './catalog.js';
import { describeScenario } from './describe.js';

export async function generateCatalog(): Promise<CatalogFile> {
  // Fingerprint first: the code that is about to be described is the code on disk now.
  const fingerprint = compiledFingerprint();
  const scenarios = [];
  for (const b of BUILTIN_SCENARIOS) scenarios.push(describeScenario((await loadBuiltin(b.name)).scenario));
  return { format: CATALOG_FORMAT, fingerprint, scenarios };
}

/** Generate and write the catalog; returns its path and the number of scenarios. */
export async function writeCatalog(url: URL = CATALOG_URL): Promise<{ path: string; scenarios: number }> {
  const cat = await generateCatalog();
  writeFileSync(url, `${JSON.stringify(cat, null, 1)}\n`);
  return { path: fileURLToPath(url), scenarios: cat.scenarios.length };
}
