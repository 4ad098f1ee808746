/**
 * The lake's half of the restore drill: the lake as the view shows it (now, or as of a time through
 * the store's versions) copied into a scratch prefix of the same store, each object checked on the
 * way (its SHA-256 against its `sha256` metadata, its rows against its `records` metadata), each
 * restored copy read back and checked the same way, and the restored lake, read through the view
 * again, checked against the source's totals per topic and date.
 *
 * Missing objects: an object the store has deleted that no compacted object covers is data lost
 * (compaction deletes only what its output covers). On a versioned store, the drill lists the
 * deletions too and resolves them with the live objects through the view's own rule
 * (`resolveLake`): a deleted object the view would still show is missing. An unversioned store
 * (s3rver, a bucket without versioning) keeps no record of deletions; the report says so.
 */
import { createHash } from "node:crypto";
import { errorCode } from "../errors";
import { lakeFormat } from "../formats";
import type { CallPolicy } from "../resilience";
import type { Mismatch } from "../backup/drill";
import {
  lakeListPrefix,
  lakeObjectsOf,
  listLake,
  resolveLake,
  type LakeObject,
  type LakeQuery,
} from "../lake/view";
import { versionsAsOf, type ObjectStore, type ObjectVersion } from "../store/objectStore";
import { mapLimit } from "../worker";

/** A read-only view of a store: now, or as of a time. */
export type ReadStore = Pick<ObjectStore, "list" | "get" | "head">;

/** The store as it was at `asOf`: each key's newest version written by then, unless deleted. */
export function storeAsOf(store: ObjectStore, versions: ObjectVersion[], asOf: Date): ReadStore {
  const at = new Map(versionsAsOf(versions, asOf).map((v) => [v.key, v.versionId]));
  return {
    list: async (prefix) => [...at.keys()].filter((k) => k.startsWith(prefix)).sort(),
    get: (key) => store.get(key, at.get(key)),
    head: (key) => store.head(key, at.get(key)),
  };
}

export interface LakeDrillReport {
  asOf?: string;
  objects: number;
  restoredObjects: number;
  records: number;
  restoredRecords: number;
  /** Per `topic/date`: the source's records (metadata) and the restored rows. */
  totals: Record<string, { source: number; restored: number }>;
  scratchPrefix: string;
  kept: boolean;
  /** Whether deleted objects could be checked (the store keeps versions). */
  deletionsChecked: boolean;
}

