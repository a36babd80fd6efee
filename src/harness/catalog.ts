/**
 * Finding scenarios: the built-in table, or a user's file (TypeScript or
 * JavaScript). It lives in the harness, not the CLI, because a seed log
 * names its scenario and `replayLog` must load it with no command line
 * around (the CLI's `resolveScenario` is a thin layer over it).
 *
 * User files are compiled with esbuild on the fly: `lockstep` imports are
 * pointed at this installation's runtime module, so the user's scenario,
 * the harness and every executor share one runtime instance (its
 * registries of labels and task_work callbacks). The compiled module is
 * first loaded in the comlink catalog worker, so a file that throws or
 * hangs at load is reported as bad input instead of freezing the CLI.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { UsageError } from '../runtime/kernel/errors.js';
import { isScenario, type Scenario } from '../runtime/kernel/scenario.js';
import { BUILTIN_SCENARIOS, builtinByName } from '../scenarios/index.js';
import type { CatalogApi } from './catalog-worker.js';
import type { ScenarioInfo } from './describe.js';

export type { ScenarioInfo } from './describe.js';

/**
 * A scenario ready to run: the module's default export for the main thread,
 * and the URL every executor imports (the same module, so the same labels
 * and bodies). One value travels from the loader to `runStress` and
 * `Session`, instead of three loose fields that could disagree.
 */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly url: string;
  /** The path the user gave, for user files (goes into the seed log as `scenarioFile`). */
  readonly file?: string;
}

const RUNTIME_INDEX = fileURLToPath(new URL('../runtime/index.js', import.meta.url));
const LOAD_TIMEOUT_MS = 10_000;

export async function loadBuiltin(name: string): Promise<LoadedScenario> {
  const b = builtinByName(name);
  if (!b) {
    throw new UsageError(`unknown scenario "${name}" (built-in: ${BUILTIN_SCENARIOS.map((s) => s.name).join(', ')})`);
  }
  const mod = (await import(b.url)) as { default?: unknown };
  if (!isScenario(mod.default)) throw new Error(`built-in scenario ${name} has no defineScenario default export`);
  return { scenario: mod.default, url: b.url };
}

/** Compile a user scenario file to an ES module next to the system temp dir; returns its URL. */
export async function compileScenarioFile(path: string): Promise<string> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UsageError(`scenario file ${path} does not exist`);
  const source = readFileSync(abs, 'utf8');
  const hash = createHash('sha256').update(abs).update(source).update(RUNTIME_INDEX).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'lockstep-scenarios');
  const file = join(dir, `${hash}.mjs`);
  const { build } = await import('esbuild');
  let out;
  try {
    out = await build({
      entryPoints: [abs],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      // An inline source map, with sources relative to the cached bundle's
      // own path (outfile), so that a stack trace printed with source maps
      // enabled names the user's file and line, not the bundle's.
      outfile: file,
      sourcemap: 'inline',
      sourcesContent: false,
      plugins: [
        {
          name: 'lockstep-runtime',
          setup(b) {
            b.onResolve({ filter: /^lockstep(\/.*)?$/ }, () => ({ path: pathToFileURL(RUNTIME_INDEX).href, external: true }));
            // Anything else lockstep ships stays shared too, by absolute URL.
            b.onResolve({ filter: /lockstep\/dist\// }, (a) => ({ path: pathToFileURL(resolve(a.resolveDir, a.path)).href, external: true }));
          },
        },
      ],
    });
  } catch (e) {
    const err = e as { errors?: { text: string; location?: { line: number; column: number } | null }[] };
    const first = err.errors?.[0];
    const where = first?.location ? `:${first.location.line}:${first.location.column}` : '';
    throw new UsageError(`scenario file ${path}${where} does not compile: ${first?.text ?? String(e)}`);
  }
  const code = out.outputFiles[0]!.text;
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, code);
  return pathToFileURL(file).href;
}

/**
 * A catalog worker that describes scenario modules one after another. Each
 * module gets its own timeout; a module that throws or hangs at load
 * becomes a UsageError naming it. Close it when done.
 */
function openCatalogWorker(): { describe(url: string, shownAs: string): Promise<ScenarioInfo>; close(): Promise<void> } {
  const worker = new Worker(new URL('./catalog-worker.js', import.meta.url));
  const api = Comlink.wrap<CatalogApi>(nodeEndpoint(worker));
  // A crash outside any import (the worker's 'error' event) fails the module being described.
  const died = new Promise<never>((_, rej) => worker.once('error', rej));
  died.catch(() => {}); // each describe() races it; a crash between two of them must not be an unhandled rejection
  return {
    async describe(url, shownAs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        const timeout = new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new UsageError(`scenario ${shownAs} did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
        });
        const crash = died.catch((e: Error) => {
          throw new UsageError(`scenario ${shownAs} throws at load: ${e.message}`);
        });
        return await Promise.race([api.describe(url), timeout, crash]).catch((e: unknown) => {
          if (e instanceof UsageError) throw e;
          const msg = e instanceof Error ? e.message : String(e);
          const first = msg.split('\n')[0];
          if (/default export is not/.test(first)) throw new UsageError(`scenario ${shownAs}: ${first}`);
          throw new UsageError(`scenario ${shownAs} throws at load: ${first}`);
        });
      } finally {
        if (timer) clearTimeout(timer);
      }
    },
    async close() {
      api[Comlink.releaseProxy]();
      await worker.terminate();
    },
  };
}

/** Describe a scenario module in a catalog worker of its own (load errors become UsageErrors). */
export async function describeInWorker(url: string, shownAs: string): Promise<ScenarioInfo> {
  const w = openCatalogWorker();
  try {
    return await w.describe(url, shownAs);
  } finally {
    await w.close();
  }
}

export async function loadScenarioFile(path: string): Promise<LoadedScenario> {
  const url = await compileScenarioFile(path);
  await describeInWorker(url, path);
  // setup() and check() run here: their stacks map to the user's file too
  // (the map is read when the module loads, so enable maps before import).
  process.setSourceMapsEnabled(true);
  const mod = (await import(url)) as { default?: unknown };
  if (!isScenario(mod.default)) throw new UsageError(`scenario file ${path}: default export is not a defineScenario(...) result`);
  return { scenario: mod.default, url, file: path };
}

/** Every built-in scenario described by loading its module, in one catalog worker (list without a fresh catalog). */
export async function describeBuiltinsInWorker(): Promise<ScenarioInfo[]> {
  const w = openCatalogWorker();
  try {
    const out: ScenarioInfo[] = [];
    for (const b of BUILTIN_SCENARIOS) out.push(await w.describe(b.url, b.name));
    return out;
  } finally {
    await w.close();
  }
}
