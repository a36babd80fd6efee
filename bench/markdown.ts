/**
 * BENCHMARKS.md from a suite report: the machine, every figure with its
 * spread and its same-run baseline ratio, the time to first detection of
 * the planted bugs, the creds-per-call counts, the scaling plot, a reading
 * of the figures, and how to reproduce. Generated, never hand-edited, so
 * the numbers in the document are the numbers of one real run.
 */
import { ATOMICS_ADD_BASELINE, ATOMICS_GROUP } from './atomics.js';
import { twoRoundName } from './broadcast.js';
import { DETECTION_STRATEGIES, detectionName, PLANTED_BUGS } from './detection.js';
import { ATOMICS_NOTE, RCU_GROUP_TITLES, rcuGroupExtras, rcuGroupNote, rcuReading } from './markdown-rcu.js';
import { ACTIVE, CONTROLLED_GROUP, RAW_SPIN_HANDOFF, RAW_WAKE, SWEEP_MB, parkedPhase, rawRingName } from './controlled.js';
import { handoffName } from './handoff.js';
import { ITERATION_GROUP } from './iteration.js';
import { fmt } from './stats.js';
import { LONG_SAMPLES, LONG_SECONDS, stressSampling } from './stress.js';
import { detectionCell, rateText, type SuiteReport } from './suite.js';
import { tsyncCaseName } from './tsync.js';
import { breakdownName, TSYNC_BREAKDOWN_GROUP, TSYNC_WHOLE } from './tsync-breakdown.js';
import { steadyWarmMs, type BenchResult, type DetectionResult } from './types.js';

const GROUP_TITLES: Record<string, string> = {
  [ATOMICS_GROUP]: 'Per-operation costs: bare Atomics.add and the SRCU read side',
  handoff: 'Handoff: one round trip between the main thread and a worker',
  stress: 'Stress iterations/s (parallel) and schedules/s (controlled), per scenario',
  [ITERATION_GROUP]: 'Where a parallel stress iteration spends its time',
  [CONTROLLED_GROUP]: 'Controlled mode: µs per scheduling step, beside one raw futex wake',
  floor: 'Raw broadcast-ack floor',
  [TSYNC_BREAKDOWN_GROUP]: 'One Landlock TSYNC call with 8 siblings, phase by phase',
  tsync: 'TSYNC latency by parked siblings',
  ...RCU_GROUP_TITLES,
};

