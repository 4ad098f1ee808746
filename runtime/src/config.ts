/**
 * The worker environment: one schema, shared with the Kubernetes workers component, which turns the
 * platform's connection contracts into these variables. No Pulumi here: the image stays small.
 */
import { z } from "zod";

/** Where a worker finds Kafka. Mirrors `KafkaConnection` in components/contracts.ts. */
export const kafkaConnectionSchema = z.object({
  bootstrapServers: z.string().min(1),
  securityProtocol: z.enum(["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]),
  saslMechanism: z.enum(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "AWS_MSK_IAM", "OAUTHBEARER"]).optional(),
  credentialsSecret: z.string().min(1).optional(),
  caCert: z.string().min(1).optional(),
  /**
   * Who makes the `OAUTHBEARER` tokens: `gcp`, Google access tokens for Managed Service for Apache
   * Kafka; `azure`, Entra ID tokens for Event Hubs' Kafka endpoint.
   */
  oauthProvider: z.enum(["gcp", "azure"]).optional(),
});
export type KafkaConnection = z.infer<typeof kafkaConnectionSchema>;

/** `host:port[,host:port...]`: Sentinel addresses (a host name, IPv4 or a bracketed IPv6 address). */
const SENTINELS =
  /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}(?:,(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5})*$/;
const SENTINELS_HINT = "use host:port[,host:port...] (the Sentinels, e.g. valkey-sentinel.seawall.svc:26379)";

/** Where a worker finds Redis. Mirrors `RedisConnection`. */
export const redisConnectionSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  tls: z.boolean(),
  authSecret: z.string().optional(),
  /**
   * `password` (AUTH with `authSecret`, the default), `gcp-iam` (AUTH with a Google access token:
   * Memorystore IAM auth) or `azure-entra` (AUTH with the identity's object id and an Entra ID token:
   * Azure Managed Redis).
   */
  authMode: z.enum(["password", "gcp-iam", "azure-entra"]).optional(),
  /** PEM CA bundle of a private server CA (Memorystore's per-instance CA). */
  caCert: z.string().min(1).optional(),
  /**
   * Sentinel discovery: the primary named `masterName` is asked of the Sentinels (`host:port,...`),
   * and asked again after a failover; `host` and `port` are then not used by the workers.
   */
  sentinel: z
    .object({
      masterName: z.string().min(1),
      sentinels: z.string().regex(SENTINELS, { message: SENTINELS_HINT }),
    })
    .optional(),
});
export type RedisConnection = z.infer<typeof redisConnectionSchema>;

/** Where the lake lives. Mirrors `ObjectStoreLocation`. */
export const objectStoreLocationSchema = z.object({
  scheme: z.enum(["s3", "gs", "abfss", "file"]),
  bucket: z.string().min(1),
  prefix: z.string(),
  region: z.string(),
  /** The cross-region replica, when replication is on. */
  replica: z.object({ bucket: z.string().min(1), region: z.string().min(1) }).optional(),
  /** An S3-compatible server's endpoint URL (SeaweedFS, Ceph RGW): path-style requests go there. */
  endpoint: z.url().optional(),
});
export type ObjectStoreLocation = z.infer<typeof objectStoreLocationSchema>;

const bool = z
  .enum(["true", "false", "1", "0"], { message: 'use "true" or "false"' })
  .transform((v) => v === "true" || v === "1");
const int = (min: number, max: number) =>
  z.coerce
    .number({ message: "use an integer" })
    .int({ message: "use an integer" })
    .min(min, { message: `use an integer from ${min} to ${max}` })
    .max(max, { message: `use an integer from ${min} to ${max}` });

/** The stages one image runs, chosen by its command. */
export const stages = ["ingest", "dedup", "lake-sink", "feature-writer", "feature-server"] as const;
export type Stage = (typeof stages)[number];

/**
 * Every variable a worker reads, with its default. Names are the contract with the workers component.
 */
