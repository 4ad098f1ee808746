/**
 * Lake file formats. Each turns one batch of rows (an event plus the Kafka position it came from)
 * into the bytes of one object, and reads back the last offset an object covers, which is how the
 * lake sink resumes after a crash when the object's metadata is not available.
 *
 * - `jsonl.gz` (default): one JSON object per line, gzip. Every field of the event is kept as is.
 * - `parquet`: Apache Parquet, zstd-compressed, written by parquet-wasm (the Rust `parquet` crate
 *   compiled to WebAssembly, maintained by the GeoArrow/Kyle Barron team) from an Apache Arrow table.
 *   Typed columns for what every event has (`eventId`, `entity`, `ts` as a UTC millisecond
 *   timestamp, `value`), the Kafka position (`_topic`, `_partition`, `_offset`), and any other
 *   fields of the event as JSON in `attributes` (null when there are none), so fields a custom
 *   EVENT_SCHEMA adds are never lost.
 */
import { promisify } from "node:util";
import { gunzipSync, gzip as gzipCb } from "node:zlib";
import {
  Table as ArrowTable,
  TimestampMillisecond,
  Utf8,
  tableFromIPC,
  tableToIPC,
  makeVector,
  vectorFromArray,
} from "apache-arrow";
import type { WorkerConfig } from "./config";
import type { InRecord } from "./kafka/transport";
import type { Event } from "./validate";

const gzip = promisify(gzipCb);

export interface LakeRow {
  record: InRecord;
  event: Event;
}

export interface LakeFormat {
  /** The object name's extension, without the dot. */
  readonly extension: LakeFormatName;
  encode(rows: LakeRow[]): Promise<Buffer>;
  /** The last `_offset` the object holds. */
  lastOffset(body: Buffer): number;
  /** Every row of the object, as the JSON object the line format writes (for tests and tools). */
  decode(body: Buffer): Array<Record<string, unknown>>;
}

export type LakeFormatName = WorkerConfig["LAKE_FORMAT"];

/**
 * One line per event: the event plus where it came from. The event's own JSON text is kept as it
 * arrived and the position appended to it, instead of parsing it back into an object and writing it
 * again; only text that cannot be extended as is (a line break inside, position fields of its own,
 * not an object) is written from the parsed event.
 */
export function lakeLine(r: LakeRow): string {
  const { topic, partition, offset } = r.record;
  const text = r.record.value?.toString("utf8").trimEnd();
  if (
    text &&
    text.endsWith("}") &&
    !/[\r\n]|"_(topic|partition|offset)"/.test(text) &&
    !/^\s*\{\s*\}$/.test(text)
  ) {
    return `${text.slice(0, -1)},"_topic":${JSON.stringify(topic)},"_partition":${partition},"_offset":${offset}}`;
  }
  return JSON.stringify({ ...r.event, _topic: topic, _partition: partition, _offset: offset });
}

const jsonLines: LakeFormat = {
  extension: "jsonl.gz",
  async encode(rows) {
    return gzip(rows.map(lakeLine).join("\n") + "\n");
  },
  lastOffset(body) {
    const text = gunzipSync(body).toString("utf8").trimEnd();
    const last = text.slice(text.lastIndexOf("\n") + 1);
    return Number((JSON.parse(last) as { _offset: number })._offset);
  },
  decode(body) {
    return gunzipSync(body)
      .toString("utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  },
};

// parquet-wasm's Node build instantiates its WebAssembly module synchronously on first require;
// load it only when the format is chosen, so JSON Lines workers never pay for it.
type ParquetWasm = typeof import("parquet-wasm");
let wasm: ParquetWasm | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load
const parquetWasm = (): ParquetWasm => (wasm ??= require("parquet-wasm") as ParquetWasm);

/** The event's fields beyond the typed columns, as JSON; null when there are none. */
function attributesOf({ event }: LakeRow): string | null {
  const { eventId: _id, entity: _entity, ts: _ts, value: _value, ...rest } = event;
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : null;
}

function toArrow(rows: LakeRow[]): ArrowTable {
  const n = rows.length;
  const offsets = new BigInt64Array(n);
  const partitions = new Int32Array(n);
  const values = new Float64Array(n);
  rows.forEach((r, i) => {
    offsets[i] = BigInt(r.record.offset);
    partitions[i] = r.record.partition;
    values[i] = r.event.value;
  });
  return new ArrowTable({
    eventId: vectorFromArray(
      rows.map((r) => r.event.eventId),
      new Utf8(),
    ),
    entity: vectorFromArray(
      rows.map((r) => r.event.entity),
      new Utf8(),
    ),
    ts: vectorFromArray(
      rows.map((r) => r.event.ts),
      new TimestampMillisecond("UTC"),
    ),
    value: makeVector(values),
    _topic: vectorFromArray(
      rows.map((r) => r.record.topic),
      new Utf8(),
    ),
    _partition: makeVector(partitions),
    _offset: makeVector(offsets),
    attributes: vectorFromArray(rows.map(attributesOf), new Utf8()),
  });
}

function fromParquet(body: Buffer): ArrowTable {
  const p = parquetWasm();
  return tableFromIPC(
    p.readParquet(new Uint8Array(body.buffer, body.byteOffset, body.length)).intoIPCStream(),
  );
}

const parquet: LakeFormat = {
  extension: "parquet",
  async encode(rows) {
    const p = parquetWasm();
    const props = new p.WriterPropertiesBuilder().setCompression(p.Compression.ZSTD).build();
    const table = p.Table.fromIPCStream(tableToIPC(toArrow(rows), "stream"));
    return Buffer.from(p.writeParquet(table, props));
  },
  lastOffset(body) {
    const t = fromParquet(body);
    return Number(t.getChild("_offset")!.get(t.numRows - 1) as bigint);
  },
  decode(body) {
    const t = fromParquet(body);
    const col = (name: string) => t.getChild(name)!;
    const [ids, entities, ts, values, attributes] = ["eventId", "entity", "ts", "value", "attributes"].map(
      col,
    );
    const [topics, partitions, offsets] = ["_topic", "_partition", "_offset"].map(col);
    return Array.from({ length: t.numRows }, (_, i) => {
      const extra = attributes.get(i) as string | null;
      return {
        eventId: ids.get(i) as string,
        entity: entities.get(i) as string,
        ts: Number(ts.get(i)),
        value: values.get(i) as number,
        ...(extra === null ? {} : (JSON.parse(extra) as Record<string, unknown>)),
        _topic: topics.get(i) as string,
        _partition: partitions.get(i) as number,
        _offset: Number(offsets.get(i) as bigint),
      };
    });
  },
};

export function lakeFormat(name: LakeFormatName): LakeFormat {
  return name === "parquet" ? parquet : jsonLines;
}
