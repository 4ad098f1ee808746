/**
 * The HTTP layer with the feature routes on a real redis-server: client errors are 4xx with a
 * message naming the problem and the fix, only a failing dependency is 503 (with Retry-After),
 * routes match the parsed pathname, wrong methods get 405 with Allow, and connections are bounded.
 */
import { request, Agent } from "node:http";
import { connect, type Socket } from "node:net";
import type { Counter } from "prom-client";
import { startHttp, type HttpServer, type HttpServerOptions } from "../src/http";
import { createMetrics } from "../src/metrics";
import type { Redis } from "../src/redis";
import { connectRedis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { startRedis } from "../src/services/local";
import { createFeatureRoutes } from "../src/stages/featureServer";
import { featureKey } from "../src/features";
import { gatedRedis, useRedis } from "./support";

jest.setTimeout(30000);

const local = useRedis(2000);

const snapshot = (n: number) => ({
  version: String(n),
  count: String(n),
  sum: String(2 * n),
  mean: "2",
  windowEnd: "1000",
  windowSeconds: "60",
});

beforeAll(async () => {
  const m = local.client.multi();
  m.hSet(featureKey("__proto__"), snapshot(3));
  m.hSet(featureKey("u-1"), snapshot(1));
  m.hSet(featureKey("a b/ü"), snapshot(5));
  await m.execAsPipeline();
});

interface Started {
  http: HttpServer;
  base: string;
  errors: Array<{ err: unknown; status: number; code: string }>;
  metrics: ReturnType<typeof createMetrics>;
}
const open: Started[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.http.close()));
});

async function serve(
  opts: Partial<HttpServerOptions> & {
    redis?: Redis;
    policy?: ReturnType<typeof callPolicy>;
    maxPendingEntities?: number;
  } = {},
): Promise<Started> {
  const metrics = createMetrics("feature-server");
  const errors: Started["errors"] = [];
  const { redis, policy, maxPendingEntities, ...httpOpts } = opts;
  const http = await startHttp({
    host: "127.0.0.1",
    port: 0,
    registry: metrics.registry,
    ready: () => true,
    routes: createFeatureRoutes({
      redis: redis ?? local.client,
      redisPolicy: policy ?? callPolicy({ dependency: "redis" }),
      metrics,
      maxPendingEntities,
    }),
    onError: (err, ctx) => errors.push({ err, status: ctx.status, code: ctx.code }),
    ...httpOpts,
  });
  const s = { http, base: `http://127.0.0.1:${http.port}`, errors, metrics };
  open.push(s);
  return s;
}

async function errorCount(s: Started, code: string): Promise<number> {
  const c = s.metrics.registry.getSingleMetric("seawall_http_errors_total") as Counter | undefined;
  const values = (await c?.get())?.values ?? [];
  return values.filter((v) => v.labels.code === code).reduce((n, v) => n + v.value, 0);
}

