/**
 * lake-sink: batch events into files per event date (gzip JSON Lines, or Parquet with
 * LAKE_FORMAT=parquet), named from topic, partition and the first record's offset, created only if
 * absent, with a SHA-256 checksum, the offsets covered and the record count in the metadata.
 *
 * Exactly once in the lake, under replays and crashes at any point:
 * - a record is content only if it owns its event id (claim by position, as in dedup), so an
 *   upstream replay that re-produced an event at a new offset is not written twice;
 * - the claims survive a Redis that restarted empty: each partition's claims are checked against a
 *   guard key in the same transaction, and when the guard is gone the sink rebuilds them from the
 *   lake objects of that partition (their rows carry the position that owns each id) before it
 *   claims again (dates older than the newest by more than DEDUP_TTL_SECONDS are not re-read);
 * - a record that is not an event (no eventId, no integer ts) is dead-lettered, never dropped;
 * - per (partition, date) the files cover the content records contiguously in offset order; the
 *   sink knows how far the lake already goes (listing once per partition and date, then from its
 *   own writes) and skips what is covered; a create that finds the object already there reads how
 *   far it goes and continues after it. Offsets are committed only after the uploads.
 */
import { createHash, randomUUID } from "node:crypto";
import { beginRebuild, claimGuarded, markIntact, restoreClaims } from "../claims";
import type { WorkerConfig } from "../config";
import type { Rejected } from "../deadLetter";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { ObjectStore } from "../store/objectStore";
import { TransientError } from "../errors";
import { lakeFormat, type LakeRow } from "../formats";
import { parseJsonObject } from "../json";
import { eventDate, formatOf, lakeKey, partitionFilePrefix } from "../naming";
import { lakeObjectsOf, listLake, resolveLake, type LakeObject } from "../lake/view";
import type { Event } from "../validate";
import { mapLimit, type BatchStage } from "../worker";
import { crashPoint } from "../chaos";

type Cfg = Pick<WorkerConfig, "LAKE_PREFIX" | "DEDUP_TTL_SECONDS" | "LAKE_FORMAT">;

/** The latest event time the lake can name a date for (JavaScript's Date range), epoch ms. */
const MAX_TS = 8.64e15;

/** An event the lake can store, or what is wrong with the record. */
export function parseLakeEvent(
  value: Buffer | null,
): { ok: true; event: Event } | { ok: false; detail: string } {
  const parsed = parseJsonObject(value);
  if (!parsed.ok) return parsed;
  return checkLakeEvent(parsed.object);
}

/** Whether a parsed object is an event the lake can store (a non-empty id, a nameable date). */
export function checkLakeEvent(
  o: Record<string, unknown>,
): { ok: true; event: Event } | { ok: false; detail: string } {
  if (typeof o.eventId !== "string" || o.eventId === "")
    return { ok: false, detail: "/eventId: must be a non-empty string" };
  if (!Number.isSafeInteger(o.ts) || Math.abs(o.ts as number) > MAX_TS)
    return { ok: false, detail: `/ts: must be an integer epoch-ms within ±${MAX_TS}` };
  return { ok: true, event: o as Event };
}

/** The lake sink as a stage, and its two steps for a chained topology to call on records it holds. */
export interface LakeSink extends BatchStage {
  /** The highest offset the lake is known to hold for a partition and date (tests). */
  covered(topic: string, partition: number, date: string): number | undefined;
  /** The rows that own their event id; the others are counted as duplicates. */
  claimOwned(rows: LakeRow[], concurrency: number): Promise<LakeRow[]>;
  /** Writes owned rows to the lake, skipping what it already holds. */
  writeOwned(rows: LakeRow[], concurrency: number): Promise<void>;
}

