/**
 * Resource lists for the policy benchmark (`npm run bench:policy`) and the evaluator's linearity
 * test: a spread of GCP, Azure and Kubernetes resources, compliant and not, beside whatever a
 * synthesized stack gives, replicated with unique URNs up to a requested count.
 */
import type { ResourceDescriptor } from "../policies/lib/evaluate";

const STACK = "urn:pulumi:bench::bench::";

function resource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
): ResourceDescriptor {
  const deps = [...new Set(Object.values(propertyDependencies).flat())];
  return { urn: `${STACK}${type}::${name}`, type, name, props, dependsOn: deps, propertyDependencies };
}

const container = (name: string, hardened: boolean) => ({
  name,
  image: hardened ? `registry.example.com/${name}@sha256:${"a".repeat(64)}` : `${name}:latest`,
  ...(hardened
    ? {
        securityContext: {
          runAsNonRoot: true,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        },
        resources: { limits: { cpu: "500m", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
      }
    : {}),
});

/**
 * GCP, Azure and Kubernetes resources a data platform has: buckets, databases, caches, keys,
 * storage accounts tied to their blob services by property dependencies, workloads, and resources
 * no rule judges (networks, service accounts, config maps). Half compliant, half not.
 */
export function spreadResources(): ResourceDescriptor[] {
  const account = resource("azure-native:storage:StorageAccount", "lakeacct", {
    accountName: "lakeacct",
    sku: { name: "Standard_GRS" },
    kind: "StorageV2",
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    networkRuleSet: { defaultAction: "Deny" },
    encryption: { requireInfrastructureEncryption: true },
  });
  const legacyAccount = resource("azure-native:storage/v20220901:StorageAccount", "legacyacct", {
    accountName: "legacyacct",
    sku: { name: "Standard_LRS" },
    kind: "StorageV2",
  });
  const deployment = (name: string, hardened: boolean) =>
    resource("kubernetes:apps/v1:Deployment", name, {
      metadata: { name, namespace: "data" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [container(name, hardened), container(`${name}-sidecar`, hardened)] },
        },
      },
    });
  return [
    resource("gcp:compute/network:Network", "vpc", { autoCreateSubnetworks: false }),
    resource("gcp:serviceaccount/account:Account", "worker-sa", { accountId: "worker" }),
    resource("gcp:kms/cryptoKey:CryptoKey", "lake-key", { keyRing: "ring", rotationPeriod: "7776000s" }),
    resource("gcp:kms/cryptoKey:CryptoKey", "old-key", { keyRing: "ring" }),
    resource(
      "gcp:storage/bucket:Bucket",
      "gcs-lake",
      {
        location: "EU",
        versioning: { enabled: true },
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        encryption: { defaultKmsKeyName: "projects/p/locations/eu/keyRings/ring/cryptoKeys/lake-key" },
        softDeletePolicy: { retentionDurationSeconds: 604800 },
      },
      { encryption: [`${STACK}gcp:kms/cryptoKey:CryptoKey::lake-key`] },
    ),
    resource("gcp:storage/bucket:Bucket", "gcs-scratch", { location: "US" }),
    resource("gcp:storage/bucketIAMMember:BucketIAMMember", "gcs-public", {
      bucket: "gcs-scratch",
      role: "roles/storage.objectViewer",
      member: "allUsers",
    }),
    resource("gcp:sql/databaseInstance:DatabaseInstance", "sql", {
      databaseVersion: "POSTGRES_16",
      settings: {
        tier: "db-custom-2-7680",
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
        ipConfiguration: { ipv4Enabled: false, sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" },
      },
    }),
    resource("gcp:redis/instance:Instance", "cache", { memorySizeGb: 1, tier: "BASIC" }),
    resource("gcp:managedkafka/cluster:Cluster", "kafka", {
      capacityConfig: { vcpuCount: "3", memoryBytes: "3221225472" },
    }),
    resource("azure-native:resources:ResourceGroup", "rg", { location: "westeurope" }),
    account,
    resource(
      "azure-native:storage:BlobServiceProperties",
      "lakeacct-blob",
      {
        accountName: "lakeacct",
        blobServicesName: "default",
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: 14 },
        containerDeleteRetentionPolicy: { enabled: true, days: 14 },
        restorePolicy: { enabled: true, days: 7 },
        changeFeed: { enabled: true },
      },
      { accountName: [account.urn!] },
    ),
    legacyAccount,
    resource("azure-native:storage:BlobContainer", "raw", {
      accountName: "legacyacct",
      publicAccess: "Container",
    }),
    resource("azure-native:eventhub:Namespace", "events", {
      sku: { name: "Standard" },
      minimumTlsVersion: "1.2",
      disableLocalAuth: true,
    }),
    resource("azure-native:cache:Redis", "redis", { enableNonSslPort: true, minimumTlsVersion: "1.0" }),
    resource("azure-native:dbforpostgresql:Server", "pg", {
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
    }),
    resource("kubernetes:core/v1:Namespace", "data", { metadata: { name: "data" } }),
    resource("kubernetes:core/v1:ConfigMap", "settings", { data: { LOG_LEVEL: "info" } }),
    resource("kubernetes:core/v1:Service", "api", { spec: { ports: [{ port: 80 }] } }),
    deployment("ingest", true),
    deployment("scorer", false),
    resource("kubernetes:apps/v1:StatefulSet", "zookeeper", {
      spec: { template: { spec: { containers: [container("zookeeper", false)] } } },
    }),
    resource("kubernetes:kafka.strimzi.io/v1beta2:Kafka", "events", {
      spec: { kafka: { listeners: [{ name: "plain", port: 9092, type: "internal", tls: false }] } },
    }),
  ];
}

