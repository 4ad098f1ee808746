/**
 * Backups of the feature store: the keys the runtime writes for features (`features.ts`: the stored
 * snapshots and dedup's window state) as Redis DUMP payloads with their remaining TTL, in
 * create-only gzip JSON Lines parts in the object store, and a manifest written last. A backup
 * without a manifest is incomplete and never the latest.
 *
 * Layout: `<prefix><id>/part-00000.jsonl.gz` ..., then `<prefix><id>/manifest.json`, where the id
 * starts with the backup's start time, so ids sort by time. Each line:
 * `{"key", "type", "pttl", "digest", "sha256", "payload"}`: the payload base64, its SHA-256, the
 * key's remaining TTL in ms when it was read (-1: none), and a digest of the key's content computed
 * by Redis (`type:sha1` of a canonical form: sorted hash fields, the zset in score order), which a
 * restore recomputes on the restored key: DUMP payloads of equal content differ when Redis encodes
 * the restored key more compactly, so the payload is not what proves a restore faithful.
 *
 * Consistency: on a single server, an entity's three keys (window, window state, snapshot) are read
 * in one script call, so each entity is captured whole (the fold keeps them in step the same way);
 * entities are not captured at one instant. On a cluster, every primary is scanned and each key is
 * read alone (an entity's keys live in different slots).
 */
