import fc from "fast-check";
import { contentTypeOf, eventDate, firstOffsetOf, formatOf, lakeKey } from "../src/naming";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

describe("lake file naming", () => {
  it("is deterministic from topic, partition, date and first offset", () => {
    const k = lakeKey({
      prefix: "lake/",
      topic: "events",
      date: "2026-01-02",
      partition: 3,
      firstOffset: 42,
    });
    expect(k).toBe("lake/events/dt=2026-01-02/events-p3-o00000000000000000042.jsonl.gz");
  });

  it("sorts keys by first offset and reads the offset back", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const ka = lakeKey({ prefix: "", topic: "t", date: "2026-01-01", partition: 0, firstOffset: a });
        const kb = lakeKey({ prefix: "", topic: "t", date: "2026-01-01", partition: 0, firstOffset: b });
        expect(firstOffsetOf(ka)).toBe(a);
        expect(Math.sign(ka.localeCompare(kb))).toBe(Math.sign(a - b));
      }),
    );
  });

  it("partitions by UTC event date", () => {
    expect(eventDate(Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe("2026-01-01");
    expect(eventDate(Date.UTC(2026, 0, 2))).toBe("2026-01-02");
  });
});

describe("lake file formats in names", () => {
  it("names Parquet objects by extension and reads their offset and format back", () => {
    const key = lakeKey({
      prefix: "lake",
      topic: "events",
      date: "2026-01-02",
      partition: 0,
      firstOffset: 7,
      extension: "parquet",
    });
    expect(key).toBe("lake/events/dt=2026-01-02/events-p0-o00000000000000000007.parquet");
    expect(firstOffsetOf(key)).toBe(7);
    expect(formatOf(key)).toBe("parquet");
    expect(formatOf("lake/events/dt=2026-01-02/events-p0-o00000000000000000007.jsonl.gz")).toBe("jsonl.gz");
    expect(formatOf("lake/events/dt=2026-01-02/events-p0-o00000000000000000007.csv")).toBeUndefined();
    expect(firstOffsetOf("lake/events/dt=2026-01-02/events-p0-o7.parquet")).toBeUndefined();
  });

  it("gives stores the content type of each format", () => {
    expect(contentTypeOf("a/b.parquet")).toBe("application/vnd.apache.parquet");
    expect(contentTypeOf("a/b.jsonl.gz")).toBe("application/gzip");
    expect(contentTypeOf("a/b")).toBe("application/octet-stream");
  });
});
