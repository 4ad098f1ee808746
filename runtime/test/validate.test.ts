import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { createValidator, firstInvalidUtf8, tooDeep } from "../src/validate";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

const good = { eventId: "e-1", entity: "user-1", ts: 1767225600000, value: 3.5 };
const v = createValidator({ maxBytes: 1024 });
const of = (x: unknown) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x));

describe("validation", () => {
  it("accepts a valid event and returns it typed", () => {
    const r = v(of(good));
    expect(r).toEqual({ ok: true, event: good });
  });

  it.each([
    ["empty", null, "empty"],
    ["not JSON", of("{oops"), "not-json"],
    ["an array", of([1, 2]), "schema"],
    ["missing event id", of({ ...good, eventId: undefined }), "missing-event-id"],
    ["empty event id", of({ ...good, eventId: "" }), "missing-event-id"],
    ["ts of the wrong type", of({ ...good, ts: "yesterday" }), "schema"],
    ["value of the wrong type", of({ ...good, value: "3" }), "schema"],
    ["over the size limit", of({ ...good, pad: "x".repeat(2000) }), "too-large"],
    ["deep JSON", of("[".repeat(100) + "]".repeat(100)), "too-deep"],
  ])("dead-letters %s with reason %s", (_name, bytes, reason) => {
    const r = v(bytes as Buffer | null);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });

  it("names the failing path", () => {
    const r = v(of({ ...good, ts: "yesterday" }));
    expect(r).toMatchObject({ ok: false, detail: "/ts: must be integer" });
  });

  it("takes the schema from configuration", () => {
    const strict = createValidator({
      schema: {
        type: "object",
        required: ["eventId", "country"],
        properties: { country: { enum: ["FR", "DE"] } },
      },
    });
    expect(strict(of({ eventId: "x", country: "FR" })).ok).toBe(true);
    expect(strict(of({ eventId: "x", country: "US" }))).toMatchObject({
      ok: false,
      detail: "/country: must be equal to one of the allowed values",
    });
  });

  it("never throws on random bytes, and rejects what is not a valid event", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const r = v(Buffer.from(bytes));
        if (r.ok) expect(typeof r.event.eventId).toBe("string");
      }),
      { numRuns: 2000 },
    );
  });

  it("counts depth outside strings only", () => {
    expect(tooDeep(of({ s: "[[[[[[[[[[[[" }), 3)).toBe(false);
    expect(tooDeep(of({ a: { b: { c: { d: 1 } } } }), 3)).toBe(true);
    expect(tooDeep(of({ s: '\\"[[[[' }), 1)).toBe(false);
  });
});

/** `{"eventId":"<bytes>","entity":"u","ts":1,"value":1}` with raw bytes in the id. */
const withIdBytes = (id: Buffer) =>
  Buffer.concat([Buffer.from('{"eventId":"'), id, Buffer.from('","entity":"u","ts":1,"value":1}')]);

