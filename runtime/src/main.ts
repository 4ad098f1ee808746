/**
 * The container's entry point: `node dist/main.js <stage>` runs one stage;
 * `node dist/main.js <command> [--flag value]...` runs one maintenance command (`commands/`) and
 * exits with its code;
 * `node dist/main.js ingest+dedup+lake-sink+feature-writer` (or the named topology `chained`) runs
 * those stages chained in one process (`stages/chain.ts`). Reads the environment, starts them, and
 * on SIGTERM/SIGINT stops within SHUTDOWN_DEADLINE_MS (finish and commit the batch, close).
 */
import { isStage, startWorker } from "./app";
import { setCrashRate } from "./chaos";
import { ConfigError, parseWorkerEnv, stages } from "./config";
import { chainStages, namedTopologies, TopologyError } from "./stages/chain";
import { isMaintenanceCommand, maintenanceCommands } from "./commands/registry";
import { runMaintenanceCommand } from "./commands/run";

const USAGE = `usage: main <stage> | <stage>+<stage>... | ${Object.keys(namedTopologies).join(" | ")} | <command> [--flag value]..., where a stage is one of: ${stages.join(", ")}; a command one of: ${Object.keys(maintenanceCommands).join(", ")}`;

async function main() {
  const stage = process.argv[2];
  if (stage && isMaintenanceCommand(stage)) {
    process.exit(await runMaintenanceCommand(stage, process.argv.slice(3), process.env));
  }
  if (!stage) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  if (!isStage(stage)) {
    try {
      chainStages(stage);
    } catch (err) {
      if (!(err instanceof TopologyError)) throw err;
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      process.exit(2);
    }
  }
  let cfg;
  try {
    cfg = parseWorkerEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  setCrashRate(cfg.CHAOS_CRASH_RATE);
  const worker = await startWorker(stage, cfg);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    worker.log.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      worker.log.error({ deadlineMs: cfg.SHUTDOWN_DEADLINE_MS }, "shutdown deadline passed; exiting");
      process.exit(1);
    }, cfg.SHUTDOWN_DEADLINE_MS);
    timer.unref();
    worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A batch loop that stopped on its own (it could not rewind after a failure) must not leave a
  // process that looks alive: close what is open and exit non-zero so the orchestrator restarts it.
  worker.done.catch(() => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(1), cfg.SHUTDOWN_DEADLINE_MS);
    timer.unref();
    worker.close().finally(() => process.exit(1));
  });
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err) => {
  process.stderr.write(`worker failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
