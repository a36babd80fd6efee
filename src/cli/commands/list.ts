/** `lockstep list`: the built-in scenarios and their variants. */
import type { CommandSpec, Flags } from '../args.js';
import { listBuiltins } from '../../harness/catalog-file.js';
import type { ScenarioInfo } from '../../harness/describe.js';
import type { Output } from '../output.js';
import { table } from '../progress.js';

export const listSpec: CommandSpec = {
  name: 'list',
  summary: 'List the built-in scenarios, their thread ranges and variants (correct designs, historical designs, planted bugs).',
  usage: 'lockstep list [--json]',
  options: { json: { type: 'boolean' } },
  help: ['  --json   one JSON array: [{name, description, threads: {default,min,max}, variants: [{name, kind, expect, spec, threads?}]}] (threads on a variant: the count it derives from its parameters)'],
  example: 'lockstep list --json',
};

export async function listCommand(flags: Flags, out: Output): Promise<number> {
  // A stale catalog costs time, not correctness: say why it is slow and how to fix it, on stderr.
  const all = await listBuiltins((problem) =>
    out.error(`lockstep list: note: ${problem}; loading every scenario module instead (slower; npm run build regenerates it)\n`),
  );
  for (const chunk of listChunks(all, flags['json'] === true)) out.write(chunk);
  return 0;
}

/** What `list` prints, as the strings it writes: one per scenario, or one JSON array. */
export function listChunks(all: readonly ScenarioInfo[], json: boolean): string[] {
  if (json) return [`${JSON.stringify(all)}\n`];
  return all.map((s) => {
    const rows = s.variants.map((v) => [`  ${v.name}`, v.kind, `expect ${v.expect}`, v.spec ?? '-']);
    return `${s.name}  (threads ${s.threads.min}..${s.threads.max}, default ${s.threads.default})\n  ${s.description}\n${table(['  variant', 'kind', 'expect', 'spec'], rows)}\n\n`;
  });
}
