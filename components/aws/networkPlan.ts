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

export { bitsFor, formatCidr, parseCidr, subnetCidrs } from "../cidr";
export type { Cidr } from "../cidr";
