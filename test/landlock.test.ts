/**
 * Landlock TSYNC on the runtime (docs/LANDLOCK.md): every scenario mirroring
 * the kernel's tools/testing/selftests/landlock/tsync_test.c (and the extra
 * races) passes with the mainline algorithm in both modes, and every planted
 * bug (src/subsystems/landlock/mutants.ts) is caught by the invariants, KASAN
 * or the deadlock detector. Mutant detection runs in controlled mode with
 * fixed seeds, so its outcome is deterministic.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replayLog } from '../src/harness/replay.js';
import { mutantById, type Mutant } from '../src/runtime/kernel/mutants.js';
import { variantMutants } from '../src/runtime/kernel/scenario.js';
import { builtinByName } from '../src/scenarios/index.js';
import * as landlockMutants from '../src/subsystems/landlock/mutants.js';
import { loadScenario, run, withTimeout } from './helpers.js';

const SCENARIOS = [
  'landlock-single-threaded',
  'landlock-multi-threaded',
  'landlock-multi-threaded-no-new-privs',
  'landlock-multi-threaded-max-layers',
  'landlock-diverging-domains',
  'landlock-competing-enablement',
  'landlock-tsync-interrupt',
  'landlock-without-ruleset',
  'landlock-clone-race',
  'landlock-exit-race',
  'landlock-enomem',
  'landlock-lockstep',
  'landlock-scope-signal',
  'landlock-errors',
  'landlock-log-subdomains-off-tsync',
  'landlock-tsync-override-log-subdomains-off',
];

test('every Landlock variant switches on defined mutants, and every Landlock mutant has a variant', async () => {
  const defined = Object.values(landlockMutants).filter((m): m is Mutant => typeof m === 'object' && 'label' in m);
  const used = new Set<string>();
  for (const name of SCENARIOS) {
    const sc = await loadScenario(builtinByName(name)!.url);
    for (const v of sc.variants) {
      for (const id of variantMutants(v)) {
        assert.ok(mutantById(id), `${name}/${v.name} switches on ${id}, which no subsystem defines`);
        used.add(id);
      }
      // The description is the mutant's own, not a second copy that can drift.
      if (v.kind === 'mutant') assert.is(v.description, mutantById(v.name)?.description, `${name}/${v.name}`);
    }
  }
  assert.equal([...used].sort(), defined.map((m) => m.id).sort());
});

for (const scenario of SCENARIOS) {
  test(`${scenario}: mainline passes in parallel and controlled mode`, async () => {
    const p = await run({ scenario, variant: 'mainline', iterations: 120, strategy: 'random', perturbPermille: 100, seed: 3 });
    assert.is(p.summary.failures, 0, `parallel: ${p.failures[0]?.message}`);
    const c = await run({ scenario, variant: 'mainline', iterations: 60, mode: 'controlled', strategy: 'pct', seed: 3 });
    assert.is(c.summary.failures, 0, `controlled: ${c.failures[0]?.message}`);
  });
}

/** [scenario, mutant, expected failure kind, expected spec (or null), controlled PCT seed that finds it] */
const MUTANTS: [string, string, string, string | null, number?][] = [
  ['landlock-clone-race', 'L1', 'invariant', 'I-LL1'],
  ['landlock-multi-threaded', 'L2', 'invariant', 'I-LL4'],
  // v2's works.size gate: a first sibling that fails prepare_creds() completes all_finished early.
  ['landlock-enomem', 'L3', 'kasan', null, 4],
  ['landlock-exit-race', 'L4', 'invariant', 'I-LL1', 2],
  // L5's two uninterruptible all_prepared waits deadlock before I-LL8 trips under PCT's first schedules.
  ['landlock-competing-enablement', 'L5', 'deadlock', null],
  ['landlock-competing-enablement', 'L6', 'invariant', 'I-LL8'],
  ['landlock-competing-enablement', 'L7', 'invariant', 'I-LL8'],
  ['landlock-competing-enablement', 'L8', 'deadlock', null],
  ['landlock-competing-enablement', 'L9', 'invariant', 'I-LL10'],
  ['landlock-exit-race', 'L10', 'kasan', 'L10'],
  ['landlock-enomem', 'L11', 'kasan', null],
  ['landlock-clone-race', 'L12', 'kasan', null],
  ['landlock-multi-threaded-max-layers', 'L13A', 'invariant', 'I-LL2'],
  ['landlock-multi-threaded', 'L13B', 'invariant', 'I-LL2'],
  ['landlock-diverging-domains', 'L14', 'invariant', 'I-LL1'],
  ['landlock-enomem', 'L15', 'invariant', 'I-LL1'],
  ['landlock-exit-race', 'L16', 'invariant', 'I-LL1'],
  ['landlock-without-ruleset', 'L17', 'invariant', 'I-LL1'],
  ['landlock-lockstep', 'L18', 'invariant', 'I-LL4'],
  ['landlock-tsync-interrupt', 'L19', 'invariant', 'I-LL10'],
  ['landlock-tsync-interrupt', 'L20', 'invariant', 'I-LL10'],
  ['landlock-tsync-interrupt', 'L21', 'deadlock', null],
  ['landlock-tsync-interrupt', 'L22', 'invariant', 'I-LL1'],
  ['landlock-log-subdomains-off-tsync', 'L17', 'invariant', 'I-LL1'],
  ['landlock-tsync-override-log-subdomains-off', 'L23', 'invariant', 'I-LL1'],
];

