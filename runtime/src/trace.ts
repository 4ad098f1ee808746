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

/** Random ids for tracing need to be unique, not secret: no syscall per record. */
function hex(digits: number): string {
  let s = "";
  while (s.length < digits)
    s += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return s.slice(0, digits);
}
