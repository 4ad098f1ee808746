/**
 * The lake as readers see it: the live objects under a prefix, with compaction resolved, and their
 * rows. Every reader (restore drills, backfills, compaction itself) goes through this view, so none
 * reads a record twice while a compaction is under way or after one crashed.
 *
 * Per (topic, partition, date) the lake sink writes plain objects that cover the content records
 * contiguously in offset order and never overlap; `compact` replaces a run of them, always starting
 * at the partition-date's lowest offset, with one compacted object whose name carries the first and
 * last offset it covers (`naming.ts`, {@link compactedLakeKey}). So ranges are nested, never partially
 * overlapping, and the view keeps:
 * - each compacted object not inside another compacted object's range (a later compaction's output
 *   contains an earlier one's), and
 * - each plain object whose first offset no kept compacted range covers.
 * A compaction that crashed after writing its output and before deleting its inputs leaves inputs
 * the view hides; one that crashed before writing leaves the inputs, which the view shows.
 */
import { PermanentError } from "../errors";
import { lakeFormat, type LakeFormatName } from "../formats";
import { compactedLakeKey, parseLakeKey } from "../naming";
import type { ObjectStore } from "../store/objectStore";

export { compactedLakeKey };

/** One live lake object, read from its key. */
export interface LakeObject {
  key: string;
  topic: string;
  partition: number;
  /** The event date, `YYYY-MM-DD`. */
  date: string;
  firstOffset: number;
  /** The last offset it covers, when the key names it (compacted objects); plain objects carry it as `last-offset` metadata. */
  lastOffset?: number;
  /** Written by `compact` (its key names both offsets). */
  compacted: boolean;
  /** The object's own format, from its name. */
  format: LakeFormatName;
}

/** Which part of the lake to list. */
export interface LakeQuery {
  /** The lake's prefix (LAKE_PREFIX); "" for the bucket's root. */
  prefix: string;
  /** Only this topic. @defaultValue every topic */
  topic?: string;
  /** The first event date, `YYYY-MM-DD`, inclusive. @defaultValue no lower bound */
  fromDate?: string;
  /** The last event date, `YYYY-MM-DD`, inclusive. @defaultValue no upper bound */
  toDate?: string;
}

/** Where a query's listing starts: `<prefix>/` or `<prefix>/<topic>/`. */
export function lakeListPrefix(q: Pick<LakeQuery, "prefix" | "topic">): string {
  const base = q.prefix ? `${q.prefix.replace(/\/+$/, "")}/` : "";
  return q.topic ? `${base}${q.topic}/` : base;
}

/** The lake objects a listing names, parsed (keys that are not lake objects are left out). */
export function lakeObjectsOf(keys: string[], q: LakeQuery): LakeObject[] {
  const base = lakeListPrefix({ prefix: q.prefix });
  const out: LakeObject[] = [];
  for (const key of keys) {
    if (!key.startsWith(base)) continue;
    const p = parseLakeKey(key);
    // The key must be <prefix>/<topic>/dt=<date>/<file>: nothing between the prefix and the topic.
    if (!p || key.slice(base.length, base.length + p.topic.length + 1) !== `${p.topic}/`) continue;
    if (q.topic !== undefined && p.topic !== q.topic) continue;
    if ((q.fromDate && p.date < q.fromDate) || (q.toDate && p.date > q.toDate)) continue;
    out.push({ key, ...p, compacted: p.lastOffset !== undefined });
  }
  return out;
}

const byPosition = (a: LakeObject, b: LakeObject) =>
  (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) ||
  (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
  a.partition - b.partition ||
  a.firstOffset - b.firstOffset ||
  Number(b.compacted) - Number(a.compacted) ||
  (b.lastOffset ?? -1) - (a.lastOffset ?? -1);

/**
 * Resolves compaction: the objects a reader should read, ordered by topic, date, partition and
 * first offset. Throws `SEAWALL_LAKE_OVERLAP` when two compacted objects overlap without one
 * containing the other (the plan never writes that; reading either way would lose or repeat records).
 */
export function resolveLake(objects: LakeObject[]): LakeObject[] {
  const sorted = [...objects].sort(byPosition);
  const out: LakeObject[] = [];
  /** The kept compacted object of the current topic/partition/date reaching furthest. */
  let cover: LakeObject | undefined;
  for (const o of sorted) {
    if (cover && (cover.topic !== o.topic || cover.date !== o.date || cover.partition !== o.partition)) {
      cover = undefined;
    }
    const inside = cover !== undefined && o.firstOffset <= cover.lastOffset!;
    if (o.compacted) {
      if (inside && o.lastOffset! > cover!.lastOffset!) {
        throw new PermanentError(
          "SEAWALL_LAKE_OVERLAP",
          `lake objects ${cover!.key} and ${o.key} overlap without one containing the other; compaction never writes that: move the newer one aside and rerun compact`,
        );
      }
      if (inside) continue;
      cover = o;
      out.push(o);
    } else if (!inside) {
      out.push(o);
    }
  }
  return out;
}

/** The live lake objects of a query, compaction resolved (see the module's header). */
export async function listLake(store: Pick<ObjectStore, "list">, q: LakeQuery): Promise<LakeObject[]> {
  return resolveLake(lakeObjectsOf(await store.list(lakeListPrefix(q)), q));
}

/** One object's rows, decoded in its own format. */
export interface LakeObjectRows {
  object: LakeObject;
  /** The rows as the JSON Lines format writes them: the event's fields plus `_topic`, `_partition`, `_offset`. */
  rows: Array<Record<string, unknown>>;
}

/**
 * Reads and decodes objects (from {@link listLake}), in the order given, `concurrency` at a time.
 * @defaultValue concurrency 4
 */
export async function readLakeRows(
  store: Pick<ObjectStore, "get">,
  objects: LakeObject[],
  concurrency = 4,
): Promise<LakeObjectRows[]> {
  const out = new Array<LakeObjectRows>(objects.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < objects.length; i = next++) {
      const object = objects[i];
      out[i] = { object, rows: lakeFormat(object.format).decode(await store.get(object.key)) };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, objects.length)) }, worker));
  return out;
}
