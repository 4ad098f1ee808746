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

const KEY = /-o(\d{20})\.(jsonl\.gz|parquet)$/;

/** The format of a lake key, from its extension, or undefined if the key is not one of ours. */
export function formatOf(key: string): WorkerConfig["LAKE_FORMAT"] | undefined {
  return KEY.exec(key)?.[2] as WorkerConfig["LAKE_FORMAT"] | undefined;
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
