/** The environment a seed log was recorded in; replay compares it field by field. */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Fingerprint {
  readonly tool: string;
  readonly version: string;
  readonly node: string;
  readonly cores: number;
  readonly layoutHash: number;
}

let cachedVersion: string | null = null;

export function toolVersion(): string {
  if (cachedVersion === null) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version?: string;
      };
      cachedVersion = pkg.version ?? '0.0.0';
    } catch {
      cachedVersion = '0.0.0';
    }
  }
  return cachedVersion;
}

export function fingerprint(layoutHash: number): Fingerprint {
  return {
    tool: 'lockstep',
    version: toolVersion(),
    node: process.version,
    cores: availableParallelism(),
    layoutHash,
  };
}

/** Differences between a recorded fingerprint and this environment, as readable lines. */
export function fingerprintDiff(recorded: Fingerprint, now: Fingerprint): string[] {
  const out: string[] = [];
  for (const key of ['tool', 'version', 'node', 'cores', 'layoutHash'] as const) {
    if (recorded[key] !== now[key]) out.push(`${key}: recorded ${String(recorded[key])}, now ${String(now[key])}`);
  }
  return out;
}
