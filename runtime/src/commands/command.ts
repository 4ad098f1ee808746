/**
 * Maintenance commands beside the stages (`restore-drill`, `compact`, `backfill`, ...): one-shot
 * jobs that Airflow runs as pods from the same image, `node dist/main.js <command> [--flag value]...`.
 * Each command declares its flags for `util.parseArgs` (strict: an unknown flag is a usage error) and
 * checks their values in `parse`, so the DAGs' arguments can be checked without running anything.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

/** The flags a command accepts, in `util.parseArgs` form. */
export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

/** The raw values `util.parseArgs` returns for a command's flags. */
export type RawArgs = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** Exit codes: 0 done, 1 the job ran and failed (a drill mismatch, an error), 2 usage, 78 config. */
export const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

export interface MaintenanceCommand<A = unknown> {
  name: string;
  /** One line for the usage text. */
  summary: string;
  options: CommandOptions;
  /** Checks the flags' values; throws {@link UsageError} naming the flag, the value and the fix. */
  parse(values: RawArgs): A;
  /**
   * Runs the job with the process environment (the worker's variables: LAKE_*, REDIS_*, ...).
   * Resolves to the exit code; writes its report as one JSON line on stdout.
   */
  run(args: A, env: Record<string, string | undefined>): Promise<number>;
}

/** A command line the command does not accept. */
export class UsageError extends Error {
  readonly code = "SEAWALL_COMMAND_USAGE";
}

/** Parses and checks a command's arguments (`argv` without the command name). */
export function parseCommandArgs<A>(cmd: MaintenanceCommand<A>, argv: string[]): A {
  let values: RawArgs;
  try {
    ({ values } = parseArgs({ args: argv, options: cmd.options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(`${cmd.name}: ${(err as Error).message}`);
  }
  return cmd.parse(values);
}

/** The usage line of a command: its flags and what each takes. */
export function commandUsage(cmd: MaintenanceCommand): string {
  const flags = Object.entries(cmd.options).map(([flag, o]) =>
    o.type === "boolean" ? `[--${flag}]` : `[--${flag} <value>]`,
  );
  return `${cmd.name} ${flags.join(" ")}  ${cmd.summary}`;
}
