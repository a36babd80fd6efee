/**
 * The SRCU / RCU Tasks parts of BENCHMARKS.md: the notes of the srcu-sync,
 * rcu-tasks and gp-rate groups, the tables that follow their result tables
 * (latency by readers with two ratios, designs side by side, rcutorture's
 * published GP/s as context), the SRCU plot, and the sentences of "Reading
 * these numbers" about them, each built from the figures it cites.
 */
import { ATOMICS_ADD_BASELINE, OPS_PER_SAMPLE } from './atomics.js';
import { RCU_TASKS_DESIGNS, RCU_TASKS_IDLE, rcuTasksName } from './gp-latency.js';
import { gpRateBudget } from './gp-rate.js';
import { RCU_TASKS_CALLS, RCU_TASKS_WARM } from './scenarios/rcu-tasks-latency.js';
import { SRCU_CALLS, SRCU_WARM } from './scenarios/srcu-latency.js';
import { SRCU_READ_AS_TASK, SRCU_READ_BARE } from './srcu-read.js';
import { fmt } from './stats.js';
import { gpRateContext, SRCU_SYNC_BASELINE, type SuiteReport } from './suite.js';
import type { BenchResult } from './types.js';

export const RCU_GROUP_TITLES: Record<string, string> = {
  'srcu-sync': 'SRCU: synchronize_srcu() latency by looping readers',
  'rcu-tasks': 'RCU Tasks: synchronize_rcu_tasks() latency per design',
  'gp-rate': 'Grace periods per second in the torture scenarios',
};

export const ATOMICS_NOTE = [
  `Each sample is a loop of ${OPS_PER_SAMPLE.toLocaleString('en')} operations divided by the count; every row is measured in the same tinybench run and compared with \`${ATOMICS_ADD_BASELINE}\`.`,
  'The SRCU rows are `srcu_read_lock()` + `srcu_read_unlock()` pairs on one `srcu_struct`, run on the main thread by a Kernel that stands for one reader task (uncontended: no other thread touches the counters).',
  '"As a task with --strategy none" takes each of the pair\'s 5 yield points the way a pool worker does under `--strategy none` (no perturbation): the abort checks, a ticket from the global sequence, the schedule-log entry and a timestamped event in the task\'s ring. That is what a reader pays in lockstep.',
  '"Yield points skipped" runs the same pair on the harness Kernel, whose yield points return at once: the protocol\'s own atomics (two counter increments, the `srcu_idx` load, the reader bookkeeping of the wait-for graph, the check for a waiting updater). See bench/srcu-read.ts.',
].join(' ');

export function rcuGroupNote(g: string, r: SuiteReport): string | undefined {
  const cores = r.machine.cores;
  switch (g) {
    case 'srcu-sync':
      return [
        'One `synchronize_srcu()` with N reader tasks on their own threads looping `srcu_read_lock()`, one preemption point, `srcu_read_unlock()`, never sleeping (N + 1 threads, parallel mode, strategy none).',
        `Each sample is one grace period timed inside the writer: ${SRCU_CALLS} per iteration (the first dropped), after ${SRCU_WARM} untimed ones with the readers held back (fresh workers run unoptimised code) and once every reader has completed a section.`,
        'The baseline is the raw futex round trip, not the broadcast-ack floor: SRCU never wakes its readers nor waits for their acks; with readers in flight the updater sleeps until an unlock wakes it, one futex handoff whatever N.',
        `This machine has ${cores} cores: from N = ${cores} on, the readers and the writer outnumber them.`,
      ].join(' ');
    case 'rcu-tasks':
      return [
        `One \`synchronize_rcu_tasks()\` per design with ${RCU_TASKS_IDLE} tasks asleep in a futex wait (off the runqueue: never holdouts) and N busy reader tasks looping one-preemption-point sections, each ended by \`cond_resched_tasks_rcu_qs()\` (runnable at every scan: holdouts). Each sample is one grace period timed inside the writer: ${RCU_TASKS_CALLS} per iteration (the first dropped), after ${RCU_TASKS_WARM} untimed ones with the busy readers held back and once each has ended a section; parallel mode, strategy none.`,
        'Time is scaled: 1 jiffy = 0.1 ms, and the holdout loop first sleeps 1 jiffy, one more per pass (the kernel: HZ/10 = 100 ms, growing to HZ).',
        'No task exits while the calls are timed, so `fix-2023` and `srcu-2022` run the same grace period (postscan is `synchronize_srcu(&tasks_rcu_exit_srcu)`; they differ only in `zap_pid_ns_processes()`), and `lists-2024` walks the per-CPU exit lists instead.',
        'Ratios: `lists-2024` with busy readers against `lists-2024` with idle tasks only; the two older designs against `lists-2024` under the same load.',
      ].join(' ');
    case 'gp-rate': {
      const b = gpRateBudget(r.quick);
      return [
        'Grace periods per second of the writer in `srcu-torture` (mainline) and `rcu-tasks-torture` (lists-2024), 4 threads (writer, the chain reader or the exit-reader spawner, two readers), parallel mode, strategy none.',
        `They run as sustained runs: the scenarios' own bodies, setup and check, with readers that read until the writer has spent its budget (${b.srcu} SRCU / ${b.tasks} RCU Tasks grace periods per iteration; bench/scenarios/torture-rate.ts).`,
        "Each sample is one iteration: the writer's wall time divided by the grace periods it completed. The torture check (Reader Pipe, Reader Batch) passed on every sample, or the row would be under \"Did not complete\".",
      ].join(' ');
    }
    default:
      return undefined;
  }
}

