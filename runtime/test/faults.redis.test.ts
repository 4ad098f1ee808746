/**
 * Fault tests, Redis: redis-server is SIGKILLed while the four stages (each its own process) run,
 * and comes back after about 2 s, once with its data and once empty. Nothing may be lost either
 * way; with its data kept nothing may be duplicated and the features are exact; when Redis lost its
 * data, the lake still holds each event once (the lake sink rebuilds its claims from the lake), and
 * the feature store's difference is reported, not asserted.
 */
import { appendFileSync } from "node:fs";
import { connectRedis } from "../src/redis";
import {
  dropLogs,
  expectClean,
  FULL,
  reportFile,
  runScenario,
  sampleFeed,
  startFaultServices,
  sleep,
} from "./faultHarness";
import type { Services } from "./support";

jest.setTimeout(FULL ? 900000 : 180000);

const EVENTS = FULL ? 40000 : 3000;
const REPEATS = FULL ? 1000 : 100;
const scenarios = ["redis-kept", "redis-lost"];
/** Faster than the stages drain it on 2 cores, so a fault meets batches in flight and lag. */
const FAST_FEED = { sliceSize: 500, slicePauseMs: 150 };

describe("faults: Redis", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startFaultServices(scenarios);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("restart({ keepData }) keeps the data, and keepData: false comes back empty", async () => {
    const cfg = svc.env();
    const put = async () => {
      const c = await connectRedis(cfg);
      await c.set("seawall:test:restart", "1");
      await c.close();
    };
    const get = async () => {
      const c = await connectRedis(cfg);
      try {
        return await c.get("seawall:test:restart");
      } finally {
        await c.close();
      }
    };
    await put();
    await svc.redis.restart();
    expect(await get()).toBe("1");
    await svc.redis.restart({ keepData: false, downMs: 100 });
    expect(await get()).toBeNull();
  });

  it("loses nothing and duplicates nothing when redis-server is SIGKILLed and restarts with its data", async () => {
    const r = await runScenario(svc, {
      name: "redis-kept",
      records: sampleFeed({ events: EVENTS, seed: 21 }),
      ...FAST_FEED,
      async fault(ctx) {
        // While the stages still work through the stream (lag), so batches fail mid-flight.
        for (const at of FULL ? [0.1, 0.3, 0.5, 0.7] : [0.2, 0.6]) {
          await ctx.whenLake(at);
          await ctx.note(`redis SIGKILL, down 2 s, data kept`);
          await ctx.svc.redis.restart({ downMs: 2000 });
          await sleep(500);
        }
      },
    });
    expectClean(r);
    dropLogs(r);
  });

  it("loses nothing and keeps the lake free of duplicates when redis-server restarts empty; reports the features' difference", async () => {
    const feed = sampleFeed({ events: EVENTS, seed: 22 });
    const r = await runScenario(svc, {
      name: "redis-lost",
      records: feed,
      ...FAST_FEED,
      windowSeconds: 3 * 3600,
      async fault(ctx) {
        // Mid-stream, while the stages are busy; the feature window spans the whole stream, so
        // what the loss costs the feature store shows in every entity it touched.
        for (const at of FULL ? [0.3, 0.7] : [0.4]) {
          await ctx.whenLake(at);
          await ctx.note(`redis SIGKILL, down 2 s, data LOST`);
          await ctx.svc.redis.restart({ keepData: false, downMs: 2000 });
        }
        // Repeats of events from before the loss, arriving after it: Redis no longer knows them.
        const early = feed.filter((f) => f.expect === "lake").slice(0, REPEATS);
        await ctx.send(early.map((f) => ({ ...f, expect: "duplicate" as const })));
        await ctx.note(`${REPEATS} repeats of events from before the loss sent`);
      },
    });
    // The figures the closing note quotes: what a Redis loss costs the feature store and the lake.
    const countGap = r.featuresOff.reduce((n, f) => n + ((f.want?.count ?? 0) - Number(f.got.count ?? 0)), 0);
    const line =
      `[faults] redis-lost: features of ${r.featuresOff.length} of ${r.entities} entities differ ` +
      `(window counts short by ${countGap} events in all); ${r.duplicated.length} ids duplicated in the lake`;
    console.log(line);
    appendFileSync(reportFile, `${line}\n`);
    expectClean(r, { redisLost: true });
    dropLogs(r);
  });
});
