/**
 * Cloud-neutral contracts: the arguments a platform team sets, and the connection outputs every
 * cloud's implementation returns in the same shape. The Kubernetes workers component turns the
 * connection outputs into the worker containers' environment; the runtime parses that environment.
 */

/** Where a pipeline's data lives in object storage. */
export interface ObjectStoreLocation {
  /** `s3` (AWS or S3-compatible), `gs` (GCS), `abfss` (Azure Data Lake Gen2), `file` (local). */
  scheme: "s3" | "gs" | "abfss" | "file";
  /** Bucket (S3, GCS) or container (Azure) name. */
  bucket: string;
  /** Key prefix under which the pipeline writes, without a leading slash; "" for the whole bucket. */
  prefix: string;
  /** The primary region of the bucket. */
  region: string;
  /** The cross-region replica, when replication is on. */
  replica?: { bucket: string; region: string };
  /**
   * The endpoint URL of an S3-compatible server (SeaweedFS, Ceph RGW), reached with path-style
   * requests; unset: the scheme's own service (AWS S3, GCS, Azure Blob).
   */
  endpoint?: string;
}

/** How clients reach the event stream. */
export interface KafkaConnection {
  /** Comma-separated `host:port` list. */
  bootstrapServers: string;
  securityProtocol: "SSL" | "SASL_SSL" | "PLAINTEXT" | "SASL_PLAINTEXT";
  saslMechanism?: "SCRAM-SHA-512" | "SCRAM-SHA-256" | "AWS_MSK_IAM" | "OAUTHBEARER" | "PLAIN";
  /** Reference to the secret that holds the SASL credentials (ARN, resource id or Secret name). */
  credentialsSecret?: string;
  /** PEM CA bundle, when brokers use a private CA. */
  caCert?: string;
  /**
   * Who issues the `OAUTHBEARER` tokens: `gcp`, Google access tokens (Managed Service for Apache
   * Kafka); `azure`, Entra ID tokens for the Event Hubs namespace (`https://<namespace>.servicebus.windows.net/.default`).
   */
  oauthProvider?: "gcp" | "azure";
}

/**
 * The pipeline's consumer groups and the topic each reads, as the runtime names them by default
 * (`${KAFKA_GROUP_PREFIX}-${stage}` on the stage's input topic; runtime/src/config.ts
 * `consumerGroups`). Every cloud's monitoring watches their lag, and Event Hubs creates them.
 */
export const PIPELINE_CONSUMER_GROUPS: readonly { readonly group: string; readonly topic: string }[] = [
  { group: "seawall-ingest", topic: "events.raw" },
  { group: "seawall-dedup", topic: "events.valid" },
  { group: "seawall-lake-sink", topic: "events.unique" },
  { group: "seawall-feature-writer", topic: "features" },
];

/** A topic a platform team declares; the event stream creates it. */
export interface KafkaTopic {
  /** 1 to 249 letters, digits, dots, underscores and hyphens. */
  name: string;
  /** Number of partitions, the topic's unit of parallelism. */
  partitions: number;
  /**
   * Copies of each partition.
   * @default - the cluster's default replication factor
   */
  replicationFactor?: number;
  /**
   * Hours a record is kept before it may be deleted (`retention.ms`).
   * @default - the cluster's default (168 hours)
   */
  retentionHours?: number;
  /**
   * Keep only the latest record per key (`cleanup.policy=compact`) instead of deleting by age.
   * @default false
   */
  compaction?: boolean;
}

/** How clients reach the feature store. */
export interface RedisConnection {
  host: string;
  port: number;
  tls: boolean;
  /**
   * The auth token or password (a Pulumi secret), or a reference to where it is kept; unset when
   * `authMode` is `gcp-iam`, which has no static secret.
   */
  authSecret?: string;
  /**
   * How clients authenticate: `password` (AUTH with `authSecret`) or `gcp-iam` (AUTH with a Google
   * access token, Memorystore IAM authentication) or `azure-entra` (AUTH with an Entra ID token as
   * the password and the identity's object id as the user, Azure Managed Redis).
   * @defaultValue "password"
   */
  authMode?: "password" | "gcp-iam" | "azure-entra";
  /**
   * PEM CA bundle that signs the server's certificate, when it is a private CA (Memorystore's
   * per-instance CA); clients verify the server against it. Unset: the system's trusted CAs.
   */
  caCert?: string;
  /**
   * Sentinel discovery (the `kubernetes` target's Valkey): clients ask the Sentinels (a
   * comma-separated `host:port` list, TLS when `tls` is set) for the primary of `masterName` and
   * connect to it; `host` is then the Service of every pod, not a writable endpoint.
   */
  sentinel?: { masterName: string; sentinels: string };
}

/** Object lifecycle: when objects move to cheaper classes and when old versions go. */
export interface LifecycleArgs {
  /**
   * Days after creation before objects move to an infrequent-access class.
   * @default 30
   */
  infrequentAccessAfterDays?: number;
  /**
   * Days after creation before objects move to an archive class; later than the infrequent-access move.
   * @default 90
   */
  archiveAfterDays?: number;
  /**
   * Days a version stays after it stops being current, before it is deleted.
   * @default 90
   */
  expireNoncurrentAfterDays?: number;
  /**
   * Days after which an incomplete multipart upload is aborted and its parts deleted.
   * @default 7
   */
  abortIncompleteMultipartAfterDays?: number;
}

/** Object lock (WORM): objects cannot be deleted or overwritten during the retention period. */
export interface ObjectLockArgs {
  /** `GOVERNANCE` (privileged users may bypass) or `COMPLIANCE` (nobody may, not even root). */
  mode: "GOVERNANCE" | "COMPLIANCE";
  /** Default retention in days for new objects. */
  days: number;
}

/**
 * An optional helper resource: create it (`args`), bring your own (`existing`), or do without it
 * (`skip`). Which forms a given helper accepts is said where it is used.
 */
export type Helper<TExisting, TArgs> = { existing: TExisting } | { args: TArgs } | { skip: true };

/** Common tag set for every resource a Seawall component creates. */
export type Tags = Record<string, string>;
