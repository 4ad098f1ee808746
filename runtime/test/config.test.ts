import { ConfigError, parseWorkerEnv, workerEnvFromContracts, workerEnvSchema } from "../src/config";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

const minimal = {
  KAFKA_BOOTSTRAP_SERVERS: "b-1:9096,b-2:9096",
  KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
  KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
  KAFKA_CREDENTIALS: "svc:s3cret",
  REDIS_HOST: "redis.internal",
  LAKE_BUCKET: "lake-prod",
  LAKE_SCHEME: "s3",
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseWorkerEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("worker environment", () => {
  it("applies secure defaults: TLS to Redis, SASL_SSL to Kafka", () => {
    const cfg = parseWorkerEnv(minimal);
    expect(cfg.REDIS_TLS).toBe(true);
    expect(cfg.REDIS_PORT).toBe(6379);
    expect(cfg.BATCH_MIN).toBe(100);
    expect(parseWorkerEnv({ ...minimal, KAFKA_SECURITY_PROTOCOL: undefined }).KAFKA_SECURITY_PROTOCOL).toBe(
      "SASL_SSL",
    );
  });

  it("names every bad or missing variable with what is allowed, in one error", () => {
    const p = problems({
      REDIS_PORT: "70000",
      REDIS_TLS: "yes",
      LAKE_SCHEME: "ftp",
      KAFKA_SECURITY_PROTOCOL: "SSL",
    });
    expect(p).toContain(
      "KAFKA_BOOTSTRAP_SERVERS: missing; set it to the brokers as host:port[,host:port...] (the stack output kafka.bootstrapServers)",
    );
    expect(p).toContain("REDIS_HOST: missing; set it to the Redis host name (the stack output redis.host)");
    expect(p.find((x) => x.startsWith("LAKE_BUCKET: missing; set it to the bucket"))).toBeDefined();
    expect(p.find((x) => x.startsWith('REDIS_PORT: got "70000"') && x.includes("1 to 65535"))).toBeDefined();
    expect(
      p.find((x) => x.startsWith('REDIS_TLS: got "yes"') && x.includes('"true" or "false"')),
    ).toBeDefined();
    expect(p.find((x) => x.startsWith('LAKE_SCHEME: got "ftp"') && x.includes("s3"))).toBeDefined();
    expect(p).toHaveLength(6);
  });

  it("requires a SASL mechanism and credentials for SASL, and never echoes secrets", () => {
    expect(problems({ ...minimal, KAFKA_SASL_MECHANISM: undefined })[0]).toMatch(
      /^KAFKA_SASL_MECHANISM: missing/,
    );
    expect(problems({ ...minimal, KAFKA_CREDENTIALS: undefined })[0]).toMatch(/^KAFKA_CREDENTIALS: missing/);
    const p = problems({ ...minimal, KAFKA_CREDENTIALS: "no-colon-secret" });
    expect(p[0]).toBe('KAFKA_CREDENTIALS: got "***"; use user:password');
  });

  it("writes gzip JSON Lines by default and Parquet on request, nothing else", () => {
    expect(parseWorkerEnv(minimal).LAKE_FORMAT).toBe("jsonl.gz");
    expect(parseWorkerEnv({ ...minimal, LAKE_FORMAT: "parquet" }).LAKE_FORMAT).toBe("parquet");
    const [p] = problems({ ...minimal, LAKE_FORMAT: "csv" });
    expect(p).toMatch(/^LAKE_FORMAT: got "csv"; .*"jsonl\.gz".*"parquet"/);
  });

  it("bounds the feature server's staleness at 250 ms by default, 0 (cache off) to 60000", () => {
    expect(parseWorkerEnv(minimal).FEATURE_MAX_STALENESS_MS).toBe(250);
    expect(parseWorkerEnv({ ...minimal, FEATURE_MAX_STALENESS_MS: "0" }).FEATURE_MAX_STALENESS_MS).toBe(0);
    expect(problems({ ...minimal, FEATURE_MAX_STALENESS_MS: "-1" })).toEqual([
      'FEATURE_MAX_STALENESS_MS: got "-1"; use an integer from 0 to 60000',
    ]);
  });

  it("rejects BATCH_MIN above BATCH_MAX and an EVENT_SCHEMA that is not JSON", () => {
    const p = problems({ ...minimal, BATCH_MIN: "500", BATCH_MAX: "100", EVENT_SCHEMA: "{nope" });
    expect(p).toEqual([
      "BATCH_MIN: got 500; must not exceed BATCH_MAX (100)",
      "EVENT_SCHEMA: not valid JSON; give a JSON Schema document",
    ]);
  });

  it("round-trips the platform's connection contracts into a valid environment", () => {
    const env = workerEnvFromContracts({
      kafka: { bootstrapServers: "b:9094", securityProtocol: "SSL", caCert: "-----BEGIN CERTIFICATE-----" },
      redis: { host: "r", port: 6380, tls: true, authSecret: "arn:secret" },
      lake: {
        scheme: "gs",
        bucket: "lake",
        prefix: "raw/",
        region: "europe-west1",
        replica: { bucket: "lake-replica", region: "europe-west4" },
      },
    });
    const cfg = parseWorkerEnv(env);
    expect(cfg).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: "b:9094",
      KAFKA_SECURITY_PROTOCOL: "SSL",
      KAFKA_CA_CERT: "-----BEGIN CERTIFICATE-----",
      REDIS_PORT: 6380,
      REDIS_TLS: true,
      LAKE_SCHEME: "gs",
      LAKE_PREFIX: "raw/",
      LAKE_REPLICA: "lake-replica",
      LAKE_REPLICA_REGION: "europe-west4",
    });
    expect(Object.keys(env).every((k) => k in workerEnvSchema.shape)).toBe(true);
  });
});
