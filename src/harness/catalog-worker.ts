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
import { isScenario } from '../runtime/kernel/scenario.js';
import { describeScenario, type ScenarioInfo } from './describe.js';

const api = {
  async describe(url: string): Promise<ScenarioInfo> {
    const mod = (await import(url)) as { default?: unknown };
    const sc = mod.default;
    if (!isScenario(sc)) throw new Error('its default export is not a defineScenario(...) result');
    return describeScenario(sc);
  },
};

export type CatalogApi = typeof api;

if (!parentPort) throw new Error('catalog-worker must run in a worker thread');
Comlink.expose(api, nodeEndpoint(parentPort));
