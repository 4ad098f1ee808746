import { createHash } from "node:crypto";
import fc from "fast-check";
import {
  DEAD_LETTER_DETAIL_MAX_BYTES,
  DEFAULT_DEAD_LETTER_MAX_BYTES,
  deadLetterRecord,
  truncateUtf8,
} from "../src/deadLetter";
import type { InRecord } from "../src/kafka/transport";

jest.setTimeout(60000);

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const rec = (value: Buffer | null, headers: Record<string, Buffer> = {}): InRecord => ({
  topic: "events.raw",
  partition: 2,
  offset: 41,
  key: Buffer.from("k-1"),
  value,
  headers,
});
const info = { reason: "too-large", detail: "4194304 bytes > limit 65536", stage: "ingest" };

describe("deadLetterRecord", () => {
  it("keeps a value of exactly the limit whole, with every header", () => {
    const value = Buffer.alloc(1024, 0x61);
    const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const out = deadLetterRecord(rec(value, { traceparent: Buffer.from(parent) }), "dlq", info, 1024);
    expect(out.topic).toBe("dlq");
    expect(out.key).toEqual(Buffer.from("k-1"));
    expect(out.value).toEqual(value);
    const { traceparent, ...rest } = out.headers!;
    expect(rest).toEqual({
      "x-reason": "too-large",
      "x-detail": "4194304 bytes > limit 65536",
      "x-stage": "ingest",
      "x-source-topic": "events.raw",
      "x-source-partition": "2",
      "x-source-offset": "41",
      "x-original-bytes": "1024",
      "x-original-sha256": sha256(value),
      "x-truncated": "false",
    });
    expect(String(traceparent)).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(String(traceparent)).not.toBe(parent);
  });

  it("cuts a value one byte over the limit to the limit, and checksums the original", () => {
    const value = Buffer.concat([Buffer.alloc(1024, 0x61), Buffer.from("Z")]);
    const out = deadLetterRecord(rec(value), "dlq", { ...info, code: "SEAWALL_TEST" }, 1024);
    expect(out.value).toEqual(value.subarray(0, 1024));
    expect(out.headers).toMatchObject({
      "x-original-bytes": "1025",
      "x-original-sha256": sha256(value),
      "x-truncated": "true",
      "x-code": "SEAWALL_TEST",
    });
    expect(out.headers!["x-original-sha256"]).not.toBe(sha256(value.subarray(0, 1024)));
  });

  it("bounds a 4 MB value to the default limit", () => {
    const value = Buffer.alloc(4 * 1024 * 1024, 0x7b);
    const out = deadLetterRecord(rec(value), "dlq", info);
    expect((out.value as Buffer).length).toBe(DEFAULT_DEAD_LETTER_MAX_BYTES);
    expect(out.headers).toMatchObject({
      "x-original-bytes": String(4 * 1024 * 1024),
      "x-original-sha256": sha256(value),
      "x-truncated": "true",
    });
  });

  it("dead-letters a record without a value as empty, with the checksum of no bytes", () => {
    const out = deadLetterRecord(rec(null), "dlq", { reason: "empty", detail: "no value", stage: "ingest" });
    expect(out.value).toEqual(Buffer.alloc(0));
    expect(out.headers).toMatchObject({
      "x-original-bytes": "0",
      "x-original-sha256": sha256(Buffer.alloc(0)),
      "x-truncated": "false",
    });
    expect(out.headers!["x-code"]).toBeUndefined();
  });

  it("bounds the detail to 1 KiB of UTF-8 without splitting a character", () => {
    const detail = "é".repeat(2000);
    const out = deadLetterRecord(rec(Buffer.from("x")), "dlq", { ...info, detail });
    const h = String(out.headers!["x-detail"]);
    expect(Buffer.byteLength(h)).toBeLessThanOrEqual(DEAD_LETTER_DETAIL_MAX_BYTES);
    expect(h.endsWith("…")).toBe(true);
    expect(h.slice(0, -1)).toBe("é".repeat(h.length - 1));
    expect(h.length - 1).toBe(510);
  });

  it("rejects a limit that is not a non-negative integer, naming it", () => {
    expect(() => deadLetterRecord(rec(Buffer.from("x")), "dlq", info, -1)).toThrow(
      /SEAWALL_DEAD_LETTER_MAX_BYTES: maxValueBytes is -1/,
    );
    expect(() => deadLetterRecord(rec(Buffer.from("x")), "dlq", info, 1.5)).toThrow(RangeError);
  });

  it("for any value and limit: keeps min(size, limit) bytes of its prefix and the original's size and checksum", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat({ max: 3000 }), (bytes, limit) => {
        const value = Buffer.from(bytes);
        const out = deadLetterRecord(rec(value), "dlq", info, limit);
        const kept = out.value as Buffer;
        expect(kept).toEqual(value.subarray(0, Math.min(value.length, limit)));
        expect(out.headers).toMatchObject({
          "x-original-bytes": String(value.length),
          "x-original-sha256": sha256(value),
          "x-truncated": String(value.length > limit),
        });
      }),
      { numRuns: 300 },
    );
  });

  it("truncateUtf8 keeps any string within the bound and as a prefix of the original", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.integer({ min: 3, max: 600 }),
        (s, max) => {
          const t = truncateUtf8(s, max);
          expect(Buffer.byteLength(t)).toBeLessThanOrEqual(max);
          if (Buffer.byteLength(s) <= max) expect(t).toBe(s);
          else expect(s.startsWith(t.slice(0, -1))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