const GROUP_NOTES: Record<string, string> = {
  [ATOMICS_GROUP]: ATOMICS_NOTE,
  handoff:
    'Each sample is one round trip. The runtime spins before it parks only where spinning can win (a task that can wake it is on a CPU, and every runnable task, spinner and itself fit on the cores) and backs off after spins that ran out; the last two rows repeat the futex baseline and the runtime with one core taken by a spinning thread, where spinning cannot win. The rows of each condition run on the same two threads (one partner thread switched from protocol to protocol), the cores-free rows one after the other; the one-core-busy rows beside one spinning thread in alternating blocks of round trips: there the OS moves the threads between the CPUs every few tens of ms and a round trip is ~12 or ~16 µs as they lie, so both rows get the same mixture of placements, and the runtime\'s row is also read block by block (the median over the blocks of its block median over that of the futex block timed next to it: two pooled mixtures of placements can still differ, two neighbouring blocks mostly share one). The two `completion protocol alone` rows are the floor of any handoff that keeps the kernel\'s protocol: complete() and wait_for_completion() written out in plain JS on a few words (the `done` count, the waiter\'s sleep state and what it waits on, a park word it spins on), bare, then with what lockstep keeps on every park and yield point (the runnable and spinner counts that decide spinning, the FIFO wait ticket, one global sequence ticket at each yield point, block and wake: the order a failing run replays from); each is read against the raw spin ping-pong, and the runtime against the second is lockstep\'s own share.',
  [ITERATION_GROUP]:
    "Session.run's phases, per iteration on a warm pool (warmed by an untimed batch: each worker's isolate compiles lockstep's code on its own, and a fresh pool takes seconds to reach its steady rate, which the stress rows above include), each beside the whole iteration (the ratio is its share), and the whole iteration beside the same scenario without perturbation on a second warm pool, batches alternating: setup (reset the memory, create init and the tasks), start (hand the first tasks to idle executors), run (from then to the last task done; spawn, the time until the last first task runs, is inside it), check, teardown, and what the harness does between two iterations.",
  [CONTROLLED_GROUP]:
    `Schedules on a warm pool (each case first runs untimed for ${steadyWarmMs(false) / 1000} s, ${steadyWarmMs(true) / 1000} s with --quick, so that its code is optimized in every worker); a step is one decision of the controlled scheduler and its cost is the wall time over the decisions (harness setup and checks included). The floors run in the same Bench: one raw futex wake and one raw spin handoff (each half a round trip), and raw rings of plain worker threads handing a token at random (among all N threads for the curve; among 4 of them, the rest asleep in Atomics.wait, for the parked curve). bench-steps gives every thread the same 20 yield points, so its rows are the cost per step as the number of threads grows (every thread switching, each its own isolate and caches); the \`active among\` rows run 4 switching threads beside 0, 12, 60 or 124 parked ones and time only that phase, ${parkedPhase(false)} yield points a thread (${parkedPhase(true)} with --quick) and as many schedules a sample at every width: the cost of a step as the number of parked threads grows. The \`in the first\` rows time a phase of 20 yield points a thread, 20 schedules a sample (8 with --quick): its first steps after the parked tasks ran, and the same with none parked, without and with a cache sweep (one task reads and writes ${SWEEP_MB} MB just before the phase). The \`decide()\` rows time the decision alone, 20,000 a sample on the main thread with 4 runnable tasks among 4 to 128 (the rest asleep): what lockstep reads and writes to choose, without the handoff and the OS wake.`,
  [TSYNC_BREAKDOWN_GROUP]:
    "Read from the trace of one call (the event rings' µs timestamps; the last of the iteration's calls, one call per sample), each phase beside the whole call (the ratio is its share): the caller queueing the task_works and waking each sibling, a sibling's wake (task_work_add to its first step of the work), prepare_creds, the two completions (all_prepared back to the caller, ready_to_commit out to the siblings), the commit, and all_finished back to the caller. Per-sibling phases are the median sibling, and the last one where the caller waits for it.",
  floor: 'One `Atomics.notify` wakes N plain worker threads parked in `Atomics.wait`; each acks with `Atomics.add` and the last one notifies back. The least any "every sibling does something, the caller waits for all" protocol can cost here. The two-round rows are the shape of the TSYNC protocol of the kernel with no work in it: twice, the caller wakes each waiter on a word of its own (task_work_add() to each sibling, then complete_all() over their waits) and the last ack wakes it back; each is compared with one broadcast round for as many waiters.',
  tsync: `One \`landlock_restrict_self(TSYNC)\` (or libpsx broadcast, or seccomp TSYNC) call with N parked siblings, timed inside the caller; each sample is the median of 11 calls in one iteration, on a pool that first ran the case untimed for ${steadyWarmMs(false) / 1000} s (${steadyWarmMs(true) / 1000} s with --quick) so that its code is optimized: the steady state. Landlock TSYNC is compared with the broadcast-ack floor for the same N.`,
};