export const workerEnvSchema = z.object({
  KAFKA_BOOTSTRAP_SERVERS: kafkaConnectionSchema.shape.bootstrapServers,
  KAFKA_SECURITY_PROTOCOL: kafkaConnectionSchema.shape.securityProtocol.default("SASL_SSL"),
  KAFKA_SASL_MECHANISM: kafkaConnectionSchema.shape.saslMechanism,
  /** `user:password` for SCRAM/PLAIN, read from the mounted credentials secret. */
  KAFKA_CREDENTIALS: z
    .string()
    .regex(/^[^:]+:.+$/, { message: "use user:password" })
    .optional(),
  /**
   * The SASL user and password as two variables (a Strimzi KafkaUser: its name, and its Secret's
   * `password` key), instead of KAFKA_CREDENTIALS.
   */
  KAFKA_USERNAME: z.string().min(1).optional(),
  KAFKA_PASSWORD: z.string().min(1).optional(),
  KAFKA_CA_CERT: z.string().min(1).optional(),
  KAFKA_CLIENT_REGION: z.string().optional(),
  /**
   * `gcp`: OAUTHBEARER tokens from Application Default Credentials (Managed Service for Apache Kafka);
   * `azure`: Entra ID tokens from DefaultAzureCredential (Event Hubs).
   */
  KAFKA_OAUTH_PROVIDER: kafkaConnectionSchema.shape.oauthProvider,
  KAFKA_GROUP_PREFIX: z.string().min(1).default("seawall"),
  /** How long the group waits for a silent (crashed) worker before moving its partitions. */
  KAFKA_SESSION_TIMEOUT_MS: int(1000, 300000).default(10000),

  /** The server; required unless REDIS_SENTINELS names the Sentinels that know the primary. */
  REDIS_HOST: redisConnectionSchema.shape.host.optional(),
  REDIS_PORT: int(1, 65535).default(6379),
  /**
   * The Sentinels, `host:port[,host:port...]`: the primary REDIS_SENTINEL_MASTER is learned from them
   * (and again after a failover) instead of REDIS_HOST and REDIS_PORT. REDIS_TLS, REDIS_CA_CERT apply
   * to the Sentinels and the servers alike; REDIS_AUTH to the servers.
   */
  REDIS_SENTINELS: z.string().regex(SENTINELS, { message: SENTINELS_HINT }).optional(),
  /** The primary's name in the Sentinels' configuration (`sentinel monitor <name> ...`). */
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  /**
   * The Sentinels' password (their `requirepass`) when it differs from the servers'; unset: REDIS_AUTH
   * is sent to the Sentinels too (one password for both, as Valkey charts set it). Sentinels without
   * a password beside servers with one are not supported: anyone reaching them could fail over.
   */
  REDIS_SENTINEL_AUTH: z.string().min(1).optional(),
  REDIS_TLS: bool.default(true),
  REDIS_AUTH: z.string().optional(),
  /**
   * `gcp-iam`: AUTH with a Google access token from Application Default Credentials, fetched at every
   * connect; `azure-entra`: AUTH with an Entra ID token from DefaultAzureCredential, renewed on open connections.
   */
  REDIS_AUTH_MODE: redisConnectionSchema.shape.authMode.unwrap().default("password"),
  /** PEM CA bundle the server's certificate is verified against (a private CA); with REDIS_TLS only. */
  REDIS_CA_CERT: z.string().min(1).optional(),

  LAKE_SCHEME: objectStoreLocationSchema.shape.scheme.default("file"),
  LAKE_BUCKET: objectStoreLocationSchema.shape.bucket,
  LAKE_PREFIX: z.string().default(""),
  LAKE_REGION: z.string().default(""),
  /** The replica bucket and its region (informational: replication is the store's job). */
  LAKE_REPLICA: z.string().optional(),
  LAKE_REPLICA_REGION: z.string().optional(),
  /** A custom S3-compatible endpoint (http://127.0.0.1:9000). */
  LAKE_ENDPOINT: z.url().optional(),
  /**
   * PEM CA bundle the S3-compatible endpoint's certificate is verified against (a private CA, e.g.
   * cert-manager's for SeaweedFS); with LAKE_SCHEME=s3 only.
   */
  LAKE_CA_CERT: z.string().min(1).optional(),
  /** The lake's file format: gzip JSON Lines, or Parquet (zstd). */
  LAKE_FORMAT: z.enum(["jsonl.gz", "parquet"]).default("jsonl.gz"),

  TOPIC_RAW: z.string().min(1).default("events.raw"),
  TOPIC_VALID: z.string().min(1).default("events.valid"),
  TOPIC_EVENTS: z.string().min(1).default("events.unique"),
  TOPIC_FEATURES: z.string().min(1).default("features"),
  TOPIC_DEAD_LETTER: z.string().min(1).default("events.dead-letter"),

  /** A JSON Schema (inline JSON) for ingest; the default requires eventId, entity, ts, value. */
  EVENT_SCHEMA: z.string().optional(),
  MAX_RECORD_BYTES: int(64, 16 * 1024 * 1024).default(64 * 1024),
  /** The largest value a dead-letter record carries whole; a larger one keeps this many bytes and a checksum. */
  DEAD_LETTER_MAX_BYTES: int(1024, 16 * 1024 * 1024).default(256 * 1024),
  DEDUP_TTL_SECONDS: int(1, 30 * 86400).default(7 * 86400),
  FEATURE_WINDOW_SECONDS: int(1, 30 * 86400).default(3600),
  FEATURE_TTL_SECONDS: int(1, 30 * 86400).default(86400),
  /**
   * How stale a feature the feature server answers may be, in ms: it answers an entity read from
   * Redis less than this long ago from its in-process cache; 0 turns the cache off.
   */
  FEATURE_MAX_STALENESS_MS: int(0, 60000).default(250),

  BATCH_MIN: int(1, 100000).default(100),
  BATCH_MAX: int(1, 100000).default(5000),
  CONCURRENCY_MAX: int(1, 64).default(4),
  /** Batch latency the AIMD controller aims for, per stage: a chain of n stages aims for n times it. */
  TARGET_BATCH_LATENCY_MS: int(1, 60000).default(250),
  CALL_TIMEOUT_MS: int(10, 120000).default(5000),
  SHUTDOWN_DEADLINE_MS: int(100, 600000).default(20000),
  HTTP_PORT: int(0, 65535).default(8080),
  HTTP_HOST: z.string().default("0.0.0.0"),
  /** Fault injection for chaos tests: probability of a SIGKILL at each crash point. Keep 0. */
  CHAOS_CRASH_RATE: z.coerce.number().min(0).max(1).default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type WorkerConfig = z.infer<typeof workerEnvSchema>;

/** The consuming stages. */
export type BatchStageName = Exclude<Stage, "feature-server">;

/**
 * The consumer group and input topic of each consuming stage: what the workers join, and what the
 * platform's monitoring watches for lag (components/aws/platformOperations.ts, tested against this).
 */
export function consumerGroups(
  cfg: Pick<
    WorkerConfig,
    "KAFKA_GROUP_PREFIX" | "TOPIC_RAW" | "TOPIC_VALID" | "TOPIC_EVENTS" | "TOPIC_FEATURES"
  >,
): Array<{ stage: BatchStageName; group: string; topic: string }> {
  const inputs: Array<[BatchStageName, string]> = [
    ["ingest", cfg.TOPIC_RAW],
    ["dedup", cfg.TOPIC_VALID],
    ["lake-sink", cfg.TOPIC_EVENTS],
    ["feature-writer", cfg.TOPIC_FEATURES],
  ];
  return inputs.map(([stage, topic]) => ({ stage, group: `${cfg.KAFKA_GROUP_PREFIX}-${stage}`, topic }));
}

/** A bad or missing variable. `problems` names each variable and what is allowed. */
export class ConfigError extends Error {
  readonly code = "SEAWALL_CONFIG";
  constructor(readonly problems: string[]) {
    super(`invalid worker environment:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** What each variable without a default takes, for the error when it is missing. */
const REQUIRED: Record<string, string> = {
  KAFKA_BOOTSTRAP_SERVERS:
    "the brokers as host:port[,host:port...] (the stack output kafka.bootstrapServers)",
  LAKE_BUCKET: "the bucket (the stack output objectStore.bucket), or a directory when LAKE_SCHEME is file",
};

/** Parses the environment, collecting every problem and throwing once. */
export function parseWorkerEnv(env: Record<string, string | undefined>): WorkerConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = workerEnvSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const name = String(issue.path[0] ?? "?");
      const value = cleaned[name];
      problems.push(
        value === undefined && REQUIRED[name]
          ? `${name}: missing; set it to ${REQUIRED[name]}`
          : `${name}: ${value === undefined ? "missing" : `got ${JSON.stringify(redact(name, value))}`}; ${issue.message}`,
      );
    }
    // Where Redis is needs the other variables parsed; only its absence can be told now.
    if (
      [cleaned.REDIS_HOST, cleaned.REDIS_SENTINELS, cleaned.REDIS_SENTINEL_MASTER].every(
        (v) => v === undefined,
      )
    )
      problems.push(REDIS_HOST_MISSING);
    throw new ConfigError(problems);
  }
  const cfg = result.data;
  if (cfg.BATCH_MIN > cfg.BATCH_MAX) {
    problems.push(`BATCH_MIN: got ${cfg.BATCH_MIN}; must not exceed BATCH_MAX (${cfg.BATCH_MAX})`);
  }
  const sasl = cfg.KAFKA_SECURITY_PROTOCOL.startsWith("SASL");
  if (sasl && !cfg.KAFKA_SASL_MECHANISM) {
    problems.push(`KAFKA_SASL_MECHANISM: missing; required when KAFKA_SECURITY_PROTOCOL is SASL_*`);
  }
  const pair = cfg.KAFKA_USERNAME !== undefined || cfg.KAFKA_PASSWORD !== undefined;
  if (pair && cfg.KAFKA_CREDENTIALS !== undefined) {
    problems.push(
      `KAFKA_CREDENTIALS: set with KAFKA_USERNAME/KAFKA_PASSWORD; give the user and password one way: KAFKA_CREDENTIALS (user:password) or KAFKA_USERNAME and KAFKA_PASSWORD`,
    );
  } else if (pair && (cfg.KAFKA_USERNAME === undefined || cfg.KAFKA_PASSWORD === undefined)) {
    const [missing, set] =
      cfg.KAFKA_USERNAME === undefined
        ? ["KAFKA_USERNAME", "KAFKA_PASSWORD"]
        : ["KAFKA_PASSWORD", "KAFKA_USERNAME"];
    problems.push(
      `${missing}: missing; ${set} is set, and they go together (or use KAFKA_CREDENTIALS, user:password)`,
    );
  }
  if (sasl && cfg.KAFKA_SASL_MECHANISM?.match(/^(PLAIN|SCRAM)/) && !cfg.KAFKA_CREDENTIALS && !pair) {
    problems.push(
      `KAFKA_CREDENTIALS: missing; ${cfg.KAFKA_SASL_MECHANISM} needs user:password (or KAFKA_USERNAME and KAFKA_PASSWORD)`,
    );
  }
  if (cfg.KAFKA_SASL_MECHANISM === "OAUTHBEARER" && !cfg.KAFKA_OAUTH_PROVIDER) {
    problems.push(
      `KAFKA_OAUTH_PROVIDER: missing; OAUTHBEARER needs a token provider: use "gcp" (Managed Kafka) or "azure" (Event Hubs)`,
    );
  }
  if (cfg.KAFKA_OAUTH_PROVIDER === "gcp" && cfg.KAFKA_SASL_MECHANISM !== "OAUTHBEARER") {
    problems.push(
      `KAFKA_SASL_MECHANISM: got ${JSON.stringify(cfg.KAFKA_SASL_MECHANISM ?? "")}; KAFKA_OAUTH_PROVIDER=gcp needs OAUTHBEARER`,
    );
  }
  if (cfg.KAFKA_OAUTH_PROVIDER === "gcp" && cfg.KAFKA_SECURITY_PROTOCOL !== "SASL_SSL") {
    problems.push(
      `KAFKA_SECURITY_PROTOCOL: got "${cfg.KAFKA_SECURITY_PROTOCOL}"; Managed Kafka accepts only SASL_SSL`,
    );
  }
  if (cfg.KAFKA_OAUTH_PROVIDER === "azure") {
    if (cfg.KAFKA_SASL_MECHANISM !== "OAUTHBEARER") {
      problems.push(
        `KAFKA_SASL_MECHANISM: got ${JSON.stringify(cfg.KAFKA_SASL_MECHANISM ?? "")}; KAFKA_OAUTH_PROVIDER=azure needs OAUTHBEARER`,
      );
    }
    if (cfg.KAFKA_SECURITY_PROTOCOL !== "SASL_SSL") {
      problems.push(
        `KAFKA_SECURITY_PROTOCOL: got "${cfg.KAFKA_SECURITY_PROTOCOL}"; Event Hubs accepts only SASL_SSL`,
      );
    }
    // The token's scope is the namespace's host: every broker must be that one Kafka endpoint.
    const hosts = new Set(cfg.KAFKA_BOOTSTRAP_SERVERS.split(",").map((h) => h.trim()));
    if (hosts.size !== 1 || ![...hosts].every((h) => /^[a-z0-9-]+\.servicebus\.[a-z0-9.-]+:9093$/i.test(h))) {
      problems.push(
        `KAFKA_BOOTSTRAP_SERVERS: got ${JSON.stringify(cfg.KAFKA_BOOTSTRAP_SERVERS)}; KAFKA_OAUTH_PROVIDER=azure takes the Event Hubs namespace's Kafka endpoint, <namespace>.servicebus.windows.net:9093, whose host is the token's scope`,
      );
    }
  }
  problems.push(...redisTargetProblems(cfg, cleaned));
  if (cfg.REDIS_AUTH_MODE === "azure-entra" && cfg.REDIS_AUTH !== undefined) {
    problems.push(
      `REDIS_AUTH: set with REDIS_AUTH_MODE=azure-entra; remove it: Entra ID auth sends the identity's token`,
    );
  }
  if (cfg.REDIS_AUTH_MODE === "azure-entra" && !cfg.REDIS_TLS) {
    problems.push(
      `REDIS_TLS: got false; REDIS_AUTH_MODE=azure-entra sends an Entra ID token, and Azure accepts it over TLS only`,
    );
  }
  if (cfg.REDIS_AUTH_MODE === "gcp-iam" && cfg.REDIS_AUTH !== undefined) {
    problems.push(`REDIS_AUTH: set with REDIS_AUTH_MODE=gcp-iam; remove it: IAM auth sends an access token`);
  }
  if (cfg.LAKE_CA_CERT !== undefined && cfg.LAKE_SCHEME !== "s3") {
    problems.push(
      `LAKE_CA_CERT: set with LAKE_SCHEME=${cfg.LAKE_SCHEME}; it is the CA of an S3-compatible endpoint (LAKE_SCHEME=s3): remove it`,
    );
  }
  if (cfg.REDIS_CA_CERT !== undefined && !cfg.REDIS_TLS) {
    problems.push(`REDIS_CA_CERT: set with REDIS_TLS=false; set REDIS_TLS=true or remove the CA`);
  }
  if (cfg.REDIS_AUTH_MODE === "gcp-iam" && !cfg.REDIS_TLS) {
    problems.push(`REDIS_TLS: got false; REDIS_AUTH_MODE=gcp-iam sends an access token, which needs TLS`);
  }
  if (cfg.EVENT_SCHEMA !== undefined) {
    try {
      JSON.parse(cfg.EVENT_SCHEMA);
    } catch {
      problems.push(`EVENT_SCHEMA: not valid JSON; give a JSON Schema document`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return cfg;
}

const REDIS_HOST_MISSING =
  "REDIS_HOST: missing; set it to the Redis host name (the stack output redis.host), or set REDIS_SENTINELS and REDIS_SENTINEL_MASTER to learn the primary from Sentinel";

/**
 * Where Redis is: REDIS_HOST (and REDIS_PORT), or the Sentinels (REDIS_SENTINELS and
 * REDIS_SENTINEL_MASTER, both), never both ways: a worker must not guess which one is meant.
 */
function redisTargetProblems(cfg: WorkerConfig, raw: Record<string, string | undefined>): string[] {
  const sentinel = cfg.REDIS_SENTINELS !== undefined || cfg.REDIS_SENTINEL_MASTER !== undefined;
  if (!sentinel) {
    const out = cfg.REDIS_HOST === undefined ? [REDIS_HOST_MISSING] : [];
    if (cfg.REDIS_SENTINEL_AUTH !== undefined)
      out.push(
        "REDIS_SENTINEL_AUTH: set without REDIS_SENTINELS; remove it, or set REDIS_SENTINELS and REDIS_SENTINEL_MASTER",
      );
    return out;
  }
  const out: string[] = [];
  if (cfg.REDIS_SENTINELS === undefined)
    out.push(
      "REDIS_SENTINELS: missing; REDIS_SENTINEL_MASTER is set, and the primary is asked of the Sentinels: set host:port[,host:port...] (the stack output redis.sentinel.sentinels)",
    );
  if (cfg.REDIS_SENTINEL_MASTER === undefined)
    out.push(
      "REDIS_SENTINEL_MASTER: missing; REDIS_SENTINELS is set: set the primary's name the Sentinels monitor (the stack output redis.sentinel.masterName)",
    );
  for (const name of ["REDIS_HOST", "REDIS_PORT"] as const)
    if (raw[name] !== undefined)
      out.push(
        `${name}: set with REDIS_SENTINELS; remove it: with Sentinel the primary's address is learned from the Sentinels (and again after a failover)`,
      );
  if (cfg.REDIS_AUTH_MODE !== "password")
    out.push(
      `REDIS_AUTH_MODE: got "${cfg.REDIS_AUTH_MODE}" with REDIS_SENTINELS; Sentinel discovery takes password auth (REDIS_AUTH) only`,
    );
  return out;
}

function redact(name: string, value: string): string {
  return /(^|_)AUTH$|CREDENTIALS|SECRET|PASSWORD/.test(name) ? "***" : value;
}

/**
 * The environment for the workers, from the platform's connection contracts: what the Kubernetes
 * workers component sets on each container (secrets are referenced there, not inlined).
 */
export function workerEnvFromContracts(c: {
  kafka: KafkaConnection;
  redis: RedisConnection;
  lake: ObjectStoreLocation;
}): Record<string, string> {
  const env: Record<string, string> = {
    KAFKA_BOOTSTRAP_SERVERS: c.kafka.bootstrapServers,
    KAFKA_SECURITY_PROTOCOL: c.kafka.securityProtocol,
    // With Sentinel, the primary is learned from the Sentinels: REDIS_HOST/PORT would contradict it.
    ...(c.redis.sentinel
      ? { REDIS_SENTINELS: c.redis.sentinel.sentinels, REDIS_SENTINEL_MASTER: c.redis.sentinel.masterName }
      : { REDIS_HOST: c.redis.host, REDIS_PORT: String(c.redis.port) }),
    REDIS_TLS: String(c.redis.tls),
    LAKE_SCHEME: c.lake.scheme,
    LAKE_BUCKET: c.lake.bucket,
    LAKE_PREFIX: c.lake.prefix,
    LAKE_REGION: c.lake.region,
  };
  if (c.kafka.saslMechanism) env.KAFKA_SASL_MECHANISM = c.kafka.saslMechanism;
  if (c.kafka.caCert) env.KAFKA_CA_CERT = c.kafka.caCert;
  if (c.kafka.oauthProvider) env.KAFKA_OAUTH_PROVIDER = c.kafka.oauthProvider;
  if (c.redis.authMode) env.REDIS_AUTH_MODE = c.redis.authMode;
  if (c.redis.caCert) env.REDIS_CA_CERT = c.redis.caCert;
  if (c.lake.endpoint) env.LAKE_ENDPOINT = c.lake.endpoint;
  if (c.lake.replica) {
    env.LAKE_REPLICA = c.lake.replica.bucket;
    env.LAKE_REPLICA_REGION = c.lake.replica.region;
  }
  return env;
}