export interface LakeDrillOptions {
  query: LakeQuery;
  /** Restored objects go to `<scratchPrefix><source key>`. */
  scratchPrefix: string;
  asOf?: Date;
  keep: boolean;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const CONCURRENCY = 4;

export async function drillLake(
  deps: { store: ObjectStore; storePolicy: CallPolicy },
  opts: LakeDrillOptions,
): Promise<{ report: LakeDrillReport; mismatches: Mismatch[] }> {
  const { store, storePolicy: policy } = deps;
  const mismatches: Mismatch[] = [];
  const miss = (m: Omit<Mismatch, "area">) => mismatches.push({ area: "lake", ...m });
  const report: LakeDrillReport = {
    ...(opts.asOf ? { asOf: opts.asOf.toISOString() } : {}),
    objects: 0,
    restoredObjects: 0,
    records: 0,
    restoredRecords: 0,
    totals: {},
    scratchPrefix: opts.scratchPrefix,
    kept: opts.keep,
    deletionsChecked: false,
  };
  const versions = await listVersionsIfKept(store, policy, lakeListPrefix(opts.query));
  if (opts.asOf && !versions) {
    miss({ what: "no-versions", detail: "--as-of needs a store that keeps versions; this one keeps none" });
    return { report, mismatches };
  }
  const source: ReadStore = opts.asOf ? storeAsOf(store, versions!, opts.asOf) : store;
  const objects = await policy.execute(() => listLake(source, opts.query));
  report.objects = objects.length;
  if (objects.length === 0) {
    miss({
      what: "nothing-to-restore",
      key: lakeListPrefix(opts.query),
      detail: "the lake view lists no object",
    });
    return { report, mismatches };
  }
  if (versions) {
    report.deletionsChecked = true;
    for (const o of missingObjects(versions, opts)) {
      miss({ what: "missing", key: o.key, detail: "deleted, and no compacted object covers it" });
    }
  }
  const total = (o: LakeObject) => (report.totals[`${o.topic}/${o.date}`] ??= { source: 0, restored: 0 });
  const written: string[] = [];
  /** What was read of each source object: the copy must be that, byte for byte, with its metadata. */
  const read = new Map<string, { sha256: string; meta: Record<string, string> }>();
  await mapLimit(objects, CONCURRENCY, async (o) => {
    let meta: Record<string, string> | undefined;
    let body: Buffer;
    try {
      meta = await policy.execute(() => source.head(o.key));
      body = await policy.execute(() => source.get(o.key));
    } catch (err) {
      miss({
        what: "unreadable",
        key: o.key,
        detail: `${errorCode(err) ?? "error"}: ${(err as Error).message}`,
      });
      return;
    }
    const records = Number(meta?.records);
    total(o).source += Number.isSafeInteger(records) ? records : 0;
    report.records += Number.isSafeInteger(records) ? records : 0;
    checkObject(o, meta, body, miss);
    read.set(o.key, { sha256: sha256(body), meta: meta ?? {} });
    const copy = `${opts.scratchPrefix}${o.key}`;
    await policy.execute(() => store.putIfAbsent(copy, body, meta ?? {}));
    written.push(copy);
  });
  // The restored lake, through the view: every object there, each intact, the same totals.
  const restoredQuery = { ...opts.query, prefix: `${opts.scratchPrefix}${opts.query.prefix}` };
  const restored = await policy.execute(() => listLake(store, restoredQuery));
  report.restoredObjects = restored.length;
  const restoredKeys = new Set(restored.map((o) => o.key.slice(opts.scratchPrefix.length)));
  for (const o of objects) if (!restoredKeys.has(o.key)) miss({ what: "not-restored", key: o.key });
  await mapLimit(restored, CONCURRENCY, async (o) => {
    const [meta, body] = await Promise.all([
      policy.execute(() => store.head(o.key)),
      policy.execute(() => store.get(o.key)),
    ]);
    const source = read.get(o.key.slice(opts.scratchPrefix.length));
    const actual = sha256(body);
    if (source && actual !== source.sha256) {
      miss({ what: "restored-sha256", key: o.key, expected: source.sha256, actual });
    }
    for (const field of ["sha256", "records"]) {
      if (source && meta?.[field] !== source.meta[field]) {
        miss({
          what: `restored-${field}-metadata`,
          key: o.key,
          expected: source.meta[field],
          actual: meta?.[field],
        });
      }
    }
    const rows = rowsOf(o, body, miss, "restored-");
    total(o).restored += rows;
    report.restoredRecords += rows;
  });
  for (const [at, t] of Object.entries(report.totals)) {
    if (t.source !== t.restored) miss({ what: "totals", key: at, expected: t.source, actual: t.restored });
  }
  if (!opts.keep) await mapLimit(written, CONCURRENCY, (k) => policy.execute(() => store.delete(k)));
  return { report, mismatches };
}

/** Checks one object's body against its metadata; returns its row count (0 when unreadable). */
function checkObject(
  o: LakeObject,
  meta: Record<string, string> | undefined,
  body: Buffer,
  miss: (m: Omit<Mismatch, "area">) => void,
): number {
  const actual = sha256(body);
  if (meta?.sha256 === undefined) miss({ what: "no-sha256", key: o.key, actual });
  else if (meta.sha256 !== actual) miss({ what: "sha256", key: o.key, expected: meta.sha256, actual });
  const rows = rowsOf(o, body, miss, "");
  const records = Number(meta?.records);
  if (!Number.isSafeInteger(records)) miss({ what: "no-records", key: o.key, actual: rows });
  else if (records !== rows) miss({ what: "records", key: o.key, expected: records, actual: rows });
  return rows;
}

/** An object's row count, decoded in its own format (0 and a mismatch when it does not decode). */
function rowsOf(
  o: LakeObject,
  body: Buffer,
  miss: (m: Omit<Mismatch, "area">) => void,
  what: "" | "restored-",
): number {
  try {
    return lakeFormat(o.format).decode(body).length;
  } catch (err) {
    miss({ what: `${what}undecodable`, key: o.key, detail: (err as Error).message });
    return 0;
  }
}

/** The store's versions under a prefix, or undefined when it keeps none (an unversioned S3 endpoint). */
async function listVersionsIfKept(
  store: ObjectStore,
  policy: CallPolicy,
  prefix: string,
): Promise<ObjectVersion[] | undefined> {
  try {
    return await policy.execute(() => store.listVersions(prefix));
  } catch (err) {
    if (errorCode(err) === "SEAWALL_LAKE_VERSIONS") return undefined;
    throw err;
  }
}

/**
 * Deleted objects (by `asOf`, when given) that the view would still show beside the live ones: no
 * compacted object covers them, so their records are lost.
 */
export function missingObjects(
  versions: ObjectVersion[],
  opts: Pick<LakeDrillOptions, "query" | "asOf">,
): LakeObject[] {
  const asOf = opts.asOf ?? new Date(8.64e15);
  const live = new Set(versionsAsOf(versions, asOf).map((v) => v.key));
  const deleted = new Set<string>();
  for (const v of versions) {
    if (v.lastModified.getTime() <= asOf.getTime() && !live.has(v.key)) deleted.add(v.key);
  }
  if (deleted.size === 0) return [];
  return resolveLake(lakeObjectsOf([...live, ...deleted], opts.query)).filter((o) => deleted.has(o.key));
}