const post = (s: Started, body: string, headers: Record<string, string> = {}) =>
  fetch(`${s.base}/features:batch`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

describe("client errors are 4xx, never 5xx", () => {
  it("answers a malformed %-escape in the entity with 400 naming the segment and the fix", async () => {
    const s = await serve();
    const r = await fetch(`${s.base}/features/%E0%A4%A`);
    const body = (await r.json()) as { error: string; code: string };
    expect(r.status).toBe(400);
    expect(body.code).toBe("SEAWALL_HTTP_BAD_ESCAPE");
    expect(body.error).toContain('"%E0%A4%A"');
    expect(body.error).toMatch(/encodeURIComponent/);
    expect(s.errors).toEqual([]);
    expect(await errorCount(s, "SEAWALL_HTTP_BAD_ESCAPE")).toBe(1);
  });

  it("answers a JSON body that is not an object (null, a list, a number) with 400", async () => {
    const s = await serve();
    for (const [text, shown] of [
      ["null", "null"],
      ["[]", "an array"],
      ["42", "a number"],
      ['"x"', "a string"],
    ]) {
      const r = await post(s, text);
      const body = (await r.json()) as { error: string; code: string };
      expect([r.status, body.code]).toEqual([400, "SEAWALL_HTTP_BAD_BODY"]);
      expect(body.error).toContain(`body is ${shown}`);
      expect(body.error).toContain('{"entities": ["id", ...]}');
    }
    expect(s.errors).toEqual([]);
  });

  it("names the offending entity, its index and the fix", async () => {
    const s = await serve();
    const r = await post(s, JSON.stringify({ entities: ["u-1", ""] }));
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toBe(
      'body.entities[1] is "": each entity must be a non-empty string; send {"entities": ["id", ...]}',
    );
    const missing = await post(s, JSON.stringify({ entity: ["u-1"] }));
    expect(((await missing.json()) as { error: string }).error).toBe(
      'body.entities is missing: send {"entities": ["id", ...]}',
    );
  });

  it("refuses a content-type other than JSON or plain text with 415", async () => {
    const s = await serve();
    const r = await post(s, "entities=u-1", { "content-type": "application/x-www-form-urlencoded" });
    const body = (await r.json()) as { error: string; code: string };
    expect([r.status, body.code]).toEqual([415, "SEAWALL_HTTP_UNSUPPORTED_MEDIA_TYPE"]);
    expect(body.error).toBe(
      'content-type "application/x-www-form-urlencoded" is not supported: send application/json',
    );
    // fetch() sends a string body as text/plain: accepted, as is a missing content-type.
    const plain = await fetch(`${s.base}/features:batch`, {
      method: "POST",
      body: JSON.stringify({ entities: ["u-1"] }),
    });
    expect(plain.status).toBe(200);
  });
});

describe("entities named like Object.prototype's members", () => {
  it("answers __proto__, constructor, toString and hasOwnProperty as entities, in order", async () => {
    const s = await serve();
    const entities = ["__proto__", "constructor", "toString", "hasOwnProperty", "u-1"];
    const r = await post(s, JSON.stringify({ entities }));
    expect(r.status).toBe(200);
    const text = await r.text();
    const { features } = JSON.parse(text) as { features: Record<string, unknown> };
    expect(Object.keys(features)).toEqual(entities);
    expect(Object.getOwnPropertyDescriptor(features, "__proto__")?.value).toEqual({
      entity: "__proto__",
      count: 3,
      sum: 6,
      mean: 2,
      windowEnd: 1000,
      windowSeconds: 60,
      version: 3,
    });
    expect(entities.slice(1, 4).map((e) => features[e])).toEqual([null, null, null]);
    const one = await fetch(`${s.base}/features/__proto__`);
    expect([one.status, ((await one.json()) as { count: number }).count]).toEqual([200, 3]);
  });

  it("decodes a percent-encoded entity", async () => {
    const s = await serve();
    const r = await fetch(`${s.base}/features/${encodeURIComponent("a b/ü")}`);
    expect([r.status, ((await r.json()) as { entity: string }).entity]).toEqual([200, "a b/ü"]);
  });
});

describe("bodies over the limit", () => {
  it("answers a body over 1 MiB with 413 and a JSON error, then closes", async () => {
    const s = await serve();
    const big = JSON.stringify({ entities: ["u-1"], pad: "x".repeat(1 << 20) });
    const r = await post(s, big);
    const body = (await r.json()) as { error: string; code: string };
    expect([r.status, body.code, r.headers.get("connection")]).toEqual([
      413,
      "SEAWALL_HTTP_BODY_TOO_LARGE",
      "close",
    ]);
    expect(body.error).toMatch(/over 1048576 bytes.*at most 1000 entities/);
  });

  it("answers a streamed (chunked) body over the limit with 413", async () => {
    const s = await serve();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${s.base}/features:batch`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end();
    });
    expect(answer.status).toBe(413);
    expect((JSON.parse(answer.body) as { code: string }).code).toBe("SEAWALL_HTTP_BODY_TOO_LARGE");
  });

  it("rejects a too-large content-length before reading the body", async () => {
    const s = await serve();
    const socket = connect(s.http.port, "127.0.0.1");
    const text = await new Promise<string>((resolve) => {
      let got = "";
      socket.on("data", (c: Buffer) => (got += c.toString()));
      socket.on("close", () => resolve(got));
      // Headers only: the server must answer without waiting for the 10 MiB it was promised.
      socket.write(
        "POST /features:batch HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n" +
          `content-length: ${10 << 20}\r\n\r\n`,
      );
    });
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text.toLowerCase()).toContain("connection: close");
    expect(text).toContain("SEAWALL_HTTP_BODY_TOO_LARGE");
  });
});

describe("routing", () => {
  it("routes on the pathname, so a query string does not change the route", async () => {
    const s = await serve();
    const answers = await Promise.all([
      fetch(`${s.base}/healthz?x=1`),
      fetch(`${s.base}/readyz?probe=k8s`),
      fetch(`${s.base}/metrics?name[]=x`),
      fetch(`${s.base}/features/u-1?fields=all`),
      fetch(`${s.base}/features:batch?trace=1`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ entities: ["u-1"] }),
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(((await answers[3].json()) as { entity: string }).entity).toBe("u-1");
    expect((await fetch(`${s.base}/healthzx`)).status).toBe(404);
    expect((await fetch(`${s.base}/features`)).status).toBe(404);
  });

  it("answers a wrong method on a known path with 405 and Allow", async () => {
    const s = await serve();
    const cases: Array<[string, string, string]> = [
      ["GET", "/features:batch", "POST"],
      ["POST", "/healthz", "GET, HEAD"],
      ["DELETE", "/readyz", "GET, HEAD"],
      ["PUT", "/metrics?x=1", "GET, HEAD"],
      ["POST", "/features/u-1", "GET, HEAD"],
    ];
    const got = [];
    for (const [method, path] of cases) {
      const r = await fetch(`${s.base}${path}`, { method });
      const body = (await r.json()) as { error: string; code: string };
      got.push([method, path, r.status, r.headers.get("allow"), body.code]);
      expect(body.error).toContain(`${method} is not allowed on`);
    }
    expect(got).toEqual(cases.map(([m, p, allow]) => [m, p, 405, allow, "SEAWALL_HTTP_METHOD_NOT_ALLOWED"]));
    const head = await fetch(`${s.base}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
  });
});

describe("server errors", () => {
  it("answers an unexpected error with 500 without its message or stack, reports and counts it", async () => {
    const s = await serve({
      routes: async () => {
        throw new Error("secret detail at /srv/app/x.ts:12");
      },
    });
    const r = await fetch(`${s.base}/anything`);
    const text = await r.text();
    expect(r.status).toBe(500);
    expect(text).not.toMatch(/secret|x\.ts|\bat\b/);
    expect((JSON.parse(text) as { code: string }).code).toBe("SEAWALL_HTTP_INTERNAL");
    expect(s.errors.map((e) => [(e.err as Error).message, e.status, e.code])).toEqual([
      ["secret detail at /srv/app/x.ts:12", 500, "SEAWALL_HTTP_INTERNAL"],
    ]);
    expect(await errorCount(s, "SEAWALL_HTTP_INTERNAL")).toBe(1);
  });

  it("answers 503 with Retry-After when Redis is down and while the breaker is open", async () => {
    const server = await startRedis();
    const redis = await connectRedis({
      REDIS_HOST: server.host,
      REDIS_PORT: server.port,
      REDIS_TLS: false,
      CALL_TIMEOUT_MS: 300,
    });
    try {
      const policy = callPolicy({
        dependency: "redis",
        timeoutMs: 300,
        maxAttempts: 0,
        breakerThreshold: 1,
        halfOpenAfterMs: 60000,
      });
      const s = await serve({ redis, policy });
      await server.stop();
      const statuses = [];
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${s.base}/features/u-1`);
        const body = (await r.json()) as { error: string; code: string };
        statuses.push([r.status, r.headers.get("retry-after"), body.code]);
        expect(body.error).toMatch(/redis.*unavailable.*retry/i);
      }
      expect(statuses).toEqual([
        [503, "1", "SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE"],
        [503, "1", "SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE"],
      ]);
      expect(s.errors.map((e) => e.code)).toEqual([
        "SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE",
        "SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE",
      ]);
      expect("isBrokenCircuitError" in (s.errors[1].err as object)).toBe(true);
    } finally {
      redis.destroy();
      await server.stop();
    }
  });

  it("answers 503 with Retry-After when a Redis call times out", async () => {
    const hung = new Proxy(local.client, {
      get(target, prop, receiver) {
        if (prop !== "multi") return Reflect.get(target, prop, receiver) as unknown;
        return () => ({ addCommand: () => undefined, execAsPipeline: () => new Promise(() => undefined) });
      },
    });
    const s = await serve({
      redis: hung,
      policy: callPolicy({ dependency: "redis", timeoutMs: 100, maxAttempts: 0 }),
    });
    const r = await fetch(`${s.base}/features/u-1`);
    expect([r.status, r.headers.get("retry-after"), ((await r.json()) as { code: string }).code]).toEqual([
      503,
      "1",
      "SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE",
    ]);
    expect(s.errors.map((e) => e.code)).toEqual(["SEAWALL_HTTP_DEPENDENCY_UNAVAILABLE"]);
  });

  it("sheds with 503 and Retry-After when the reader's queue is over its limit", async () => {
    const { redis: gated, release } = gatedRedis(local.client);
    const s = await serve({ redis: gated, maxPendingEntities: 3 });
    const first = post(s, JSON.stringify({ entities: ["u-1", "u-2", "u-3"] }));
    // The first request's three entities are pending (the gate holds its pipeline).
    const shedOne = await post(s, JSON.stringify({ entities: ["u-1"] }));
    const body = (await shedOne.json()) as { error: string; code: string };
    expect([shedOne.status, shedOne.headers.get("retry-after"), body.code]).toEqual([
      503,
      "1",
      "SEAWALL_HTTP_OVERLOADED",
    ]);
    expect(body.error).toMatch(/3 entities.*limit 3/);
    release();
    expect((await first).status).toBe(200);
    expect((await post(s, JSON.stringify({ entities: ["u-1"] }))).status).toBe(200);
    expect(s.errors).toEqual([]);
    expect(await errorCount(s, "SEAWALL_HTTP_OVERLOADED")).toBe(1);
  });
});

describe("connection bounds", () => {
  const connected = (port: number) =>
    new Promise<Socket>((resolve, reject) => {
      const c = connect(port, "127.0.0.1", () => resolve(c));
      c.on("error", reject);
    });
  const closedWithin = (c: Socket, ms: number) =>
    new Promise<boolean>((resolve) => {
      if (c.destroyed) return resolve(true);
      const t = setTimeout(() => resolve(false), ms);
      c.on("error", () => undefined);
      c.once("close", () => {
        clearTimeout(t);
        resolve(true);
      });
    });

  it("closes a connection beyond maxConnections and counts it", async () => {
    const s = await serve({ limits: { maxConnections: 2 } });
    const a = await connected(s.http.port);
    const b = await connected(s.http.port);
    // Wait until the server has accepted both.
    for (let i = 0; i < 50 && (await count(s)) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const c = await connected(s.http.port);
    expect([await closedWithin(c, 2000), await closedWithin(a, 50)]).toEqual([true, false]);
    expect(await errorCount(s, "SEAWALL_HTTP_CONNECTION_DROPPED")).toBe(1);
    a.destroy();
    b.destroy();
  });

  it("closes a keep-alive socket after maxRequestsPerSocket requests", async () => {
    const s = await serve({ limits: { maxRequestsPerSocket: 2 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const seen: Array<[number, string | undefined]> = [];
    try {
      for (let i = 0; i < 3; i++) {
        seen.push(
          await new Promise((resolve, reject) => {
            request(`${s.base}/healthz`, { agent }, (res) => {
              const port = res.socket.localPort!;
              res.resume();
              res.on("end", () => resolve([port, res.headers.connection]));
            })
              .on("error", reject)
              .end();
          }),
        );
      }
    } finally {
      agent.destroy();
    }
    expect(seen.map((x) => x[1])).toEqual(["keep-alive", "close", "keep-alive"]);
    expect(seen[0][0]).toBe(seen[1][0]);
    expect(seen[2][0]).not.toBe(seen[0][0]);
  });

  it("applies bounded timeouts and limits by default, and the given ones", async () => {
    const d = await serve();
    expect([
      d.http.server.keepAliveTimeout,
      d.http.server.headersTimeout,
      d.http.server.requestTimeout,
      d.http.server.maxRequestsPerSocket,
      d.http.server.maxConnections,
    ]).toEqual([5000, 10000, 30000, 1000, 1024]);
    const s = await serve({
      limits: { keepAliveTimeoutMs: 1000, headersTimeoutMs: 2000, requestTimeoutMs: 3000 },
    });
    expect([
      s.http.server.keepAliveTimeout,
      s.http.server.headersTimeout,
      s.http.server.requestTimeout,
    ]).toEqual([1000, 2000, 3000]);
  });

  async function count(s: Started): Promise<number> {
    return new Promise((resolve) => s.http.server.getConnections((_e, n) => resolve(n)));
  }
});
