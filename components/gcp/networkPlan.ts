/**
 * Pure address and port logic of the GCP network: CIDR parsing, overlap and private-range checks,
 * and the ports the platform's managed services listen on behind their Private Service Connect
 * endpoints. No Pulumi here.
 */

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
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) return undefined;
  return { address, prefixLength };
}

/** The last address of a network. */
function lastAddress(c: Cidr): number {
  return c.address + 2 ** (32 - c.prefixLength) - 1;
}

/** True when two networks share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.address <= lastAddress(b) && b.address <= lastAddress(a);
}

/** The RFC 1918 private ranges, which is where a Seawall subnet's primary range must lie. */
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c)!);

/** True when `c` lies inside one RFC 1918 range. */
export function isPrivate(c: Cidr): boolean {
  return PRIVATE.some((p) => c.address >= p.address && lastAddress(c) <= lastAddress(p));
}

/**
 * Managed Service for Apache Kafka: clients reach the bootstrap address and every broker on 9092
 * (SASL over TLS), through Private Service Connect endpoints in the cluster's subnets.
 * See https://cloud.google.com/managed-service-for-apache-kafka/docs/networking-kafka
 */
export const KAFKA_PORTS = ["9092"];

/**
 * Memorystore for Valkey: the discovery endpoint on 6379, and the nodes of a cluster-mode instance on
 * 11000 to 13047, through Private Service Connect endpoints.
 * See https://cloud.google.com/memorystore/docs/valkey/networking
 */
export const VALKEY_PORTS = ["6379", "11000-13047"];

/**
 * Memorystore for Redis over private service access: 6379, and 6378 with in-transit encryption.
 * See https://cloud.google.com/memorystore/docs/redis/networking
 */
export const REDIS_PORTS = ["6378", "6379"];

/** Firewall port entries are a port (`"9092"`) or a range (`"11000-13047"`) from 1 to 65535. */
export function isPortEntry(entry: unknown): boolean {
  if (typeof entry !== "string") return false;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
  if (!m) return false;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  return low >= 1 && high <= 65535 && low <= high;
}
