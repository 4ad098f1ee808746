import { randomBytes } from "node:crypto";

const valid = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * W3C trace context carried in Kafka headers: keep the incoming trace id, start a new span id for
 * this hop; start a new trace when the record carries none (or a malformed one).
 */
export function nextTraceparent(headers: Record<string, Buffer>): string {
  const incoming = headers.traceparent?.toString();
  const span = randomBytes(8).toString("hex");
  if (incoming && valid.test(incoming)) return `00-${incoming.slice(3, 35)}-${span}-${incoming.slice(-2)}`;
  return `00-${randomBytes(16).toString("hex")}-${span}-01`;
}
