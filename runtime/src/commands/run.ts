/** Runs one maintenance command from the entry point: parse, run, and map every failure to an exit code. */
import { ConfigError } from "../config";
import { errorCode } from "../errors";
import { commandUsage, EXIT, parseCommandArgs, UsageError } from "./command";
import { maintenanceCommands } from "./registry";

/** The usage text of every maintenance command. */
export async function maintenanceUsage(): Promise<string> {
  const lines = await Promise.all(
    Object.values(maintenanceCommands).map(async (load) => commandUsage(await load())),
  );
  return lines.join("\n");
}

/**
 * Runs `name` with `argv`; resolves to the exit code. A bad command line (exit 2) or environment
 * (exit 78) is reported as one line naming what is wrong, never as a stack trace.
 */
export async function runMaintenanceCommand(
  name: string,
  argv: string[],
  env: Record<string, string | undefined>,
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const load = maintenanceCommands[name];
  if (!load) {
    err(
      `unknown command ${JSON.stringify(name)}; the commands are: ${Object.keys(maintenanceCommands).join(", ")}`,
    );
    return EXIT.usage;
  }
  const cmd = await load();
  let args: unknown;
  try {
    args = parseCommandArgs(cmd, argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(e.message);
    err(`usage: ${commandUsage(cmd)}`);
    return EXIT.usage;
  }
  try {
    return await cmd.run(args, env);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(e.message);
      return EXIT.config;
    }
    if (e instanceof UsageError) {
      err(e.message);
      return EXIT.usage;
    }
    err(`${name} failed: ${errorCode(e) ?? "error"}: ${(e as Error).message ?? String(e)}`);
    return EXIT.failed;
  }
}
