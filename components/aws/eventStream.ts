import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KafkaConnection, KafkaTopic } from "../contracts";
import { Problems } from "../validation";
import {
  clientPolicy,
  defaultMinInsyncReplicas,
  defaultReplicationFactor,
  DEFAULT_KAFKA_VERSION,
  KAFKA_VERSION,
  OWNED_PROPERTIES,
  renderServerProperties,
  TOPIC_NAME,
  topicConfigs,
  versionSlug,
} from "./eventStreamConfig";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import { logsKeyOption } from "./logsKey";
import { checkLogRetention } from "./logs";

/** MSK enhanced monitoring levels. See https://docs.aws.amazon.com/msk/latest/developerguide/monitoring.html */
export type EnhancedMonitoring =
  | "DEFAULT"
  | "PER_BROKER"
  | "PER_TOPIC_PER_BROKER"
  | "PER_TOPIC_PER_PARTITION";

/** SASL/SCRAM credentials the component generates and keeps in Secrets Manager. */
export interface ScramArgs {
  /** The SASL user name. @default "seawall" */
  username?: string;
  /**
   * Days Secrets Manager keeps a deleted credentials secret recoverable (7 to 30).
   * @default 30
   */
  recoveryWindowInDays?: number;
}

export interface EventStreamArgs {
  /**
   * Private subnets for the brokers, one per availability zone: two or three (MSK's limit).
   * See https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html
   */
  subnetIds: pulumi.Input<string>[];
  /** Security groups of the brokers (the Network's Kafka group). */
  securityGroupIds: pulumi.Input<string>[];
  /**
   * The MSK Kafka version. See https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html
   * @default "4.1.x.kraft" (KRaft mode, which MSK fixes at creation)
   */
  kafkaVersion?: string;
  /**
   * Number of brokers; a multiple of the number of subnets, so each zone has the same count.
   * @default - one per subnet
   */
  brokerCount?: number;
  /** Standard broker size. @default "kafka.m7g.large" */
  instanceType?: string;
  /** Initial EBS volume per broker, GiB (1 to 16384). @default 100 */
  volumeSizeGiB?: number;
  /**
   * Ceiling for storage autoscaling, GiB; equal to `volumeSizeGiB` for no autoscaling.
   * Autoscaling owns the volume size once it grows it, so later changes to `volumeSizeGiB` are ignored.
   * @default 1000
   */
  maxVolumeSizeGiB?: number;
  /** Disk use, percent, that storage autoscaling keeps the brokers under (10 to 80). @default 60 */
  storageTargetUtilizationPercent?: number;
  /**
   * How clients authenticate: IAM (SASL/AWS_MSK_IAM on 9098) or SASL/SCRAM-SHA-512 (9096) with
   * credentials the component keeps in Secrets Manager. Unauthenticated access is always off.
   * @default "iam"
   */
  clientAuthentication?: "iam" | "scram";
  /** SCRAM settings; only with `clientAuthentication: "scram"`. @default - see {@link ScramArgs} */
  scram?: ScramArgs;
  /** `default.replication.factor` (1 to the broker count). @default - three, or the broker count if fewer */
  defaultReplicationFactor?: number;
  /** `min.insync.replicas`, below the replication factor. @default - the replication factor less one (at least 1) */
  minInsyncReplicas?: number;
  /**
   * Further `server.properties` entries. The component owns topic auto-creation, unclean leader
   * election, the replication factor and `min.insync.replicas`; set the last two above.
   * See https://docs.aws.amazon.com/msk/latest/developerguide/msk-configuration-properties.html
   * @default {}
   */
  serverProperties?: Record<string, string | number | boolean>;
  /** CloudWatch metrics level. @default "PER_BROKER" */
  enhancedMonitoring?: EnhancedMonitoring;
  /** Prometheus JMX and node exporters on the brokers (ports 11001-11002). @default false */
  openMonitoring?: boolean;
  /** Days CloudWatch keeps broker logs; a period CloudWatch accepts. @default 90 */
  logRetentionInDays?: number;
  /** Topics to create. @default [] */
  topics?: KafkaTopic[];
  /**
   * The customer-managed key for data at rest, broker logs and SCRAM credentials. A key brought with
   * `existing` must let CloudWatch Logs use it.
   * @default - a key is created, rotation on, with a policy that lets CloudWatch Logs use it
   */
  kmsKey?: KmsKeyOption;
  /** Days a scheduled deletion of a key this component creates waits (7 to 30). @default 30 */
  keyDeletionWindowInDays?: number;
  /** Protect the cluster, its key and its logs from deletion (`protect`). @default true */
  protect?: boolean;
  /** Tags for every resource. @default {} */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  instanceType: "kafka.m7g.large",
  volumeSizeGiB: 100,
  maxVolumeSizeGiB: 1000,
  storageTargetUtilizationPercent: 60,
  enhancedMonitoring: "PER_BROKER" as EnhancedMonitoring,
  logRetentionInDays: 90,
};

