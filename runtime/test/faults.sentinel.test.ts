/**
 * Fault test, Sentinel: the chained workers (one process) find Redis through three Sentinels
 * (REDIS_SENTINELS, REDIS_SENTINEL_MASTER) while the primary is SIGKILLed mid-stream and the
 * Sentinels promote the replica. Nothing may be lost or duplicated in the lake, and the features
 * must be exactly what the events imply: on loopback the replica holds every write the primary
 * acknowledged (see the README's "Redis behind Sentinel" for what a network adds). Then the feature
 * server's reads and backup-features' scan work through the Sentinels on the new primary.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterPrimaries, scanFeatureKeys, scanPattern } from "../src/backup/features";
import { parseWorkerEnv } from "../src/config";
import { FEATURE_FIELDS, featureKey } from "../src/features";
import { connectRedis, type Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { localWorkerEnv, startMockCluster, type MockCluster, type RedisServer } from "../src/services/local";
import { createFeatureReader } from "../src/stages/featureServer";
import {
  dropLogs,
  expectClean,
  sampleFeed,
  scenarioTopics,
  runScenario,
  type ScenarioResult,
} from "./faultHarness";
import { startSentinelSet, type SentinelSet } from "./sentinelServices";
import { readLake, type Services } from "./support";

jest.setTimeout(120000);

const NAME = "sentinel";
let set: SentinelSet;
let kafka: MockCluster;
let svc: Services;
let lakeDir: string;

beforeAll(async () => {
  [set, kafka] = await Promise.all([startSentinelSet(), startMockCluster(scenarioTopics([NAME]))]);
  lakeDir = mkdtempSync(join(tmpdir(), "seawall-lake-"));
  const notHere = async () => {
    throw new Error("this file fails Redis over through Sentinel, it does not restart it");
  };
  const rawEnv = (extra: Record<string, string> = {}) => {
    const {
      REDIS_HOST: _h,
      REDIS_PORT: _p,
      ...base
    } = localWorkerEnv({
      kafka,
      redis: { host: "unused", port: 1 } as RedisServer,
      lakeDir,
    });
    return {
      ...base,
      REDIS_SENTINELS: set.sentinels,
      REDIS_SENTINEL_MASTER: set.masterName,
      // The servers' password; the Sentinels get it too (REDIS_SENTINEL_AUTH unset).
      REDIS_AUTH: set.password,
      LOG_LEVEL: "silent",
      ...extra,
    };
  };
  svc = {
    kafka,
    redis: { host: "127.0.0.1", port: set.ports[0], restart: notHere, stop: notHere },
    lakeDir,
    rawEnv,
    env: (extra = {}) => parseWorkerEnv(rawEnv(extra)),
    stop: async () => undefined,
  };
});

afterAll(async () => {
  await Promise.allSettled([set?.stop(), kafka?.stop()]);
  if (lakeDir) rmSync(lakeDir, { recursive: true, force: true });
});

describe("faults: Redis behind Sentinel", () => {
  let r: ScenarioResult;
  let promoted = "";
  let lakeAtFailover = 0;

  it("follows a SIGKILLed primary to the promoted replica: nothing lost or duplicated, features exact", async () => {
    const first = await set.primary();
    expect(first).toBe(`127.0.0.1:${set.ports[0]}`);
    r = await runScenario(svc, {
      name: NAME,
      records: sampleFeed({ events: 3000, seed: 31 }),
      workers: ["ingest+dedup+lake-sink+feature-writer"],
      // Faster than the chain drains it on 2 cores, so the failover meets batches in flight.
      sliceSize: 500,
      slicePauseMs: 150,
      async fault(ctx) {
        await ctx.whenLake(0.3);
        await ctx.note(`primary ${first} SIGKILLed`);
        await set.kill(set.ports[0]);
        promoted = await set.failedOver(first, 15000);
        lakeAtFailover = (await readLake(join(lakeDir, `lake-${NAME}`))).lines.length;
        await ctx.note(`the Sentinels promoted ${promoted}`);
      },
    });
    expect(promoted).toBe(`127.0.0.1:${set.ports[1]}`);
    expectClean(r);
    // Written after the failover: the stream went on on the new primary.
    expect(r.lakeLines).toBeGreaterThan(lakeAtFailover);
    expect(lakeAtFailover).toBeLessThan(r.valid);
    dropLogs(r);
  });

  describe("after the failover, through the Sentinels", () => {
    let redis: Redis;
    beforeAll(async () => {
      redis = await connectRedis(svc.env());
    });
    afterAll(async () => {
      await redis?.close();
    });

    it("writes on the promoted replica, which is now the primary", async () => {
      await redis.set("seawall:test:after-failover", "1");
      const direct = await connectRedis({
        REDIS_HOST: "127.0.0.1",
        REDIS_PORT: set.ports[1],
        REDIS_TLS: false,
        REDIS_AUTH: set.password,
        CALL_TIMEOUT_MS: 2000,
      });
      try {
        expect(await direct.get("seawall:test:after-failover")).toBe("1");
        expect(((await direct.sendCommand(["ROLE"])) as string[])[0]).toBe("master");
      } finally {
        await direct.close();
      }
    });

    it("serves features as the feature server reads them, and backs them up as backup-features scans them", async () => {
      const policy = callPolicy({ dependency: "redis", timeoutMs: 2000 });
      const entities = ["user-0", "user-1", "user-2"];
      const got = await createFeatureReader(redis, policy)(entities);
      for (const [i, e] of entities.entries()) {
        const hash = await redis.hGetAll(featureKey(e));
        expect(Number(hash.count)).toBeGreaterThan(0);
        expect(got[i]).toEqual(FEATURE_FIELDS.map((f) => hash[f] ?? null));
      }
      expect(await clusterPrimaries(redis, policy)).toBeUndefined();
      const lines: string[] = [];
      const read = await scanFeatureKeys(redis, policy, false, async (line) => {
        lines.push(line.key);
      });
      const keys = await redis.keys(scanPattern());
      expect(read).toBe(keys.length);
      expect(lines.sort()).toEqual(keys.map(String).sort());
      expect(read).toBeGreaterThan(r.entities);
    });
  });
});
