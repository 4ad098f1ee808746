/**
 * lake-sink: batch events into files per event date (gzip JSON Lines, or Parquet with
 * LAKE_FORMAT=parquet), named from topic, partition and the first record's offset, created only if
 * absent, with a SHA-256 checksum, the offsets covered and the record count in the metadata.
 *
 * Exactly once in the lake, under replays and crashes at any point:
 * - a record is content only if it owns its event id (claim by position, as in dedup), so an
 *   upstream replay that re-produced an event at a new offset is not written twice;
 * - per (partition, date) the files cover the content records contiguously in offset order; the
 *   sink knows how far the lake already goes (listing once per partition and date, then from its
 *   own writes) and skips what is covered; a create that finds the object already there reads how
 *   far it goes and continues after it. Offsets are committed only after the uploads.
 */
import { createHash } from "node:crypto";
import type { WorkerConfig } from "../config";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { ObjectStore } from "../store/objectStore";
import { lakeFormat, type LakeRow } from "../formats";
import { eventDate, firstOffsetOf, formatOf, lakeKey, partitionFilePrefix } from "../naming";
import type { Event } from "../validate";
import { mapLimit, type BatchStage } from "../worker";
import { claim } from "./dedup";
import { crashPoint } from "../chaos";

type Cfg = Pick<WorkerConfig, "LAKE_PREFIX" | "DEDUP_TTL_SECONDS" | "LAKE_FORMAT">;

export function createLakeSink(
  cfg: Cfg,
  deps: {
    store: ObjectStore;
    storePolicy: CallPolicy;
    redis: Redis;
    redisPolicy: CallPolicy;
    metrics: Metrics;
  },
): BatchStage & { covered(topic: string, partition: number, date: string): number | undefined } {
  /** `${topic}/${partition}/${date}` → highest offset the lake holds for it (-1: nothing). */
  const cover = new Map<string, number>();
  const format = lakeFormat(cfg.LAKE_FORMAT);

  /**
   * How far an existing object goes: its `last-offset` metadata, or else its last row. Read in the
   * object's own format (from its name), so a lake keeps working after LAKE_FORMAT changes.
   */
  const lastOffsetOf = async (key: string): Promise<number> => {
    const meta = await deps.storePolicy.execute(() => deps.store.head(key));
    const fromMeta = Number(meta?.["last-offset"]);
    if (meta?.["last-offset"] !== undefined && Number.isSafeInteger(fromMeta)) return fromMeta;
    const body = await deps.storePolicy.execute(() => deps.store.get(key));
    return lakeFormat(formatOf(key) ?? format.extension).lastOffset(body);
  };

  const coverage = async (topic: string, partition: number, date: string): Promise<number> => {
    const k = `${topic}/${partition}/${date}`;
    const known = cover.get(k);
    if (known !== undefined) return known;
    const dir = lakeKey({ prefix: cfg.LAKE_PREFIX, topic, date, partition, firstOffset: 0 });
    const prefix = dir.slice(0, dir.lastIndexOf("/") + 1) + partitionFilePrefix(topic, partition);
    const keys = await deps.storePolicy.execute(() => deps.store.list(prefix));
    let last = -1;
    const newest = keys.filter((key) => firstOffsetOf(key) !== undefined).pop();
    if (newest) last = await lastOffsetOf(newest);
    cover.set(k, last);
    return last;
  };

  const writeGroup = async (topic: string, partition: number, date: string, rows: LakeRow[]) => {
    const k = `${topic}/${partition}/${date}`;
    let from = await coverage(topic, partition, date);
    let pending = rows.filter((r) => r.record.offset > from);
    while (pending.length > 0) {
      const first = pending[0].record.offset;
      const key = lakeKey({
        prefix: cfg.LAKE_PREFIX,
        topic,
        date,
        partition,
        firstOffset: first,
        extension: format.extension,
      });
      const body = await format.encode(pending);
      const last = pending[pending.length - 1].record.offset;
      const meta = {
        sha256: createHash("sha256").update(body).digest("hex"),
        "first-offset": String(first),
        "last-offset": String(last),
        records: String(pending.length),
      };
      const result = await deps.storePolicy.execute(() => deps.store.putIfAbsent(key, body, meta));
      crashPoint("lake-after-upload");
      if (result === "created") {
        deps.metrics.lakeFiles.inc();
        deps.metrics.lakeBytes.inc(body.length);
        deps.metrics.recordsOut.inc(pending.length);
        from = last;
      } else {
        // Written before (a replay, or another owner): continue after what that object covers.
        from = await lastOffsetOf(key);
      }
      cover.set(k, from);
      pending = pending.filter((r) => r.record.offset > from);
    }
  };

  return {
    covered: (topic, partition, date) => cover.get(`${topic}/${partition}/${date}`),
    onRebalance() {
      cover.clear();
    },
    async process(records, concurrency) {
      const rows: LakeRow[] = [];
      for (const record of records) {
        try {
          const event = JSON.parse(record.value!.toString("utf8")) as Event;
          if (typeof event.eventId === "string" && Number.isFinite(event.ts)) rows.push({ record, event });
        } catch {
          // dedup emits only parsed events; anything else is not ours to store
        }
      }
      const owned = await claim(
        deps.redis,
        deps.redisPolicy,
        "lake",
        cfg.DEDUP_TTL_SECONDS,
        rows.map((r) => ({ id: r.event.eventId, record: r.record })),
      );
      crashPoint("lake-after-claims");
      const groups = new Map<string, { topic: string; partition: number; date: string; rows: LakeRow[] }>();
      rows.forEach((row, i) => {
        if (!owned[i]) {
          deps.metrics.duplicates.inc();
          return;
        }
        const date = eventDate(row.event.ts);
        const g = `${row.record.topic}/${row.record.partition}/${date}`;
        const group = groups.get(g) ?? {
          topic: row.record.topic,
          partition: row.record.partition,
          date,
          rows: [],
        };
        group.rows.push(row);
        groups.set(g, group);
      });
      // Partitions in parallel, one partition's dates in order.
      const byPartition = new Map<
        string,
        Array<{ topic: string; partition: number; date: string; rows: LakeRow[] }>
      >();
      for (const g of groups.values()) {
        const p = `${g.topic}/${g.partition}`;
        byPartition.set(p, [...(byPartition.get(p) ?? []), g]);
      }
      await mapLimit([...byPartition.values()], concurrency, async (gs) => {
        for (const g of gs) {
          g.rows.sort((a, b) => a.record.offset - b.record.offset);
          await writeGroup(g.topic, g.partition, g.date, g.rows);
        }
      });
    },
  };
}
