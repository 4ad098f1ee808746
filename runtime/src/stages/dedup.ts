/**
 * dedup: drop events whose id was already seen, then fold the new ones into per-entity windowed
 * features. Claims are `SET NX GET` with the record's position as the value, so a replay of the same
 * record (same position) is recognised as itself and re-emitted, and a true repeat is dropped.
 * Feature state is a sorted set of `eventId|value` members per entity: adding is idempotent.
 */
import { claim, positionOf } from "../claims";
import type { WorkerConfig } from "../config";
import { deadLetterRecord } from "../deadLetter";
import { TransientError } from "../errors";
import { MAX_ABS_VALUE, windowKey, windowStateKey, type FeatureSnapshot } from "../features";
import type { Metrics } from "../metrics";
import type { InRecord, OutRecord, ProducerTransport } from "../kafka/transport";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import { nextTraceparent } from "../trace";
import type { Event } from "../validate";
import { parseJsonObject } from "../json";
import { byPartition, mapLimit, type BatchStage } from "../worker";
import { crashPoint } from "../chaos";

type Cfg = Pick<
  WorkerConfig,
  | "TOPIC_EVENTS"
  | "TOPIC_FEATURES"
  | "TOPIC_DEAD_LETTER"
  | "DEDUP_TTL_SECONDS"
  | "FEATURE_WINDOW_SECONDS"
  | "DEAD_LETTER_MAX_BYTES"
>;

/**
 * KEYS: window zset (`eventId|value` scored by event time), running state hash (count, sum,
 * version). ARGV: window ms, ttl s, then (score, member) pairs. Incremental: only new members are
 * added to the sums and only members leaving the window are subtracted, so a batch costs what it
 * changes, not the window's size. Atomic, so a crash never leaves the two keys out of step.
 */
export const featureScript = `
local function val(m) return tonumber(string.match(m, '|([^|]*)$')) end
local added, addSum = 0, 0
for i = 3, #ARGV, 2 do
  if redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    added = added + 1
    addSum = addSum + val(ARGV[i + 1])
  end
end
local st = redis.call('HMGET', KEYS[2], 'count', 'sum', 'version')
local count = tonumber(st[1] or '0') + added
local sum = tonumber(st[2] or '0') + addSum
local version = tonumber(st[3] or '0') + added
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local maxTs = tonumber(top[2])
local cut = '(' .. string.format('%d', maxTs - tonumber(ARGV[1]))
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cut)
if #old > 0 then
  for _, m in ipairs(old) do
    sum = sum - val(m)
    count = count - 1
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cut)
end
if count == 0 then sum = 0 end
local sumText = string.format('%.17g', sum)
redis.call('HSET', KEYS[2], 'count', count, 'sum', sumText, 'version', version)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return {count, sumText, string.format('%d', maxTs), version}
`;

/** An event dedup can fold into features, or what is wrong with the record. */
export function parseDedupEvent(
  value: Buffer | null,
): { ok: true; event: Event } | { ok: false; detail: string } {
  const parsed = parseJsonObject(value);
  if (!parsed.ok) return parsed;
  const event = parsed.object as Event;
  if (typeof event.eventId !== "string" || typeof event.entity !== "string")
    return { ok: false, detail: "no event id" };
  return checkFoldable(event);
}

/**
 * Whether an event that passed ingest's schema can enter the features: a custom EVENT_SCHEMA may let
 * through events without an integer `ts` or a finite `value`, which the feature script needs; the
 * bound on values keeps every window's sum finite.
 */
export function checkFoldable(event: Event): { ok: true; event: Event } | { ok: false; detail: string } {
  if (
    !Number.isSafeInteger(event.ts) ||
    typeof event.value !== "number" ||
    !Number.isFinite(event.value) ||
    Math.abs(event.value) > MAX_ABS_VALUE
  ) {
    return { ok: false, detail: `ts must be an integer and value a finite number within ±${MAX_ABS_VALUE}` };
  }
  return { ok: true, event };
}

/** An event and the record it came from, as stages hand them over in memory. */
export interface EventItem {
  record: InRecord;
  event: Event;
}

/**
 * Folds owned events into their entities' windowed features (one script call per entity, pipelined)
 * and returns one snapshot per entity. Idempotent: a replayed event changes nothing.
 */
