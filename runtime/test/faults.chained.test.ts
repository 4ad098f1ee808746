/**
 * Fault tests, chained topology: the whole pipeline in ONE process per worker
 * (`ingest+dedup+lake-sink+feature-writer`), two replicas of it sharing the raw topic's partitions,
 * faults injected from outside as for the stages alone: SIGKILLs from outside and at every crash
 * point (the chain's own and the lake's), retriable broker errors, and a Redis that restarts empty.
 * Nothing may be lost or dead-lettered wrongly, the lake holds each event once, and the features are
 * exact unless Redis lost its data.
 */
import { appendFileSync } from "node:fs";
import {
  dropLogs,
  expectClean,
  FULL,
  reportFile,
  retriableRequestErrors,
  runScenario,
  sampleFeed,
  startFaultServices,
  sleep,
} from "./faultHarness";
import type { Services } from "./support";

jest.setTimeout(FULL ? 900000 : 180000);

const EVENTS = FULL ? 40000 : 3000;
const REPEATS = FULL ? 1000 : 100;
const CHAIN = "ingest+dedup+lake-sink+feature-writer";
const scenarios = ["chain-kills", "chain-redis-lost"];

describe("faults: the chained topology", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startFaultServices(scenarios);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("loses nothing and duplicates nothing when chained workers are SIGKILLed, at crash points and through broker errors", async () => {
    const rounds = FULL ? 30 : 6;
    const r = await runScenario(svc, {
      name: "chain-kills",
      records: sampleFeed({ events: EVENTS, seed: 61 }),
      workers: [CHAIN, "chained"],
      sliceSize: 250,
      slicePauseMs: 300,
      env: { CHAOS_CRASH_RATE: "0.01" },
      idleMs: 45000,
      async fault(ctx) {
        await ctx.whenLake(0.05);
        for (let round = 0; round < rounds; round++) {
          await sleep(300 + ctx.rnd() * 1200);
          const w = ctx.workers[Math.floor(ctx.rnd() * ctx.workers.length)];
          await ctx.note(`SIGKILL ${w.stage}`);
          // A worker between a crash point's exit and its restart has no process: wait for it.
          while (!w.kill()) await sleep(100);
        }
        // Retriable errors on the chain's Kafka calls: Produce (features, dead letters), Fetch of
        // the raw topic, OffsetCommit of the raw offsets.
        await retriableRequestErrors(ctx);
      },
    });
    expect(r.workers).toEqual([CHAIN, "chained"]);
    expect(r.kills).toBe(rounds);
    expectClean(r);
    dropLogs(r);
  });

  it("keeps the lake free of duplicates when redis-server restarts empty: the chain's one claim per event is rebuilt from the lake", async () => {
    const feed = sampleFeed({ events: EVENTS, seed: 62 });
    const r = await runScenario(svc, {
      name: "chain-redis-lost",
      records: feed,
      workers: [CHAIN],
      sliceSize: 500,
      slicePauseMs: 150,
      windowSeconds: 3 * 3600,
      async fault(ctx) {
        await ctx.whenLake(0.4);
        await ctx.note("redis SIGKILL, down 2 s, data LOST");
        await ctx.svc.redis.restart({ keepData: false, downMs: 2000 });
        const early = feed.filter((f) => f.expect === "lake").slice(0, REPEATS);
        await ctx.send(early.map((f) => ({ ...f, expect: "duplicate" as const })));
        await ctx.note(`${REPEATS} repeats of events from before the loss sent`);
      },
    });
    const line =
      `[faults] chain-redis-lost: features of ${r.featuresOff.length} of ${r.entities} entities differ; ` +
      `${r.duplicated.length} ids duplicated in the lake`;
    console.log(line);
    appendFileSync(reportFile, `${line}\n`);
    expectClean(r, { redisLost: true });
    dropLogs(r);
  });
});
