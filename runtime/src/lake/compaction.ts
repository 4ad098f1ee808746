/**
 * Lake compaction: merges one date's small objects per topic and partition into larger ones, without
 * breaking the lake sink's exactly-once naming and coverage.
 *
 * - The plan is a pure function of the live lake (the view, `view.ts`): per partition-date, the live
 *   objects in offset order are cut greedily into runs of at most `targetBytes` (an object larger than
 *   that is a run of its own). A run becomes one compacted object named by its first and last offset.
 *   Outputs are unions of whole, consecutive live objects, so ranges are nested or disjoint, never
 *   partially overlapping; and a run always starts at a live object's first offset (the first run at
 *   the partition-date's lowest offset).
 * - An output is written create-only, THEN its inputs are deleted. A crash after the write leaves
 *   inputs that the view already hides and that the next run deletes first; a crash before it leaves
 *   the inputs live, and the next run plans again from them. Nothing is lost or read twice.
 * - The lake sink keeps writing: it only adds objects after what the lake covers, which a compaction
 *   never extends; objects that appear after the listing wait for the next run.
 * - Second line of defence against duplicates: per topic and date, one row per `eventId` is kept, the
 *   one at the lowest (partition, offset), so reruns agree. A run is rewritten when it merges at
 *   least `minObjects` objects or holds a duplicate.
 */
import { createHash } from "node:crypto";
import { crashPoint } from "../chaos";
import { PermanentError } from "../errors";
import { lakeFormat, type LakeRow } from "../formats";
import type { InRecord } from "../kafka/transport";
import type { ObjectStore } from "../store/objectStore";
import type { Event } from "../validate";
import {
  compactedLakeKey,
  lakeListPrefix,
  lakeObjectsOf,
  readLakeRows,
  resolveLake,
  type LakeObject,
  type LakeObjectRows,
} from "./view";

