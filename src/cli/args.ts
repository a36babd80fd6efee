/**
 * Command-line parsing on node:util's parseArgs, with the errors users see:
 * one line, naming what is wrong and what would be right (exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../runtime/kernel/errors.js';

export type Flags = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly help: readonly string[];
  readonly example: string;
  readonly positionals?: { readonly min: number; readonly max: number; readonly names: string };
}

export function parseCommand(spec: CommandSpec, argv: readonly string[]): { flags: Flags; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /Unknown option '([^']+)'/.exec(msg);
    if (m) {
      const valid = Object.keys(spec.options)
        .map((o) => `--${o}`)
        .join(', ');
      throw new UsageError(`${spec.name}: unknown option ${m[1]} (valid: ${valid}, --help)`);
    }
    throw new UsageError(`${spec.name}: ${msg.replace(/\s+/g, ' ').replace(/\. To specify.*$/, '')}`);
  }
  const positionals = parsed.positionals;
  const pos = spec.positionals ?? { min: 0, max: 0, names: '' };
  if (!parsed.values['help']) {
    if (positionals.length < pos.min) throw new UsageError(`${spec.name}: missing ${pos.names} (usage: ${spec.usage})`);
    if (positionals.length > pos.max)
      throw new UsageError(`${spec.name}: unexpected argument "${positionals[pos.max]}" (usage: ${spec.usage})`);
  }
  return { flags: parsed.values as Flags, positionals };
}

export function helpText(spec: CommandSpec): string {
  return [`Usage: ${spec.usage}`, '', spec.summary, '', ...spec.help, '', `Example: ${spec.example}`].join('\n');
}

/** A positive integer flag, or `fallback` when absent. */
export function intFlag(flags: Flags, name: string, fallback: number | null, min = 1, max = Number.MAX_SAFE_INTEGER): number | null {
  const v = flags[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^[0-9]+$/.test(v.trim())) throw new UsageError(`--${name}: "${String(v)}" is not a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`--${name}: ${n} is out of range (${min}..${max})`);
  return n;
}

export function numFlag(flags: Flags, name: string, fallback: number | null, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
  const v = flags[name];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${name}: "${String(v)}" is not a number`);
  if (n < min || n > max) throw new UsageError(`--${name}: ${n} is out of range (${min}..${max})`);
  return n;
}

export function strFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
  return v;
}

export function oneOf<T extends string>(flags: Flags, name: string, values: readonly T[], fallback: T): T {
  const v = strFlag(flags, name);
  if (v === undefined) return fallback;
  if (!(values as readonly string[]).includes(v)) throw new UsageError(`--${name}: "${v}" is not one of ${values.join(', ')}`);
  return v as T;
}
