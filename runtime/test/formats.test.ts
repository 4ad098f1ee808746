import fc from "fast-check";
import { gunzipSync } from "node:zlib";
import { readParquet } from "parquet-wasm";
import { tableFromIPC } from "apache-arrow";
import { lakeFormat, lakeLine, type LakeRow } from "../src/formats";
import type { InRecord } from "../src/kafka/transport";

jest.setTimeout(60000);

const row = (offset: number, event: LakeRow["event"], partition = 2, topic = "events.unique"): LakeRow => ({
  record: { topic, partition, offset, key: null, value: null, headers: {} } as unknown as InRecord,
  event,
});

const rows = [
  row(7, { eventId: "e-1", entity: "user-1", ts: 1767225600000, value: 1.5 }),
  row(8, { eventId: "e-2", entity: "user-2", ts: 1767225600001, value: -2, type: "click", tags: ["a", "b"] }),
  row(11, { eventId: "e-3", entity: "ユーザー", ts: 1767312000000, value: 0.1 }),
];

const expected = rows.map((r) => JSON.parse(lakeLine(r)) as Record<string, unknown>);

describe.each(["jsonl.gz", "parquet"] as const)("the %s lake format", (name) => {
  const format = lakeFormat(name);

  it("keeps every field of every event and its Kafka position", async () => {
    const body = await format.encode(rows);
    expect(format.decode(body)).toEqual(expected);
    expect(format.lastOffset(body)).toBe(11);
  });

  it("encodes the same rows to the same bytes, so a replay rewrites the same object", async () => {
    const [a, b] = await Promise.all([format.encode(rows), format.encode(rows)]);
    expect(a.equals(b)).toBe(true);
  });

  it("round-trips any events exactly", async () => {
    const event = fc.record({
      eventId: fc.string({ minLength: 1, maxLength: 40 }),
      entity: fc.string({ minLength: 1, maxLength: 40 }),
      ts: fc.integer({ min: 0, max: 32503680000000 }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
      note: fc.option(fc.string(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 50 }), async (events) => {
        const batch = events.map((e, i) => {
          const { note, ...core } = e;
          return row(1000 + i * 3, note === undefined ? core : { ...core, note });
        });
        const body = await format.encode(batch);
        expect(format.decode(body)).toEqual(batch.map((r) => JSON.parse(lakeLine(r))));
        expect(format.lastOffset(body)).toBe(1000 + (events.length - 1) * 3);
      }),
      { numRuns: 40 },
    );
  });
});

describe("the jsonl.gz format", () => {
  it("writes one JSON object per line, gzip-compressed", async () => {
    const body = await lakeFormat("jsonl.gz").encode(rows);
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(body).toString("utf8")).toBe(rows.map(lakeLine).join("\n") + "\n");
    expect(lakeFormat("jsonl.gz").extension).toBe("jsonl.gz");
  });
});

describe("the parquet format", () => {
  const format = lakeFormat("parquet");

  it("is a Parquet file with typed columns, the position, and the other fields as JSON", async () => {
    const body = await format.encode(rows);
    expect(body.subarray(0, 4).toString("latin1")).toBe("PAR1");
    expect(body.subarray(body.length - 4).toString("latin1")).toBe("PAR1");
    const table = tableFromIPC(readParquet(new Uint8Array(body)).intoIPCStream());
    expect(table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
      "eventId: Utf8",
      "entity: Utf8",
      "ts: Timestamp<MILLISECOND, UTC>",
      "value: Float64",
      "_topic: Utf8",
      "_partition: Int32",
      "_offset: Int64",
      "attributes: Utf8",
    ]);
    expect(table.numRows).toBe(3);
    expect(table.getChild("attributes")!.toArray()).toEqual([
      null,
      JSON.stringify({ type: "click", tags: ["a", "b"] }),
      null,
    ]);
    expect(format.extension).toBe("parquet");
  });
});

describe("a lake line", () => {
  const withBytes = (text: string, offset = 5): LakeRow => ({
    record: { topic: 'ev"t', partition: 3, offset, key: null, value: Buffer.from(text), headers: {} },
    event: JSON.parse(text) as LakeRow["event"],
  });

  it("keeps the event's own text as it arrived and appends the position, escaped", () => {
    const text = '{"eventId":"e-9","entity":"u","ts":1,"value":1.0,"big":12345678901234567890}  ';
    expect(lakeLine(withBytes(text))).toBe(
      '{"eventId":"e-9","entity":"u","ts":1,"value":1.0,"big":12345678901234567890,"_topic":"ev\\"t","_partition":3,"_offset":5}',
    );
  });

  it("writes the parsed event instead when the text has a line break, position fields of its own, or nothing inside", () => {
    const broken = '{"eventId":"e-9",\n"entity":"u","ts":1,"value":2}';
    expect(lakeLine(withBytes(broken))).toBe(
      '{"eventId":"e-9","entity":"u","ts":1,"value":2,"_topic":"ev\\"t","_partition":3,"_offset":5}',
    );
    const own = '{"eventId":"e-9","entity":"u","ts":1,"value":2,"_offset":99}';
    expect(JSON.parse(lakeLine(withBytes(own)))).toEqual({
      eventId: "e-9",
      entity: "u",
      ts: 1,
      value: 2,
      _offset: 5,
      _topic: 'ev"t',
      _partition: 3,
    });
    expect(lakeLine(withBytes("{ }"))).toBe('{"_topic":"ev\\"t","_partition":3,"_offset":5}');
  });
});
