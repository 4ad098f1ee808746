/** Object storage behind a small interface: create-only writes, metadata, listing, deletes and versions. */
export interface ObjectStore {
  /** Writes only if no object has the key; "exists" means someone already wrote it (treat as done). */
  putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>): Promise<"created" | "exists">;
  /**
   * The object's metadata, or undefined when there is none. With `versionId` (from
   * {@link ObjectStore.listVersions}), that version's.
   */
  head(key: string, versionId?: string): Promise<Record<string, string> | undefined>;
  /** The object's body; with `versionId` (from {@link ObjectStore.listVersions}), that version's. */
  get(key: string, versionId?: string): Promise<Buffer>;
  /** Keys under a prefix, in lexicographic order (the live objects only). */
  list(prefix: string): Promise<string[]>;
  /**
   * Removes the live object. Idempotent: a missing key is not an error. On a versioned store the
   * body stays as a noncurrent version (S3 adds a delete marker), so a restore "as of a time" still
   * finds it.
   */
  delete(key: string): Promise<void>;
  /**
   * Every version of every key under a prefix, live and noncurrent, and the deletions the store
   * records (`deleted: true`), ordered by key, then oldest first. On an unversioned store, the live
   * objects only.
   */
  listVersions(prefix: string): Promise<ObjectVersion[]>;
}

/** One version of one object, or one deletion (a delete marker). */
export interface ObjectVersion {
  key: string;
  /** The store's version id (S3 VersionId, GCS generation, Azure versionId, a file store's own id). */
  versionId: string;
  /** When this version was written, or when the object was deleted for a delete marker. */
  lastModified: Date;
  /** A deletion: the key had no live object from `lastModified` on (until a later version). */
  deleted: boolean;
  /** Whether this is the key's current state (the live object, or its latest deletion). */
  latest: boolean;
}

/**
 * Orders versions by key, then oldest first (ties: a body before a deletion), and marks each key's
 * newest entry as latest unless the store said otherwise: the one order every store returns.
 */
export function orderVersions(versions: ObjectVersion[]): ObjectVersion[] {
  return [...versions].sort(
    (a, b) =>
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
      a.lastModified.getTime() - b.lastModified.getTime() ||
      Number(a.deleted) - Number(b.deleted) ||
      (a.versionId < b.versionId ? -1 : a.versionId > b.versionId ? 1 : 0),
  );
}

/**
 * What a store held at `asOf`: per key, the newest version written by then, unless it is a deletion.
 * Ordered by key.
 */
export function versionsAsOf(versions: ObjectVersion[], asOf: Date): ObjectVersion[] {
  const at = new Map<string, ObjectVersion>();
  for (const v of orderVersions(versions)) {
    if (v.lastModified.getTime() <= asOf.getTime()) at.set(v.key, v);
  }
  return [...at.values()].filter((v) => !v.deleted);
}