import { createHash, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { gunzip as gunzipCb, gzip as gzipCb } from "node:zlib";
import { RESP_TYPES } from "redis";
import { featureKey, windowKey, windowStateKey } from "../features";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { ObjectStore } from "../store/objectStore";

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

export const FEATURE_BACKUP_FORMAT = "seawall-feature-backup/1";
/** Where backups go in the platform's object store. @defaultValue "backups/features/" */
export const DEFAULT_BACKUP_PREFIX = "backups/features/";
/** Keys per part. @defaultValue 10000 */
export const PART_KEYS = 10_000;
/** Keys SCAN is asked for per call. */
const SCAN_COUNT = 1000;

/** The key families backed up, from their one home in `features.ts`. */
export const FEATURE_KEY_PREFIXES = {
  snapshot: featureKey(""),
  window: windowKey(""),
  state: windowStateKey(""),
} as const;

/** One key of a backup. */
export interface BackupLine {
  key: string;
  /** The Redis type (`hash`, `zset`, ...). */
  type: string;
  /** Remaining TTL when read, ms; -1 for none. */
  pttl: number;
  /** `sha1` of the key's canonical content, computed by Redis ({@link digestLua}). */
  digest: string;
  /** SHA-256 of the DUMP payload, hex. */
  sha256: string;
  /** The DUMP payload, base64. */
  payload: string;
}

export interface BackupPart {
  key: string;
  keys: number;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof FEATURE_BACKUP_FORMAT;
  id: string;
  startedAt: string;
  finishedAt: string;
  /** Lines in all parts (SCAN may return a key twice while Redis resizes: count distinct on restore). */
  keys: number;
  parts: BackupPart[];
  /** `entity`: one server, an entity's keys read together; `key`: a cluster, each key alone. */
  consistency: "entity" | "key";
  /** The primaries scanned. */
  nodes: number;
  keyPrefixes: string[];
}

/**
 * The key's type and a SHA-1 of its canonical content: a string's value, a hash's sorted
 * `field value` pairs, a zset in score order with scores, a set sorted, a list in order; each item
 * length-prefixed, so no two contents share a form.
 */
export const digestLua = `
local function digest(k)
  local t = redis.call('TYPE', k)['ok']
  local items = {}
  local function add(s) items[#items + 1] = #s .. ':' .. s end
  if t == 'string' then add(redis.call('GET', k))
  elseif t == 'hash' then
    local a = redis.call('HGETALL', k)
    local pairs_ = {}
    for i = 1, #a, 2 do pairs_[#pairs_ + 1] = #a[i] .. ':' .. a[i] .. #a[i + 1] .. ':' .. a[i + 1] end
    table.sort(pairs_)
    for _, p in ipairs(pairs_) do items[#items + 1] = p end
  elseif t == 'zset' then for _, s in ipairs(redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')) do add(s) end
  elseif t == 'set' then
    local m = redis.call('SMEMBERS', k)
    table.sort(m)
    for _, s in ipairs(m) do add(s) end
  elseif t == 'list' then for _, s in ipairs(redis.call('LRANGE', k, 0, -1)) do add(s) end
  end
  return t, redis.sha1hex(t .. '\\n' .. table.concat(items))
end
`;

/**
 * KEYS: ARGV[1] guard keys, then the keys to read. If a guard key exists, returns nothing (another
 * read covers these keys); else, per existing key: key, DUMP payload, PTTL, type, digest.
 */
export const dumpScript = `${digestLua}
local guards = tonumber(ARGV[1])
for i = 1, guards do
  if redis.call('EXISTS', KEYS[i]) == 1 then return {} end
end
local out = {}
for i = guards + 1, #KEYS do
  local d = redis.call('DUMP', KEYS[i])
  if d then
    local t, h = digest(KEYS[i])
    out[#out + 1] = KEYS[i]
    out[#out + 1] = d
    out[#out + 1] = redis.call('PTTL', KEYS[i])
    out[#out + 1] = t
    out[#out + 1] = h
  end
end
return out
`;

/** KEYS[1]: the key. Returns its type and digest ({@link digestLua}), or 'none'. */
export const digestScript = `${digestLua}
local t, h = digest(KEYS[1])
return {t, h}
`;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A new backup id: the start time (sortable) and a random suffix. */
export function newBackupId(now = new Date()): string {
  return `${now.toISOString().replace(/:/g, "-")}-${randomBytes(3).toString("hex")}`;
}

export const manifestKey = (prefix: string, id: string) => `${prefix}${id}/manifest.json`;
const partKey = (prefix: string, id: string, n: number) =>
  `${prefix}${id}/part-${String(n).padStart(5, "0")}.jsonl.gz`;

/** What one scan step reads: `guards` keys that, if present, mean another step covers `keys`. */
interface Read {
  guards: string[];
  keys: string[];
}

/**
 * What to read for one scanned key. On one server, an entity is read whole from its window state
 * key; its snapshot and window are read alone only when it has no window state (the snapshot
 * outlives the state by design: FEATURE_TTL_SECONDS against the window's). On a cluster, each key
 * alone.
 */
export function readFor(key: string, perEntity: boolean): Read | undefined {
  const { snapshot, window, state } = FEATURE_KEY_PREFIXES;
  const family = [state, window, snapshot].find((p) => key.startsWith(p));
  if (family === undefined) return undefined;
  if (!perEntity) return { guards: [], keys: [key] };
  const entity = key.slice(family.length);
  if (family === state) return { guards: [], keys: [state + entity, window + entity, snapshot + entity] };
  return { guards: [state + entity], keys: [key] };
}

/** The SCAN pattern that covers every family: their common prefix. */
export function scanPattern(): string {
  const ps = Object.values(FEATURE_KEY_PREFIXES);
  let common = ps[0];
  for (const p of ps) while (!p.startsWith(common)) common = common.slice(0, -1);
  return `${common.replace(/[*?[\]\\]/g, "\\$&")}*`;
}

/** The primaries of a cluster as `host:port`, or undefined when the server is not in cluster mode. */
export async function clusterPrimaries(redis: Redis, policy: CallPolicy): Promise<string[] | undefined> {
  const info = await policy.execute(() => redis.info("cluster"));
  if (!/cluster_enabled:1/.test(info)) return undefined;
  const nodes = String(await policy.execute(() => redis.sendCommand(["CLUSTER", "NODES"])));
  return nodes
    .split("\n")
    .map((line) => line.trim().split(" "))
    .filter((f) => f.length >= 8 && f[2].split(",").includes("master") && !f[2].includes("fail"))
    .map((f) => f[1].split("@")[0]);
}

/**
 * Reads every feature key of one server into `sink`, pipelined per SCAN batch. Returns the keys read.
 */
export async function scanFeatureKeys(
  redis: Redis,
  policy: CallPolicy,
  perEntity: boolean,
  sink: (line: BackupLine) => Promise<void>,
): Promise<number> {
  const binary = redis.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  const match = scanPattern();
  let cursor = "0";
  let read = 0;
  do {
    const reply = await policy.execute(() => redis.scan(cursor, { MATCH: match, COUNT: SCAN_COUNT }));
    cursor = String(reply.cursor);
    const reads = reply.keys.map((k) => readFor(String(k), perEntity)).filter((r) => r !== undefined);
    if (reads.length === 0) continue;
    const replies = await policy.execute(async () => {
      // Loaded per batch: a restarted server forgets scripts, and this costs one call per batch.
      const sha = await redis.scriptLoad(dumpScript);
      const m = binary.multi();
      for (const r of reads)
        m.addCommand([
          "EVALSHA",
          sha,
          String(r.guards.length + r.keys.length),
          ...r.guards,
          ...r.keys,
          String(r.guards.length),
        ]);
      return (await m.execAsPipeline()) as unknown as unknown[][];
    });
    for (const out of replies) {
      for (let i = 0; i < out.length; i += 5) {
        const payload = out[i + 1] as Buffer;
        await sink({
          key: String(out[i]),
          type: String(out[i + 3]),
          pttl: Number(out[i + 2]),
          digest: String(out[i + 4]),
          sha256: sha256(payload),
          payload: payload.toString("base64"),
        });
        read++;
      }
    }
  } while (cursor !== "0");
  return read;
}

/** Collects lines into create-only gzip parts with SHA-256 metadata, then writes the manifest. */
export class BackupWriter {
  readonly parts: BackupPart[] = [];
  private lines: string[] = [];
  keys = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly storePolicy: CallPolicy,
    readonly prefix: string,
    readonly id: string,
    private readonly partKeys = PART_KEYS,
  ) {}

  async add(line: BackupLine): Promise<void> {
    this.lines.push(JSON.stringify(line));
    this.keys++;
    if (this.lines.length >= this.partKeys) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const body = await gzip(`${this.lines.join("\n")}\n`);
    const key = partKey(this.prefix, this.id, this.parts.length);
    const part = { key, keys: this.lines.length, bytes: body.length, sha256: sha256(body) };
    await this.put(key, body, { sha256: part.sha256, records: String(part.keys), "backup-id": this.id });
    this.parts.push(part);
    this.lines = [];
  }

  private async put(key: string, body: Buffer, meta: Record<string, string>) {
    const result = await this.storePolicy.execute(() => this.store.putIfAbsent(key, body, meta));
    if (result === "exists") throw new Error(`backup object ${key} already exists: backup ids must be new`);
  }

  /** Writes the last part and the manifest (the commit point of the backup). */
  async finish(m: Pick<BackupManifest, "startedAt" | "consistency" | "nodes">): Promise<BackupManifest> {
    await this.flush();
    const manifest: BackupManifest = {
      format: FEATURE_BACKUP_FORMAT,
      id: this.id,
      ...m,
      finishedAt: new Date().toISOString(),
      keys: this.keys,
      parts: this.parts,
      keyPrefixes: Object.values(FEATURE_KEY_PREFIXES),
    };
    const body = Buffer.from(JSON.stringify(manifest, null, 2));
    await this.put(manifestKey(this.prefix, this.id), body, { sha256: sha256(body), "backup-id": this.id });
    return manifest;
  }
}

