/**
 * Ingest's validation: bytes to a typed event, or a reason to dead-letter it. The JSON Schema is
 * configuration, compiled once.
 */
import Ajv from "ajv";

export interface Event {
  eventId: string;
  entity: string;
  /** Event time, epoch milliseconds. */
  ts: number;
  value: number;
  [k: string]: unknown;
}

export const defaultEventSchema = {
  type: "object",
  required: ["eventId", "entity", "ts", "value"],
  properties: {
    eventId: { type: "string", minLength: 1, maxLength: 128 },
    entity: { type: "string", minLength: 1, maxLength: 256 },
    ts: { type: "integer", minimum: 0, maximum: 32503680000000 },
    value: { type: "number" },
    type: { type: "string", maxLength: 64 },
  },
};

export type Verdict = { ok: true; event: Event } | { ok: false; reason: string; detail: string };

export interface ValidatorOptions {
  /** @defaultValue defaultEventSchema */
  schema: object;
  /** Records larger than this are rejected before parsing. @defaultValue 65536 */
  maxBytes: number;
  /** Deeper JSON is rejected before parsing, so a hostile record costs no stack. @defaultValue 32 */
  maxDepth: number;
}

export function createValidator(options: Partial<ValidatorOptions> = {}): (bytes: Buffer | null) => Verdict {
  const o = { schema: defaultEventSchema, maxBytes: 65536, maxDepth: 32, ...options };
  const ajv = new Ajv({ allErrors: false, strict: false });
  const check = ajv.compile(o.schema);
  return (bytes) => {
    if (bytes === null || bytes.length === 0) return { ok: false, reason: "empty", detail: "no value" };
    if (bytes.length > o.maxBytes) {
      return { ok: false, reason: "too-large", detail: `${bytes.length} bytes > limit ${o.maxBytes}` };
    }
    if (tooDeep(bytes, o.maxDepth))
      return { ok: false, reason: "too-deep", detail: `nesting > ${o.maxDepth}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      return { ok: false, reason: "not-json", detail: (err as Error).message.slice(0, 200) };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return { ok: false, reason: "schema", detail: "/: must be object" };
    }
    const id = (parsed as Record<string, unknown>).eventId;
    if (id === undefined || id === null || id === "") {
      return { ok: false, reason: "missing-event-id", detail: "/eventId: required" };
    }
    if (!check(parsed)) {
      const e = check.errors?.[0];
      const path = e ? e.instancePath || "/" : "/";
      return { ok: false, reason: "schema", detail: `${path}: ${e?.message ?? "invalid"}` };
    }
    return { ok: true, event: parsed as Event };
  };
}

/** Bracket depth, ignoring brackets inside strings: a linear scan, no recursion. */
export function tooDeep(bytes: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
