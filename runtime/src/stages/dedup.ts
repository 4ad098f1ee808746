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
import { featureKey, MAX_ABS_VALUE, windowKey, windowStateKey, type FeatureSnapshot } from "../features";
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
 * Folds many entities' new events into their windows in one call. KEYS, per entity: window zset
 * (`eventId|value` scored by event time), running state hash (count, sum, version, maxTs), and, when
 * storing, the feature hash. ARGV: window ms, state ttl s, feature ttl s (0: do not store), window
 * seconds, then per entity: the number of events n and n (score, member) pairs. Returns, per entity,
 * count, sum (text), window end (text) and version.
 *
 * Incremental: only new members are added to the sums and only members leaving the window are
 * subtracted, so a call costs what it changes, not the window's size. With the feature writer
 * chained in the same process, the snapshot is stored in the same call (the state only grows in
 * version, so the stored snapshot is always the newest). Atomic, so a crash never leaves the keys
 * out of step; entities per call are bounded ({@link FOLD_CHUNK}) so one call never holds Redis for
 * long.
 */
export const featureScript = `
local function val(m) return tonumber(string.match(m, '|([^|]*)$')) end
local windowMs = tonumber(ARGV[1])
local store = tonumber(ARGV[3]) > 0
local per = 2
if store then per = 3 end
local out = {}
local a = 5
for e = 0, #KEYS / per - 1 do
  local wk, sk = KEYS[e * per + 1], KEYS[e * per + 2]
  local n = tonumber(ARGV[a])
  a = a + 1
  local added, addSum, maxAdded = 0, 0, nil
  for _ = 1, n do
    local score = tonumber(ARGV[a])
    if redis.call('ZADD', wk, ARGV[a], ARGV[a + 1]) == 1 then
      added = added + 1
      addSum = addSum + val(ARGV[a + 1])
    end
    if maxAdded == nil or score > maxAdded then maxAdded = score end
    a = a + 2
  end
  local st = redis.call('HMGET', sk, 'count', 'sum', 'version', 'maxTs')
  local count = tonumber(st[1] or '0') + added
  local sum = tonumber(st[2] or '0') + addSum
  local version = tonumber(st[3] or '0') + added
  local maxTs = tonumber(st[4] or '')
  if maxTs == nil then
    maxTs = tonumber(redis.call('ZRANGE', wk, -1, -1, 'WITHSCORES')[2])
  elseif maxAdded ~= nil and maxAdded > maxTs then
    maxTs = maxAdded
  end
  local cut = '(' .. string.format('%d', maxTs - windowMs)
  local old = redis.call('ZRANGEBYSCORE', wk, '-inf', cut)
  if #old > 0 then
    for _, m in ipairs(old) do
      sum = sum - val(m)
      count = count - 1
    end
    redis.call('ZREMRANGEBYSCORE', wk, '-inf', cut)
  end
  if count == 0 then sum = 0 end
  local sumText = string.format('%.17g', sum)
  local maxText = string.format('%d', maxTs)
  redis.call('HSET', sk, 'count', count, 'sum', sumText, 'version', version, 'maxTs', maxText)
  redis.call('EXPIRE', wk, ARGV[2])
  redis.call('EXPIRE', sk, ARGV[2])
  if store then
    local mean = 0
    if count > 0 then mean = sum / count end
    local fk = KEYS[e * per + 3]
    redis.call('HSET', fk, 'version', version, 'count', count, 'sum', sumText,
      'mean', string.format('%.17g', mean), 'windowEnd', maxText, 'windowSeconds', ARGV[4])
    redis.call('EXPIRE', fk, ARGV[3])
  end
  out[#out + 1] = count
  out[#out + 1] = sumText
  out[#out + 1] = maxText
  out[#out + 1] = version
end
return out
`;

/** Entities folded per script call: bounds how long one call holds Redis (feature reads wait). */
export const FOLD_CHUNK = 128;

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
  cfg: Pick<WorkerConfig, "FEATURE_WINDOW_SECONDS"> & Partial<Pick<WorkerConfig, "FEATURE_TTL_SECONDS">>,
  deps: { redis: Redis; redisPolicy: CallPolicy },
  options: {
    /**
     * Also store each snapshot in its feature hash (TTL `FEATURE_TTL_SECONDS`), as the feature
     * writer does. @defaultValue false
     */
    store?: boolean;
  } = {},
): (items: EventItem[]) => Promise<FeatureSnapshot[]> {
  let sha: string | undefined;
  const windowMs = String(cfg.FEATURE_WINDOW_SECONDS * 1000);
  const ttl = String(Math.max(cfg.FEATURE_WINDOW_SECONDS * 2, 3600));
  const storeTtl = options.store ? String(cfg.FEATURE_TTL_SECONDS ?? 86400) : "0";
  const head = [windowMs, ttl, storeTtl, String(cfg.FEATURE_WINDOW_SECONDS)];
  return async (items) => {
    const byEntity = new Map<string, string[]>();
    for (const { event } of items) {
      let args = byEntity.get(event.entity);
      if (!args) byEntity.set(event.entity, (args = []));
      args.push(String(event.ts), `${event.eventId}|${event.value}`);
    }
    if (byEntity.size === 0) return [];
    const entities = [...byEntity.keys()];
    const replies = await deps.redisPolicy.execute(async () => {
      sha ??= await deps.redis.scriptLoad(featureScript);
      const m = deps.redis.multi();
      for (let from = 0; from < entities.length; from += FOLD_CHUNK) {
        const chunk = entities.slice(from, from + FOLD_CHUNK);
        const keys: string[] = [];
        const args: string[] = [...head];
        for (const entity of chunk) {
          keys.push(windowKey(entity), windowStateKey(entity));
          if (options.store) keys.push(featureKey(entity));
          const pairs = byEntity.get(entity)!;
          args.push(String(pairs.length / 2));
          for (const a of pairs) args.push(a);
        }
        m.addCommand(["EVALSHA", sha, String(keys.length), ...keys, ...args]);
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
    const flat = (replies as unknown as Array<Array<string | number>>).flat();
    return entities.map((entity, i) => {
      const count = Number(flat[4 * i]);
      const sum = Number(flat[4 * i + 1]);
      return {
        entity,
        count,
        sum,
        mean: count > 0 ? sum / count : 0,
        windowEnd: Number(flat[4 * i + 2]),
        windowSeconds: cfg.FEATURE_WINDOW_SECONDS,
        version: Number(flat[4 * i + 3]),
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
