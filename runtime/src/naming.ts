/** Deterministic lake object names: a replay of the same records rewrites the same object. */
import type { WorkerConfig } from "./config";

const DAY_MS = 86_400_000;
/** The last day named: events of one batch mostly share a date, so it is formatted once. */
let lastDay = NaN;
let lastDate = "";

/** UTC event date, `YYYY-MM-DD`. */
export function eventDate(tsMs: number): string {
  const day = Math.floor(tsMs / DAY_MS);
  if (day !== lastDay) {
    lastDate = new Date(tsMs).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}

const OFFSET_DIGITS = 20;

/** `<prefix>/<topic>/dt=<date>/<topic>-p<partition>-o<first offset, 20 digits>.<extension>` */
export function lakeKey(p: {
  prefix: string;
  topic: string;
  date: string;
  partition: number;
  firstOffset: number;
  /** @defaultValue "jsonl.gz" */
  extension?: string;
}): string {
  const base = p.prefix ? `${p.prefix.replace(/\/+$/, "")}/` : "";
  return `${base}${p.topic}/dt=${p.date}/${partitionFilePrefix(p.topic, p.partition)}${String(p.firstOffset).padStart(OFFSET_DIGITS, "0")}.${p.extension ?? "jsonl.gz"}`;
}

/**
 * A compacted object's key: `<prefix>/<topic>/dt=<date>/<topic>-p<partition>-o<first offset, 20
 * digits>-to<last offset, 20 digits>.<extension>`. It names the whole range it covers, so readers and
 * the lake sink learn coverage from a listing; it sorts just before the plain object of the same first
 * offset.
 */
export function compactedLakeKey(p: Parameters<typeof lakeKey>[0] & { lastOffset: number }): string {
  const plain = lakeKey(p);
  const ext = `.${p.extension ?? "jsonl.gz"}`;
  return `${plain.slice(0, -ext.length)}-to${String(p.lastOffset).padStart(OFFSET_DIGITS, "0")}${ext}`;
}

const KEY = /-o(\d{20})(?:-to(\d{20}))?\.(jsonl\.gz|parquet)$/;

/** The format of a lake key, from its extension, or undefined if the key is not one of ours. */
export function formatOf(key: string): WorkerConfig["LAKE_FORMAT"] | undefined {
  return KEY.exec(key)?.[3] as WorkerConfig["LAKE_FORMAT"] | undefined;
}

/** The last offset a compacted key names, or undefined for a plain key (or not one of ours). */
export function namedLastOffsetOf(key: string): number | undefined {
  const m = KEY.exec(key);
  return m?.[2] !== undefined ? Number(m[2]) : undefined;
}

/** A lake key's parts, or undefined if the key is not one of ours. */
export interface LakeKeyParts {
  topic: string;
  date: string;
  partition: number;
  firstOffset: number;
  /** The last offset, for a compacted key (the plain form names only the first). */
  lastOffset?: number;
  format: WorkerConfig["LAKE_FORMAT"];
}

const PATH = /(?:^|\/)([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/([^/]+)$/;

/** Reads topic, date, partition, offsets and format back from a lake key. */
export function parseLakeKey(key: string): LakeKeyParts | undefined {
  const m = KEY.exec(key);
  const path = PATH.exec(key);
  if (!m || !path) return undefined;
  const [, topic, date, file] = path;
  const head = file.slice(0, file.length - m[0].length);
  if (!head.startsWith(`${topic}-p`)) return undefined;
  const partition = head.slice(topic.length + 2);
  if (!/^\d+$/.test(partition)) return undefined;
  return {
    topic,
    date,
    partition: Number(partition),
    firstOffset: Number(m[1]),
    ...(m[2] !== undefined ? { lastOffset: Number(m[2]) } : {}),
    format: m[3] as WorkerConfig["LAKE_FORMAT"],
  };
}

/** The content type a store records for an object. */
export function contentTypeOf(key: string): string {
  if (key.endsWith(".parquet")) return "application/vnd.apache.parquet";
  return key.endsWith(".gz") ? "application/gzip" : "application/octet-stream";
}

export function partitionFilePrefix(topic: string, partition: number): string {
  return `${topic}-p${partition}-o`;
}

/** The first offset encoded in a lake key, or undefined if the key is not one of ours. */
export function firstOffsetOf(key: string): number | undefined {
  const m = KEY.exec(key);
  return m ? Number(m[1]) : undefined;
}
