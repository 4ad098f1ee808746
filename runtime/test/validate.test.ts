import fc from "fast-check";
import { createValidator, tooDeep } from "../src/validate";

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
