/**
 * The container's entry point: `node dist/main.js <stage>`. Reads the environment, starts the stage,
 * and on SIGTERM/SIGINT stops within SHUTDOWN_DEADLINE_MS (finish and commit the batch, close).
 */
import { startWorker } from "./app";
import { setCrashRate } from "./chaos";
import { ConfigError, parseWorkerEnv, stages, type Stage } from "./config";

async function main() {
  const stage = process.argv[2] as Stage;
  if (!stages.includes(stage)) {
    process.stderr.write(`usage: main <stage>, where stage is one of: ${stages.join(", ")}\n`);
    process.exit(2);
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
