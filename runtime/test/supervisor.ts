/**
 * Runs stage workers as real processes and restarts them when they die, like a kubelet would. It
 * tells the deaths apart: the test's own kills, crash points (a worker SIGKILLing itself with
 * CHAOS_CRASH_RATE), and everything else, the unexpected exits a test asserts are zero.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";

const main = join(__dirname, "..", "src", "main.ts");

/** One process that ended. */
export interface Exit {
  stage: string;
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `kill`: the test's SIGKILL; `crash-point`: the worker SIGKILLed itself; `unexpected`: anything else. */
  cause: "kill" | "crash-point" | "unexpected";
  /** The process's last lines of output, to tell why. */
  tail: string[];
}

export interface Supervised {
  stage: string;
  /** Processes started again after one ended. */
  restarts: number;
  /** SIGKILLs sent by the test through {@link Supervised.kill}. */
  kills: number;
  /** Every process that ended before {@link Supervised.terminate}. */
  exits: Exit[];
  /** The HTTP port the worker listens on (HTTP_PORT), when the environment names one. */
  port?: number;
  /** SIGKILLs the current process; the supervisor starts a new one. */
  /**
   * SIGKILL the current process; false (and nothing counted) when none is running, between a
   * crash point's exit and its restart.
   */
  kill(): boolean;
  /** GET /readyz on the current process: its status, or 0 when nothing answers. */
  readyz(): Promise<number>;
  /** SIGTERM and no restart; resolves with the exit code (null when it had to be SIGKILLed). */
  terminate(): Promise<number | null>;
}

/** Exits that neither the test nor a crash point caused (a worker dying on its own). */
export const unexpectedExits = (ws: Supervised[]): Exit[] =>
  ws.flatMap((w) => w.exits.filter((e) => e.cause === "unexpected"));

export function supervise(stage: string, env: Record<string, string>, logFile: string): Supervised {
  let child: ChildProcess;
  let stopping = false;
  let killedByTest = false;
  let restartTimer: NodeJS.Timeout | undefined;
  const log: WriteStream = createWriteStream(logFile, { flags: "a" });
  log.on("error", () => undefined);
  const port = env.HTTP_PORT && env.HTTP_PORT !== "0" ? Number(env.HTTP_PORT) : undefined;
  const start = () => {
    restartTimer = undefined;
    if (stopping) return;
    killedByTest = false;
    const tail: string[] = [];
    const c = spawn(process.execPath, ["--import", "tsx", main, stage], {
      env: { ...process.env, ...env, LOG_LEVEL: env.LOG_LEVEL ?? "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = c;
    for (const stream of [c.stdout!, c.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => {
        log.write(`${line}\n`);
        tail.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
        if (tail.length > 30) tail.shift();
      });
    }
    c.once("exit", (code, signal) => {
      if (stopping) return;
      const cause = killedByTest ? "kill" : signal === "SIGKILL" ? "crash-point" : "unexpected";
      s.exits.push({ stage, code, signal, cause, tail });
      log.write(`--- supervisor: ${stage} exited code=${code} signal=${signal} (${cause}); restarting\n`);
      s.restarts++;
      restartTimer = setTimeout(start, 100);
    });
  };
  const s: Supervised = {
    stage,
    restarts: 0,
    kills: 0,
    exits: [],
    port,
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      killedByTest = true;
      s.kills++;
      child.kill("SIGKILL");
      return true;
    },
    readyz: () =>
      port === undefined
        ? Promise.resolve(0)
        : new Promise((resolve) => {
            const req = request({ host: "127.0.0.1", port, path: "/readyz", timeout: 2000 }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            });
            req.on("timeout", () => req.destroy());
            req.on("error", () => resolve(0));
            req.end();
          }),
    terminate: () =>
      new Promise((resolve) => {
        stopping = true;
        if (restartTimer) clearTimeout(restartTimer);
        const c = child;
        if (c.exitCode !== null || c.signalCode !== null) {
          log.end();
          return resolve(c.exitCode);
        }
        const timer = setTimeout(() => c.kill("SIGKILL"), 30000);
        // "close", not "exit": the output is read to its end before the log closes.
        c.once("close", (code) => {
          clearTimeout(timer);
          log.end();
          resolve(code);
        });
        c.kill("SIGTERM");
      }),
  };
  start();
  return s;
}
