/** Object storage behind a small interface: create-only writes, metadata, listing by prefix. */
export interface ObjectStore {
  /** Writes only if no object has the key; "exists" means someone already wrote it (treat as done). */
  putIfAbsent(key: string, body: Buffer, metadata: Record<string, string>): Promise<"created" | "exists">;
  /** The object's metadata, or undefined when there is none. */
  head(key: string): Promise<Record<string, string> | undefined>;
  get(key: string): Promise<Buffer>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
}
