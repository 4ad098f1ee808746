/**
 * Dead-lettering, shared by every stage: a rejected record goes to the dead-letter topic with its
 * reason, its source position and as much of its value as the topic accepts. A record too large to
 * forward whole keeps a bounded prefix, its original size and a SHA-256 of its original bytes, so
 * a poison record never stops its partition (a broker refuses a record over its `message.max.bytes`).
 */
import { createHash } from "node:crypto";
import type { InRecord, OutRecord } from "./kafka/transport";
import { nextTraceparent } from "./trace";

/** Why a record was dead-lettered. */
export interface DeadLetterInfo {
  /** A short stable reason, e.g. `not-json`, `too-large`; it labels the dead-letter metric. */
  reason: string;
  /** The human detail: the field, the value, the limit. Cut to {@link DEAD_LETTER_DETAIL_MAX_BYTES}. */
  detail: string;
  /** The stage that rejected it, e.g. `ingest`. */
  stage: string;
  /** A stable error code (`SEAWALL_...`) when the rejection came from an error. */
  code?: string;
}

/**
 * The largest value a dead-letter record carries whole; a larger one is cut to this many bytes.
 * Well under Kafka's default `message.max.bytes` (1 MB) with room for the headers.
 * @defaultValue DEFAULT_DEAD_LETTER_MAX_BYTES
 */
export const DEFAULT_DEAD_LETTER_MAX_BYTES = 256 * 1024;

/** The longest `x-detail` header, in UTF-8 bytes; a longer detail is cut and ends with "…". */
export const DEAD_LETTER_DETAIL_MAX_BYTES = 1024;

/**
 * The dead-letter record for `r`: its key, its value when it fits in `maxValueBytes` (otherwise its
 * first `maxValueBytes` bytes), and headers `x-reason`, `x-detail`, `x-stage`, `x-code` (when given),
 * `x-source-topic`, `x-source-partition`, `x-source-offset`, `x-original-bytes`,
 * `x-original-sha256` (hex, of the original value), `x-truncated` (`"true"`/`"false"`) and
 * `traceparent` (the record's trace, a new span).
 *
 * @param maxValueBytes - @defaultValue DEFAULT_DEAD_LETTER_MAX_BYTES
 * @throws RangeError when `maxValueBytes` is not a non-negative integer.
 */
export function deadLetterRecord(
  r: InRecord,
  topic: string,
  info: DeadLetterInfo,
  maxValueBytes: number = DEFAULT_DEAD_LETTER_MAX_BYTES,
): OutRecord {
  if (!Number.isInteger(maxValueBytes) || maxValueBytes < 0) {
    throw new RangeError(
      `SEAWALL_DEAD_LETTER_MAX_BYTES: maxValueBytes is ${maxValueBytes}; pass a non-negative integer (DEAD_LETTER_MAX_BYTES)`,
    );
  }
  const original = r.value ?? Buffer.alloc(0);
  const truncated = original.length > maxValueBytes;
  const headers: Record<string, string> = {
    "x-reason": info.reason,
    "x-detail": truncateUtf8(info.detail, DEAD_LETTER_DETAIL_MAX_BYTES),
    "x-stage": info.stage,
    "x-source-topic": r.topic,
    "x-source-partition": String(r.partition),
    "x-source-offset": String(r.offset),
    "x-original-bytes": String(original.length),
    "x-original-sha256": createHash("sha256").update(original).digest("hex"),
    "x-truncated": String(truncated),
    traceparent: nextTraceparent(r.headers),
  };
  if (info.code !== undefined) headers["x-code"] = info.code;
  return {
    topic,
    key: r.key,
    value: truncated ? original.subarray(0, maxValueBytes) : original,
    headers,
  };
}

/** `s` cut to at most `maxBytes` UTF-8 bytes on a character boundary, ending with "…" when cut. */
export function truncateUtf8(s: string, maxBytes: number): string {
  const bytes = Buffer.from(s, "utf8");
  if (bytes.length <= maxBytes) return s;
  const ellipsis = "…"; // 3 bytes in UTF-8
  let end = Math.max(0, maxBytes - 3);
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.toString("utf8", 0, end) + ellipsis;
}

/** A record to dead-letter and why. */
export interface Rejected {
  record: InRecord;
  reason: string;
  detail: string;
  code?: string;
}

/**
 * Sends rejected records to the dead-letter topic and counts them by reason. If the topic refuses a
 * record even in its bounded form (a permanent produce error), the record is counted as dropped
 * (`seawall_records_dropped_total`) and logged with its position, so the partition moves on and the
 * loss is visible; a transient error rejects, so the batch is replayed.
 */
export function createDeadLetterSink(o: {
  producer: { send(records: OutRecord[]): Promise<void> };
  topic: string;
  stage: string;
  maxValueBytes?: number;
  metrics: {
    deadLettered: { labels(reason: string): { inc(n?: number): void } };
    dropped: { labels(reason: string): { inc(n?: number): void } };
  };
  log: { error(obj: object, msg: string): void };
  isTransient: (err: unknown) => boolean;
}): (rejected: Rejected[]) => Promise<void> {
  const toRecord = (x: Rejected) =>
    deadLetterRecord(
      x.record,
      o.topic,
      { reason: x.reason, detail: x.detail, stage: o.stage, code: x.code },
      o.maxValueBytes,
    );
  const sendOne = async (x: Rejected) => {
    try {
      await o.producer.send([toRecord(x)]);
      o.metrics.deadLettered.labels(x.reason).inc();
    } catch (err) {
      if (o.isTransient(err)) throw err;
      o.metrics.dropped.labels(x.reason).inc();
      o.log.error(
        {
          err,
          reason: x.reason,
          topic: x.record.topic,
          partition: x.record.partition,
          offset: x.record.offset,
        },
        "the dead-letter topic refused a record; counted as dropped",
      );
    }
  };
  return async (rejected) => {
    if (rejected.length === 0) return;
    try {
      await o.producer.send(rejected.map(toRecord));
    } catch (err) {
      if (o.isTransient(err)) throw err;
      // One of them was refused for good: send them one by one to find it and keep the rest.
      for (const x of rejected) await sendOne(x);
      return;
    }
    for (const x of rejected) o.metrics.deadLettered.labels(x.reason).inc();
  };
}
