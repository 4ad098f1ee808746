/**
 * The feature server alone under an open-loop load, for profiling and for choosing what to change:
 *
 *   taskset -c 1 npx tsx bench/featureServerProfile.ts [--rates 1000,2000,5000,10000,20000]
 *     [--seconds 5] [--mode batch|get] [--cpu-prof DIR] [--server node-http|baseline]
 *     [--env KEY=VALUE ...] [--main path/to/src/main.ts (another checkout, to compare)]
 *
 * Starts a redis-server and the feature server (`src/main.ts feature-server`, its own process), both
 * pinned to CPU 0 with `taskset` when the machine has two cores or more; this process, the load
 * generator, keeps the CPUs it was started with (start it under `taskset -c 1` to pin it apart).
 * The generator is the bench's (`bench.ts`): undici's Pool (64 connections), requests sent on time
 * whatever the answers (open loop), at most 256 in flight (beyond that a request is counted as shed),
 * `--mode batch`: POST /features:batch with 10 entities; `--mode get`: GET /features/:entity.
 * Prints one JSON line per rate: `{ offered, served, p50Ms, p99Ms, errors, shed, serverCpuUsPerReq,
 * redisCpuUsPerReq, loadavg, cacheHitRatio }`: CPU microseconds (user + system, from /proc) the server and Redis
 * spent per answered request, a figure the other load on a shared machine disturbs less than latency.
 * `--cpu-prof DIR` runs the server under `node --cpu-prof` (the profile is written at exit).
 * `--server baseline` runs a bare node:http server answering a fixed body (no Redis): the floor.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { featureKey } from "../src/features";
import { connectRedis } from "../src/redis";
import { percentile } from "../src/report";
import { freePort, startRedis, stopChild, waitForPort } from "../src/services/local";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "1000,2000,5000,10000,20000" },
    seconds: { type: "string", default: "5" },
    mode: { type: "string", default: "batch" },
    "cpu-prof": { type: "string" },
    server: { type: "string", default: "node-http" },
    env: { type: "string", multiple: true, default: [] },
    entities: { type: "string", default: "10000" },
    main: { type: "string", default: join(__dirname, "..", "src", "main.ts") },
  },
});
const rates = values.rates.split(",").map(Number);
const seconds = Number(values.seconds);
const entities = Number(values.entities);
const mode = values.mode as "batch" | "get";
const pin = availableParallelism() >= 2;

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The feature cache's hit and miss counts, from the server's /metrics (0 where it has none). */
async function cacheCounts(pool: Pool): Promise<{ hits: number; misses: number }> {
  const res = await pool.request({ path: "/metrics", method: "GET" });
  const text = await res.body.text();
  const count = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return {
    hits: count("seawall_feature_cache_hits_total"),
    misses: count("seawall_feature_cache_misses_total"),
  };
}

/** Pins every thread of `pid` to CPU 0. */
function pinToServerCpu(pid: number) {
  if (pin) execFileSync("taskset", ["-a", "-p", "-c", "0", String(pid)], { stdio: "ignore" });
}

const BASELINE = `
const http = require("node:http");
const body = JSON.stringify({ features: Object.fromEntries(Array.from({ length: 10 }, (_, i) => ["user-" + i, { entity: "user-" + i, count: 3, sum: 6, mean: 2, windowEnd: 0, windowSeconds: 3600, version: 1 }])) });
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => { res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); });
}).listen(Number(process.env.HTTP_PORT), "127.0.0.1");
`;

