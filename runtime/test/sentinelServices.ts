/**
 * Redis with Sentinel on loopback for tests: a primary, a replica and three Sentinels
 * (`redis-server --sentinel` with a generated configuration: Debian's redis-server binary has the
 * Sentinel mode built in), all with the same password, as Valkey charts configure them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { freePort, stopChild, waitForPort } from "../src/services/local";

export interface SentinelSet {
  masterName: string;
  password: string;
  /** The Sentinels as REDIS_SENTINELS takes them. */
  sentinels: string;
  /** The servers' ports: the first primary, then the replica. */
  ports: number[];
  /** The primary the Sentinels name now, as `host:port`. */
  primary(): Promise<string>;
  /** SIGKILLs the server on `port` (it stays down). */
  kill(port: number): Promise<void>;
  /** Resolves once the Sentinels name a primary other than `old`, within `timeoutMs`. */
  failedOver(old: string, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

const MASTER = "seawall";

/** Starts the set and waits until every Sentinel knows the replica and the other Sentinels. */
export async function startSentinelSet(password = "sentinel-test-pw"): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), "seawall-sentinel-"));
  const children = new Map<number, ChildProcess>();
  const server = async (port: number, extra: string[]) => {
    const d = join(dir, String(port));
    mkdirSync(d);
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      d,
      "--save",
      "",
      "--appendonly",
      "yes",
    ];
    const c = spawn(
      "redis-server",
      [...args, "--requirepass", password, "--masterauth", password, "--loglevel", "warning", ...extra],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    children.set(port, c);
    await waitForPort(port, 10000);
  };
  const [p, r, ...s] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  await server(p, []);
  await server(r, ["--replicaof", "127.0.0.1", String(p)]);
  for (const port of s) {
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${MASTER} 127.0.0.1 ${p} 2`,
        `sentinel auth-pass ${MASTER} ${password}`,
        // Failover within about 2 s of the primary's death.
        `sentinel down-after-milliseconds ${MASTER} 1000`,
        `sentinel failover-timeout ${MASTER} 10000`,
        `requirepass ${password}`,
        // The Sentinels authenticate to each other with this password.
        `sentinel sentinel-pass ${password}`,
        "",
      ].join("\n"),
    );
    const c = spawn("redis-server", [conf, "--sentinel", "--loglevel", "warning"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.set(port, c);
    await waitForPort(port, 10000);
  }
  const ask = async <T>(port: number, args: string[]): Promise<T> => {
    const c = createClient({ socket: { host: "127.0.0.1", port, reconnectStrategy: false }, password });
    c.on("error", () => undefined);
    await c.connect();
    try {
      return (await c.sendCommand(args)) as T;
    } finally {
      c.destroy();
    }
  };
  const primary = async () => {
    for (const port of s) {
      try {
        const [host, at] = await ask<string[]>(port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER]);
        return `${host}:${at}`;
      } catch {
        // the next Sentinel
      }
    }
    throw new Error("no Sentinel answers");
  };
  // Ready: each Sentinel sees the replica and both other Sentinels (so a quorum can fail over).
  const deadline = Date.now() + 20000;
  for (;;) {
    const known = await Promise.all(
      s.map(async (port) => {
        const m = await ask<string[]>(port, ["SENTINEL", "MASTER", MASTER]).catch(() => [] as string[]);
        const field = (k: string) => Number(m[m.indexOf(k) + 1]);
        return field("num-slaves") >= 1 && field("num-other-sentinels") >= 2;
      }),
    );
    if (known.every(Boolean)) break;
    if (Date.now() > deadline) throw new Error("the Sentinels did not discover the replica and each other");
    await new Promise((res) => setTimeout(res, 200));
  }
  return {
    masterName: MASTER,
    password,
    sentinels: s.map((port) => `127.0.0.1:${port}`).join(","),
    ports: [p, r],
    primary,
    async kill(port) {
      const c = children.get(port)!;
      await stopChild(c, () => c.kill("SIGKILL"));
    },
    async failedOver(old, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const now = await primary().catch(() => old);
        if (now !== old) return now;
        if (Date.now() > until) throw new Error(`no failover from ${old} within ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
    async stop() {
      await Promise.all([...children.values()].map((c) => stopChild(c, () => c.kill("SIGTERM"))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
