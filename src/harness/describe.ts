/**
 * What `lockstep list` says about a scenario, computed from its module's
 * default export. One function, shared by the catalog worker (user files,
 * and built-ins when the build-time catalog is stale), the build-time
 * catalog generator and the test that keeps the catalog honest, so the
 * three can never describe a scenario differently.
 */
import { runParams, runThreads, type Scenario } from '../runtime/kernel/scenario.js';

export interface ScenarioInfo {
  readonly name: string;
  readonly description: string;
  readonly threads: { readonly default: number; readonly min: number; readonly max: number };
  readonly variants: readonly { name: string; kind: string; expect: string; spec: string | null; threads?: number }[];
}

export function describeScenario(sc: Scenario): ScenarioInfo {
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
}
