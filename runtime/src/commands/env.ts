/**
 * The environment of a maintenance command: the workers' variables (REDIS_*, LAKE_*, ...), parsed by
 * the workers' own schema, so a DAG's pod takes the same environment as a stage's. The commands
 * use no Kafka: when KAFKA_BOOTSTRAP_SERVERS is not set, a placeholder stands in for it (and for its
 * security protocol), so a command never asks for a broker it does not call.
 */
import { parseWorkerEnv, type WorkerConfig } from "../config";

/** The placeholder broker list of a command's environment without Kafka: never dialled. */
export const NO_KAFKA = "unused.invalid:9092";

/** Parses a command's environment; throws `ConfigError` (exit 78) naming every bad variable. */
export function parseCommandEnv(env: Record<string, string | undefined>): WorkerConfig {
  const kafka = env.KAFKA_BOOTSTRAP_SERVERS
    ? {}
    : { KAFKA_BOOTSTRAP_SERVERS: NO_KAFKA, KAFKA_SECURITY_PROTOCOL: "PLAINTEXT" };
  return parseWorkerEnv({ ...env, ...kafka });
}
