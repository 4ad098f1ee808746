import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { RedisConnection } from "../contracts";
import { Problems } from "../validation";
import {
  DEFAULT_VALKEY_VERSION,
  engineParameters,
  MaxmemoryPolicy,
  MAXMEMORY_POLICIES,
  parameterGroupFamily,
  parseDailyWindow,
  parseWeeklyWindow,
  VALKEY_VERSION,
  windowMinutes,
  windowsOverlap,
} from "./featureStoreConfig";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import { logsKeyOption } from "./logsKey";
import { checkLogRetention } from "./logs";
import { REDIS_PORT } from "./networkPlan";

export interface FeatureStoreArgs {
  /** Private subnets for the cache nodes, ideally one per availability zone. */
  subnetIds: pulumi.Input<string>[];
  /** Security groups of the cache nodes (the Network's Redis group). */
  securityGroupIds: pulumi.Input<string>[];
  /**
   * The Valkey version, `major.minor`. See https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
   * @default "8.2"
   */
  engineVersion?: string;
  /** Node size. @default "cache.m7g.large" */
  nodeType?: string;
  /** Shards (node groups); more than one turns cluster mode on. @default 1 */
  shards?: number;
  /** Replicas per shard (0 to 5). @default 1 */
  replicasPerShard?: number;
  /**
   * Promote a replica automatically when the primary fails. Needs a replica with one shard; cluster
   * mode (more than one shard) requires it on.
   * @default - on when there are replicas or more than one shard
   */
  automaticFailover?: boolean;
  /**
   * Place replicas in other zones than their primary; needs automatic failover.
   * @default - on when there are replicas
   */
  multiAz?: boolean;
  /**
   * What Valkey evicts when memory is full. The default evicts the least recently used keys that
   * have a TTL (features and dedup markers always carry one) and never a key without one.
   * See https://valkey.io/topics/lru-cache/
   * @default "volatile-lru"
   */
  maxmemoryPolicy?: MaxmemoryPolicy;
  /** The port clients use (1024 to 65535). @default 6379 */
  port?: number;
  /** Days automatic snapshots are kept (0 to 35; 0 turns them off). @default 7 */
  snapshotRetentionDays?: number;
  /** Daily snapshot window, `hh:mm-hh:mm` UTC, 60 minutes or more. @default "03:00-04:00" */
  snapshotWindow?: string;
  /** Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` UTC, 60 minutes or more, apart from the snapshot window. @default "sun:05:00-sun:06:00" */
  maintenanceWindow?: string;
  /** Take a final snapshot when the replication group is deleted. @default true */
  finalSnapshot?: boolean;
  /** Days CloudWatch keeps slow logs and engine logs; a period CloudWatch accepts. @default 30 */
  logRetentionInDays?: number;
  /**
   * The customer-managed key for data at rest and the logs. A key brought with `existing` must let
   * CloudWatch Logs use it.
   * @default - a key is created, rotation on, with a policy that lets CloudWatch Logs use it
   */
  kmsKey?: KmsKeyOption;
  /** Days a scheduled deletion of a key this component creates waits (7 to 30). @default 30 */
  keyDeletionWindowInDays?: number;
  /** Protect the replication group, its key and its logs from deletion (`protect`). @default true */
  protect?: boolean;
  /** Tags for every resource. @default {} */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  nodeType: "cache.m7g.large",
  shards: 1,
  replicasPerShard: 1,
  maxmemoryPolicy: "volatile-lru" as MaxmemoryPolicy,
  snapshotRetentionDays: 7,
  snapshotWindow: "03:00-04:00",
  maintenanceWindow: "sun:05:00-sun:06:00",
  logRetentionInDays: 30,
};

/**
 * Checks a {@link FeatureStoreArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider.
 */