export function createLakeSink(
  cfg: Cfg,
  deps: {
    store: ObjectStore;
    storePolicy: CallPolicy;
    redis: Redis;
    redisPolicy: CallPolicy;
    metrics: Metrics;
    /** Where records that are not events go, with the reason. */
    deadLetter: (rejected: Rejected[]) => Promise<void>;
    log?: { warn(obj: object, msg: string): void };
  },
): LakeSink {
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

  /**
   * How far the lake goes for a partition and date: the live objects (compaction resolved, `lake/view.ts`)
   * end with a compacted object, whose name says how far it goes, or a plain one, whose `last-offset`
   * does. Compaction never extends coverage, only rewrites what is covered, so a replay after it deleted
   * its inputs is skipped. A listing may name an input a compaction deleted since: list again.
   */
  const coverage = async (topic: string, partition: number, date: string): Promise<number> => {
    const k = `${topic}/${partition}/${date}`;
    const known = cover.get(k);
    if (known !== undefined) return known;
    const dir = lakeKey({ prefix: cfg.LAKE_PREFIX, topic, date, partition, firstOffset: 0 });
    const prefix = dir.slice(0, dir.lastIndexOf("/") + 1) + partitionFilePrefix(topic, partition);
    for (let attempt = 1; ; attempt++) {
      const keys = await deps.storePolicy.execute(() => deps.store.list(prefix));
      const live = resolveLake(
        lakeObjectsOf(keys, { prefix: cfg.LAKE_PREFIX, topic }).filter(
          (o) => o.partition === partition && o.date === date,
        ),
      );
      const newest = live[live.length - 1];
      let last = -1;
      if (newest?.lastOffset !== undefined) last = newest.lastOffset;
      else if (newest) {
        const meta = await deps.storePolicy.execute(() => deps.store.head(newest.key));
        if (meta === undefined && attempt < 5) continue; // deleted since the listing
        const fromMeta = Number(meta?.["last-offset"]);
        last =
          meta?.["last-offset"] !== undefined && Number.isSafeInteger(fromMeta)
            ? fromMeta
            : await lastOffsetOf(newest.key);
      }
      cover.set(k, last);
      return last;
    }
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

  /**
   * Restores the lake scope's claims of one partition from the lake itself: every row of the
   * partition's objects (dates within DEDUP_TTL_SECONDS) owns its id at the position it records.
   */
  const rebuildClaims = async (topic: string, partition: number) => {
    const token = randomUUID();
    await beginRebuild(deps.redis, deps.redisPolicy, "lake", topic, partition, token);
    const listing = { list: (p: string) => deps.storePolicy.execute(() => deps.store.list(p)) };
    let objects: LakeObject[] = [];
    let restored = 0;
    // The live objects only (a compaction's inputs are covered by its output); a listing may name an
    // input a compaction deleted since: list again and restore from the start (restoring is idempotent).
    for (let attempt = 1; ; attempt++) {
      const mine = (await listLake(listing, { prefix: cfg.LAKE_PREFIX, topic })).filter(
        (o) => o.partition === partition,
      );
      // Claims outlive their event date by at most the claim TTL: read the dates within the TTL of
      // the newest date this partition holds (event time, so a backfill of old dates is covered).
      const newest = mine.reduce((m, o) => (o.date > m ? o.date : m), "");
      const oldest = newest ? eventDate(Date.parse(newest) - cfg.DEDUP_TTL_SECONDS * 1000) : "";
      objects = mine.filter((o) => o.date >= oldest);
      restored = 0;
      let gone = false;
      for (const o of objects) {
        let body: Buffer;
        try {
          body = await deps.storePolicy.execute(() => deps.store.get(o.key));
        } catch (err) {
          if (attempt < 5 && (await deps.storePolicy.execute(() => deps.store.head(o.key))) === undefined) {
            gone = true;
            break;
          }
          throw err;
        }
        const claims = lakeFormat(o.format)
          .decode(body)
          .map((row) => ({
            id: String(row.eventId),
            position: `${String(row._topic)}/${String(row._partition)}/${String(row._offset)}`,
          }));
        await restoreClaims(deps.redis, deps.redisPolicy, "lake", cfg.DEDUP_TTL_SECONDS, claims);
        restored += claims.length;
      }
      if (!gone) break;
    }
    const ok = await markIntact(deps.redis, deps.redisPolicy, "lake", topic, partition, token);
    deps.metrics.claimRebuilds.inc();
    deps.log?.warn(
      { topic, partition, objects: objects.length, claims: restored, ok },
      "rebuilt claims from the lake",
    );
    return ok;
  };

  /** Claims one partition's rows, rebuilding its claims from the lake first if Redis lost them. */
  const claimPartition = async (topic: string, partition: number, rows: LakeRow[]): Promise<boolean[]> => {
    const items = rows.map((r) => ({ id: r.event.eventId, record: r.record }));
    for (let attempt = 1; ; attempt++) {
      const { owned, intact } = await claimGuarded(
        deps.redis,
        deps.redisPolicy,
        "lake",
        cfg.DEDUP_TTL_SECONDS,
        topic,
        partition,
        items,
      );
      if (intact) return owned;
      if (attempt > 3) {
        throw new TransientError(
          "SEAWALL_LAKE_CLAIMS_LOST",
          `the lake's claims of ${topic}/${partition} keep disappearing from Redis (restarting empty?)`,
        );
      }
      await rebuildClaims(topic, partition);
    }
  };

  /** The rows that own their event id (claimed per partition, in parallel): the lake's content. */
  const claimOwned = async (rows: LakeRow[], concurrency: number): Promise<LakeRow[]> => {
    const partitions = new Map<string, LakeRow[]>();
    for (const row of rows) {
      const k = `${row.record.topic}\u0000${row.record.partition}`;
      const list = partitions.get(k);
      if (list) list.push(row);
      else partitions.set(k, [row]);
    }
    const owned: LakeRow[] = [];
    await mapLimit([...partitions.values()], concurrency, async (mine) => {
      const { topic, partition } = mine[0].record;
      const flags = await claimPartition(topic, partition, mine);
      let dups = 0;
      for (let i = 0; i < mine.length; i++) {
        if (flags[i]) owned.push(mine[i]);
        else dups++;
      }
      deps.metrics.duplicates.inc(dups);
    });
    return owned;
  };

  /** Writes owned rows: per partition in parallel, one partition's dates in order, each in offset order. */
  const writeOwned = async (rows: LakeRow[], concurrency: number): Promise<void> => {
    const byPartition = new Map<string, Map<string, LakeRow[]>>();
    for (const row of rows) {
      const p = `${row.record.topic}\u0000${row.record.partition}`;
      let dates = byPartition.get(p);
      if (!dates) byPartition.set(p, (dates = new Map()));
      const date = eventDate(row.event.ts);
      const list = dates.get(date);
      if (list) list.push(row);
      else dates.set(date, [row]);
    }
    await mapLimit([...byPartition.values()], concurrency, async (dates) => {
      for (const [date, group] of dates) {
        group.sort((a, b) => a.record.offset - b.record.offset);
        const { topic, partition } = group[0].record;
        await writeGroup(topic, partition, date, group);
      }
    });
  };

  return {
    covered: (topic, partition, date) => cover.get(`${topic}/${partition}/${date}`),
    onRebalance() {
      cover.clear();
    },
    claimOwned,
    writeOwned,
    async process(records, concurrency) {
      const rows: LakeRow[] = [];
      const rejected: Rejected[] = [];
      for (const record of records) {
        const p = parseLakeEvent(record.value);
        if (p.ok) rows.push({ record, event: p.event });
        else rejected.push({ record, reason: "not-an-event", detail: p.detail });
      }
      await deps.deadLetter(rejected);
      const owned = await claimOwned(rows, concurrency);
      crashPoint("lake-after-claims");
      await writeOwned(owned, concurrency);
    },
  };
}
