/**
 * IPv4 network arithmetic shared by every cloud's network component: parsing and printing CIDR
 * blocks, overlap and RFC 1918 checks, and carving equal subnets out of a block. No Pulumi here.
 */
import type { ProblemCode } from "./problemCodes";
import type { Problems } from "./validation";

/** An IPv4 network: its first address as an unsigned 32-bit number, and its prefix length. */
export interface Cidr {
  address: number;
  prefixLength: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; `undefined` unless it is a network address (no host bits set). */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefixLength = Number(m[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  if (address % 2 ** (32 - prefixLength) !== 0) return undefined;
  return { address, prefixLength };
}

/** `a.b.c.d/n`. */
export function formatCidr(cidr: Cidr): string {
  const a = cidr.address;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${cidr.prefixLength}`;
}

/** The last address of a network. */
function lastAddress(c: Cidr): number {
  return c.address + 2 ** (32 - c.prefixLength) - 1;
}

/** True when two networks share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.address <= lastAddress(b) && b.address <= lastAddress(a);
}

/** The RFC 1918 private ranges. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

/** True when `c` lies inside one RFC 1918 range. */
export function isPrivate(c: Cidr): boolean {
  return PRIVATE.some((p) => c.address >= p.address && lastAddress(c) <= lastAddress(p));
}

/** The smallest number of extra prefix bits that gives `count` subnets. */
export function bitsFor(count: number): number {
  return Math.max(0, Math.ceil(Math.log2(count)));
}

/**
 * The first `count` subnets of `subnetPrefixLength` inside `block`, in order. Throws when they do
 * not fit; a component's validation reports that as a problem before this is called.
 */
export function subnetCidrs(block: string, count: number, subnetPrefixLength: number): string[] {
  const vpc = parseCidr(block);
  if (!vpc) throw new Error(`not an IPv4 CIDR block: ${block}`);
  if (subnetPrefixLength < vpc.prefixLength || 2 ** (subnetPrefixLength - vpc.prefixLength) < count) {
    throw new Error(`${count} subnets of /${subnetPrefixLength} do not fit in ${block}`);
  }
  const size = 2 ** (32 - subnetPrefixLength);
  return Array.from({ length: count }, (_, i) =>
    formatCidr({ address: vpc.address + i * size, prefixLength: subnetPrefixLength }),
  );
}

/**
 * Checks that `value` is an RFC 1918 network address with a prefix from /`min` to /`max`, adding a
 * problem with the component's `code` when it is not; returns the parsed network when it is.
 */
export function checkPrivateCidr(
  p: Problems,
  code: ProblemCode,
  field: string,
  value: unknown,
  min: number,
  max: number,
): Cidr | undefined {
  const c = typeof value === "string" ? parseCidr(value) : undefined;
  if (!c || c.prefixLength < min || c.prefixLength > max || !isPrivate(c)) {
    p.add(
      code,
      field,
      value,
      `must be an RFC 1918 (10/8, 172.16/12, 192.168/16) network address with a prefix from /${min} to /${max} and no host bits set`,
    );
    return undefined;
  }
  return c;
}