function stressNote(quick: boolean): string {
  const { samples, iterations } = stressSampling(quick);
  return [
    `${quick ? 'A subset of the built-in scenarios' : 'Every built-in scenario'} (correct variant, default thread count) in parallel mode with random perturbation delays (50 ‰ per yield point), and a few in controlled mode under random and PCT (depth 3).`,
    `Each sample is one run of ${iterations} iterations on a fresh pool (${samples} samples per case)${quick ? '' : `; issue 16's cases (landlock-multi-threaded with 4 threads, controlled tw-barrier) run ${LONG_SECONDS} s a sample, ${LONG_SAMPLES} samples, as the issue measured them`}. The time is per steady iteration, the first (which starts the pool) excluded, the warm-up of each worker's compiled code included: a fresh pool takes seconds to reach its steady rate (each worker's isolate optimizes lockstep's code on its own).`,
    "Controlled mode runs one thread at a time and records every decision: schedules/s are compared with the same scenario's parallel iterations/s, and perturbation delays with none.",
  ].join(' ');
}

function resultTable(rows: readonly BenchResult[]): string[] {
  const out = ['| benchmark | median | p99 | IQR / median | samples | rate | vs baseline (median ratio) |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const x of rows) {
    const paired = x.pairedRatio !== undefined ? ` (**${x.pairedRatio.toFixed(2)}×** block by block)` : '';
    const ratio = x.ratio !== undefined ? `**${x.ratio.toFixed(2)}×** ${x.baseline}${paired}` : '';
    out.push(`| ${x.name} | ${fmt(x.median)} ${x.unit} | ${fmt(x.p99)} ${x.unit} | ${(x.spread * 100).toFixed(0)} % | ${x.samples} | ${rateText(x)} | ${ratio} |`);
  }
  return out;
}

function detectionTables(r: SuiteReport): string[] {
  const { budget, seeds } = r.detectionPlan;
  const byName = new Map(r.detection.map((d) => [d.name, d]));
  const bugs = PLANTED_BUGS.filter((b) => r.detection.some((d) => d.scenario === b.scenario && d.variant === b.variant));
  const lines = [
    '## Time to first detection of planted bugs',
    '',
    `SCTBench-style: each planted bug is hunted with ${seeds.length} seed(s) per strategy, each run stopping at the first failure or at the budget`,
    `(${budget.iterations.toLocaleString('en')} iterations or ${budget.seconds} s, whichever comes first). A cell is the median wall time to the first failure,`,
    'the median iterations to it, and how many seeds found the bug; a seed that missed counts as slower than any find, so the median is',
    '"not found" when fewer than half found it. The time includes starting the worker pool (one `lockstep stress --stop-on-failure` run).',
    'Controlled mode runs one thread at a time under the strategy (random walk, or PCT with depth 3); parallel mode runs on real cores',
    'with random perturbation delays. Ratios are against controlled random for the same bug.',
    '',
    '| bug | what it breaks | ' + DETECTION_STRATEGIES.map((s) => `${s.mode} ${s.strategy}`).join(' | ') + ' |',
    '| --- | --- | ' + DETECTION_STRATEGIES.map(() => '---').join(' | ') + ' |',
  ];
  for (const b of bugs) {
    const cells = DETECTION_STRATEGIES.map((s) => {
      const d = byName.get(detectionName(b.scenario, b.variant, s));
      if (!d) return '';
      return `${detectionCell(d)}${d.ratio !== undefined ? ` **${d.ratio.toFixed(2)}×**` : ''}`;
    });
    lines.push(`| ${b.scenario}/${b.variant} | ${b.why} | ${cells.join(' | ')} |`);
  }
  lines.push('', '| strategy | bugs found by every seed | bugs found by some seed | seed runs that found their bug | median of the per-bug median iterations |', '| --- | --- | --- | --- | --- |');
  for (const s of DETECTION_STRATEGIES) {
    const ds = r.detection.filter((d) => d.mode === s.mode && d.strategy === s.strategy);
    const all = ds.filter((d) => d.detected === d.samples).length;
    const some = ds.filter((d) => d.detected > 0).length;
    const runs = ds.reduce((a, d) => a + d.detected, 0);
    const total = ds.reduce((a, d) => a + d.samples, 0);
    const its = ds.map((d) => d.iterations.median ?? Infinity).sort((a, b) => a - b);
    const mid = its[Math.floor(its.length / 2)];
    lines.push(`| ${s.mode} ${s.strategy} | ${all} / ${ds.length} | ${some} / ${ds.length} | ${runs} / ${total} | ${mid === undefined || !Number.isFinite(mid) ? 'not found' : mid} |`);
  }
  lines.push('', 'Every seed run (seconds, iterations, failure kind) is in the JSON report under `detection[].runs`.', '');
  return lines;
}

/** Sentences about this run's figures, each built from the figures it cites. */
function reading(r: SuiteReport): string[] {
  const get = (name: string): BenchResult | undefined => r.results.find((x) => x.name === name);
  const det = (name: string): DetectionResult | undefined => r.detection.find((d) => d.name === name);
  const out: string[] = [];
  const add = get(ATOMICS_ADD_BASELINE);
  const raw = get('raw Atomics.wait/notify ping-pong');
  if (add && raw) {
    out.push(`- One bare \`Atomics.add\` costs ${fmt(add.median)} ns; one futex round trip (${fmt(raw.median)} µs) costs as much as ${Math.round((raw.median * 1000) / add.median).toLocaleString('en')} of them. A read-side primitive that stays on atomics is in the first range; one that parks is in the second.`);
  }
  const park = get(handoffName('runtime'));
  const spin = get(handoffName('spin'));
  if (park?.ratio !== undefined) {
    const busy = get(handoffName('runtime', true));
    const floor = get(handoffName('floor'));
    const ordered = get(handoffName('floor-ordered'));
    out.push(
      `- The runtime's park/unpark costs ${park.ratio.toFixed(2)}× the raw futex ping-pong at the median (p99 ${fmt(park.p99)} µs against ${raw ? fmt(raw.p99) : '?'} µs)` +
        (spin ? ` and ${fmt(park.median / spin.median)}× the raw spin ping-pong (${fmt(spin.median)} µs)` : '') +
        (busy?.ratio !== undefined
          ? `; with one core busy, where it must not spin, ${busy.ratio.toFixed(2)}× the futex ping-pong under the same load${busy.pairedRatio !== undefined ? ` (${busy.pairedRatio.toFixed(2)}× block by block)` : ''} (p99 ${fmt(busy.p99)} µs).`
          : '.'),
    );
    if (spin && floor && ordered) {
      out.push(
        `- The kernel's completion protocol alone, in plain JS, spins a round trip in ${fmt(floor.median)} µs, ${fmt(floor.median / spin.median)}× the raw spin ping-pong; with lockstep's counts and recorded order in ${fmt(ordered.median)} µs, ${fmt(ordered.median / spin.median)}×. That is the floor of a spinning handoff that keeps the protocol and replays: the runtime costs ${fmt(park.median / ordered.median)}× it.`,
      );
    }
  }
  const wake = get(RAW_WAKE);
  const steps = r.results.filter((x) => x.group === CONTROLLED_GROUP && x.name.startsWith('µs per controlled step'));
  if (wake && steps.length) {
    const tw = steps.filter((x) => x.name.includes('tw-barrier'));
    const spinHandoff = get(RAW_SPIN_HANDOFF);
    out.push(
      `- A controlled step costs ${tw.map((x) => `${fmt(x.median)} µs under ${x.name.split(' ').pop()} (${x.ratio?.toFixed(2)}× one raw futex wake, ${x.opsPerSec.toFixed(0)} steps/s)`).join(' and ')} on tw-barrier with 4 threads; one raw futex wake costs ${fmt(wake.median)} µs and one raw spin handoff ${spinHandoff ? fmt(spinHandoff.median) : '?'} µs in the same run.`,
    );
    const curve = steps.filter((x) => x.name.includes('bench-steps')).map((x) => ({ n: Number(/(\d+) threads/.exec(x.name)![1]), x })).sort((a, b) => a.n - b.n);
    if (curve.length > 1) {
      const lo = curve[0]!;
      const hi = curve[curve.length - 1]!;
      out.push(`- By thread count (every thread the same 20 yield points, random): ${curve.map((c) => `${fmt(c.x.median)} µs at ${c.n}`).join(', ')}; ${hi.n} threads cost ${(hi.x.median / lo.x.median).toFixed(2)}× ${lo.n} per step.`);
    }
    const parked = steps.filter((x) => x.name.includes(' active among ') && !x.name.includes(' in the first ')).map((x) => ({ n: Number(/\((\d+) parked\)/.exec(x.name)![1]), x })).sort((a, b) => a.n - b.n);
    if (parked.length > 1) {
      const lo = parked[0]!;
      const hi = parked[parked.length - 1]!;
      out.push(`- 4 threads switching beside parked ones: ${parked.map((c) => `${fmt(c.x.median)} µs with ${c.n} parked`).join(', ')}; ${hi.n} parked threads make a step ${(hi.x.median / lo.x.median).toFixed(2)}× the step with none.`);
      // The platform's own handoff beside as many sleeping threads (raw ring rows of the same run).
      const ringOf = (n: number): BenchResult | undefined => (n === 0 ? get(rawRingName(ACTIVE)) : get(rawRingName(ACTIVE + n, ACTIVE)));
      const rings = parked.map((c) => ({ n: c.n, x: ringOf(c.n) })).filter((c): c is { n: number; x: BenchResult } => c.x !== undefined);
      if (rings.length > 1) {
        const rlo = rings[0]!;
        const rhi = rings[rings.length - 1]!;
        out.push(`- The raw floor of that curve (${ACTIVE} plain worker threads passing a token at random, no lockstep): ${rings.map((c) => `${fmt(c.x.median)} µs with ${c.n} asleep`).join(', ')}; ${rhi.n} sleeping threads make the raw handoff ${(rhi.x.median / rlo.x.median).toFixed(2)}× the one with none.`);
      }
    }
    // The short phase's transient: right after the parked tasks ran, and after a cache sweep with none parked.
    const first = steps.filter((x) => x.name.includes(' in the first '));
    const alone = first.find((x) => !x.name.includes('cache sweep') && x.name.includes('(0 parked)'));
    const wide = first.find((x) => !x.name.includes('cache sweep') && !x.name.includes('(0 parked)'));
    const swept = first.find((x) => x.name.includes('cache sweep'));
    if (alone && wide && swept) {
      const n = /\((\d+) parked\)/.exec(wide.name)![1];
      const len = /first (\d+) steps/.exec(wide.name)![1];
      const sweep = /a (\d+ MB) cache sweep/.exec(swept.name)![1];
      out.push(`- The first ${len} steps of a phase, timed alone: ${fmt(alone.median)} µs with none parked, ${fmt(wide.median)} µs right after ${n} parked tasks ran (${(wide.median / alone.median).toFixed(2)}×), and ${fmt(swept.median)} µs with none parked after one task swept ${sweep} through the caches (${(swept.median / alone.median).toFixed(2)}×): the share of that transient an eviction of the caches alone reproduces, with no task parked.`);
    }
    const decisions = r.results.filter((x) => x.group === CONTROLLED_GROUP && x.name.startsWith('decide() at a yield point')).map((x) => ({ n: Number(/\((\d+) asleep\)/.exec(x.name)![1]), x })).sort((a, b) => a.n - b.n);
    if (decisions.length > 1) {
      const lo = decisions[0]!;
      const hi = decisions[decisions.length - 1]!;
      out.push(`- The decision alone (decide() at a yield point on the bench's main thread, 4 runnable tasks): ${decisions.map((c) => `${fmt(c.x.median)} µs with ${c.n} asleep`).join(', ')}; ${hi.n} sleeping tasks make it ${(hi.x.median / lo.x.median).toFixed(2)}× the decision with none (it reads the runqueue, not every task).`);
    }
  }
  const parts = r.results.filter((x) => x.group === ITERATION_GROUP && !x.name.endsWith('whole iteration') && !x.name.includes('spawn'));
  const whole = r.results.find((x) => x.group === ITERATION_GROUP && x.name.endsWith('parallel random: whole iteration'));
  const bare = r.results.find((x) => x.group === ITERATION_GROUP && x.name.endsWith('parallel none: whole iteration'));
  if (parts.length && whole) {
    const big = parts.reduce((a, b) => (a.median >= b.median ? a : b));
    out.push(
      `- A parallel iteration of ${whole.name.split(':')[0]} takes ${fmt(whole.median)} µs (${whole.opsPerSec.toFixed(0)} it/s) on a warm pool` +
        (bare ? `, ${fmt(bare.median)} µs (${bare.opsPerSec.toFixed(0)} it/s) without perturbation` : '') +
        `; its largest part is ${big.name.split(': ')[1]}, ${fmt(big.median)} µs (${((big.median / whole.median) * 100).toFixed(0)} %).`,
    );
  }
  const floorRatios = r.results.filter((x) => x.group === 'tsync' && /^Landlock TSYNC \d+ siblings$/.test(x.name) && x.ratio !== undefined);
  if (floorRatios.length) {
    const lo = floorRatios.reduce((a, b) => (a.ratio! <= b.ratio! ? a : b));
    const hi = floorRatios.reduce((a, b) => (a.ratio! >= b.ratio! ? a : b));
    out.push(
      `- Against the broadcast-ack floor with the same number of threads, Landlock TSYNC costs between ${lo.ratio!.toFixed(1)}× (${lo.name.replace('Landlock TSYNC ', '')}) and ${hi.ratio!.toFixed(1)}× (${hi.name.replace('Landlock TSYNC ', '')}). It needs two wake-ups per sibling (the task_work, then \`ready_to_commit\`) plus the caller's two, where the floor needs one, and each of them goes through the runtime's park/unpark path.`,
    );
  }
  const two8 = get(twoRoundName(8));
  const tsync8 = get(tsyncCaseName({ siblings: 8, how: 'tsync', ownCreds: false }));
  if (two8?.ratio !== undefined && tsync8) {
    out.push(
      `- Two rounds of per-thread wake-ack with no work, the shape of the kernel's protocol, cost ${two8.ratio.toFixed(2)}× the broadcast-ack floor at 8 waiters (${fmt(two8.median)} µs): that much of TSYNC's ratio is the machine's. Landlock TSYNC with 8 siblings costs ${(tsync8.median / two8.median).toFixed(2)}× the two-round floor.`,
    );
  }
  const call = get(breakdownName(TSYNC_WHOLE));
  if (call) {
    const parts = r.results.filter((x) => x.group === TSYNC_BREAKDOWN_GROUP && x.name !== call.name);
    const top = [...parts].sort((a, b) => b.median - a.median).slice(0, 3);
    out.push(`- In the trace of one TSYNC call with 8 siblings (${fmt(call.median)} µs at the median), the largest phases are ${top.map((x) => `${x.name.slice(x.name.indexOf(': ') + 2)} (${fmt(x.median)} µs)`).join(', ')}.`);
  }
  const sec8 = get(tsyncCaseName({ siblings: 8, how: 'seccomp', ownCreds: false }));
  const fa8 = get(tsyncCaseName({ siblings: 8, how: 'seccomp', ownCreds: false, forceAdd: true }));
  if (sec8?.ratio !== undefined) {
    out.push(
      `- seccomp TSYNC is one pass under siglock in the caller, no wake-up at all: ${sec8.ratio.toFixed(2)}× Landlock's lockstep at 8 siblings.` +
        (fa8?.ratio !== undefined ? ` The 2014 force-add design (no ancestry walk) costs ${fa8.ratio.toFixed(2)}× the ancestry check at 8 siblings, with spreads of ${(fa8.spread * 100).toFixed(0)} % and ${(sec8.spread * 100).toFixed(0)} %.` : ''),
    );
  }
  const psx = r.results.filter((x) => /^libpsx broadcast \d+ siblings$/.test(x.name) && x.ratio !== undefined);
  if (psx.length) {
    const cells = psx.map((x) => `${x.ratio!.toFixed(2)}× at ${/(\d+) siblings/.exec(x.name)![1]}`);
    out.push(`- The libpsx broadcast (a signal to each thread, each restricts itself and acks; no lockstep) costs ${cells.join(', ')} siblings against TSYNC, and leaves the threads in distinct domains (\`landlock-scope-signal --variant libpsx\`).`);
  }
  const own = r.credsPerCall.find((c) => /own creds/.test(c.name));
  const shared = r.credsPerCall.find((c) => c.siblings === own?.siblings && !/own creds/.test(c.name));
  if (own && shared) out.push(`- Siblings with creds of their own allocate one cred each per call (${own.credsPerCall} for ${own.siblings} siblings); with re-wiring the call allocates ${shared.credsPerCall}.`);
  out.push(...rcuReading(r));
  for (const strategy of ['random', 'pct']) {
    const rs = r.results
      .filter((x) => x.group === 'stress' && x.name.startsWith('schedules/s') && x.name.endsWith(`controlled ${strategy}`) && x.ratio !== undefined)
      .map((x) => x.ratio!)
      .sort((a, b) => a - b);
    if (rs.length) out.push(`- A controlled ${strategy === 'pct' ? 'PCT' : 'random'} schedule (one thread at a time, every decision recorded for exact replay) costs ${rs[0]!.toFixed(2)}–${rs[rs.length - 1]!.toFixed(2)}× a parallel iteration of the same scenario with perturbation delays.`);
  }
  const stress = r.results.filter((x) => x.group === 'stress' && x.name.startsWith('stress it/s') && x.name.endsWith('random'));
  if (stress.length > 1) {
    const slow = stress.reduce((a, b) => (a.opsPerSec <= b.opsPerSec ? a : b));
    const fast = stress.reduce((a, b) => (a.opsPerSec >= b.opsPerSec ? a : b));
    out.push(`- Parallel stress runs ${fast.opsPerSec.toFixed(0)} iterations/s at best (${fast.name.split(' ')[2]}) and ${slow.opsPerSec.toFixed(0)}/s at worst (${slow.name.split(' ')[2]}, ${slow.name.split(' ')[3]} threads).`);
  }
  const hard = r.detection.filter((d) => d.detected < d.samples);
  if (r.detection.length) {
    const missed = hard.map((d) => `${d.scenario}/${d.variant} under ${d.mode} ${d.strategy} (${d.detected}/${d.samples})`);
    out.push(`- Of ${r.detection.length} bug × strategy cells, ${r.detection.length - hard.length} found the bug with every seed within the budget${missed.length ? `; the misses: ${missed.join(', ')}` : ''}.`);
    const l4 = DETECTION_STRATEGIES.map((s) => det(detectionName('landlock-exit-race', 'L4', s))).filter((d): d is DetectionResult => d !== undefined);
    if (l4.length === DETECTION_STRATEGIES.length) {
      out.push(`- L4 (a sibling exiting during TSYNC) is the narrow window of the set: ${l4.map((d) => `${d.mode} ${d.strategy} ${detectionCell(d)}`).join('; ')}.`);
    }
  }
  return out;
}

