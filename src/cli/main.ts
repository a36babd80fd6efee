/**
 * The `lockstep` command line. Exit codes (a contract stated in README.md
 * and checked by test/cli.test.ts): 0 ran and found no failure; 1 a failure
 * was found (stress) or reproduced (replay); 2 bad usage or bad input, one
 * clear line and no stack trace; 3 internal error.
 */
import { UsageError } from '../runtime/kernel/errors.js';
import { toolVersion } from '../harness/fingerprint.js';
import { helpText, parseCommand, type CommandSpec, type Flags } from './args.js';
import { benchCommand, benchSpec } from './commands/bench.js';
import { campaignCommand, campaignSpec } from './commands/campaign.js';
import { listCommand, listSpec } from './commands/list.js';
import { litmusCommand, litmusSpec } from './commands/litmus.js';
import { mergeCommand, mergeSpec } from './commands/merge.js';
import { replayCommand, replaySpec } from './commands/replay.js';
import { stressCommand, stressSpec } from './commands/stress.js';
import { traceCommand, traceSpec } from './commands/trace.js';
import { pipeClosed, stdio, watchPipes, type Output } from './output.js';

type Handler = (flags: Flags, out: Output, stop: AbortSignal, positionals: string[]) => Promise<number>;

/**
 * `stoppable`: the command ends soon by itself or on the stop signal, so a
 * closed output stops it like Ctrl-C (a stress run closes its pool). bench
 * runs for minutes and takes no stop signal: a closed output ends the
 * process at once, as SIGPIPE would.
 */
const COMMANDS: readonly { spec: CommandSpec; run: Handler; stoppable: boolean }[] = [
  { spec: listSpec, run: (f, o) => listCommand(f, o), stoppable: true },
  { spec: stressSpec, run: (f, o, s) => stressCommand(f, o, s), stoppable: true },
  { spec: replaySpec, run: (f, o, s, p) => replayCommand(f, o, s, p), stoppable: true },
  { spec: traceSpec, run: (f, o, _s, p) => traceCommand(f, o, p), stoppable: true },
  { spec: benchSpec, run: (f, o) => benchCommand(f, o), stoppable: false },
  { spec: mergeSpec, run: (f, o, _s, p) => mergeCommand(f, o, p), stoppable: true },
  { spec: campaignSpec, run: (f, o, s) => campaignCommand(f, o, s), stoppable: true },
  { spec: litmusSpec, run: (f, o, s, p) => litmusCommand(f, o, s, p), stoppable: true },
];

function usage(): string {
  const lines = ['Usage: lockstep <command> [options]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.spec.name.padEnd(10)}${c.spec.summary.split('. ')[0]}`);
  lines.push('', 'lockstep <command> --help shows its flags and an example.', 'lockstep --version prints the version.');
  return lines.join('\n');
}

export async function main(argv: readonly string[], out: Output = stdio, stop?: AbortSignal): Promise<number> {
  const ac = new AbortController();
  const stoppable = COMMANDS.find((x) => x.spec.name === argv[0])?.stoppable ?? true;
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
    out.write(`${usage()}\n`);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === '-v') {
    out.write(`lockstep ${toolVersion()}\n`);
    return 0;
  }
  const c = COMMANDS.find((x) => x.spec.name === cmd);
  if (!c) {
    out.error(`lockstep: unknown command "${cmd}" (valid: ${COMMANDS.map((x) => x.spec.name).join(', ')})\n`);
    return 2;
  }
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(130);
    out.error('\ninterrupted: stopping after the current iteration (Ctrl-C again to quit at once)\n');
    ac.abort();
  };
  if (!stop) process.on('SIGINT', onSigint);
  try {
    const { flags, positionals } = parseCommand(c.spec, rest);
    if (flags['help'] === true) {
      out.write(`${helpText(c.spec)}\n`);
      return 0;
    }
    const code = await c.run(flags, out, stop ?? ac.signal, positionals);
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
