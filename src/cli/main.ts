/**
 * The `lockstep` command line. Exit codes (a contract stated in README.md
 * and checked by test/cli.test.ts): 0 ran and found no failure; 1 a failure
 * was found (stress) or reproduced (replay); 2 bad usage or bad input, one
 * clear line and no stack trace; 3 internal error.
 */
import { UsageError } from '../runtime/kernel/errors.js';
import { toolVersion } from '../harness/fingerprint.js';
import { helpText, parseCommand, type CommandSpec, type Flags } from './args.js';
import { pipeClosed, stdio, watchPipes, type Output } from './output.js';

type Handler = (flags: Flags, out: Output, stop: AbortSignal, positionals: string[]) => Promise<number>;

/**
 * Each command's module is imported only when that command runs: the
 * harness, the subsystems and the explorer cost hundreds of milliseconds to
 * import, and `list` or `--version` need none of them. Only the top-level
 * help loads them all (it prints every summary).
 *
 * `stoppable`: the command ends soon by itself or on the stop signal, so a
 * closed output stops it like Ctrl-C (a stress run closes its pool). bench
 * runs for minutes and takes no stop signal: a closed output ends the
 * process at once, as SIGPIPE would.
 */
const COMMANDS: readonly { name: string; stoppable: boolean; load: () => Promise<{ spec: CommandSpec; run: Handler }> }[] = [
  { name: 'list', stoppable: true, load: async () => import('./commands/list.js').then((m) => ({ spec: m.listSpec, run: (f, o) => m.listCommand(f, o) })) },
  { name: 'stress', stoppable: true, load: async () => import('./commands/stress.js').then((m) => ({ spec: m.stressSpec, run: (f, o, s) => m.stressCommand(f, o, s) })) },
  { name: 'replay', stoppable: true, load: async () => import('./commands/replay.js').then((m) => ({ spec: m.replaySpec, run: (f, o, s, p) => m.replayCommand(f, o, s, p) })) },
  { name: 'trace', stoppable: true, load: async () => import('./commands/trace.js').then((m) => ({ spec: m.traceSpec, run: (f, o, _s, p) => m.traceCommand(f, o, p) })) },
  { name: 'bench', stoppable: false, load: async () => import('./commands/bench.js').then((m) => ({ spec: m.benchSpec, run: (f, o) => m.benchCommand(f, o) })) },
  { name: 'merge', stoppable: true, load: async () => import('./commands/merge.js').then((m) => ({ spec: m.mergeSpec, run: (f, o, _s, p) => m.mergeCommand(f, o, p) })) },
  { name: 'campaign', stoppable: true, load: async () => import('./commands/campaign.js').then((m) => ({ spec: m.campaignSpec, run: (f, o, s) => m.campaignCommand(f, o, s) })) },
  { name: 'litmus', stoppable: true, load: async () => import('./commands/litmus.js').then((m) => ({ spec: m.litmusSpec, run: (f, o, s, p) => m.litmusCommand(f, o, s, p) })) },
];

async function usage(): Promise<string> {
  const lines = ['Usage: lockstep <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(10)}${(await c.load()).spec.summary.split('. ')[0]}`);
  lines.push('', 'lockstep <command> --help shows its flags and an example.', 'lockstep --version prints the version.');
  return lines.join('\n');
}

export async function main(argv: readonly string[], out: Output = stdio, stop?: AbortSignal): Promise<number> {
  const ac = new AbortController();
  const stoppable = COMMANDS.find((x) => x.name === argv[0])?.stoppable ?? true;
  // The reader of our output went away (EPIPE): stop quietly, as a shell tool does (output.ts).
  const unwatch = out === stdio ? watchPipes(() => (stoppable ? ac.abort() : process.exit(0))) : () => {};
  try {
    return await dispatch(argv, out, stop, ac);
  } finally {
    unwatch();
  }
}

async function dispatch(argv: readonly string[], out: Output, stop: AbortSignal | undefined, ac: AbortController): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out.write(`${await usage()}\n`);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    out.write(`lockstep ${toolVersion()}\n`);
    return 0;
  }
  const c = COMMANDS.find((x) => x.name === cmd);
  if (!c) {
    out.error(`lockstep: unknown command "${cmd}" (valid: ${COMMANDS.map((x) => x.name).join(', ')})\n`);
    return 2;
  }
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(130);
    out.error('\ninterrupted: stopping after the current iteration (Ctrl-C again to quit at once)\n');
    ac.abort();
  };
  if (!stop) process.on('SIGINT', onSigint);
  try {
    const { spec, run } = await c.load();
    const { flags, positionals } = parseCommand(spec, rest);
    if (flags['help'] === true) {
      out.write(`${helpText(spec)}\n`);
      return 0;
    }
    const code = await run(flags, out, stop ?? ac.signal, positionals);
    // Stopped because nobody reads any more: that is how the user chose to end it, not an interruption.
    return code === 130 && out === stdio && pipeClosed() ? 0 : code;
  } catch (e) {
    if (e instanceof UsageError) {
      out.error(`lockstep ${cmd}: ${e.message}\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    out.error(`lockstep ${cmd}: internal error: ${err.stack ?? err.message}\n`);
    return 3;
  } finally {
    if (!stop) process.off('SIGINT', onSigint);
  }
}