/** The latest complete backup under a prefix (the newest id with a manifest), or undefined. */
export async function latestBackup(
  store: ObjectStore,
  policy: CallPolicy,
  prefix: string,
  /** Only backups started by then (ids begin with their start time). @defaultValue no bound */
  startedBy?: Date,
): Promise<{ key: string; manifest: BackupManifest } | undefined> {
  const keys = await policy.execute(() => store.list(prefix));
  const bound = startedBy ? newBackupId(startedBy).slice(0, 24) : undefined;
  const manifests = keys
    .map((k) => ({ k, id: k.slice(prefix.length, -"/manifest.json".length) }))
    .filter(
      ({ k, id }) =>
        k.endsWith("/manifest.json") && !id.includes("/") && (!bound || id.slice(0, 24) <= bound),
    )
    .map(({ k }) => k)
    .sort();
  const key = manifests.pop();
  if (key === undefined) return undefined;
  const manifest = JSON.parse(
    (await policy.execute(() => store.get(key))).toString("utf8"),
  ) as BackupManifest;
  if (manifest.format !== FEATURE_BACKUP_FORMAT) {
    throw new Error(`${key}: format ${JSON.stringify(manifest.format)} is not ${FEATURE_BACKUP_FORMAT}`);
  }
  return { key, manifest };
}

/** A part's body checked against the manifest, and its lines; or what is wrong with it. */
export async function readPart(
  store: ObjectStore,
  policy: CallPolicy,
  part: BackupPart,
): Promise<{ ok: true; lines: BackupLine[] } | { ok: false; problem: string }> {
  let body: Buffer;
  try {
    body = await policy.execute(() => store.get(part.key));
  } catch (err) {
    return { ok: false, problem: `cannot be read: ${(err as Error).message}` };
  }
  const actual = sha256(body);
  if (actual !== part.sha256)
    return { ok: false, problem: `sha256 ${actual}, the manifest says ${part.sha256}` };
  const text = (await gunzip(body)).toString("utf8");
  const lines = text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as BackupLine);
  if (lines.length !== part.keys) {
    return { ok: false, problem: `${lines.length} keys, the manifest says ${part.keys}` };
  }
  return { ok: true, lines };
}