/**
 * A small AWS data stack as a program with split S3 resources records it: a bucket with its
 * versioning, encryption, public-access block and policy tied by property dependencies, a replica
 * and a log bucket, a KMS key, a backup plan selecting by tag, a database, a cache, a stream, a
 * queue and a topic. Used where synthesizing a stack would cost seconds (the linearity test).
 */
export function awsResources(): ResourceDescriptor[] {
  const bucket = (name: string, tags: Record<string, string> = {}) =>
    resource("aws:s3/bucket:Bucket", name, { tags: { team: "data", ...tags } });
  const lake = bucket("lake", { backup: "true" });
  const replica = bucket("lake-replica");
  const logs = bucket("logs");
  const key = resource("aws:kms/key:Key", "lake-key", { enableKeyRotation: true, tags: { team: "data" } });
  const on = (kind: string, name: string, props: Record<string, unknown>, b = lake) =>
    resource(`aws:s3/${kind}`, name, { bucket: `${b.name}-id`, ...props }, { bucket: [b.urn!] });
  return [
    resource("pulumi:providers:aws", "default", { region: "eu-west-1" }),
    key,
    lake,
    replica,
    logs,
    on("bucketVersioning:BucketVersioning", "lake-versioning", {
      versioningConfiguration: { status: "Enabled" },
    }),
    resource(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "lake-encryption",
      {
        bucket: "lake-id",
        rules: [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:key" } },
        ],
      },
      { bucket: [lake.urn!], rules: [key.urn!] },
    ),
    on("bucketPublicAccessBlock:BucketPublicAccessBlock", "lake-pab", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }),
    on("bucketPolicy:BucketPolicy", "lake-policy", {
      policy: JSON.stringify({
        Statement: [
          {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    }),
    on(
      "bucketVersioning:BucketVersioning",
      "replica-versioning",
      { versioningConfiguration: { status: "Enabled" } },
      replica,
    ),
    resource(
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      "lake-replication",
      { bucket: "lake-id", rules: [{ status: "Enabled", destination: { bucket: "arn:replica" } }] },
      { bucket: [lake.urn!], rules: [replica.urn!] },
    ),
    resource(
      "aws:s3/bucketLogging:BucketLogging",
      "lake-logging",
      { bucket: "lake-id", targetBucket: "logs-id" },
      { bucket: [lake.urn!], targetBucket: [logs.urn!] },
    ),
    resource("aws:backup/vault:Vault", "vault", { kmsKeyArn: "arn:key" }),
    resource("aws:backup/selection:Selection", "by-tag", {
      selectionTags: [{ key: "backup", type: "STRINGEQUALS", value: "true" }],
    }),
    resource("aws:rds/instance:Instance", "db", {
      storageEncrypted: true,
      backupRetentionPeriod: 14,
      deletionProtection: true,
      publiclyAccessible: false,
      tags: { team: "data", backup: "true" },
    }),
    resource("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      authToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "t" },
      snapshotRetentionLimit: 7,
    }),
    resource("aws:msk/cluster:Cluster", "stream", {
      encryptionInfo: { encryptionAtRestKmsKeyArn: "arn:key" },
    }),
    resource("aws:sqs/queue:Queue", "queue", { sqsManagedSseEnabled: true }),
    resource("aws:sns/topic:Topic", "topic", {}),
    resource("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 30 }),
    resource("aws:iam/role:Role", "role", { assumeRolePolicy: "{}" }),
    resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }),
  ];
}

/**
 * `n` resources: copies of `base` (in order, the last copy cut short), each copy's URNs, names,
 * parents, providers, dependencies and property dependencies rewritten to point inside the copy,
 * and so are top-level string properties that name a resource of `base` (a literal reference such
 * as a container's `accountName`), as a real program's names are unique. References to resources
 * outside `base` are kept.
 */
export function replicate(base: readonly ResourceDescriptor[], n: number): ResourceDescriptor[] {
  if (base.length === 0) throw new Error("replicate: the base list is empty");
  const out: ResourceDescriptor[] = [];
  const urnOf = (r: ResourceDescriptor) => r.urn ?? `urn:pulumi:offline::offline::${r.type}::${r.name}`;
  const known = new Set(base.map(urnOf));
  const names = new Set(base.map((r) => r.name));
  for (let copy = 0; out.length < n; copy++) {
    const suffix = copy === 0 ? "" : `-${copy}`;
    const rename = (urn: string) => (known.has(urn) ? `${urn}${suffix}` : urn);
    const renameProps = (props: Record<string, unknown> | undefined) =>
      props && copy > 0
        ? Object.fromEntries(
            Object.entries(props).map(([k, v]) => [
              k,
              typeof v === "string" && names.has(v) ? `${v}${suffix}` : v,
            ]),
          )
        : props;
    for (const r of base) {
      if (out.length >= n) break;
      out.push({
        ...r,
        props: renameProps(r.props),
        inputs: renameProps(r.inputs),
        urn: rename(urnOf(r)),
        name: `${r.name}${suffix}`,
        parent: r.parent ? rename(r.parent) : r.parent,
        provider: r.provider ? rename(r.provider) : r.provider,
        dependsOn: r.dependsOn?.map(rename),
        propertyDependencies: r.propertyDependencies
          ? Object.fromEntries(
              Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(rename)]),
            )
          : undefined,
      });
    }
  }
  return out;
}
