/**
 * Ingest's validation: bytes to a typed event, or a reason to dead-letter it. The JSON Schema is
 * configuration, compiled once. Whatever the schema, an event must be valid UTF-8, its strings
 * (keys and values) well-formed Unicode, and its numbers finite: ids that differ only in invalid
 * bytes would otherwise decode to the same U+FFFD string and merge, and an infinite value would
 * poison every aggregate it enters.
 */
import { isUtf8 } from "node:buffer";
import Ajv from "ajv";
import { MAX_ABS_VALUE } from "./features";

export interface Event {
  eventId: string;
  entity: string;
  /** Event time, epoch milliseconds. */
  ts: number;
  value: number;
  [k: string]: unknown;
}

/** The default schema's bound on `|value|`: the features' bound, so every window's sum stays finite. */
export const VALUE_BOUND = MAX_ABS_VALUE;

export const defaultEventSchema = {
  type: "object",
  required: ["eventId", "entity", "ts", "value"],
  properties: {
    eventId: { type: "string", minLength: 1, maxLength: 128 },
    entity: { type: "string", minLength: 1, maxLength: 256 },
    ts: { type: "integer", minimum: 0, maximum: 32503680000000 },
    /** Bounded so that any window's sum stays finite (and exact to about 1e15 / 2^53 per event). */
    value: { type: "number", minimum: -VALUE_BOUND, maximum: VALUE_BOUND },
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
    const bad = firstInvalidUtf8(bytes);
    if (bad >= 0) {
      const hex = bytes[bad].toString(16).padStart(2, "0");
      return {
        ok: false,
        reason: "not-utf8",
        detail: `byte ${bad} (0x${hex}) starts an invalid UTF-8 sequence; send the event encoded as UTF-8`,
      };
    }
    if (tooDeep(bytes, o.maxDepth))
      return { ok: false, reason: "too-deep", detail: `nesting > ${o.maxDepth}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (err) {
      return { ok: false, reason: "not-json", detail: (err as Error).message.slice(0, 200) };
    }
    const unsafe = findUnsafeValue(parsed);
    if (unsafe) return { ok: false, ...unsafe };
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

/**
 * The offset of the first byte of the first invalid UTF-8 sequence in `bytes`, or -1 when all of
 * it is valid UTF-8 (no overlong forms, no encoded surrogates, nothing above U+10FFFF). The bytes
 * before that offset are the longest valid prefix. Linear: the native check, then, only for
 * invalid input, one lenient decode whose first U+FFFD that is not a literal EF BF BD marks the spot.
 */
export function firstInvalidUtf8(bytes: Buffer): number {
  if (isUtf8(bytes)) return -1;
  const text = bytes.toString("utf8");
  let offset = 0;
  let from = 0;
  for (;;) {
    const i = text.indexOf("\uFFFD", from);
    if (i < 0) return offset; // not reached: invalid input decodes to at least one U+FFFD
    offset += Buffer.byteLength(text.slice(from, i));
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
    offset += 3;
    from = i + 1;
  }
}

/** Matches a lone surrogate only: with the `u` flag, a well-formed pair is one code point. */
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** A JSON Pointer segment, with lone surrogates written as `\uXXXX` so the detail stays printable. */
function segment(key: string): string {
  return key
    .replace(/~/g, "~0")
    .replace(/\//g, "~1")
    .replace(/[\uD800-\uDFFF]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

function surrogateAt(s: string): string | undefined {
  // Most strings are ASCII: no code unit of a surrogate, no regular expression to run.
  if (!/[^\x00-\x7f]/.test(s)) return undefined;
  const m = loneSurrogate.exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase()}` : undefined;
}

/**
 * The first (in document order) non-finite number or string with a lone surrogate, in keys and
 * values at any depth, as a reason and a detail naming its JSON Pointer path. Applies whatever the
 * configured schema says. Recursion is bounded by the depth check that runs before parsing. The path
 * is built only for what is found, while the recursion unwinds: a valid event costs no strings.
 */
export function findUnsafeValue(value: unknown, path = ""): { reason: string; detail: string } | undefined {
  const found = unsafeIn(value);
  if (!found) return undefined;
  const at = path + found.segments.reverse().join("");
  return { reason: found.reason, detail: `${at || "/"}: ${found.what}` };
}

interface Unsafe {
  reason: string;
  what: string;
  /** JSON Pointer segments (`/key`), innermost first. */
  segments: string[];
}

function unsafeIn(value: unknown): Unsafe | undefined {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return undefined;
    return {
      reason: "non-finite-number",
      what: `${value} is not a finite number; numbers must be within ±${Number.MAX_VALUE}`,
      segments: [],
    };
  }
  if (typeof value === "string") {
    const u = surrogateAt(value);
    return u
      ? { reason: "lone-surrogate", what: `lone surrogate ${u} in a string`, segments: [] }
      : undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unsafeIn(value[i]);
      if (found) {
        found.segments.push(`/${i}`);
        return found;
      }
    }
    return undefined;
  }
  for (const k in value) {
    const u = surrogateAt(k);
    if (u)
      return { reason: "lone-surrogate", what: `lone surrogate ${u} in a key`, segments: [`/${segment(k)}`] };
    const found = unsafeIn((value as Record<string, unknown>)[k]);
    if (found) {
      found.segments.push(`/${segment(k)}`);
      return found;
    }
  }
  return undefined;
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