function ratioText(x: BenchResult | undefined, base: BenchResult | undefined): string {
  return x && base && base.median > 0 ? `${fmt(x.median / base.median)}×` : '';
}

/** What follows a group's result table: plots and summary tables. */
export function rcuGroupExtras(g: string, r: SuiteReport, plots: readonly string[]): string[] {
  const get = (name: string): BenchResult | undefined => r.results.find((x) => x.name === name);
  if (g === 'srcu-sync') {
    const rows = r.results.filter((x) => x.group === 'srcu-sync');
    const zero = rows.find((x) => /with 0 looping/.test(x.name));
    const base = get(SRCU_SYNC_BASELINE);
    const out = [...plots.filter((p) => p.endsWith('-srcu.svg')).map((p) => `![synchronize_srcu latency by looping readers](${p})`), ''];
    if (base) out.push(`The dashed line is the raw futex round trip measured in the same run (${fmt(base.median)} µs median).`, '');
    out.push('| readers | median | p99 | × futex round trip | × no readers |', '| --- | --- | --- | --- | --- |');
    for (const x of rows) out.push(`| ${/with (\d+)/.exec(x.name)?.[1] ?? '?'} | ${fmt(x.median)} µs | ${fmt(x.p99)} µs | ${ratioText(x, base)} | ${ratioText(x, zero)} |`);
    return [...out, ''];
  }
  if (g === 'rcu-tasks') {
    const loads = [...new Set(r.results.filter((x) => x.group === 'rcu-tasks').map((x) => Number(/\+ (\d+) busy/.exec(x.name)?.[1] ?? 0)))].sort((a, b) => a - b);
    const out = ['Median (p99) per grace period; the older designs with their ratio to `lists-2024` under the same load.', '', `| load | ${RCU_TASKS_DESIGNS.join(' | ')} |`, `| --- | ${RCU_TASKS_DESIGNS.map(() => '---').join(' | ')} |`];
    for (const busy of loads) {
      const lists = get(rcuTasksName({ design: 'lists-2024', busy }));
      const cells = RCU_TASKS_DESIGNS.map((design) => {
        const x = get(rcuTasksName({ design, busy }));
        if (!x) return '';
        return `${fmt(x.median)} µs (${fmt(x.p99)} µs)${design !== 'lists-2024' && lists ? ` **${ratioText(x, lists)}**` : ''}`;
      });
      out.push(`| ${RCU_TASKS_IDLE} idle${busy ? ` + ${busy} busy` : ''} | ${cells.join(' | ')} |`);
    }
    return [...out, ''];
  }
  if (g === 'gp-rate') {
    const ctx = gpRateContext(r.quick);
    const first = ctx[0]?.published[0];
    const implied = first ? `; its GP counts and rates imply runs of about ${Math.round(first.gps / first.perSecond / 60)} minutes (${first.config}: ${first.gps.toLocaleString('en')} / ${first.perSecond} ≈ ${Math.round(first.gps / first.perSecond).toLocaleString('en')} s), which does not change the rates` : '';
    const out = [
      "### Beside rcutorture's published GP/s (context, not a ratio)",
      '',
      `The rcutorture figures are the run summary quoted in the kernel's \`Documentation/RCU/torture.rst\`: ${ctx[0]?.source ?? ''}${implied}. Another machine, another kernel, another time scale: the kernel's RCU Tasks sleeps HZ/10 = 100 ms before its first holdout check, lockstep's 0.1 ms; the kernel's SRCU updater re-polls from delayed work (\`SRCU_INTERVAL\`, 1 jiffy), lockstep's is woken by the unlock. No ratio is taken.`,
      '',
      '| lockstep scenario | GP/s here (median) | rcutorture config | GPs | GP/s |',
      '| --- | --- | --- | --- | --- |',
    ];
    for (const c of ctx) {
      const x = get(c.name);
      c.published.forEach((p, i) => out.push(`| ${i === 0 ? c.name.replace(/^GP\/s /, '') : ''} | ${i === 0 && x ? x.opsPerSec.toFixed(0) : ''} | ${p.config} | ${p.gps.toLocaleString('en')} | ${p.perSecond} |`));
    }
    return [...out, ''];
  }
  return [];
}

