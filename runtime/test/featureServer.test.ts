import type { Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { createFeatureReader, ReadsOverloadedError } from "../src/stages/featureServer";
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
