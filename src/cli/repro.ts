/**
 * The `repro:` line of a failure: a command a user can paste. Built here,
 * not in the harness, because only the CLI knows how it is invoked; the
 * harness hands over the facts (the seed log, and where it was written)
 * through `StressOptions.formatRepro` and stores the result in the log.
 */
import type { SeedLog } from '../harness/seedlog.js';

/** `replay LOG` when a log was written, else the `stress` flags that reach the failing seed. */
export function reproCommand(log: SeedLog, logPath: string | null): string {
  if (logPath) return `npx lockstep replay ${logPath}`;
  const which = log.scenarioFile ? `--scenario-file ${log.scenarioFile}` : `--scenario ${log.scenario}`;
  return `npx lockstep stress ${which} --variant ${log.variant} --threads ${log.params.threads} --seed ${log.seed} --mode ${log.mode} --strategy ${log.strategy}`;
}