for (const [scenario, variant, kind, spec, seed] of MUTANTS) {
  test(`${scenario}/${variant} is caught (${kind}${spec ? `, ${spec}` : ''})`, async () => {
    const r = await run({ scenario, variant, iterations: 3000, mode: 'controlled', strategy: 'pct', seed: seed ?? 1, stopOnFailure: true, hunt: false });
    assert.is(r.summary.failures, 1, `${variant} not detected in ${r.summary.iterations} iterations`);
    const f = r.failures[0]!;
    assert.is(f.kind, kind, f.message);
    if (spec) assert.is(f.spec, spec, f.message);
  });
}

// I-LL8 counts TSYNC calls inside S2..S5 and trips exactly when L5, L6 or L7
// removes the serialisation. With the check off (exclusion=false) each must
// still be caught by what the missing serialisation leads to. L5's deadlock
// (two uninterruptible all_prepared waits) shows in controlled mode. L6's and
// L7's deadlock shows in parallel mode (about 8 s, docs/LANDLOCK.md); the
// livelock PCT used to report for them was PCT starving a yielding task
// (docs/EXPLORATION.md §7), and fair controlled schedules do not show it, so
// their evidence is the measured parallel runs, not a test that could miss.
const SYMPTOMS: [string, number][] = [['L5', 1]];
for (const [variant, seed] of SYMPTOMS) {
  test(`${variant} with the I-LL8 check off is caught by its symptom`, async () => {
    const r = await run({ scenario: 'landlock-competing-enablement', variant, params: { exclusion: false }, iterations: 1000, mode: 'controlled', strategy: 'pct', seed, stopOnFailure: true, hunt: false });
    assert.is(r.summary.failures, 1, `${variant} not detected in ${r.summary.iterations} iterations`);
    const f = r.failures[0]!;
    assert.ok(f.spec !== 'I-LL8', f.message);
    assert.ok(f.kind === 'hang' || f.kind === 'deadlock' || f.spec === 'I-LL1', `${f.kind} ${f.spec}: ${f.message}`);
  });
}

test('exclusion=false only switches the I-LL8 check off: mainline still passes', async () => {
  const m = await run({ scenario: 'landlock-competing-enablement', variant: 'mainline', params: { exclusion: false }, iterations: 100, mode: 'controlled', strategy: 'pct', seed: 1, hunt: false });
  assert.is(m.summary.failures, 0, m.failures[0]?.message);
});

test('L20 (-ERESTARTSYS) hides behind SA_RESTART: only the selftest handler without it shows the -EINTR', async () => {
  const hidden = await run({ scenario: 'landlock-tsync-interrupt', variant: 'L20', params: { sa_restart: true }, iterations: 100, mode: 'controlled', strategy: 'pct', seed: 1, hunt: false });
  assert.is(hidden.summary.failures, 0, hidden.failures[0]?.message);
  const shown = await run({ scenario: 'landlock-tsync-interrupt', variant: 'L20', iterations: 100, mode: 'controlled', strategy: 'pct', seed: 1, stopOnFailure: true, hunt: false });
  assert.is(shown.summary.failures, 1);
  assert.is(shown.failures[0]!.spec, 'I-LL10', shown.failures[0]!.message);
});

test('libpsx: distinct domains and denied signals; TSYNC: one domain', async () => {
  const psx = await run({ scenario: 'landlock-scope-signal', variant: 'libpsx', iterations: 5, stopOnFailure: true, hunt: false });
  assert.is(psx.summary.failures, 1);
  assert.match(psx.failures[0]!.message, /distinct domain\(s\); [1-9]\d* of \d+ cross-thread signals denied/);
});

test('a Landlock seed log replays exactly, 20/20', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-landlock-'));
  const r = await run({ scenario: 'landlock-exit-race', variant: 'L4', iterations: 3000, mode: 'controlled', strategy: 'pct', seed: 2, stopOnFailure: true, logDir: dir, hunt: false });
  const v = await withTimeout('replay', 60_000, (stop) => replayLog(r.failures[0]!.logPath!, 20, stop));
  assert.is(v.reproduced, 20);
  assert.is(v.identical, 20);
});

test.run();