describe("bytes that are not UTF-8", () => {
  it("rejects \\xff\\xfe and \\xfe\\xff as ids instead of merging both into U+FFFD", () => {
    // Decoded leniently, both ids become "\uFFFD\uFFFD" and dedup drops one as a duplicate.
    expect(withIdBytes(Buffer.from([0xff, 0xfe])).toString()).toBe(
      withIdBytes(Buffer.from([0xfe, 0xff])).toString(),
    );
    expect(v(withIdBytes(Buffer.from([0xff, 0xfe])))).toEqual({
      ok: false,
      reason: "not-utf8",
      detail: "byte 12 (0xff) starts an invalid UTF-8 sequence; send the event encoded as UTF-8",
    });
    expect(v(withIdBytes(Buffer.from([0xfe, 0xff])))).toEqual({
      ok: false,
      reason: "not-utf8",
      detail: "byte 12 (0xfe) starts an invalid UTF-8 sequence; send the event encoded as UTF-8",
    });
  });

  it.each([
    ["a truncated 3-byte sequence", [0xe2, 0x82, 0x41], 0],
    ["an overlong NUL", [0xc0, 0x80], 0],
    ["a UTF-8-encoded surrogate (CESU)", [0xed, 0xa0, 0x80], 0],
    ["a stray continuation byte after valid text", [0x61, 0xc3, 0xa9, 0x80], 3],
    ["a bad byte after a real U+FFFD", [0xef, 0xbf, 0xbd, 0x61, 0xff], 4],
    ["a code point above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
  ])("finds %s at its first byte", (_name, bytes, offset) => {
    expect(firstInvalidUtf8(Buffer.from(bytes))).toBe(offset);
  });

  it("reports -1 for valid UTF-8, including a real U+FFFD and 4-byte characters", () => {
    expect(firstInvalidUtf8(Buffer.from("a\uFFFDé€😀"))).toBe(-1);
  });

  it("rejects any byte string that is not UTF-8, at the end of its longest valid prefix", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }).filter((b) => !isUtf8(b)),
        (bytes) => {
          const b = Buffer.from(bytes);
          let longest = 0;
          for (let k = 0; k <= b.length; k++) if (isUtf8(b.subarray(0, k))) longest = k;
          expect(firstInvalidUtf8(b)).toBe(longest);
          const r = v(b);
          expect(r).toMatchObject({ ok: false, reason: "not-utf8" });
          if (!r.ok) expect(r.detail.startsWith(`byte ${longest} (0x`)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("lone surrogates", () => {
  it.each([
    [
      "an id",
      '{"eventId":"a\\ud800","entity":"u","ts":1,"value":1}',
      "/eventId: lone surrogate U+D800 in a string",
    ],
    [
      "a low surrogate",
      '{"eventId":"\\udc00b","entity":"u","ts":1,"value":1}',
      "/eventId: lone surrogate U+DC00 in a string",
    ],
    [
      "a nested array string",
      '{"eventId":"e","entity":"u","ts":1,"value":1,"tags":["ok",{"x":"\\udbff"}]}',
      "/tags/1/x: lone surrogate U+DBFF in a string",
    ],
    [
      "a key",
      '{"eventId":"e","entity":"u","ts":1,"value":1,"attrs":{"k\\ud800":1}}',
      "/attrs/k\\ud800: lone surrogate U+D800 in a key",
    ],
  ])("rejects one in %s with its path", (_name, json, detail) => {
    expect(v(Buffer.from(json))).toEqual({ ok: false, reason: "lone-surrogate", detail });
  });

  it("accepts a surrogate pair written as escapes", () => {
    const r = v(Buffer.from('{"eventId":"\\ud83d\\ude00","entity":"u","ts":1,"value":1}'));
    expect(r).toEqual({ ok: true, event: { eventId: "😀", entity: "u", ts: 1, value: 1 } });
  });

  it("escapes / and ~ in the path as a JSON Pointer", () => {
    const r = v(Buffer.from('{"eventId":"e","entity":"u","ts":1,"value":1,"a/b~c":"\\ud800"}'));
    expect(r).toEqual({
      ok: false,
      reason: "lone-surrogate",
      detail: "/a~1b~0c: lone surrogate U+D800 in a string",
    });
  });
});

describe("numbers", () => {
  it.each([
    ["1e400 as the value", '{"eventId":"e","entity":"u","ts":1,"value":1e400}', "/value: Infinity"],
    ["-1e400 as the value", '{"eventId":"e","entity":"u","ts":1,"value":-1e400}', "/value: -Infinity"],
    [
      "1e999 in a nested field",
      '{"eventId":"e","entity":"u","ts":1,"value":1,"m":{"a":[0,1e999]}}',
      "/m/a/1: Infinity",
    ],
  ])("rejects %s as non-finite, with its path", (_name, json, where) => {
    expect(v(Buffer.from(json))).toEqual({
      ok: false,
      reason: "non-finite-number",
      detail: `${where} is not a finite number; numbers must be within ±1.7976931348623157e+308`,
    });
  });

  it("rejects a non-finite number even under a custom EVENT_SCHEMA that allows any number", () => {
    const loose = createValidator({ schema: { type: "object", properties: { x: { type: "number" } } } });
    expect(loose(Buffer.from('{"eventId":"e","x":1e400}'))).toMatchObject({
      ok: false,
      reason: "non-finite-number",
    });
    expect(loose(Buffer.from('{"eventId":"e","x":"\\ud800"}'))).toMatchObject({
      ok: false,
      reason: "lone-surrogate",
    });
  });

  it("bounds the default schema's value to ±1e15, so two of them cannot sum to infinity", () => {
    expect(v(of({ ...good, value: 1e308 }))).toEqual({
      ok: false,
      reason: "schema",
      detail: "/value: must be <= 1000000000000000",
    });
    expect(v(of({ ...good, value: -1e308 }))).toEqual({
      ok: false,
      reason: "schema",
      detail: "/value: must be >= -1000000000000000",
    });
    expect(v(of({ ...good, value: 1e15 })).ok).toBe(true);
    expect(v(of({ ...good, value: -1e15 })).ok).toBe(true);
  });

  it("accepts any valid event of well-formed strings and bounded numbers", () => {
    const wide = createValidator({ maxBytes: 1 << 20 });
    const str = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.record({
          eventId: str,
          entity: str,
          ts: fc.integer({ min: 0, max: 32503680000000 }),
          value: fc.double({ min: -1e15, max: 1e15, noNaN: true }),
          extra: fc.jsonValue({ maxDepth: 4 }),
          type: fc.string({ unit: "grapheme", maxLength: 20 }),
        }),
        (e) => {
          const bytes = Buffer.from(JSON.stringify(e));
          const r = wide(bytes);
          expect(r).toEqual({ ok: true, event: JSON.parse(bytes.toString()) });
        },
      ),
      { numRuns: 500 },
    );
  });
});
