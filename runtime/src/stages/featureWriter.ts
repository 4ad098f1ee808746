/**
 * feature-writer: the latest feature snapshot per entity into a Redis hash with a TTL, pipelined.
 * A snapshot is written only if its version is newer than the stored one, so a replay of older
 * snapshots never moves a feature back.
 */
import type { WorkerConfig } from "../config";
import { TransientError } from "../errors";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { BatchStage } from "../worker";
import { crashPoint } from "../chaos";
import type { FeatureSnapshot } from "./dedup";

type Cfg = Pick<WorkerConfig, "FEATURE_TTL_SECONDS">;

export const featureKey = (entity: string) => `seawall:features:${entity}`;

/** KEYS: hash. ARGV: ttl s, version, then field/value pairs. Returns 1 if written. */
export const writeScript = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if tonumber(ARGV[2]) <= stored then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

export function createFeatureWriter(
  cfg: Cfg,
  deps: { redis: Redis; redisPolicy: CallPolicy; metrics: Metrics },
): BatchStage {
  let sha: string | undefined;
  return {
    async process(records) {
      const latest = new Map<string, FeatureSnapshot>();
      for (const r of records) {
        try {
          const s = JSON.parse(r.value!.toString("utf8")) as FeatureSnapshot;
          const cur = latest.get(s.entity);
          if (!cur || s.version > cur.version) latest.set(s.entity, s);
        } catch {
          deps.metrics.deadLettered.labels("not-a-feature").inc();
        }
      }
      if (latest.size === 0) return;
      crashPoint("features-before-write");
      await deps.redisPolicy.execute(async () => {
        sha ??= await deps.redis.scriptLoad(writeScript);
        const m = deps.redis.multi();
        for (const s of latest.values()) {
          m.addCommand([
            "EVALSHA",
            sha,
            "1",
            featureKey(s.entity),
            String(cfg.FEATURE_TTL_SECONDS),
            String(s.version),
            "version",
            String(s.version),
            "count",
            String(s.count),
            "sum",
            String(s.sum),
            "mean",
            String(s.mean),
            "windowEnd",
            String(s.windowEnd),
            "windowSeconds",
            String(s.windowSeconds),
          ]);
        }
        try {
          await m.execAsPipeline();
        } catch (err) {
          if (/NOSCRIPT/.test(String((err as Error).message) + JSON.stringify(err))) sha = undefined;
          throw new TransientError("SEAWALL_REDIS_SCRIPT", "feature write failed", { cause: err });
        }
      });
      deps.metrics.recordsOut.inc(records.length);
    },
  };
}