export function benchmarksMarkdown(r: SuiteReport, plots: readonly string[], command: string): string {
  const fp = r.fingerprint;
  const m = r.machine;
  const groups = [...new Set(r.results.map((x) => x.group))];
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Generated by \`${command}\` on ${r.startedAt.slice(0, 10)} in ${r.seconds} s. ${r.quick ? 'Quick mode (short sampling, a subset of the cases).' : 'Full sampling.'}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; lockstep ${fp.version} (layout hash ${fp.layoutHash}).`,
    `Load average (1 min) ${m.loadAtStart} at the start and ${m.loadAtEnd} at the end of the run: other work shared the cores.`,
    '',
    'These machines are noisy (futex handoffs are bimodal, 6–14 µs or 45–80 µs), so every figure stands beside a',
    'baseline measured in the same run, as the ratio of the medians, and the spread is the interquartile range divided by',
    'the median. Read the ratios; the absolute numbers move from run to run.',
    '',
  ];
  for (const g of groups) {
    lines.push(`## ${GROUP_TITLES[g] ?? g}`, '');
    const note = g === 'stress' ? stressNote(r.quick) : (rcuGroupNote(g, r) ?? GROUP_NOTES[g]);
    if (note) lines.push(note, '');
    lines.push(...resultTable(r.results.filter((y) => y.group === g)), '');
    if (g === 'tsync') {
      for (const p of plots.filter((x) => x.endsWith('-tsync.svg'))) lines.push(`![TSYNC latency by parked siblings, with the broadcast-ack floor](${p})`, '');
      const floors = r.results.filter((x) => x.group === 'floor').map((x) => x.name);
      if (floors.length) lines.push(`The dashed line is the raw broadcast-ack floor measured in the same run, for N = ${floors.map((f) => /\d+/.exec(f)![0]).join(', ')}.`, '');
    }
    lines.push(...rcuGroupExtras(g, r, plots));
  }
  if (r.detection.length) lines.push(...detectionTables(r));
  if (r.credsPerCall.length) {
    lines.push('## Creds allocated per TSYNC call', '', '| case | creds per call |', '| --- | --- |');
    for (const c of r.credsPerCall) lines.push(`| ${c.name} | ${c.credsPerCall} |`);
    lines.push('', "With re-wiring, siblings that share the caller's cred take a reference to the caller's new cred: one", 'allocation per call. Siblings with creds of their own each prepare one.', '');
  }
  if (r.errors.length) {
    lines.push('## Did not complete', '', '| group | benchmark | error |', '| --- | --- | --- |');
    for (const e of r.errors) lines.push(`| ${e.group} | ${e.name} | ${e.message.split('\n')[0]!.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  const read = reading(r);
  if (read.length) lines.push('## Reading these numbers', '', ...read, '');
  lines.push(
    '## Reproduce',
    '',
    '```sh',
    'npm install && npm run build',
    'node bin/lockstep.js bench --json docs/bench/full.json --markdown BENCHMARKS.md   # this document, the JSON and the plots',
    'node bin/lockstep.js bench --quick --json bench-results/quick.json                # CI smoke: under a minute',
    '```',
    '',
    'The JSON report holds every result (median, p25, p75, p99, mean, samples, IQR/median, baseline and ratio), every',
    'detection seed run, and the machine fingerprint. A single hunt from the detection table, e.g.:',
    '',
    '```sh',
    'node bin/lockstep.js stress --scenario landlock-exit-race --variant L4 --mode controlled --strategy pct --seed 1 --stop-on-failure --iterations 10000',
    '```',
    '',
  );
  return lines.join('\n');
}