export function validateFeatureStoreArgs(args: FeatureStoreArgs): void {
  const p = new Problems();
  if (!Array.isArray(args.subnetIds) || args.subnetIds.length === 0) {
    p.add(
      "SEAWALL_FEATURESTORE_SUBNETS",
      "subnetIds",
      args.subnetIds,
      "give the private subnets, one per availability zone",
    );
  }
  if (!Array.isArray(args.securityGroupIds) || args.securityGroupIds.length === 0) {
    p.add(
      "SEAWALL_FEATURESTORE_SECURITY_GROUPS",
      "securityGroupIds",
      args.securityGroupIds,
      "give the cache's security group (the Network's redisSecurityGroupId)",
    );
  }
  const version = args.engineVersion;
  if (
    version !== undefined &&
    (!VALKEY_VERSION.test(version) || Number(VALKEY_VERSION.exec(version)![1]) < 7)
  ) {
    p.add(
      "SEAWALL_FEATURESTORE_ENGINE_VERSION",
      "engineVersion",
      version,
      'must be a Valkey version 7.2 or later written major.minor, such as "8.2"',
    );
  }
  if (args.nodeType !== undefined && !/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(args.nodeType)) {
    p.add(
      "SEAWALL_FEATURESTORE_NODE_TYPE",
      "nodeType",
      args.nodeType,
      'must be an ElastiCache node type such as "cache.r7g.large"',
    );
  }
  p.wholeNumber("SEAWALL_FEATURESTORE_SHARDS", "shards", args.shards, 1, 500);
  p.wholeNumber("SEAWALL_FEATURESTORE_REPLICAS", "replicasPerShard", args.replicasPerShard, 0, 5);
  const shards = args.shards ?? DEFAULTS.shards;
  const replicas = args.replicasPerShard ?? DEFAULTS.replicasPerShard;
  const failover = args.automaticFailover ?? (replicas > 0 || shards > 1);
  if (args.automaticFailover === true && replicas === 0 && shards === 1) {
    p.add(
      "SEAWALL_FEATURESTORE_FAILOVER_NO_REPLICA",
      "automaticFailover",
      true,
      "needs a replica to promote; set replicasPerShard to 1 or more, or turn failover off",
    );
  }
  if (shards > 1 && failover === false) {
    p.add(
      "SEAWALL_FEATURESTORE_FAILOVER_CLUSTER_MODE",
      "automaticFailover",
      false,
      "must be on when there is more than one shard (cluster mode)",
    );
  }
  if (args.multiAz === true && replicas === 0) {
    p.add(
      "SEAWALL_FEATURESTORE_MULTIAZ_NO_REPLICA",
      "multiAz",
      true,
      "needs a replica in another zone; set replicasPerShard to 1 or more",
    );
  } else if (args.multiAz === true && failover === false) {
    p.add(
      "SEAWALL_FEATURESTORE_MULTIAZ_NO_FAILOVER",
      "multiAz",
      true,
      "needs automatic failover; turn automaticFailover on",
    );
  }
  if (
    args.maxmemoryPolicy !== undefined &&
    !(MAXMEMORY_POLICIES as readonly string[]).includes(args.maxmemoryPolicy)
  ) {
    p.add(
      "SEAWALL_FEATURESTORE_MAXMEMORY_POLICY",
      "maxmemoryPolicy",
      args.maxmemoryPolicy,
      `must be one of ${MAXMEMORY_POLICIES.join(", ")}`,
    );
  }
  p.wholeNumber("SEAWALL_FEATURESTORE_PORT", "port", args.port, 1024, 65535);
  p.wholeNumber(
    "SEAWALL_FEATURESTORE_SNAPSHOT_RETENTION",
    "snapshotRetentionDays",
    args.snapshotRetentionDays,
    0,
    35,
    "ElastiCache keeps snapshots up to 35 days",
  );

  const snapshotText = args.snapshotWindow ?? DEFAULTS.snapshotWindow;
  const maintenanceText = args.maintenanceWindow ?? DEFAULTS.maintenanceWindow;
  const snapshot = parseDailyWindow(snapshotText);
  const maintenance = parseWeeklyWindow(maintenanceText);
  if (!snapshot || windowMinutes(snapshot) < 60) {
    p.add(
      "SEAWALL_FEATURESTORE_SNAPSHOT_WINDOW",
      "snapshotWindow",
      snapshotText,
      'must be "hh:mm-hh:mm" in UTC and at least 60 minutes long, e.g. "03:00-04:00"',
    );
  }
  if (!maintenance || windowMinutes(maintenance) < 60) {
    p.add(
      "SEAWALL_FEATURESTORE_MAINTENANCE_WINDOW",
      "maintenanceWindow",
      maintenanceText,
      'must be "ddd:hh:mm-ddd:hh:mm" in UTC (days sun to sat) and at least 60 minutes long, e.g. "sun:05:00-sun:06:00"',
    );
  }
  if (snapshot && maintenance && windowsOverlap(snapshot, maintenance)) {
    p.add(
      "SEAWALL_FEATURESTORE_WINDOWS_OVERLAP",
      "snapshotWindow",
      snapshotText,
      `overlaps the maintenance window (${maintenanceText}); ElastiCache needs them apart`,
    );
  }
  checkLogRetention(p, "logRetentionInDays", args.logRetentionInDays);
  checkKmsKeyOption(p, "kmsKey", args.kmsKey, "ElastiCache encrypts data at rest with it");
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  p.throwIfAny("seawall:aws:FeatureStore: invalid arguments");
}

/**
 * A Valkey feature store on ElastiCache: a replication group encrypted at rest with a
 * customer-managed key and in transit (TLS required), an auth token generated as a Pulumi secret,
 * Multi-AZ with automatic failover when there are replicas, an explicit eviction policy, automatic
 * snapshots with a final snapshot on deletion, and slow and engine logs in an encrypted log group.
 */