const ENHANCED = ["DEFAULT", "PER_BROKER", "PER_TOPIC_PER_BROKER", "PER_TOPIC_PER_PARTITION"];

const isWholeNumber = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/**
 * Checks an {@link EventStreamArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider.
 */
export function validateEventStreamArgs(args: EventStreamArgs): void {
  const p = new Problems();
  const subnets = Array.isArray(args.subnetIds) ? args.subnetIds.length : undefined;
  if (subnets === undefined || subnets < 2 || subnets > 3) {
    p.add(
      "SEAWALL_EVENTSTREAM_SUBNETS",
      "subnetIds",
      args.subnetIds,
      "give two or three private subnets in different availability zones",
    );
  }
  if (!Array.isArray(args.securityGroupIds) || args.securityGroupIds.length === 0) {
    p.add(
      "SEAWALL_EVENTSTREAM_SECURITY_GROUPS",
      "securityGroupIds",
      args.securityGroupIds,
      "give the brokers' security group (the Network's kafkaSecurityGroupId)",
    );
  }
  if (args.kafkaVersion !== undefined && !KAFKA_VERSION.test(args.kafkaVersion)) {
    p.add(
      "SEAWALL_EVENTSTREAM_KAFKA_VERSION",
      "kafkaVersion",
      args.kafkaVersion,
      'must be an MSK Kafka version such as "4.1.x.kraft" or "3.9.x"',
    );
  }
  p.wholeNumber("SEAWALL_EVENTSTREAM_BROKER_COUNT", "brokerCount", args.brokerCount, 1, 30);
  // A bad broker count is reported above; the checks that depend on it use the default instead.
  const brokers =
    isWholeNumber(args.brokerCount) && args.brokerCount >= 1 && args.brokerCount <= 30
      ? args.brokerCount
      : (subnets ?? 1);
  if (subnets && isWholeNumber(args.brokerCount) && args.brokerCount % subnets !== 0) {
    const lower = Math.max(subnets, Math.floor(args.brokerCount / subnets) * subnets);
    p.add(
      "SEAWALL_EVENTSTREAM_BROKERS_PER_ZONE",
      "brokerCount",
      args.brokerCount,
      `must be a multiple of the number of subnets (${subnets}) so every zone has as many brokers; use ${lower} or ${lower + subnets}`,
    );
  }
  if (args.instanceType !== undefined && !/^kafka\.[a-z0-9]+\.[a-z0-9]+$/.test(args.instanceType)) {
    p.add(
      "SEAWALL_EVENTSTREAM_INSTANCE_TYPE",
      "instanceType",
      args.instanceType,
      'must be a Standard broker size such as "kafka.m7g.large"',
    );
  }
  p.wholeNumber("SEAWALL_EVENTSTREAM_VOLUME_RANGE", "volumeSizeGiB", args.volumeSizeGiB, 1, 16384);
  p.wholeNumber("SEAWALL_EVENTSTREAM_VOLUME_RANGE", "maxVolumeSizeGiB", args.maxVolumeSizeGiB, 1, 16384);
  const volume = args.volumeSizeGiB ?? DEFAULTS.volumeSizeGiB;
  const max = args.maxVolumeSizeGiB ?? DEFAULTS.maxVolumeSizeGiB;
  if (isWholeNumber(volume) && isWholeNumber(max) && max < volume) {
    p.add(
      "SEAWALL_EVENTSTREAM_VOLUME_ORDER",
      "maxVolumeSizeGiB",
      max,
      `must be at least volumeSizeGiB (${volume}); set it equal to volumeSizeGiB for no storage autoscaling`,
    );
  }
  p.wholeNumber(
    "SEAWALL_EVENTSTREAM_STORAGE_TARGET",
    "storageTargetUtilizationPercent",
    args.storageTargetUtilizationPercent,
    10,
    80,
  );
  const auth = args.clientAuthentication ?? "iam";
  if (auth !== "iam" && auth !== "scram") {
    p.add(
      "SEAWALL_EVENTSTREAM_CLIENT_AUTH",
      "clientAuthentication",
      auth,
      'must be "iam" or "scram" (unauthenticated access is not offered)',
    );
  }
  if (args.scram !== undefined && auth !== "scram") {
    p.add(
      "SEAWALL_EVENTSTREAM_SCRAM_UNUSED",
      "scram",
      args.scram,
      'applies only with clientAuthentication: "scram"; drop it or switch to SCRAM',
    );
  }
  if (args.scram) {
    p.wholeNumber(
      "SEAWALL_EVENTSTREAM_SCRAM_RECOVERY_WINDOW",
      "scram.recoveryWindowInDays",
      args.scram.recoveryWindowInDays,
      7,
      30,
    );
    if (args.scram.username !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(args.scram.username)) {
      p.add(
        "SEAWALL_EVENTSTREAM_SCRAM_USERNAME",
        "scram.username",
        args.scram.username,
        "must be 1-64 letters, digits, dots, underscores or hyphens",
      );
    }
  }
  checkKmsKeyOption(
    p,
    "kmsKey",
    args.kmsKey,
    auth === "scram"
      ? "MSK encrypts data at rest with it, and accepts SCRAM secrets only when a customer-managed key encrypts them"
      : "MSK encrypts data at rest with it",
  );
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );

  p.wholeNumber(
    "SEAWALL_EVENTSTREAM_REPLICATION_FACTOR",
    "defaultReplicationFactor",
    args.defaultReplicationFactor,
    1,
    brokers,
    `there are ${brokers} brokers`,
  );
  const rf = args.defaultReplicationFactor ?? defaultReplicationFactor(brokers);
  p.wholeNumber(
    "SEAWALL_EVENTSTREAM_MIN_INSYNC",
    "minInsyncReplicas",
    args.minInsyncReplicas,
    1,
    Math.max(1, rf),
  );
  if (isWholeNumber(rf) && rf > 1 && args.minInsyncReplicas === rf) {
    p.add(
      "SEAWALL_EVENTSTREAM_MIN_INSYNC_EQUALS_RF",
      "minInsyncReplicas",
      args.minInsyncReplicas,
      `must be below the replication factor (${rf}) or writes stop whenever one broker is down; use ${rf - 1}`,
    );
  }
  for (const key of Object.keys(args.serverProperties ?? {})) {
    if ((OWNED_PROPERTIES as readonly string[]).includes(key)) {
      p.add(
        "SEAWALL_EVENTSTREAM_SERVER_PROPERTY",
        `serverProperties.${key}`,
        args.serverProperties![key],
        key.includes("replica")
          ? "set by the component; use defaultReplicationFactor / minInsyncReplicas"
          : "set to false by the component and not negotiable: it prevents accidental topics and data loss",
      );
    }
  }
  if (args.enhancedMonitoring !== undefined && !ENHANCED.includes(args.enhancedMonitoring)) {
    p.add(
      "SEAWALL_EVENTSTREAM_ENHANCED_MONITORING",
      "enhancedMonitoring",
      args.enhancedMonitoring,
      `must be one of ${ENHANCED.join(", ")}`,
    );
  }
  checkLogRetention(p, "logRetentionInDays", args.logRetentionInDays);

  const seen = new Set<string>();
  (args.topics ?? []).forEach((t, i) => {
    const f = `topics[${i}]`;
    if (typeof t.name !== "string" || !TOPIC_NAME.test(t.name) || t.name === "." || t.name === "..") {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_NAME",
        `${f}.name`,
        t.name,
        "must be 1-249 letters, digits, dots, underscores or hyphens",
      );
    } else if (seen.has(t.name)) {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE",
        `${f}.name`,
        t.name,
        "is declared twice; declare each topic once",
      );
    }
    seen.add(t.name);
    p.wholeNumber("SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS", `${f}.partitions`, t.partitions, 1, 10000);
    if (t.partitions === undefined)
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS",
        `${f}.partitions`,
        t.partitions,
        "set the number of partitions (1 or more)",
      );
    p.wholeNumber(
      "SEAWALL_EVENTSTREAM_TOPIC_REPLICATION",
      `${f}.replicationFactor`,
      t.replicationFactor,
      1,
      brokers,
      `there are ${brokers} brokers`,
    );
    p.wholeNumber("SEAWALL_EVENTSTREAM_TOPIC_RETENTION", `${f}.retentionHours`, t.retentionHours, 1, 876_000);
  });
  p.throwIfAny("seawall:aws:EventStream: invalid arguments");
}

