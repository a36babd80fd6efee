/**
 * The structure the architecture promises, checked on the source tree
 * (docs/ARCHITECTURE.md §1): the runtime names no subsystem, every access to
 * kernel memory goes through the accessor layer, the repository cites only
 * what it contains, and a subsystem defined outside src/ runs without any
 * edit to src/runtime.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureUrl, run } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string, ext = '.ts'): string[] {
  const out: string[] = [];
  for (const f of readdirSync(join(ROOT, dir))) {
    const p = join(dir, f);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...files(p, ext));
    else if (p.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Source without comments and string contents' line structure kept (so line numbers stay right). */
function code(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function hits(paths: readonly string[], re: RegExp, strip = true): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const lines = (strip ? code(readFileSync(join(ROOT, p), 'utf8')) : readFileSync(join(ROOT, p), 'utf8')).split('\n');
    lines.forEach((l, i) => {
      if (re.test(l)) out.push(`${p}:${i + 1}: ${l.trim()}`);
    });
  }
  return out;
}

test('src/runtime names no subsystem field, wait kind or mutant', () => {
  const runtime = files('src/runtime');
  const fields =
    /\b(T_SECCOMP\w*|T_SYSCALL_WORK|T_IN_EXEC|T_EXEC_UNSAFE|T_RCU_TASKS\w*|T_PID_N\w*|T_SRCU\w*|k(Landlock|Seccomp|Srcu|PidNs|RcuTasks)\w*|CRED_LL_\w+|SIG_LL_\w+|SIG_FDTABLE|LR_\w+|TS_\w+|SF_\w+|SS_\w+|PN_\w+|SRCU_GP|PIDNS_ZAP|RCU_TASKS_GP)\b/;
  assert.equal(hits(runtime, fields), []);
  // Mutant IDs of the subsystems ('L2', "S13", 'R4', 'pre-6.11' ...) as strings.
  const ids = /['"`](L\d+[AB]?|S\d+|R\d+|pre-6\.11|force-add-2014|tasks-srcu|busted(-extend)?|libpsx)['"`]/;
  assert.equal(hits(runtime, ids), []);
  // Subsystem names as identifiers or strings.
  const names = /\b(landlock|seccomp|srcu|rcuTasks|rcu_tasks|pidns|pid_namespace|tsync)\w*/i;
  assert.equal(hits(runtime, names), []);
});

test('every kernel-memory access goes through the accessor layer', () => {
  // Subsystems and scenarios never touch the SAB with raw Atomics.
  assert.equal(hits([...files('src/subsystems'), ...files('src/scenarios')], /\bAtomics\./), []);
  // In the simulated kernel, raw Atomics are allowed only in the accessor
  // layer itself, in the instrumentation files (event rings, tickets, the
  // failure record, the memory's header), for futex park/wake (wait/notify),
  // and on lines that say they touch lockstep's own bookkeeping.
  const instrumentation = new Set(['access.ts', 'kernel.ts', 'memory.ts', 'trace.ts', 'mutants.ts'].map((f) => `src/runtime/kernel/${f}`));
  const kernel = files('src/runtime/kernel').filter((p) => !instrumentation.has(p));
  const bad = hits(kernel, /\bAtomics\.(?!wait\b|notify\b)/, false).filter((l) => !l.includes('lockstep-internal'));
  assert.equal(bad, []);
});

test('the repository cites only what it contains', () => {
  // (this file names the patterns it forbids, so it is not scanned itself)
  const src = [...files('src'), ...files('bench'), ...files('test')].filter((p) => !p.endsWith('structure.test.ts'));
  // Every docs/... path named in the code exists.
  const missing: string[] = [];
  for (const p of src) {
    for (const m of readFileSync(join(ROOT, p), 'utf8').matchAll(/\bdocs\/[\w./-]+\.(md|svg|png|json|html)\b/g)) {
      if (!existsSync(join(ROOT, m[0]))) missing.push(`${p}: ${m[0]}`);
    }
  }
  assert.equal(missing, []);
  // No citation of files outside the repository.
  const outside = /spec §|spec \d[a-z]|kernel-semantics|node-platform|\.\.\/shared|research\/|DESIGN\.md|docs\/SRCU\.md/;
  assert.equal(hits(src, outside, false), []);
});

test('a subsystem defined outside src/ runs: toy seqlock passes, its planted bug is caught', async () => {
  const scenario = fixtureUrl('seqlock');
  for (const mode of ['parallel', 'controlled'] as const) {
    const r = await run({ scenario, variant: 'mainline', mode, strategy: 'random', iterations: 200, seed: 3 });
    assert.is(r.summary.failures, 0, `${mode}: ${r.failures.map((f) => f.message).join('; ')}`);
  }
  const bug = await run({ scenario, variant: 'toy-seqlock-no-retry', mode: 'controlled', strategy: 'random', iterations: 500, seed: 3, stopOnFailure: true });
  assert.ok(bug.summary.failures > 0, 'the torn read was not found');
  assert.is(bug.failures[0]!.kind, 'invariant');
  assert.match(bug.failures[0]!.message, /torn read/);
});

test.run();

