/**
 * The bench's child processes: workers (`src/main.ts <topology>`, as the image runs them) and the
 * pass-through reference (`passthrough.ts`), each its own Node process on the local services. Every
 * child started here is killed if the bench itself exits or is interrupted, so none outlives it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort, stopChild, waitForPort } from "../src/services/local";

const runtimeDir = join(__dirname, "..");
const t0 = performance.now();
/** With SEAWALL_BENCH_TRACE=1, when each child starts, is up and exits, on stderr. */
export function trace(what: string): void {
  if (process.env.SEAWALL_BENCH_TRACE === "1")
    process.stderr.write(`bench trace ${((performance.now() - t0) / 1000).toFixed(2)} s: ${what}\n`);
}
const live = new Set<ChildProcess>();
const cleanups: Array<() => Promise<unknown>> = [];
let hooked = false;

/**
 * What to stop if the bench is interrupted (SIGINT, SIGTERM), beside the children started here:
 * the services (redis-server would outlive the bench otherwise). Given at most 5 s.
 */
export function onInterrupt(cleanup: () => Promise<unknown>): void {
  hookExit();
  cleanups.push(cleanup);
}

/** Kills every child still running (synchronous: safe in an `exit` handler). */
export function killChildren(): void {
  for (const c of live) c.kill("SIGKILL");
  live.clear();
}

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", killChildren);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      killChildren();
      const timer = new Promise((r) => setTimeout(r, 5000));
      void Promise.race([Promise.allSettled(cleanups.map((c) => c())), timer]).then(() =>
        process.exit(signal === "SIGINT" ? 130 : 143),
      );
    });
  }
}

/** A child process with the tail of what it printed, for the error when it fails. */
export interface Child {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Everything it printed on stdout (the pass-through's result), capped at 1 MiB. */
  stdout(): string;
  /** The last 4 KiB it printed on stdout and stderr. */
  tail(): string;
  /** Resolves with the exit code (or the signal) once it has exited. */
  exited: Promise<number | string>;
}

function startChild(name: string, args: string[], env: Record<string, string>, stdin = false): Child {
  hookExit();
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: runtimeDir,
    env: { ...process.env, ...env },
    stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${process.execPath}`);
  live.add(child);
  trace(`${name}: started`);
  let out = "";
  let tail = "";
  const keep = (chunk: Buffer, toOut: boolean) => {
    const s = chunk.toString("utf8");
    if (toOut && out.length < 1 << 20) out += s;
    tail = (tail + s).slice(-4096);
  };
  child.stdout!.on("data", (c: Buffer) => keep(c, true));
  child.stderr!.on("data", (c: Buffer) => keep(c, false));
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      live.delete(child);
      trace(`${name}: exited ${code ?? signal}`);
      resolve(code ?? signal ?? "unknown");
    }),
  );
  return { name, pid: child.pid, child, stdout: () => out, tail: () => tail, exited };
}

/** A worker process with its HTTP port (metrics). */
export interface WorkerProcess extends Child {
  port: number;
  /** SIGTERM (the worker finishes its batch, commits and exits), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/**
 * Starts `src/main.ts <topology>` with `env` and a free HTTP port; resolves once it listens (its
 * clients are connected then). Rejects with what it printed if it exits or stays silent for
 * `startupMs`.
 */
export async function startWorkerProcess(
  name: string,
  topology: string,
  env: Record<string, string>,
  startupMs = 60000,
): Promise<WorkerProcess> {
  const port = await freePort();
  const c = startChild(name, [join("src", "main.ts"), topology], { ...env, HTTP_PORT: String(port) });
  const stop = () => stopChild(c.child, () => c.child.kill("SIGTERM"));
  const died = c.exited.then((code) => {
    throw new Error(`${name} (main.ts ${topology}) exited ${code} before listening:\n${c.tail()}`);
  });
  try {
    await Promise.race([waitForPort(port, startupMs), died]);
  } catch (err) {
    await stop();
    throw err instanceof Error && /before listening/.test(err.message)
      ? err
      : new Error(`${name} (main.ts ${topology}): ${(err as Error).message}:\n${c.tail()}`);
  }
  died.catch(() => undefined);
  trace(`${name}: listening`);
  return { ...c, port, stop };
}

/** What the pass-through reports on stdout (see `passthrough.ts`). */
export interface PassthroughResult {
  records: number;
  seconds: number;
  cpuSeconds: number;
  rssMb: number;
  timedOut: boolean;
}

/** A pass-through loaded and waiting: `go()` lets it consume, and resolves with its report. */
export interface Passthrough {
  go(): Promise<PassthroughResult>;
  /** Kills it, when it is not to run after all. */
  kill(): Promise<void>;
}

/**
 * Starts `passthrough.ts` on `topic` and resolves once it is loaded and waiting (`READY`); `go()`
 * then runs it until it has passed `records` records to `sink` (or its deadline).
 */
export async function startPassthrough(
  name: string,
  env: Record<string, string>,
  o: { topic: string; sink: string; group: string; records: number; timeoutSeconds: number },
  startupMs = 60000,
): Promise<Passthrough> {
  const c = startChild(
    name,
    [
      join("bench", "passthrough.ts"),
      "--topic",
      o.topic,
      "--sink",
      o.sink,
      "--group",
      o.group,
      "--records",
      String(o.records),
      "--timeout",
      String(o.timeoutSeconds),
    ],
    env,
    true,
  );
  const kill = () => stopChild(c.child, () => c.child.kill("SIGKILL"));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: not ready after ${startupMs} ms:\n${c.tail()}`)),
      startupMs,
    );
    const check = () => {
      if (/^READY$/m.test(c.stdout())) {
        clearTimeout(timer);
        c.child.stdout!.off("data", check);
        resolve();
      }
    };
    c.child.stdout!.on("data", check);
    void c.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited ${code} before it was ready:\n${c.tail()}`));
    });
  });
  try {
    await ready;
    trace(`${name}: ready`);
  } catch (err) {
    await kill();
    throw err;
  }
  return {
    kill,
    async go() {
      c.child.stdin!.end("go\n");
      const code = await c.exited;
      const last = c.stdout().trim().split("\n").pop() ?? "";
      if (code !== 0) throw new Error(`${name} exited ${code}:\n${c.tail()}`);
      try {
        return JSON.parse(last) as PassthroughResult;
      } catch {
        throw new Error(`${name} printed no JSON result; its last output:\n${c.tail()}`);
      }
    },
  };
}