export function createFeatureFolder(
  cfg: Pick<WorkerConfig, "FEATURE_WINDOW_SECONDS">,
  deps: { redis: Redis; redisPolicy: CallPolicy },
): (items: EventItem[]) => Promise<FeatureSnapshot[]> {
  let sha: string | undefined;
  const windowMs = String(cfg.FEATURE_WINDOW_SECONDS * 1000);
  const ttl = String(Math.max(cfg.FEATURE_WINDOW_SECONDS * 2, 3600));
  return async (items) => {
    const byEntity = new Map<string, string[]>();
    for (const { event } of items) {
      let args = byEntity.get(event.entity);
      if (!args) byEntity.set(event.entity, (args = []));
      args.push(String(event.ts), `${event.eventId}|${event.value}`);
    }
    if (byEntity.size === 0) return [];
    const entities = [...byEntity.keys()];
    const results = await deps.redisPolicy.execute(async () => {
      sha ??= await deps.redis.scriptLoad(featureScript);
      const m = deps.redis.multi();
      for (const entity of entities) {
        m.addCommand([
          "EVALSHA",
          sha,
          "2",
          windowKey(entity),
          windowStateKey(entity),
          windowMs,
          ttl,
          ...byEntity.get(entity)!,
        ]);
      }
      try {
        return await m.execAsPipeline();
      } catch (err) {
        // A restarted Redis forgot the script: load it again on the retry. Any other error reply
        // (WRONGTYPE on a key someone else wrote) is about the data: it is not retried, and the
        // worker loop splits the batch to dead-letter the records that cause it.
        if (/NOSCRIPT/.test(String((err as Error).message) + JSON.stringify(err))) {
          sha = undefined;
          throw new TransientError("SEAWALL_REDIS_NOSCRIPT", "feature script not loaded", { cause: err });
        }
        throw err;
      }
    });
    return entities.map((entity, i) => {
      const [count, sum, windowEnd, version] = (results[i] as unknown as Array<string | number>).map(Number);
      return {
        entity,
        count,
        sum,
        mean: count > 0 ? sum / count : 0,
        windowEnd,
        windowSeconds: cfg.FEATURE_WINDOW_SECONDS,
        version,
      };
    });
  };
}

export function createDedup(
  cfg: Cfg,
  deps: { producer: ProducerTransport; redis: Redis; redisPolicy: CallPolicy; metrics: Metrics },
): BatchStage {
  const fold = createFeatureFolder(cfg, deps);
  // Partitions in parallel (an entity lives in one partition, so its features stay in order).
  const processPartition = async (records: InRecord[]) => {
    const out: OutRecord[] = [];
    const parsed: Array<{ id: string; record: InRecord; event: Event }> = [];
    for (const r of records) {
      const p = parseDedupEvent(r.value);
      if (p.ok) {
        parsed.push({ id: p.event.eventId, record: r, event: p.event });
        continue;
      }
      deps.metrics.deadLettered.labels("not-an-event").inc();
      out.push(
        deadLetterRecord(
          r,
          cfg.TOPIC_DEAD_LETTER,
          { reason: "not-an-event", detail: p.detail, stage: "dedup" },
          cfg.DEAD_LETTER_MAX_BYTES,
        ),
      );
    }
    const owned = await claim(deps.redis, deps.redisPolicy, "dedup", cfg.DEDUP_TTL_SECONDS, parsed);
    crashPoint("dedup-after-claims");
    const mine: EventItem[] = [];
    for (let i = 0; i < parsed.length; i++) {
      if (!owned[i]) continue;
      const { record, event } = parsed[i];
      mine.push(parsed[i]);
      out.push({
        topic: cfg.TOPIC_EVENTS,
        key: event.entity,
        value: record.value!,
        headers: { traceparent: nextTraceparent(record.headers), "x-source": positionOf(record) },
      });
    }
    const dups = parsed.length - mine.length;
    deps.metrics.duplicates.inc(dups);
    for (const snap of await fold(mine)) out.push(snapshotRecord(cfg.TOPIC_FEATURES, snap));
    crashPoint("dedup-before-produce");
    await deps.producer.send(out);
    deps.metrics.recordsOut.inc(records.length - dups);
  };
  return {
    async process(records, concurrency) {
      await mapLimit(byPartition(records), concurrency, processPartition);
    },
  };
}

/** A snapshot as a record of the features topic, keyed by its entity. */
export function snapshotRecord(topic: string, snap: FeatureSnapshot): OutRecord {
  return { topic, key: snap.entity, value: JSON.stringify(snap) };
}
