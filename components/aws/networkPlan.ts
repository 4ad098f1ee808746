/**
 * Pure network planning: carving a VPC's CIDR block into one subnet per availability zone, and the
 * broker ports each Kafka client authentication needs. No Pulumi here, so it is tested directly.
 */

/** How clients authenticate to MSK, which decides the one port they reach the brokers on. */
export type KafkaClientAuthentication = "iam" | "scram" | "tls";

/**
 * The MSK broker port per client authentication, over TLS.
 * See https://docs.aws.amazon.com/msk/latest/developerguide/port-info.html
 */
export const KAFKA_PORTS: Record<KafkaClientAuthentication, number> = { iam: 9098, scram: 9096, tls: 9094 };

/**
 * The ports of the Prometheus exporters on MSK brokers with open monitoring.
 * See https://docs.aws.amazon.com/msk/latest/developerguide/open-monitoring.html
 */
export const PROMETHEUS_EXPORTER_PORTS: Record<number, string> = { 11001: "JMX", 11002: "node" };

/** The Redis/Valkey port ElastiCache listens on unless told otherwise. */
export const REDIS_PORT = 6379;

/** The distinct broker ports for the given authentications, ascending. */
export function kafkaPorts(auths: readonly KafkaClientAuthentication[]): number[] {
  return [...new Set(auths.map((a) => KAFKA_PORTS[a]))].sort((a, b) => a - b);
}

export interface Cidr {
  /** The network address as a 32-bit unsigned number. */
  address: number;
  prefixLength: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses an IPv4 CIDR block; undefined when it is not one or has host bits set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefixLength = Number(m[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const hostBits = 2 ** (32 - prefixLength) - 1;
  if ((address & hostBits) >>> 0 !== 0) return undefined;
  return { address, prefixLength };
}

export function formatCidr(cidr: Cidr): string {
  const a = cidr.address;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${cidr.prefixLength}`;
}

/** The smallest number of extra prefix bits that gives `count` subnets. */
export function bitsFor(count: number): number {
  return Math.max(0, Math.ceil(Math.log2(count)));
}

/**
 * The first `count` subnets of `subnetPrefixLength` inside `vpcCidr`, in order. Throws when they do
 * not fit; `validateNetworkArgs` reports that as a problem before this is called.
 */
export function subnetCidrs(vpcCidr: string, count: number, subnetPrefixLength: number): string[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`not an IPv4 CIDR block: ${vpcCidr}`);
  if (subnetPrefixLength < vpc.prefixLength || 2 ** (subnetPrefixLength - vpc.prefixLength) < count) {
    throw new Error(`${count} subnets of /${subnetPrefixLength} do not fit in ${vpcCidr}`);
  }
  const size = 2 ** (32 - subnetPrefixLength);
  return Array.from({ length: count }, (_, i) =>
    formatCidr({ address: vpc.address + i * size, prefixLength: subnetPrefixLength }),
  );
}
