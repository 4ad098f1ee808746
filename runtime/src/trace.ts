import { randomFillSync } from "node:crypto";

const valid = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * W3C trace context carried in Kafka headers: keep the incoming trace id, start a new span id for
 * this hop; start a new trace when the record carries none (or a malformed one).
 */
export function nextTraceparent(headers: Record<string, Buffer>): string {
  const incoming = headers.traceparent?.toString();
  const span = hex(16);
  if (incoming && valid.test(incoming)) return `00-${incoming.slice(3, 35)}-${span}-${incoming.slice(-2)}`;
  return `00-${hex(32)}-${span}-01`;
}

/**
 * Random ids for tracing need to be unique, not secret: they are cut from a pool of random bytes,
 * refilled with one call per 4 KiB (about 500 span ids), not drawn digit by digit per record.
 */
const pool = Buffer.allocUnsafe(4096);
let used = pool.length;

function hex(digits: number): string {
  const bytes = digits >> 1;
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const s = pool.toString("hex", used, used + bytes);
  used += bytes;
  return s;
}
