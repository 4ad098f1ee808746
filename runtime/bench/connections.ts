/**
 * Memory of the feature server under many concurrent keep-alive connections: does it leak, and do
 * the bounds hold it? A measurement, not a timed test.
 *
 *   node --expose-gc --import tsx bench/connections.ts [--connections 2000] [--rounds 20]
 *        [--entities 10] [--cycles 3] [--idle-ms 3000] [--unbounded] [--json]
 *
 * This process runs the feature server (its HTTP server, routes and coalescing reader, on a real
 * redis-server it starts) and measures its own memory. A child process is the load: it opens
 * `--connections` keep-alive connections (node:http Agent), sends `--rounds` waves of one batched read per
 * connection, holds the connections idle for `--idle-ms`, then closes them. After each cycle the
 * server forces GC and reads its memory again. Repeating the cycle tells a leak (heap after GC
 * grows cycle after cycle) from memory that is retained but reused (it does not).
 *
 * `--unbounded` uses the settings before the bounds: no connection limit, 65 s keep-alive, no cap
 * on requests per socket, no bound on the reader's queue.
 */
import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import { Agent, request } from "node:http";
import { startHttp, type HttpLimits } from "../src/http";
import { createMetrics } from "../src/metrics";
import { connectRedis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { startRedis } from "../src/services/local";
import { createFeatureRoutes } from "../src/stages/featureServer";
import { featureKey } from "../src/features";

const { values: args } = parseArgs({
  options: {
    client: { type: "string" },
    connections: { type: "string", default: "2000" },
    rounds: { type: "string", default: "20" },
    entities: { type: "string", default: "10" },
    cycles: { type: "string", default: "3" },
    "idle-ms": { type: "string", default: "3000" },
    unbounded: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} is ${JSON.stringify(text)}: give a positive integer`);
  return n;
}

const ENTITIES = 10_000;
const MB = 1024 * 1024;

/**
 * The load, in a child process: waves of one request per connection, an idle hold, then close.
 * node:http's keep-alive Agent, one socket per request in flight, so a wave holds `connections`
 * connections open at once.
 */
async function client(port: number) {
  const connections = positive("connections", args.connections);
  const rounds = positive("rounds", args.rounds);
  const perRequest = positive("entities", args.entities);
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const statuses = new Map<string, number>();
  const count = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
  let seq = 0;
  const once = (body: string) =>
    new Promise<string>((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/features:batch",
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(String(res.statusCode)));
          res.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.name));
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.name));
      req.end(body);
    });
  for (let r = 0; r < rounds; r++) {
    const answers = await Promise.all(
      Array.from({ length: connections }, () =>
        once(
          JSON.stringify({ entities: Array.from({ length: perRequest }, () => `user-${seq++ % ENTITIES}`) }),
        ),
      ),
    );
    answers.forEach(count);
  }
  process.send!({ phase: "idle", statuses: Object.fromEntries(statuses) });
  await new Promise((r) => setTimeout(r, positive("idle-ms", args["idle-ms"])));
  agent.destroy();
  process.send!({ phase: "closed" });
}

interface Mem {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}
const mem = (): Mem => {
  const m = process.memoryUsage();
  return {
    rss: m.rss / MB,
    heapUsed: m.heapUsed / MB,
    heapTotal: m.heapTotal / MB,
    external: m.external / MB,
    arrayBuffers: m.arrayBuffers / MB,
  };
};
const gcHard = async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc: the measurement needs to force GC");
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
};

async function server() {
  const cycles = positive("cycles", args.cycles);
  const redisServer = await startRedis();
  const redis = await connectRedis({
    REDIS_HOST: redisServer.host,
    REDIS_PORT: redisServer.port,
    REDIS_TLS: false,
    CALL_TIMEOUT_MS: 5000,
  });
  for (let i = 0; i < ENTITIES; i += 1000) {
    const m = redis.multi();
    for (let j = i; j < i + 1000; j++)
      m.hSet(featureKey(`user-${j}`), {
        version: "1",
        count: String(j),
        sum: String(2 * j),
        mean: "2",
        windowEnd: "0",
        windowSeconds: "60",
      });
    await m.execAsPipeline();
  }
  const metrics = createMetrics("feature-server");
  const limits: Partial<HttpLimits> = args.unbounded
    ? {
        maxConnections: Infinity,
        keepAliveTimeoutMs: 65_000,
        maxRequestsPerSocket: 0,
        headersTimeoutMs: 60_000,
        requestTimeoutMs: 300_000,
      }
    : {};
  const http = await startHttp({
    host: "127.0.0.1",
    port: 0,
    registry: metrics.registry,
    ready: () => true,
    routes: createFeatureRoutes({
      redis,
      redisPolicy: callPolicy({ dependency: "redis" }, metrics),
      metrics,
      ...(args.unbounded ? { maxPendingEntities: Infinity } : {}),
    }),
    limits,
  });
  const openConnections = () =>
    new Promise<number>((resolve) => http.server.getConnections((_e, n) => resolve(n)));

  await gcHard();
  const before = mem();
  const results = [];
  try {
    for (let c = 0; c < cycles; c++) {
      let peak = mem();
      let peakConnections = 0;
      const sampler = setInterval(() => {
        const m = mem();
        if (m.rss > peak.rss) peak = m;
        void openConnections().then((n) => (peakConnections = Math.max(peakConnections, n)));
      }, 50);
      const child = fork(__filename, ["--client", String(http.port), ...process.argv.slice(2)], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      let statuses: Record<string, number> = {};
      let idleConnections = 0;
      const started = Date.now();
      let loadMs = 0;
      await new Promise<void>((resolve, reject) => {
        child.on("message", (msg: { phase: string; statuses?: Record<string, number> }) => {
          if (msg.phase === "idle") {
            statuses = msg.statuses!;
            loadMs = Date.now() - started;
            // How many connections the server still holds once the load is idle.
            setTimeout(() => void openConnections().then((n) => (idleConnections = n)), 1000);
          }
        });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`load exited ${code}`))));
      });
      clearInterval(sampler);
      for (let i = 0; i < 100 && (await openConnections()) > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      const afterCloseNoGc = mem();
      await gcHard();
      await new Promise((r) => setTimeout(r, 500));
      const after = mem();
      results.push({
        cycle: c + 1,
        loadMs,
        statuses,
        peakConnections,
        idleConnectionsAfter1s: idleConnections,
        peak,
        afterCloseNoGc,
        afterGc: after,
      });
    }
  } finally {
    await http.close();
    await redis.close();
    await redisServer.stop();
  }
  const report = {
    node: process.version,
    settings: {
      connections: Number(args.connections),
      rounds: Number(args.rounds),
      entitiesPerRequest: Number(args.entities),
      bounds: args.unbounded ? "unbounded (before)" : "defaults",
      limits: {
        ...(http.server && {
          maxConnections: http.server.maxConnections,
          keepAliveTimeout: http.server.keepAliveTimeout,
          maxRequestsPerSocket: http.server.maxRequestsPerSocket,
        }),
      },
    },
    before,
    cycles: results,
  };
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else {
    const f = (m: Mem) =>
      `rss ${m.rss.toFixed(0)} MB, heap used ${m.heapUsed.toFixed(1)} / total ${m.heapTotal.toFixed(1)} MB, external ${m.external.toFixed(1)} MB`;
    console.log(`settings: ${JSON.stringify(report.settings)}`);
    console.log(`before:            ${f(before)}`);
    for (const r of results) {
      console.log(
        `cycle ${r.cycle}: ${r.loadMs} ms, answers ${JSON.stringify(r.statuses)}, peak ${r.peakConnections} connections, ${r.idleConnectionsAfter1s} still open 1 s into the idle hold`,
      );
      console.log(`  peak:            ${f(r.peak)}`);
      console.log(`  closed, no GC:   ${f(r.afterCloseNoGc)}`);
      console.log(`  closed, GC:      ${f(r.afterGc)}`);
    }
  }
}

if (args.client) {
  client(Number(args.client)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  server().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