/** The sentences about the SRCU and RCU Tasks figures. */
export function rcuReading(r: SuiteReport): string[] {
  const get = (name: string): BenchResult | undefined => r.results.find((x) => x.name === name);
  const out: string[] = [];
  const add = get(ATOMICS_ADD_BASELINE);
  const task = get(SRCU_READ_AS_TASK);
  const bare = get(SRCU_READ_BARE);
  const futex = get(SRCU_SYNC_BASELINE);
  if (add && task && bare) {
    const below = futex && task.median < futex.median * 1000 ? ` Both stay far below a futex round trip (${fmt((futex.median * 1000) / task.median)}× the pair as a task).` : '';
    out.push(
      `- An SRCU read-side pair costs ${fmt(task.median)} ns as a task (${(task.median / add.median).toFixed(1)}× a bare \`Atomics.add\`), ${fmt(bare.median)} ns (${(bare.median / add.median).toFixed(1)}×) with the yield points skipped: the ${fmt(task.median - bare.median)} ns between them is lockstep's instrumentation (5 yield points per pair), the rest the protocol's own sequentially consistent atomics.${below}`,
    );
  }
  const sync = r.results.filter((x) => x.group === 'srcu-sync').map((x) => ({ n: Number(/with (\d+)/.exec(x.name)?.[1] ?? -1), x })).sort((a, b) => a.n - b.n);
  const zero = sync.find((s) => s.n === 0);
  const most = sync[sync.length - 1];
  if (zero && most && most.n > 0) {
    const cores = r.machine.cores;
    out.push(
      `- With no reader, \`synchronize_srcu()\` takes ${fmt(zero.x.median)} µs${futex ? ` (${(zero.x.median / futex.median).toFixed(2)}× a futex round trip)` : ''}: SCAN1 and SCAN2 find their ranks empty at the first check, nothing sleeps. With ${most.n} looping readers the median is ${fmt(most.x.median)} µs (${fmt(most.x.median / zero.x.median)}× the median without readers) and the p99 ${fmt(most.x.p99)} µs` +
        (most.n + 1 > cores ? `; ${most.n + 1} runnable threads share ${cores} cores: a reader the OS preempts inside its section holds a grace period until it runs again, and a woken updater waits for a core too.` : '.'),
    );
  }
  const rt = (design: string, busy: number): BenchResult | undefined => get(rcuTasksName({ design: design as (typeof RCU_TASKS_DESIGNS)[number], busy }));
  const idle = rt('lists-2024', 0);
  const busyRows = r.results.filter((x) => x.group === 'rcu-tasks' && x.name.startsWith('synchronize_rcu_tasks lists-2024') && /busy/.test(x.name));
  if (idle && busyRows.length) {
    const lo = busyRows.reduce((a, b) => (a.median <= b.median ? a : b));
    const hi = busyRows.reduce((a, b) => (a.median >= b.median ? a : b));
    const busy = (x: BenchResult): string => `${fmt(x.median)} µs with ${/\+ (\d+ busy)/.exec(x.name)?.[1] ?? '?'}`;
    const span = lo === hi ? busy(lo) : `from ${busy(lo)} to ${busy(hi)}`;
    out.push(
      `- With only sleeping tasks, an RCU Tasks grace period (lists-2024) takes ${fmt(idle.median)} µs: the scan finds no holdout and nothing sleeps. With busy readers its median goes ${span}: every busy reader is a holdout at the scan, so the updater sleeps at least once (1 jiffy = 100 µs here) and then until each holdout has run to its next quiescent state, one more jiffy per pass.`,
    );
  }
  const older = r.results.filter((x) => x.group === 'rcu-tasks' && x.ratio !== undefined && !x.name.startsWith('synchronize_rcu_tasks lists-2024')).map((x) => x.ratio!).sort((a, b) => a - b);
  if (older.length) out.push(`- The SRCU-based designs (fix-2023, srcu-2022) cost ${older[0]!.toFixed(2)}–${older[older.length - 1]!.toFixed(2)}× the list design under the same load; without exiting tasks their only difference is postscan (an SRCU grace period against an exit-list walk).`);
  const rates = gpRateContext(r.quick)
    .map((c) => ({ c, x: get(c.name) }))
    .filter((p): p is { c: (typeof p)['c']; x: BenchResult } => p.x !== undefined);
  if (rates.length) {
    const parts = rates.map(({ c, x }) => {
      const ps = c.published.map((p) => p.perSecond).sort((a, b) => a - b);
      return `${c.name.replace(/^GP\/s /, '').replace(/ \d+ threads.*$/, '')} completes ${x.opsPerSec.toFixed(0)} GP/s here, rcutorture's ${c.published.map((p) => p.config.replace(/ \(.*\)$/, '')).join('/')} ${ps[0]}–${ps[ps.length - 1]} GP/s`;
    });
    out.push(`- ${parts.join('; ')}. Context only, not a speed-up: lockstep scales RCU Tasks' jiffies down 1000× (its first holdout sleep is 0.1 ms, the kernel's 100 ms) and wakes a waiting SRCU updater at the unlock instead of re-polling every jiffy.`);
  }
  return out;
}
