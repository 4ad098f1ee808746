import { ConfigError, parseWorkerEnv, workerEnvFromContracts, workerEnvSchema } from "../src/config";
import { securityConfig } from "../src/kafka/rdkafka";

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
    expect(p).toContain(
      "REDIS_HOST: missing; set it to the Redis host name (the stack output redis.host), or set REDIS_SENTINELS and REDIS_SENTINEL_MASTER to learn the primary from Sentinel",
    );
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

  describe("SCRAM from a Strimzi KafkaUser: KAFKA_USERNAME and KAFKA_PASSWORD", () => {
    const user = {
      ...minimal,
      KAFKA_CREDENTIALS: undefined,
      KAFKA_USERNAME: "lake-sink",
      KAFKA_PASSWORD: "pa:ss",
    };

    it("takes the pair instead of KAFKA_CREDENTIALS and hands it to librdkafka as is", () => {
      const cfg = parseWorkerEnv(user);
      expect(cfg).toMatchObject({ KAFKA_USERNAME: "lake-sink", KAFKA_PASSWORD: "pa:ss" });
      expect(cfg.KAFKA_CREDENTIALS).toBeUndefined();
      expect(securityConfig(cfg)).toEqual({
        "bootstrap.servers": "b-1:9096,b-2:9096",
        "security.protocol": "sasl_ssl",
        "sasl.mechanisms": "SCRAM-SHA-512",
        "sasl.username": "lake-sink",
        "sasl.password": "pa:ss",
      });
    });

    it("wants both or neither, naming the one missing", () => {
      expect(problems({ ...user, KAFKA_PASSWORD: undefined })).toEqual([
        "KAFKA_PASSWORD: missing; KAFKA_USERNAME is set, and they go together (or use KAFKA_CREDENTIALS, user:password)",
      ]);
      expect(problems({ ...user, KAFKA_USERNAME: undefined })).toEqual([
        "KAFKA_USERNAME: missing; KAFKA_PASSWORD is set, and they go together (or use KAFKA_CREDENTIALS, user:password)",
      ]);
    });

    it("refuses the pair beside KAFKA_CREDENTIALS, and says SCRAM needs one of them", () => {
      expect(problems({ ...user, KAFKA_CREDENTIALS: "svc:s3cret" })).toEqual([
        "KAFKA_CREDENTIALS: set with KAFKA_USERNAME/KAFKA_PASSWORD; give the user and password one way: KAFKA_CREDENTIALS (user:password) or KAFKA_USERNAME and KAFKA_PASSWORD",
      ]);
      expect(problems({ ...minimal, KAFKA_CREDENTIALS: undefined })).toEqual([
        "KAFKA_CREDENTIALS: missing; SCRAM-SHA-512 needs user:password (or KAFKA_USERNAME and KAFKA_PASSWORD)",
      ]);
    });

    it("never echoes the password", () => {
      const [p] = problems({ ...user, KAFKA_PASSWORD: "", KAFKA_USERNAME: "x" });
      expect(p).not.toContain("pa:ss");
      expect(problems({ ...user, KAFKA_CREDENTIALS: "svc:s3cret" }).join()).not.toMatch(/s3cret|pa:ss/);
    });
  });

  describe("Redis through Sentinel: REDIS_SENTINELS and REDIS_SENTINEL_MASTER", () => {
    const sentinel = {
      ...minimal,
      REDIS_HOST: undefined,
      REDIS_SENTINELS: "valkey-sentinel-0.valkey:26379,10.0.0.7:26379,[fd00::7]:26379",
      REDIS_SENTINEL_MASTER: "seawall",
    };

    it("learns the primary from the Sentinels instead of REDIS_HOST", () => {
      const cfg = parseWorkerEnv({ ...sentinel, REDIS_AUTH: "pw", REDIS_SENTINEL_AUTH: "spw" });
      expect(cfg).toMatchObject({
        REDIS_SENTINELS: "valkey-sentinel-0.valkey:26379,10.0.0.7:26379,[fd00::7]:26379",
        REDIS_SENTINEL_MASTER: "seawall",
        REDIS_SENTINEL_AUTH: "spw",
        REDIS_TLS: true,
      });
      expect(cfg.REDIS_HOST).toBeUndefined();
    });

    it("wants both variables, and neither REDIS_HOST nor REDIS_PORT beside them", () => {
      expect(problems({ ...sentinel, REDIS_SENTINEL_MASTER: undefined })).toEqual([
        "REDIS_SENTINEL_MASTER: missing; REDIS_SENTINELS is set: set the primary's name the Sentinels monitor (the stack output redis.sentinel.masterName)",
      ]);
      expect(problems({ ...sentinel, REDIS_SENTINELS: undefined })).toEqual([
        "REDIS_SENTINELS: missing; REDIS_SENTINEL_MASTER is set, and the primary is asked of the Sentinels: set host:port[,host:port...] (the stack output redis.sentinel.sentinels)",
      ]);
      expect(problems({ ...sentinel, REDIS_HOST: "redis.internal", REDIS_PORT: "6379" })).toEqual([
        "REDIS_HOST: set with REDIS_SENTINELS; remove it: with Sentinel the primary's address is learned from the Sentinels (and again after a failover)",
        "REDIS_PORT: set with REDIS_SENTINELS; remove it: with Sentinel the primary's address is learned from the Sentinels (and again after a failover)",
      ]);
    });

    it("refuses a malformed Sentinel list, IAM auth modes, and a Sentinel password without Sentinels", () => {
      expect(problems({ ...sentinel, REDIS_SENTINELS: "sentinel-0,sentinel-1:26379" })).toEqual([
        'REDIS_SENTINELS: got "sentinel-0,sentinel-1:26379"; use host:port[,host:port...] (the Sentinels, e.g. valkey-sentinel.seawall.svc:26379)',
      ]);
      expect(problems({ ...sentinel, REDIS_AUTH_MODE: "gcp-iam" })).toEqual([
        'REDIS_AUTH_MODE: got "gcp-iam" with REDIS_SENTINELS; Sentinel discovery takes password auth (REDIS_AUTH) only',
      ]);
      expect(problems({ ...minimal, REDIS_SENTINEL_AUTH: "spw" })).toEqual([
        "REDIS_SENTINEL_AUTH: set without REDIS_SENTINELS; remove it, or set REDIS_SENTINELS and REDIS_SENTINEL_MASTER",
      ]);
    });

    it("comes from the contract's sentinel, without REDIS_HOST/REDIS_PORT; an S3-compatible endpoint becomes LAKE_ENDPOINT", () => {
      const env = workerEnvFromContracts({
        kafka: {
          bootstrapServers: "seawall-kafka-bootstrap.seawall.svc:9093",
          securityProtocol: "SASL_SSL",
          saslMechanism: "SCRAM-SHA-512",
        },
        redis: {
          host: "valkey.seawall.svc",
          port: 6379,
          tls: true,
          caCert: "PEM",
          sentinel: { masterName: "seawall", sentinels: "valkey-sentinel.seawall.svc:26379" },
        },
        lake: {
          scheme: "s3",
          bucket: "lake",
          prefix: "",
          region: "",
          endpoint: "https://seaweedfs-s3.seawall.svc:8333",
        },
      });
      expect(env).toEqual({
        KAFKA_BOOTSTRAP_SERVERS: "seawall-kafka-bootstrap.seawall.svc:9093",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
        REDIS_SENTINELS: "valkey-sentinel.seawall.svc:26379",
        REDIS_SENTINEL_MASTER: "seawall",
        REDIS_TLS: "true",
        REDIS_CA_CERT: "PEM",
        LAKE_SCHEME: "s3",
        LAKE_BUCKET: "lake",
        LAKE_PREFIX: "",
        LAKE_REGION: "",
        LAKE_ENDPOINT: "https://seaweedfs-s3.seawall.svc:8333",
      });
      expect(parseWorkerEnv({ ...env, KAFKA_USERNAME: "u", KAFKA_PASSWORD: "p" })).toMatchObject({
        REDIS_SENTINEL_MASTER: "seawall",
        LAKE_ENDPOINT: "https://seaweedfs-s3.seawall.svc:8333",
      });
    });
  });
});