export class FeatureStore extends pulumi.ComponentResource {
  /** How clients connect: the cloud-neutral contract (`authSecret` is a Pulumi secret). */
  readonly connection: pulumi.Output<RedisConnection>;
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  readonly replicationGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  /** The auth token (a Pulumi secret). */
  readonly authToken: pulumi.Output<string>;

  constructor(name: string, args: FeatureStoreArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:FeatureStore", name, {}, opts);
    validateFeatureStoreArgs(args);

    const tags = { ...args.tags, "seawall:component": "FeatureStore" };
    const protect = args.protect ?? true;
    const version = args.engineVersion ?? DEFAULT_VALKEY_VERSION;
    const family = parameterGroupFamily(version);
    const shards = args.shards ?? DEFAULTS.shards;
    const replicas = args.replicasPerShard ?? DEFAULTS.replicasPerShard;
    const failover = args.automaticFailover ?? (replicas > 0 || shards > 1);
    const multiAz = args.multiAz ?? replicas > 0;
    const port = args.port ?? REDIS_PORT;
    const clusterMode = shards > 1;
    const retention = args.snapshotRetentionDays ?? DEFAULTS.snapshotRetentionDays;

    const key = resolveKmsKey(
      `${name}-key`,
      logsKeyOption(args.kmsKey, this),
      {
        description: `Seawall feature store ${name}: ElastiCache data at rest and logs`,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        tags,
      },
      { parent: this, protect },
    );
    this.kmsKeyArn = key.arn;

    const logs = (["slow-log", "engine-log"] as const).map((logType) => {
      const group = new aws.cloudwatch.LogGroup(
        `${name}-${logType}`,
        {
          kmsKeyId: key.arn,
          retentionInDays: args.logRetentionInDays ?? DEFAULTS.logRetentionInDays,
          tags,
        },
        { parent: this, protect },
      );
      return { destination: group.name, destinationType: "cloudwatch-logs", logFormat: "json", logType };
    });

    const subnetGroup = new aws.elasticache.SubnetGroup(
      name,
      { description: `Seawall feature store ${name}: private subnets`, subnetIds: args.subnetIds, tags },
      { parent: this },
    );
    const parameterGroup = new aws.elasticache.ParameterGroup(
      `${name}-${family}`,
      {
        family,
        description: `Seawall feature store ${name}: ${family} parameters`,
        parameters: engineParameters(args.maxmemoryPolicy ?? DEFAULTS.maxmemoryPolicy, shards),
        tags,
      },
      { parent: this },
    );
    const token = new random.RandomPassword(
      `${name}-auth-token`,
      // ElastiCache accepts 16 to 128 printable characters but only some symbols; letters and
      // digits at this length carry over 380 bits.
      { length: 64, special: false },
      { parent: this },
    );
    this.authToken = pulumi.secret(token.result);

    // ElastiCache refuses a final snapshot whose name exists, so a fixed name would fail the second
    // teardown of a stack; a suffix drawn once per feature store keeps each teardown's name unique.
    const finalSnapshotIdentifier =
      (args.finalSnapshot ?? true)
        ? pulumi.interpolate`${name}-final-${new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, { parent: this }).hex}`
        : undefined;

    this.replicationGroup = new aws.elasticache.ReplicationGroup(
      name,
      {
        description: `Seawall feature store ${name}`,
        engine: "valkey",
        engineVersion: version,
        nodeType: args.nodeType ?? DEFAULTS.nodeType,
        port,
        ...(clusterMode
          ? { clusterMode: "enabled", numNodeGroups: shards, replicasPerNodeGroup: replicas }
          : { clusterMode: "disabled", numCacheClusters: 1 + replicas }),
        automaticFailoverEnabled: failover,
        multiAzEnabled: multiAz,
        subnetGroupName: subnetGroup.name,
        securityGroupIds: args.securityGroupIds,
        parameterGroupName: parameterGroup.name,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authToken: this.authToken,
        autoMinorVersionUpgrade: true,
        snapshotRetentionLimit: retention,
        ...(retention > 0 ? { snapshotWindow: args.snapshotWindow ?? DEFAULTS.snapshotWindow } : {}),
        ...(finalSnapshotIdentifier ? { finalSnapshotIdentifier } : {}),
        maintenanceWindow: args.maintenanceWindow ?? DEFAULTS.maintenanceWindow,
        logDeliveryConfigurations: logs,
        tags,
      },
      { parent: this, protect },
    );
    this.replicationGroupId = this.replicationGroup.id;

    const host = clusterMode
      ? this.replicationGroup.configurationEndpointAddress
      : this.replicationGroup.primaryEndpointAddress;
    this.connection = pulumi.all([host, this.authToken]).apply(([h, authSecret]) => ({
      host: h,
      port,
      tls: true,
      authSecret,
    }));

    this.registerOutputs({
      connection: this.connection,
      replicationGroupId: this.replicationGroupId,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
