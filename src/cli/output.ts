/**
 * Where command output goes; tests capture it.
 *
 * A reader that goes away (`lockstep list | head -1`) makes the next write
 * fail with EPIPE. Node ignores SIGPIPE, so without a listener that error
 * is an unhandled 'error' event: a stack trace. `watchPipes` handles it
 * once for stdout and stderr: writes to the closed stream are dropped from
 * then on, and the command is told to stop (as a shell tool dies of
 * SIGPIPE, but letting a stress run close its pool first).
 */
export interface Output {
  write(text: string): void;
  error(text: string): void;
}

const closed = { stdout: false, stderr: false };
const listeners = new Set<() => void>();
let watching = false;

function closer(which: 'stdout' | 'stderr'): (e: NodeJS.ErrnoException) => void {
  return (e) => {
    // Any other write error (a full disk behind `> file`) is not a reader going away: leave it loud.
    if (e.code !== 'EPIPE') throw e;
    const first = !closed.stdout && !closed.stderr;
    closed[which] = true;
    if (first) for (const l of listeners) l();
  };
}

/** Call `onClosed` once, when the reader of stdout or stderr goes away. Returns the unsubscribe. */
export function watchPipes(onClosed: () => void): () => void {
  if (!watching) {
    process.stdout.on('error', closer('stdout'));
    process.stderr.on('error', closer('stderr'));
    watching = true;
  }
  listeners.add(onClosed);
  return () => listeners.delete(onClosed);
}

/** Whether the reader of stdout or stderr has gone away. */
export function pipeClosed(which?: 'stdout' | 'stderr'): boolean {
  return which === undefined ? closed.stdout || closed.stderr : closed[which];
}

/** A write to stdout or stderr that is dropped once its reader has gone. */
export function writeTo(which: 'stdout' | 'stderr', text: string): void {
  const stream = which === 'stdout' ? process.stdout : process.stderr;
  if (!closed[which] && !stream.destroyed) stream.write(text);
}

export const stdio: Output = {
  write: (t) => writeTo('stdout', t),
  error: (t) => writeTo('stderr', t),
};

/** One JSON Lines record. */
export function emit(out: Output, obj: unknown): void {
  out.write(`${JSON.stringify(obj)}\n`);
}
