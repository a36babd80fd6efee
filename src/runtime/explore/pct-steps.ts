/**
 * PCT's k, estimated from the runs themselves (pure).
 *
 * PCT (Burckhardt et al., ASPLOS'10) draws its d - 1 change points uniformly
 * from [1, k], k being the number of steps of the program; its guarantee,
 * 1 / (n k^(d-1)) per run, holds for that k. A k far above the real length
 * puts most change points after the program has ended, and the run is then
 * a plain priority schedule. So k is the longest run seen so far, in program
 * steps (decisions up to the last one that ran a task outside do_exit(); the
 * exit path after the program is done is not where its bugs are), and:
 * - a run that ended as a livelock (the step limit) is not a length of the
 *   program and does not count;
 * - before the first run there is nothing to estimate from: the first run
 *   uses INITIAL_STEPS;
 * - `--pct-steps K` fixes k (and so does a seed log's recorded k on replay).
 */
export const INITIAL_STEPS = 64;

export class PctSteps {
  private k: number;

  constructor(private readonly fixed: number | null) {
    this.k = fixed ?? INITIAL_STEPS;
  }

  private seen = false;

  /** k for the next run. */
  get current(): number {
    return this.k;
  }

  /** Take in a finished run: its program steps, and whether it ended as a livelock. */
  observe(programSteps: number, livelock: boolean): number {
    if (this.fixed !== null || livelock || programSteps <= 0) return this.k;
    this.k = this.seen ? Math.max(this.k, programSteps) : programSteps;
    this.seen = true;
    return this.k;
  }
}
