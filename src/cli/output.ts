/** Where command output goes; tests capture it. */
export interface Output {
  write(text: string): void;
  error(text: string): void;
}

export const stdio: Output = {
  write: (t) => process.stdout.write(t),
  error: (t) => process.stderr.write(t),
};

/** One JSON Lines record. */
export function emit(out: Output, obj: unknown): void {
  out.write(`${JSON.stringify(obj)}\n`);
}
