/**
 * The feature store's half of the restore drill: the latest complete backup restored into scratch
 * keys on the same server (`{restore-drill:<run id>}:<key>`: a key prefix rather than another logical
 * database, since a cluster and most managed services offer only database 0; its hash tag puts
 * every scratch key in one slot, so on a cluster they live on one primary, found by the MOVED
 * answer to a probe, and are restored and checked there), checked part by part
 * against the manifest, key by key against the line's payload checksum, and each restored key's
 * content digest (computed again by Redis) against the one taken at backup. Scratch keys carry a TTL
 * and are deleted part by part unless kept, so the drill holds at most one part's keys at a time.
 */
import { createHash } from "node:crypto";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { ObjectStore } from "../store/objectStore";
import { digestScript, latestBackup, readPart, type BackupLine } from "./features";

/** One difference the drill found: what, where, and the values that differ. */
export interface Mismatch {
  area: "lake" | "features";
  what: string;
  key?: string;
  expected?: string | number;
  actual?: string | number;
  detail?: string;
}

export interface FeatureDrillReport {
  backup?: string;
  manifestKeys?: number;
  parts?: number;
  restoredKeys: number;
  scratch: { kind: "key-prefix"; prefix: string; kept: boolean };
}

/** Safety TTL of scratch keys, so a drill that dies leaves nothing for long. */
const SCRATCH_TTL_MS = 3_600_000;
const KEPT_TTL_MS = 86_400_000;

export async function drillFeatureBackup(
  deps: {
    redis: Redis;
    redisPolicy: CallPolicy;
    store: ObjectStore;
    storePolicy: CallPolicy;
    /** Connects to another node (a cluster's primary that owns the scratch slot). */
    redisAt?: (host: string, port: number) => Promise<Redis>;
  },
  opts: { backupPrefix: string; scratchPrefix: string; keep: boolean; asOf?: Date },
): Promise<{ report: FeatureDrillReport; mismatches: Mismatch[] }> {
  const mismatches: Mismatch[] = [];
  const report: FeatureDrillReport = {
    restoredKeys: 0,
    scratch: { kind: "key-prefix", prefix: opts.scratchPrefix, kept: opts.keep },
  };
  const latest = await latestBackup(deps.store, deps.storePolicy, opts.backupPrefix, opts.asOf);
  if (!latest) {
    mismatches.push({
      area: "features",
      what: "no-backup",
      key: opts.backupPrefix,
      detail: "no complete backup (no manifest) under this prefix: run backup-features first",
    });
    return { report, mismatches };
  }
  const { manifest } = latest;
  report.backup = manifest.id;
  report.manifestKeys = manifest.keys;
  report.parts = manifest.parts.length;
  let lines = 0;
  const restored = new Set<string>();
  const redis = await scratchNode(deps, opts.scratchPrefix);
  for (const part of manifest.parts) {
    const read = await readPart(deps.store, deps.storePolicy, part);
    if (!read.ok) {
      mismatches.push({ area: "features", what: "part", key: part.key, detail: read.problem });
      continue;
    }
    lines += read.lines.length;
    const ok = await restorePart({ redis, redisPolicy: deps.redisPolicy }, opts, read.lines, mismatches);
    for (const k of ok) restored.add(k);
  }
  report.restoredKeys = restored.size;
  if (lines !== manifest.keys) {
    mismatches.push({
      area: "features",
      what: "key-count",
      key: latest.key,
      expected: manifest.keys,
      actual: lines,
    });
  }
  if (manifest.keys === 0) {
    mismatches.push({
      area: "features",
      what: "empty-backup",
      key: latest.key,
      detail: "the backup holds no keys",
    });
  }
  return { report, mismatches };
}

/** Restores one part's lines into scratch keys and checks each; returns the keys restored intact. */
async function restorePart(
  deps: { redis: Redis; redisPolicy: CallPolicy },
  opts: { scratchPrefix: string; keep: boolean },
  lines: BackupLine[],
  mismatches: Mismatch[],
): Promise<string[]> {
  const intact = lines.filter((l) => {
    const actual = createHash("sha256").update(Buffer.from(l.payload, "base64")).digest("hex");
    if (actual === l.sha256) return true;
    mismatches.push({ area: "features", what: "payload-sha256", key: l.key, expected: l.sha256, actual });
    return false;
  });
  const ttl = String(opts.keep ? KEPT_TTL_MS : SCRATCH_TTL_MS);
  const scratch = (l: BackupLine) => `${opts.scratchPrefix}${l.key}`;
  const restoreReplies = await deps.redisPolicy.execute(() => {
    const m = deps.redis.multi();
    for (const l of intact)
      m.addCommand([
        "RESTORE",
        scratch(l),
        ttl,
        Buffer.from(l.payload, "base64") as unknown as string,
        "REPLACE",
      ]);
    return settle(m.execAsPipeline());
  });
  const restored = intact.filter((l, i) => {
    const r = restoreReplies[i];
    if (!(r instanceof Error)) return true;
    mismatches.push({ area: "features", what: "restore", key: l.key, detail: r.message });
    return false;
  });
  const digests = await deps.redisPolicy.execute(async () => {
    const sha = await deps.redis.scriptLoad(digestScript);
    const m = deps.redis.multi();
    for (const l of restored) m.addCommand(["EVALSHA", sha, "1", scratch(l)]);
    return (await m.execAsPipeline()) as unknown as Array<[string, string]>;
  });
  const same = restored.filter((l, i) => {
    const [type, digest] = digests[i];
    if (type === l.type && digest === l.digest) return true;
    mismatches.push({
      area: "features",
      what: "digest",
      key: l.key,
      expected: `${l.type}:${l.digest}`,
      actual: `${type}:${digest}`,
    });
    return false;
  });
  if (!opts.keep && intact.length > 0) {
    await deps.redisPolicy.execute(() => deps.redis.unlink(intact.map(scratch)));
  }
  return same.map((l) => l.key);
}

/**
 * The node that holds the scratch keys: this one, or on a cluster the primary that a probe's MOVED
 * answer names (the scratch prefix's hash tag keeps them all in that slot).
 */
async function scratchNode(
  deps: { redis: Redis; redisPolicy: CallPolicy; redisAt?: (host: string, port: number) => Promise<Redis> },
  prefix: string,
): Promise<Redis> {
  try {
    // Not through the call policy: MOVED counts as transient there, and here it is the answer.
    await deps.redis.exists(`${prefix}probe`);
    return deps.redis;
  } catch (err) {
    const moved = /MOVED \d+ (\S+):(\d+)/.exec(String((err as Error).message));
    if (!moved || !deps.redisAt) throw err;
    return deps.redisAt(moved[1], Number(moved[2]));
  }
}

/**
 * A pipeline's replies with each error reply in its place: node-redis rejects the whole pipeline
 * on one error reply, carrying every reply.
 */
async function settle(p: Promise<unknown[]>): Promise<unknown[]> {
  try {
    return await p;
  } catch (err) {
    const replies = (err as { replies?: unknown[] }).replies;
    if (Array.isArray(replies)) return replies;
    throw err;
  }
}
