/**
 * The catalog worker: loads scenario modules off the main thread and
 * describes them, behind a comlink API. Its event loop is free (it never
 * runs a simulated task), which is the only kind of worker comlink can
 * talk to. A scenario file that throws at load, or never finishes loading,
 * takes this worker down, not the command line: the caller times out and
 * terminates it.
 */
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { isScenario, runParams, runThreads } from '../runtime/kernel/scenario.js';
import type { ScenarioInfo } from './catalog.js';

const api = {
  async describe(url: string): Promise<ScenarioInfo> {
    const mod = (await import(url)) as { default?: unknown };
    const sc = mod.default;
    if (!isScenario(sc)) throw new Error('its default export is not a defineScenario(...) result');
    return {
      name: sc.name,
      description: sc.description,
      // A scenario that derives its thread count from its parameters shows the
      // count its defaults give, and each variant the count its own give.
      threads: { default: runThreads(sc, runParams(sc, null)), min: sc.threads.min, max: sc.threads.max },
      variants: sc.variants.map((v) => ({
        name: v.name,
        kind: v.kind,
        expect: v.expect,
        spec: v.spec,
        ...(sc.threads.fromParams ? { threads: runThreads(sc, runParams(sc, v)) } : {}),
      })),
    };
  },
};

export type CatalogApi = typeof api;

if (!parentPort) throw new Error('catalog-worker must run in a worker thread');
Comlink.expose(api, nodeEndpoint(parentPort));