/** What to compact and how. */
export interface CompactionOptions {
  /** The lake's prefix (LAKE_PREFIX). */
  prefix: string;
  /** The event date, `YYYY-MM-DD`. */
  date: string;
  /** Only this topic. @defaultValue every topic with objects on that date */
  topic?: string;
  /** Merge a run only if it has at least this many objects (or holds a duplicate). @defaultValue 2 */
  minObjects?: number;
  /** The size a merged object aims not to exceed, in bytes of its inputs. @defaultValue 134217728 (128 MiB) */
  targetBytes?: number;
  /** Plan and report, write and delete nothing. @defaultValue false */
  dryRun?: boolean;
  /** Store calls' wrapper (timeouts, retries, breaker). @defaultValue calls the store directly */
  call?: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** What a compaction did (or would do, on a dry run). */
export interface CompactionReport {
  date: string;
  topics: string[];
  dryRun: boolean;
  /** Live objects read. */
  objectsRead: number;
  /** Compacted objects written. */
  objectsWritten: number;
  /** Inputs deleted, including those a crashed run had left behind. */
  objectsDeleted: number;
  /** Rows in the date's live objects after compaction. */
  records: number;
  /** Rows removed because an earlier (partition, offset) holds the same eventId. */
  duplicatesRemoved: number;
  /** Bytes of the date's live objects before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

const DEFAULTS = { minObjects: 2, targetBytes: 128 * 1024 * 1024 };

interface Read extends LakeObjectRows {
  bytes: number;
  /** The last offset the object covers: named, or its last row's. */
  last: number;
}

/** Compacts one date of the lake; see the module's header. */
export async function compactLake(store: ObjectStore, o: CompactionOptions): Promise<CompactionReport> {
  const call = o.call ?? (<T>(fn: () => Promise<T>) => fn());
  const minObjects = o.minObjects ?? DEFAULTS.minObjects;
  const targetBytes = o.targetBytes ?? DEFAULTS.targetBytes;
  const query = { prefix: o.prefix, topic: o.topic, fromDate: o.date, toDate: o.date };
  const all = lakeObjectsOf(await call(() => store.list(lakeListPrefix(query))), query);
  const live = resolveLake(all);
  const report: CompactionReport = {
    date: o.date,
    topics: [...new Set(live.map((x) => x.topic))].sort(),
    dryRun: o.dryRun === true,
    objectsRead: live.length,
    objectsWritten: 0,
    objectsDeleted: 0,
    records: 0,
    duplicatesRemoved: 0,
    bytesBefore: 0,
    bytesAfter: 0,
  };
  // Inputs of outputs written before (a run that crashed before its deletes): finish the job.
  const liveKeys = new Set(live.map((x) => x.key));
  const leftovers = all.filter((x) => !liveKeys.has(x.key));
  if (!report.dryRun) {
    for (const x of leftovers) {
      await call(() => store.delete(x.key));
      report.objectsDeleted++;
      crashPoint("compact-after-delete");
    }
  }

  for (const topic of report.topics) {
    const objects = live.filter((x) => x.topic === topic);
    const read = await readChecked(store, objects, call);
    const winners = firstPositions(read);
    for (const partition of [...new Set(objects.map((x) => x.partition))]) {
      const mine = read.filter((r) => r.object.partition === partition);
      for (const run of planRuns(mine, targetBytes)) {
        const kept = run.flatMap((r) =>
          r.rows.filter((row) => winners.get(String(row.eventId)) === position(row)),
        );
        const removed = run.reduce((n, r) => n + r.rows.length, 0) - kept.length;
        const before = run.reduce((n, r) => n + r.bytes, 0);
        report.bytesBefore += before;
        const newest = run[run.length - 1];
        const first = run[0].object.firstOffset;
        const format = newest.object.format;
        const key = compactedLakeKey({
          prefix: o.prefix,
          topic,
          date: o.date,
          partition,
          firstOffset: first,
          lastOffset: newest.last,
          extension: format,
        });
        // Too few objects and nothing to remove, or a run that is already its own output.
        if ((run.length < minObjects && removed === 0) || (run.length === 1 && run[0].object.key === key)) {
          report.records += run.reduce((n, r) => n + r.rows.length, 0);
          report.bytesAfter += before;
          continue;
        }
        report.duplicatesRemoved += removed;
        report.records += kept.length;
        const body = await lakeFormat(format).encode(kept.map(toLakeRow));
        report.bytesAfter += body.length;
        if (report.dryRun) {
          report.objectsWritten++;
          continue;
        }
        const created = await call(() =>
          store.putIfAbsent(key, body, {
            sha256: createHash("sha256").update(body).digest("hex"),
            "first-offset": String(first),
            "last-offset": String(newest.last),
            records: String(kept.length),
            "compacted-objects": String(run.length),
            "duplicates-removed": String(removed),
          }),
        );
        if (created === "created") report.objectsWritten++;
        crashPoint("compact-after-write");
        for (const r of run) {
          if (r.object.key === key) continue;
          await call(() => store.delete(r.object.key));
          report.objectsDeleted++;
          crashPoint("compact-after-delete");
        }
      }
    }
  }
  return report;
}

/** Reads objects and checks each body against its `sha256` metadata: corrupt input stops the run. */
async function readChecked(
  store: ObjectStore,
  objects: LakeObject[],
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<Read[]> {
  const out: Read[] = [];
  for (const object of objects) {
    const [body, meta] = await Promise.all([
      call(() => store.get(object.key)),
      call(() => store.head(object.key)),
    ]);
    const sha = createHash("sha256").update(body).digest("hex");
    if (meta?.sha256 !== undefined && meta.sha256 !== sha) {
      throw new PermanentError(
        "SEAWALL_LAKE_CHECKSUM",
        `lake object ${object.key}: its body's SHA-256 is ${sha}, its metadata says ${meta.sha256}; restore it from a previous version before compacting`,
      );
    }
    const [{ rows }] = await readLakeRows({ get: () => Promise.resolve(body) }, [object]);
    const last = object.lastOffset ?? Math.max(object.firstOffset, ...rows.map((r) => Number(r._offset)));
    out.push({ object, rows, bytes: body.length, last });
  }
  return out;
}

const position = (row: Record<string, unknown>) => `${String(row._partition)}/${String(row._offset)}`;

/** Per eventId, the position of its row at the lowest (partition, offset): the one compaction keeps. */
function firstPositions(read: Read[]): Map<string, string> {
  const best = new Map<string, [number, number]>();
  for (const { rows } of read) {
    for (const row of rows) {
      const id = String(row.eventId);
      const p: [number, number] = [Number(row._partition), Number(row._offset)];
      const b = best.get(id);
      if (!b || p[0] < b[0] || (p[0] === b[0] && p[1] < b[1])) best.set(id, p);
    }
  }
  return new Map([...best].map(([id, [p, off]]) => [id, `${p}/${off}`]));
}

/** One partition-date's live objects (in offset order) cut greedily into runs of at most `targetBytes`. */
export function planRuns<T extends { bytes: number }>(objects: T[], targetBytes: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let size = 0;
  for (const x of objects) {
    if (run.length > 0 && size + x.bytes > targetBytes) {
      runs.push(run);
      run = [];
      size = 0;
    }
    run.push(x);
    size += x.bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** A decoded row back as what the formats encode: the event and its Kafka position. */
function toLakeRow(row: Record<string, unknown>): LakeRow {
  const { _topic, _partition, _offset, ...event } = row;
  const record: InRecord = {
    topic: String(_topic),
    partition: Number(_partition),
    offset: Number(_offset),
    key: null,
    value: null,
    headers: {},
  };
  return { record, event: event as unknown as Event };
}