/**
 * A Kafka event stream on Amazon MSK (provisioned, Standard brokers): encrypted at rest with a
 * customer-managed key and in transit with TLS (client to broker and between brokers), IAM or
 * SASL/SCRAM client authentication with unauthenticated access off, a broker configuration that
 * forbids topic auto-creation and unclean leader election, broker logs in an encrypted log group,
 * storage autoscaling, and the declared topics.
 */
export class EventStream extends pulumi.ComponentResource {
  /** How clients connect: the cloud-neutral contract. */
  readonly connection: pulumi.Output<KafkaConnection>;
  readonly cluster: aws.msk.Cluster;
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly brokerLogGroupName: pulumi.Output<string>;
  /** ARN of the Secrets Manager secret with the SCRAM credentials, when SCRAM is on. */
  readonly credentialsSecretArn?: pulumi.Output<string>;
  /** An IAM policy to attach to the workers' roles: what clients need to use the cluster, and no more. */
  readonly clientPolicyArn: pulumi.Output<string>;

  constructor(name: string, args: EventStreamArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:EventStream", name, {}, opts);
    validateEventStreamArgs(args);

    const tags = { ...args.tags, "seawall:component": "EventStream" };
    const protect = args.protect ?? true;
    const version = args.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
    const brokers = args.brokerCount ?? args.subnetIds.length;
    const rf = args.defaultReplicationFactor ?? defaultReplicationFactor(brokers);
    const auth = args.clientAuthentication ?? "iam";
    const volume = args.volumeSizeGiB ?? DEFAULTS.volumeSizeGiB;
    const maxVolume = args.maxVolumeSizeGiB ?? DEFAULTS.maxVolumeSizeGiB;
    const openMonitoring = args.openMonitoring ?? false;

    const key = resolveKmsKey(
      `${name}-key`,
      logsKeyOption(args.kmsKey, this),
      {
        description: `Seawall event stream ${name}: MSK data at rest, broker logs and SCRAM secrets`,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        tags,
      },
      { parent: this, protect },
    );
    this.kmsKeyArn = key.arn;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-broker-logs`,
      {
        kmsKeyId: key.arn,
        retentionInDays: args.logRetentionInDays ?? DEFAULTS.logRetentionInDays,
        tags,
      },
      { parent: this, protect },
    );
    this.brokerLogGroupName = logGroup.name;

    const configuration = new aws.msk.Configuration(
      `${name}-config-${versionSlug(version)}`,
      {
        description: `Seawall event stream ${name}: broker configuration for Kafka ${version}`,
        kafkaVersions: [version],
        serverProperties: renderServerProperties({
          defaultReplicationFactor: rf,
          minInsyncReplicas: args.minInsyncReplicas ?? defaultMinInsyncReplicas(rf),
          extra: args.serverProperties,
        }),
      },
      { parent: this, replaceOnChanges: ["kafkaVersions"] },
    );

    this.cluster = new aws.msk.Cluster(
      name,
      {
        kafkaVersion: version,
        numberOfBrokerNodes: brokers,
        brokerNodeGroupInfo: {
          instanceType: args.instanceType ?? DEFAULTS.instanceType,
          clientSubnets: args.subnetIds,
          securityGroups: args.securityGroupIds,
          storageInfo: { ebsStorageInfo: { volumeSize: volume } },
          connectivityInfo: { publicAccess: { type: "DISABLED" } },
        },
        clientAuthentication: {
          sasl: { iam: auth === "iam", scram: auth === "scram" },
          unauthenticated: false,
        },
        encryptionInfo: {
          encryptionAtRestKmsKeyArn: key.arn,
          encryptionInTransit: { clientBroker: "TLS", inCluster: true },
        },
        configurationInfo: { arn: configuration.arn, revision: configuration.latestRevision },
        enhancedMonitoring: args.enhancedMonitoring ?? DEFAULTS.enhancedMonitoring,
        openMonitoring: {
          prometheus: {
            jmxExporter: { enabledInBroker: openMonitoring },
            nodeExporter: { enabledInBroker: openMonitoring },
          },
        },
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: logGroup.name } } },
        tags,
      },
      {
        parent: this,
        protect,
        // Storage autoscaling grows the volumes; a later deployment must not shrink them back.
        ignoreChanges: ["brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"],
      },
    );
    this.clusterArn = this.cluster.arn;
    this.clusterName = this.cluster.clusterName;

    if (maxVolume > volume) {
      const target = new aws.appautoscaling.Target(
        `${name}-storage`,
        {
          serviceNamespace: "kafka",
          scalableDimension: "kafka:broker-storage:VolumeSize",
          resourceId: this.cluster.arn,
          minCapacity: 1,
          maxCapacity: maxVolume,
          tags,
        },
        { parent: this },
      );
      new aws.appautoscaling.Policy(
        `${name}-storage`,
        {
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            predefinedMetricSpecification: { predefinedMetricType: "KafkaBrokerStorageUtilization" },
            targetValue: args.storageTargetUtilizationPercent ?? DEFAULTS.storageTargetUtilizationPercent,
            // MSK volumes cannot shrink.
            disableScaleIn: true,
          },
        },
        { parent: this },
      );
    }

    if (auth === "scram") {
      this.credentialsSecretArn = this.scramCredentials(name, args.scram ?? {}, key.arn, tags);
    }

    (args.topics ?? []).forEach((topic) => {
      const configs = topicConfigs(topic);
      new aws.msk.Topic(
        `${name}-topic-${topic.name}`,
        {
          clusterArn: this.cluster.arn,
          name: topic.name,
          partitionCount: topic.partitions,
          replicationFactor: topic.replicationFactor ?? rf,
          ...(Object.keys(configs).length > 0 ? { configs: JSON.stringify(configs) } : {}),
        },
        { parent: this, protect },
      );
    });

    const clients = new aws.iam.Policy(
      `${name}-clients`,
      {
        description: `What clients of Seawall event stream ${name} need: connect, read and write topics, join groups`,
        policy: pulumi
          .all([this.cluster.arn, this.credentialsSecretArn, key.arn])
          .apply(([clusterArn, secretArn, keyArn]) =>
            JSON.stringify(
              clientPolicy({ clusterArn, ...(secretArn ? { scram: { secretArn, keyArn } } : {}) }),
            ),
          ),
        tags,
      },
      { parent: this },
    );
    this.clientPolicyArn = clients.arn;

    const bootstrap =
      auth === "iam" ? this.cluster.bootstrapBrokersSaslIam : this.cluster.bootstrapBrokersSaslScram;
    this.connection = pulumi.all([bootstrap, this.credentialsSecretArn]).apply(([servers, secretArn]) => ({
      bootstrapServers: servers,
      securityProtocol: "SASL_SSL" as const,
      saslMechanism: auth === "iam" ? ("AWS_MSK_IAM" as const) : ("SCRAM-SHA-512" as const),
      ...(secretArn ? { credentialsSecret: secretArn } : {}),
    }));

    this.registerOutputs({
      connection: this.connection,
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      kmsKeyArn: this.kmsKeyArn,
      brokerLogGroupName: this.brokerLogGroupName,
      credentialsSecretArn: this.credentialsSecretArn,
      clientPolicyArn: this.clientPolicyArn,
    });
  }

  /** Generates SCRAM credentials into a CMK-encrypted `AmazonMSK_` secret and associates it. */
  private scramCredentials(
    name: string,
    scram: ScramArgs,
    keyArn: pulumi.Output<string>,
    tags: Record<string, string>,
  ): pulumi.Output<string> {
    const password = new random.RandomPassword(
      `${name}-scram-password`,
      { length: 32, special: false },
      { parent: this },
    );
    const secret = new aws.secretsmanager.Secret(
      `${name}-scram`,
      {
        // MSK only associates secrets whose names start with AmazonMSK_.
        namePrefix: `AmazonMSK_${name}-`,
        description: `SASL/SCRAM credentials of Seawall event stream ${name}`,
        kmsKeyId: keyArn,
        recoveryWindowInDays: scram.recoveryWindowInDays ?? 30,
        tags,
      },
      { parent: this },
    );
    const version = new aws.secretsmanager.SecretVersion(
      `${name}-scram`,
      {
        secretId: secret.id,
        secretString: pulumi
          .secret(password.result)
          .apply((p) => JSON.stringify({ username: scram.username ?? "seawall", password: p })),
      },
      { parent: this },
    );
    new aws.msk.ScramSecretAssociation(
      `${name}-scram`,
      { clusterArn: this.cluster.arn, secretArnLists: [secret.arn] },
      { parent: this, dependsOn: [version] },
    );
    return secret.arn;
  }
}
