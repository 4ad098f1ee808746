import type { Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { Registry, type Counter } from "prom-client";
import { pathnameOf, startHttp } from "../src/http";
import { createMetrics } from "../src/metrics";
import {
  createFeatureLookup,
  createFeatureReader,
  createFeatureRoutes,
  ReadsOverloadedError,
  type Feature,
} from "../src/stages/featureServer";
import { FeatureCache, featureCacheCounters } from "../src/featureCache";
import { featureKey } from "../src/features";
import { gatedRedis, useRedis } from "./support";

jest.setTimeout(30000);

const local = useRedis(5000);
let redis: Redis;
beforeAll(async () => {
  redis = local.client;
  const m = redis.multi();
  for (let i = 0; i < 3000; i++) {
    m.hSet(featureKey(`fs-${i}`), {
      version: String(i + 1),
      count: String(i),
      sum: String(2 * i),
      mean: "2",
      windowEnd: "0",
      windowSeconds: "60",
    });
  }
  await m.execAsPipeline();
});

/** Counts the pipelines the reader sends. */
function counted(r: Redis): { redis: Redis; pipelines: number[] } {
  const pipelines: number[] = [];
  const proxy = new Proxy(r, {
    get(target, prop, receiver) {
      if (prop !== "multi") return Reflect.get(target, prop, receiver) as unknown;
      return () => {
        const m = target.multi();
        let commands = 0;
        return new Proxy(m, {
          get(mt, p, rc) {
            if (p === "addCommand")
              return (args: string[]) => {
                commands++;
                return mt.addCommand(args);
              };
            if (p === "execAsPipeline")
              return () => {
                pipelines.push(commands);
                return mt.execAsPipeline();
              };
            return Reflect.get(mt, p, rc) as unknown;
          },
        });
      };
    },
  });
  return { redis: proxy, pipelines };
}

describe("the feature server's coalescing reader", () => {
  it("answers each of many concurrent callers with its own entities, in its own order, in one pipeline", async () => {
    const c = counted(redis);
    const read = createFeatureReader(c.redis, callPolicy({ dependency: "redis" }));
    const asks = [["fs-5", "fs-1"], ["nobody"], ["fs-1", "fs-2999", "nobody", "fs-7"], ["fs-0"]];
    const answers = await Promise.all(asks.map((a) => read(a)));
    expect(c.pipelines).toEqual([8]);
    answers.forEach((replies, i) => {
      expect(replies).toHaveLength(asks[i].length);
      asks[i].forEach((entity, j) => {
        if (entity === "nobody") expect(replies[j].every((v) => v === null)).toBe(true);
        else {
          const n = Number(entity.slice(3));
          expect(replies[j]).toEqual([String(n + 1), String(n), String(2 * n), "2", "0", "60"]);
        }
      });
    });
  });

  it("splits a turn's reads into bounded pipelines and still answers every caller", async () => {
    const c = counted(redis);
    const read = createFeatureReader(c.redis, callPolicy({ dependency: "redis" }));
    const asks = Array.from({ length: 5 }, (_, k) =>
      Array.from({ length: 1000 }, (_, i) => `fs-${(k * 1000 + i) % 3000}`),
    );
    const answers = await Promise.all(asks.map((a) => read(a)));
    expect(c.pipelines.length).toBeGreaterThan(1);
    expect(Math.max(...c.pipelines)).toBeLessThanOrEqual(4096);
    expect(c.pipelines.reduce((s, n) => s + n, 0)).toBe(5000);
    answers.forEach((replies, k) =>
      replies.forEach((h, i) => expect(h[1]).toBe(String((k * 1000 + i) % 3000))),
    );
  });

  it("fails every caller of a failed pipeline, and later reads still work", async () => {
    let fail = true;
    const flaky = new Proxy(redis, {
      get(target, prop, receiver) {
        if (prop === "multi" && fail) throw new Error("WRONGTYPE not transient");
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const read = createFeatureReader(flaky, callPolicy({ dependency: "redis" }));
    const results = await Promise.allSettled([read(["fs-1"]), read(["fs-2"])]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect((await read(["fs-3"]))[0][1]).toBe("3");
  });

  it("refuses reads over its bound of pending entities, and admits again once they are answered", async () => {
    const { redis: gated, release } = gatedRedis(redis);
    const read = createFeatureReader(gated, callPolicy({ dependency: "redis" }), { maxPendingEntities: 10 });
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `fs-${from + i}`);
    const counts = (replies: Array<Array<string | null>>) => replies.map((h) => h[1]);
    const first = read(ids(0, 8));
    const over = read(ids(8, 3));
    await expect(over).rejects.toBeInstanceOf(ReadsOverloadedError);
    await expect(over).rejects.toThrow("8 entities are already being read (limit 10): retry later");
    const fits = read(ids(8, 2));
    release();
    expect(counts(await first)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    expect(counts(await fits)).toEqual(["8", "9"]);
    // Answered, so nothing is pending: a read larger than the bound is still tried alone.
    expect(counts(await read(ids(100, 12)))).toEqual(ids(100, 12).map((e) => e.slice(3)));
  });
});

describe("the feature cache", () => {
  const answer = (version: number) => ({
    feature: { version } as unknown as Feature,
    json: JSON.stringify({ version }),
  });
  const clock = () => {
    const c = { t: 1000, now: () => c.t };
    return c;
  };

  it("serves an entry only while it is younger than the bound, counted from when its read was sent", () => {
    const c = clock();
    const cache = new FeatureCache<Feature>({ maxAgeMs: 250, now: c.now });
    const readAt = cache.stamp();
    c.t += 40; // the read's round trip: the age counts from before it
    cache.set("a", answer(1), readAt);
    c.t = readAt + 249;
    expect(cache.get("a")?.json).toBe('{"version":1}');
    c.t = readAt + 250;
    expect(cache.get("a")).toBeUndefined();
    // An answer already past the bound when it arrives is not kept at all.
    cache.set("b", answer(1), c.t - 250);
    expect([cache.get("b"), cache.size]).toEqual([undefined, 0]);
  });

  it("keeps the newer read when an older one is answered after it", () => {
    const c = clock();
    const cache = new FeatureCache<Feature>({ maxAgeMs: 250, now: c.now });
    const older = cache.stamp();
    c.t += 10;
    const newer = cache.stamp();
    cache.set("a", answer(2), newer);
    cache.set("a", answer(1), older);
    expect(cache.get("a")?.json).toBe('{"version":2}');
  });

  it("holds at most maxEntries, dropping the oldest first, and drops expired entries as it inserts", () => {
    const c = clock();
    const cache = new FeatureCache<Feature>({ maxAgeMs: 250, maxEntries: 3, now: c.now });
    for (const [i, e] of ["a", "b", "c", "d"].entries()) cache.set(e, answer(i), c.t);
    expect(["a", "b", "c", "d"].map((e) => cache.get(e)?.json ?? null)).toEqual([
      null,
      '{"version":1}',
      '{"version":2}',
      '{"version":3}',
    ]);
    c.t += 300;
    cache.set("e", answer(4), c.t);
    expect(cache.size).toBe(1);
  });

  it("keeps nothing with a bound of 0, and refuses a negative bound or size", () => {
    const cache = new FeatureCache<Feature>({ maxAgeMs: 0 });
    cache.set("a", answer(1), cache.stamp());
    expect([cache.enabled, cache.size, cache.get("a")]).toEqual([false, 0, undefined]);
    expect(() => new FeatureCache({ maxAgeMs: -1 })).toThrow(
      "maxAgeMs is -1: use 0 (off) or a positive number of ms",
    );
    expect(() => new FeatureCache({ maxEntries: 0 })).toThrow("maxEntries is 0: use a positive integer");
  });

  it("answers cached entities without Redis and reads only the others, counting hits and misses", async () => {
    const c = counted(redis);
    const registry = new Registry();
    const counters = featureCacheCounters(registry);
    const lookup = createFeatureLookup(
      createFeatureReader(c.redis, callPolicy({ dependency: "redis" })),
      new FeatureCache<Feature>({ maxAgeMs: 60000 }),
      counters,
    );
    const first = await lookup(["fs-1", "fs-2", "nobody"]);
    const second = lookup(["fs-2", "fs-3", "nobody", "fs-1"]);
    const third = lookup(["fs-3", "fs-1"]);
    expect(Array.isArray(third)).toBe(false); // fs-3 is being read by `second`, not yet cached
    const answers = [first, await second, await third].map((a) => a.map((x) => x.feature?.count ?? null));
    expect(answers).toEqual([
      [1, 2, null],
      [2, 3, null, 1],
      [3, 1],
    ]);
    const fourth = lookup(["fs-3", "nobody"]);
    expect(Array.isArray(fourth)).toBe(true); // all cached: answered in the same turn
    expect(c.pipelines).toEqual([3, 2]);
    const value = async (m: Counter<string>) => (await m.get()).values[0]?.value;
    expect([await value(counters.hits), await value(counters.misses)]).toEqual([6, 5]);
    expect(featureCacheCounters(registry).hits).toBe(counters.hits); // once per registry
  });
});

describe("the feature server with its cache, on a real Redis", () => {
  it("never answers a feature older than FEATURE_MAX_STALENESS_MS after a newer version is written", async () => {
    const bound = 200;
    const entity = `stale-${process.pid}`;
    const write = (version: number) =>
      redis.hSet(featureKey(entity), {
        version: String(version),
        count: String(version),
        sum: "0",
        mean: "0",
        windowEnd: "0",
        windowSeconds: "60",
      });
    await write(1);
    const metrics = createMetrics("feature-server");
    const http = await startHttp({
      host: "127.0.0.1",
      port: 0,
      registry: metrics.registry,
      ready: () => true,
      routes: createFeatureRoutes({
        redis,
        redisPolicy: callPolicy({ dependency: "redis" }),
        metrics,
        maxStalenessMs: bound,
      }),
    });
    try {
      const base = `http://127.0.0.1:${http.port}`;
      const version = async (how: "get" | "batch") => {
        const r =
          how === "get"
            ? await fetch(`${base}/features/${entity}`)
            : await fetch(`${base}/features:batch`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ entities: [entity] }),
              });
        const body = (await r.json()) as { version?: number; features?: Record<string, { version: number }> };
        return how === "get" ? body.version : body.features?.[entity].version;
      };
      expect([await version("get"), await version("batch")]).toEqual([1, 1]);
      await write(2);
      const written = performance.now();
      // Ask both routes until well past the bound: each answer sent at least `bound` ms after the
      // write must be version 2; before that, the cache may answer 1.
      const seen: Array<{ sentAfterMs: number; version: number | undefined }> = [];
      while (performance.now() - written < bound * 2.5) {
        for (const how of ["get", "batch"] as const) {
          const sentAfterMs = performance.now() - written;
          seen.push({ sentAfterMs, version: await version(how) });
        }
      }
      const late = seen.filter((s) => s.sentAfterMs >= bound);
      expect(late.length).toBeGreaterThan(0);
      expect(late.filter((s) => s.version !== 2)).toEqual([]);
      // The cache was in use: right after the write, the cached version 1 was still answered.
      expect(seen[0].version).toBe(1);
      const hits = (
        await (metrics.registry.getSingleMetric("seawall_feature_cache_hits_total") as Counter).get()
      ).values[0].value;
      expect(hits).toBeGreaterThan(0);
    } finally {
      await http.close();
    }
  });
});

describe("the pathname the server routes on (parsed once per request)", () => {
  it("drops the query and the fragment, whichever comes first, and keeps percent-escapes", () => {
    expect(
      [
        "/features/a%20b?x=1#f",
        "/features:batch#f?x",
        "/features/a?b#c",
        "/metrics",
        "http://h:1/a/b?q",
        undefined,
      ].map(pathnameOf),
    ).toEqual(["/features/a%20b", "/features:batch", "/features/a", "/metrics", "/a/b", "/"]);
    expect(() => pathnameOf("*")).toThrow('request target "*" is not a path');
  });
});
