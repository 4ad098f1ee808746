/**
 * The environment of a job that touches only the lake (`compact`): the workers' LAKE_* variables,
 * the call timeout and the chaos switches, checked by the workers' own schema (the same defaults and
 * messages), without asking for Kafka or Redis variables it never uses.
 */
import { ConfigError, workerEnvSchema, type WorkerConfig } from "../config";

const lakeEnvSchema = workerEnvSchema.pick({
  LAKE_SCHEME: true,
  LAKE_BUCKET: true,
  LAKE_PREFIX: true,
  LAKE_REGION: true,
  LAKE_ENDPOINT: true,
  LAKE_CA_CERT: true,
  LAKE_FORMAT: true,
  CALL_TIMEOUT_MS: true,
  CHAOS_CRASH_RATE: true,
});

/** The lake variables a lake-only job reads. */
export type LakeEnv = Pick<
  WorkerConfig,
  | "LAKE_SCHEME"
  | "LAKE_BUCKET"
  | "LAKE_PREFIX"
  | "LAKE_REGION"
  | "LAKE_ENDPOINT"
  | "LAKE_CA_CERT"
  | "LAKE_FORMAT"
  | "CALL_TIMEOUT_MS"
  | "CHAOS_CRASH_RATE"
>;

/** Parses the lake variables, collecting every problem; throws {@link ConfigError} (exit 78). */
export function parseLakeEnv(env: Record<string, string | undefined>): LakeEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = lakeEnvSchema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "?");
      const value = cleaned[name];
      return name === "LAKE_BUCKET" && value === undefined
        ? "LAKE_BUCKET: missing; set it to the bucket (the stack output objectStore.bucket), or a directory when LAKE_SCHEME is file"
        : `${name}: ${value === undefined ? "missing" : `got ${JSON.stringify(value)}`}; ${issue.message}`;
    }),
  );
}
