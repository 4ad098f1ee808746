/**
 * Real services on loopback for tests, the local run and the benchmark: a librdkafka mock cluster
 * (compiled from native/mock-cluster.c on first use) and redis-server. Every process started here
 * is stopped by `stop()`.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const runtimeDir = join(__dirname, "..", "..");
const launcherSource = join(runtimeDir, "native", "mock-cluster.c");
const launcherBinary = join(runtimeDir, ".build", "mock-cluster");

/** Compiles the mock-cluster launcher against Debian's librdkafka-dev when missing or stale. */
export function buildMockCluster(): string {
  const stale =
    !existsSync(launcherBinary) || statSync(launcherBinary).mtimeMs < statSync(launcherSource).mtimeMs;
  if (stale) {
    mkdirSync(join(runtimeDir, ".build"), { recursive: true });
    const tmp = `${launcherBinary}.${process.pid}`;
    execFileSync("gcc", ["-O2", "-Wall", "-o", tmp, launcherSource, "-lrdkafka"], { stdio: "inherit" });
    execFileSync("mv", ["-f", tmp, launcherBinary]);
  }
  return launcherBinary;
}

export interface MockCluster {
  bootstrapServers: string;
  /** Sends a fault-injection command ("down 1", "up -1", "errors 0 5 6", "rtt 1 200"). */
  command(line: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMockCluster(topics: Record<string, number>, brokers = 3): Promise<MockCluster> {
  const bin = buildMockCluster();
  const args = [String(brokers), ...Object.entries(topics).map(([t, n]) => `${t}:${n}`)];
  const child = spawn(bin, args, { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  lines.on("line", (line) => waiting.shift()?.(line));
  const first = await Promise.race([
    next(),
    new Promise<string>((_, reject) =>
      child.once("exit", (c) => reject(new Error(`mock cluster exited ${c}`))),
    ),
  ]);
  const m = /^BOOTSTRAP (.+)$/.exec(first);
  if (!m) throw new Error(`mock cluster said: ${first}`);
  let queue = Promise.resolve();
  return {
    bootstrapServers: m[1],
    command(line: string) {
      const run = queue.then(async () => {
        const answer = next();
        child.stdin!.write(`${line}\n`);
        const a = await answer;
        if (a !== "OK") throw new Error(`mock cluster: ${line}: ${a}`);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    stop: () => stopChild(child, () => child.stdin!.end("quit\n")),
  };
}

/** How {@link RedisServer.restart} brings redis-server back. */
export interface RedisRestartOptions {
  /**
   * Keep the append-only file, so the new server loads what the old one had (a SIGKILL loses
   * nothing the kernel already holds). `false` wipes the data directory first: Redis comes back
   * empty, as after losing a node without persistence.
   * @defaultValue true
   */
  keepData?: boolean;
  /** How long the server stays down between the kill and the start, in ms. @defaultValue 0 */
  downMs?: number;
}

export interface RedisServer {
  host: string;
  port: number;
  /** Kills redis-server (SIGKILL) and starts it again on the same port, with its data unless told otherwise. */
  restart(options?: RedisRestartOptions): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A free loopback port, picked below the kernel's ephemeral range. A port from the ephemeral range
 * (what `listen(0)` gives) can be handed to any other process's `listen(0)` or outgoing connection
 * as soon as it is freed, so a redis-server or a worker restarted on "its" port could find another
 * program there (a test's mock broker, a client socket) and a client talk to the wrong server.
 * Ports below the range are only ever taken by name. Falls back to `listen(0)` when the range starts
 * too low to leave room.
 */
export async function freePort(): Promise<number> {
  const low = 10000;
  const high = ephemeralStart();
  for (let attempt = 0; high - low >= 1000 && attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await listenOnce(port)) return port;
  }
  return listenOnce(0).then((port) => {
    if (port === undefined) throw new Error("no free loopback port");
    return port;
  });
}

/** The first port of the kernel's ephemeral range (Linux), 32768 when it cannot be read. */
function ephemeralStart(): number {
  try {
    const first = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > 0 ? first : 32768;
  } catch {
    return 32768;
  }
}

/** Binds the port on loopback and closes it: the port bound, or undefined if it was taken. */
function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(undefined));
    srv.listen(port, "127.0.0.1", () => {
      const bound = (srv.address() as { port: number }).port;
      srv.close(() => resolve(bound));
    });
  });
}

export async function startRedis(opts: { port?: number; password?: string } = {}): Promise<RedisServer> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "seawall-redis-"));
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "no",
        "--dir",
        dir,
        "--protected-mode",
        "no",
        "--loglevel",
        "warning",
        ...(opts.password ? ["--requirepass", opts.password] : []),
      ],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    await waitForPort(port, 10000);
  };
  await launch();
  return {
    host: "127.0.0.1",
    port,
    async restart({ keepData = true, downMs = 0 }: RedisRestartOptions = {}) {
      await stopChild(child, () => child.kill("SIGKILL"));
      if (!keepData) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
      }
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    async stop() {
      await stopChild(child, () => child.kill("SIGTERM"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Asks a child to stop, SIGKILLs it after 5 s, resolves once it has exited. */
export function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      ask();
    } catch {
      child.kill("SIGKILL");
    }
  });
}

/** The pipeline's default topics on the local cluster: `partitions` each, one for dead letters. */
export function pipelineTopics(partitions: number): Record<string, number> {
  return {
    "events.raw": partitions,
    "events.valid": partitions,
    "events.unique": partitions,
    features: partitions,
    "events.dead-letter": 1,
  };
}

/**
 * The worker environment for the embedded services: the local cluster without TLS or SASL,
 * redis-server on loopback, a filesystem lake, HTTP on a free loopback port. `extra` overrides.
 */
export function localWorkerEnv(
  services: { kafka: MockCluster; redis: RedisServer; lakeDir: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BOOTSTRAP_SERVERS: services.kafka.bootstrapServers,
    KAFKA_SECURITY_PROTOCOL: "PLAINTEXT",
    REDIS_HOST: services.redis.host,
    REDIS_PORT: String(services.redis.port),
    REDIS_TLS: "false",
    LAKE_SCHEME: "file",
    LAKE_BUCKET: services.lakeDir,
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: "0",
    ...extra,
  };
}
