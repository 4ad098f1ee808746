/**
 * Pure address and port logic of the GCP network: CIDR parsing, overlap and private-range checks,
 * and the ports the platform's managed services listen on behind their Private Service Connect
 * endpoints. No Pulumi here.
 */

export { isPrivate, overlaps, parseCidr } from "../cidr";
export type { Cidr } from "../cidr";

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