async function main() {
  const redis = await startRedis();
  const redisPid = Number(
    execFileSync("pgrep", ["-f", `redis-server 127.0.0.1:${redis.port}`])
      .toString()
      .trim()
      .split("\n")[0],
  );
  pinToServerCpu(redisPid);
  const cfg = {
    REDIS_HOST: redis.host,
    REDIS_PORT: redis.port,
    REDIS_TLS: false,
    REDIS_AUTH: undefined,
    CALL_TIMEOUT_MS: 5000,
  };
  const client = await connectRedis(cfg);
  const m = client.multi();
  for (let i = 0; i < entities; i++)
    m.hSet(featureKey(`user-${i}`), {
      version: "1",
      count: "3",
      sum: "6",
      mean: "2",
      windowEnd: "0",
      windowSeconds: "3600",
    });
  await m.execAsPipeline();
  await client.close();

  const port = await freePort();
  const env: Record<string, string> = {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:1",
    KAFKA_SECURITY_PROTOCOL: "PLAINTEXT",
    REDIS_HOST: redis.host,
    REDIS_PORT: String(redis.port),
    REDIS_TLS: "false",
    LAKE_BUCKET: "/tmp/unused",
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: String(port),
    LOG_LEVEL: "warn",
  };
  for (const kv of values.env) {
    const i = kv.indexOf("=");
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const prof = values["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", values["cpu-prof"]] : [];
  const args =
    values.server === "baseline"
      ? [...prof, "-e", BASELINE]
      : [...prof, "--import", "tsx", values.main, "feature-server"];
  const server: ChildProcess = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  try {
    await waitForPort(port, 30000);
    pinToServerCpu(server.pid!);
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
    const bodies = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({ entities: Array.from({ length: 10 }, (_, j) => `user-${(i * 10 + j) % entities}`) }),
    );
    const paths = Array.from({ length: 1000 }, (_, i) => `/features/user-${(i * 7919) % entities}`);
    const once = async (n: number) => {
      const t0 = performance.now();
      const res = await pool.request(
        mode === "batch"
          ? {
              path: "/features:batch",
              method: "POST",
              headers: { "content-type": "application/json" },
              body: bodies[n % bodies.length],
            }
          : { path: paths[n % paths.length], method: "GET" },
      );
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 2000; i++) await once(i); // warm up
    for (const rate of rates) {
      const latencies: number[] = [];
      let errors = 0;
      let shed = 0;
      let open = 0;
      const inflight: Promise<void>[] = [];
      const c0 = [cpuSeconds(server.pid!), cpuSeconds(redisPid)];
      const cache0 = await cacheCounts(pool);
      const l0 = performance.now();
      let sent = 0;
      while (performance.now() - l0 < seconds * 1000) {
        const due = Math.floor(((performance.now() - l0) / 1000) * rate);
        for (; sent < due; sent++) {
          if (open >= 256) {
            shed++;
            continue;
          }
          open++;
          inflight.push(
            once(sent)
              .then(
                (ms) => void latencies.push(ms),
                () => void errors++,
              )
              .finally(() => open--),
          );
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(inflight);
      const secs = (performance.now() - l0) / 1000;
      const cpu = [cpuSeconds(server.pid!) - c0[0], cpuSeconds(redisPid) - c0[1]];
      const cache = await cacheCounts(pool);
      latencies.sort((a, b) => a - b);
      process.stdout.write(
        `${JSON.stringify({
          mode,
          server: values.server,
          offered: rate,
          served: Math.round(latencies.length / secs),
          p50Ms: +percentile(latencies, 50).toFixed(3),
          p99Ms: +percentile(latencies, 99).toFixed(3),
          errors,
          shed,
          serverCpuUsPerReq: Math.round((cpu[0] * 1e6) / Math.max(1, latencies.length)),
          redisCpuUsPerReq: Math.round((cpu[1] * 1e6) / Math.max(1, latencies.length)),
          loadavg: +loadavg()[0].toFixed(2),
          cacheHitRatio: +(
            (cache.hits - cache0.hits) /
            Math.max(1, cache.hits - cache0.hits + cache.misses - cache0.misses)
          ).toFixed(3),
        })}\n`,
      );
      await new Promise((r) => setTimeout(r, 500));
    }
    await pool.close();
  } finally {
    await stopChild(server, () => server.kill("SIGTERM"));
    await redis.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
