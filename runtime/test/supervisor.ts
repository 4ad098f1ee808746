/** Runs stage workers as real processes and restarts them when they die, like a kubelet would. */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";

const main = join(__dirname, "..", "src", "main.ts");

export interface Supervised {
  stage: string;
  restarts: number;
  /** SIGKILLs the current process; the supervisor starts a new one. */
  kill(): void;
  /** SIGTERM and no restart; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

export function supervise(stage: string, env: Record<string, string>, logFile: string): Supervised {
  let child: ChildProcess;
  let stopping = false;
  const log: WriteStream = createWriteStream(logFile, { flags: "a" });
  const start = () => {
    child = spawn(process.execPath, ["--import", "tsx", main, stage], {
      env: { ...process.env, ...env, LOG_LEVEL: env.LOG_LEVEL ?? "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.once("exit", () => {
      if (!stopping) {
        s.restarts++;
        setTimeout(start, 100);
      }
    });
  };
  const s: Supervised = {
    stage,
    restarts: 0,
    kill: () => child.kill("SIGKILL"),
    terminate: () =>
      new Promise((resolve) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) {
          log.end();
          return resolve(child.exitCode);
        }
        const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
        child.once("exit", (code) => {
          clearTimeout(timer);
          log.end();
          resolve(code);
        });
        child.kill("SIGTERM");
      }),
  };
  start();
  return s;
}
