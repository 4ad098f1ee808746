/**
 * feature-writer: the latest feature snapshot per entity into a Redis hash with a TTL, pipelined.
 * A snapshot is written only if its version is newer than the stored one, so a replay of older
 * snapshots never moves a feature back.
 */
import type { WorkerConfig } from "../config";
import type { Rejected } from "../deadLetter";
import { TransientError } from "../errors";
import { featureKey, parseSnapshot, type FeatureSnapshot } from "../features";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { BatchStage } from "../worker";
import { crashPoint } from "../chaos";

type Cfg = Pick<WorkerConfig, "FEATURE_TTL_SECONDS">;

/** KEYS: hash. ARGV: ttl s, version, then field/value pairs. Returns 1 if written. */
export const writeScript = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '-1')
if tonumber(ARGV[2]) <= stored then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
`;

/**
 * Stores snapshots (at most one per entity) with the version check of {@link writeScript},
 * pipelined. Idempotent: an older or equal version changes nothing.
 */
export function createSnapshotWriter(
  cfg: Cfg,
  deps: { redis: Redis; redisPolicy: CallPolicy },
): (snapshots: Iterable<FeatureSnapshot>) => Promise<void> {
  let sha: string | undefined;
  const ttl = String(cfg.FEATURE_TTL_SECONDS);
  return (snapshots) => {
    // A list, not the iterable: a retry must send the same snapshots again.
    const list = [...snapshots];
    return deps.redisPolicy.execute(async () => {
      sha ??= await deps.redis.scriptLoad(writeScript);
      const m = deps.redis.multi();
      for (const s of list) {
        const version = String(s.version);
        m.addCommand([
          "EVALSHA",
          sha,
          "1",
          featureKey(s.entity),
          ttl,
          version,
          "version",
          version,
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
        // Only a forgotten script is retried; another error reply is about the data (a key of
        // another type): the worker loop splits the batch and dead-letters what fails alone.
        if (/NOSCRIPT/.test(String((err as Error).message) + JSON.stringify(err))) {
          sha = undefined;
          throw new TransientError("SEAWALL_REDIS_NOSCRIPT", "feature script not loaded", { cause: err });
        }
        throw err;
      }
    });
  };
}

export function createFeatureWriter(
  cfg: Cfg,
  deps: {
    redis: Redis;
    redisPolicy: CallPolicy;
    metrics: Metrics;
    /** Where snapshots that do not parse go, with the reason. */
    deadLetter: (rejected: Rejected[]) => Promise<void>;
  },
): BatchStage {
  const write = createSnapshotWriter(cfg, deps);
  return {
    async process(records) {
      const latest = new Map<string, FeatureSnapshot>();
      const rejected: Rejected[] = [];
      for (const r of records) {
        const p = parseSnapshot(r.value);
        if (!p.ok) {
          rejected.push({ record: r, reason: "not-a-feature", detail: p.detail });
          continue;
        }
        const cur = latest.get(p.snapshot.entity);
        if (!cur || p.snapshot.version > cur.version) latest.set(p.snapshot.entity, p.snapshot);
      }
      await deps.deadLetter(rejected);
      if (latest.size === 0) return;
      crashPoint("features-before-write");
      await write(latest.values());
      deps.metrics.recordsOut.inc(records.length - rejected.length);
    },
  };
}
