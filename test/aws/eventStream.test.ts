import fc from "fast-check";
import { EventStream, EventStreamArgs, validateEventStreamArgs } from "../../components/aws/eventStream";
import { SeawallValidationError } from "../../components/validation";
import { Secret } from "../../scripts/synth/harness";
import { plan, Plan, policyOf, problemsThrownBy } from "../helpers";

const T = {
  cluster: "aws:msk/cluster:Cluster",
  configuration: "aws:msk/configuration:Configuration",
  topic: "aws:msk/topic:Topic",
  association: "aws:msk/scramSecretAssociation:ScramSecretAssociation",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  target: "aws:appautoscaling/target:Target",
  policy: "aws:appautoscaling/policy:Policy",
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  password: "random:index/randomPassword:RandomPassword",
  iamPolicy: "aws:iam/policy:Policy",
};

const base: EventStreamArgs = {
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  securityGroupIds: ["sg-kafka"],
};

async function stream(args: Partial<EventStreamArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new EventStream("events", { ...base, ...args });
    return { connection: s.connection, keyArn: s.kmsKeyArn, clusterArn: s.clusterArn };
  });
}

function problemsOf(args: Partial<EventStreamArgs>): { field: string; value: unknown }[] {
  try {
    validateEventStreamArgs({ ...base, ...args });
  } catch (e) {
    expect(e).toBeInstanceOf(SeawallValidationError);
    return (e as SeawallValidationError).problems.map(({ field, value }) => ({ field, value }));
  }
  return [];
}

describe("EventStream defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await stream({ tags: { team: "data" } });
  });
  const tags = { team: "data", "seawall:component": "EventStream" };

  it("creates the cluster, its configuration, key, log group and storage autoscaling, and no SCRAM secret", () => {
    expect(p.counts()).toEqual({
      "seawall:aws:EventStream": 1,
      [T.key]: 1,
      [T.logGroup]: 1,
      [T.configuration]: 1,
      [T.cluster]: 1,
      [T.target]: 1,
      [T.policy]: 1,
      [T.iamPolicy]: 1,
    });
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = p.one("seawall:aws:EventStream", "events");
    for (const r of p.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("events")).toBe(true);
    }
  });

  it("creates a private, encrypted, IAM-authenticated cluster with one broker per subnet", () => {
    const cluster = p.one(T.cluster, "events");
    const configuration = p.one(T.configuration, "events-config-4-1-x-kraft");
    expect(cluster.inputs).toEqual({
      kafkaVersion: "4.1.x.kraft",
      numberOfBrokerNodes: 3,
      brokerNodeGroupInfo: {
        instanceType: "kafka.m7g.large",
        clientSubnets: ["subnet-a", "subnet-b", "subnet-c"],
        securityGroups: ["sg-kafka"],
        storageInfo: { ebsStorageInfo: { volumeSize: 100 } },
        connectivityInfo: { publicAccess: { type: "DISABLED" } },
      },
      clientAuthentication: { sasl: { iam: true, scram: false }, unauthenticated: false },
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: p.output("keyArn"),
        encryptionInTransit: { clientBroker: "TLS", inCluster: true },
      },
      configurationInfo: {
        arn: expect.stringMatching(/^arn:aws:kafka:us-east-1:123456789012:configuration\//),
        revision: 1,
      },
      enhancedMonitoring: "PER_BROKER",
      openMonitoring: {
        prometheus: { jmxExporter: { enabledInBroker: false }, nodeExporter: { enabledInBroker: false } },
      },
      loggingInfo: {
        brokerLogs: {
          cloudwatchLogs: { enabled: true, logGroup: expect.stringMatching(/^events-broker-logs-/) },
        },
      },
      tags,
    });
    expect(cluster.propertyDependencies.configurationInfo).toEqual([configuration.urn]);
    expect(cluster.propertyDependencies.encryptionInfo).toEqual([p.one(T.key, "events-key").urn]);
    expect(cluster.propertyDependencies.loggingInfo).toEqual([p.one(T.logGroup, "events-broker-logs").urn]);
  });

  it("protects the cluster, key and logs, and leaves the autoscaled volume size alone on update", () => {
    const cluster = p.one(T.cluster, "events");
    expect(cluster.protect).toBe(true);
    expect(cluster.ignoreChanges).toEqual(["brokerNodeGroupInfo.storageInfo.ebsStorageInfo.volumeSize"]);
    expect(p.one(T.key, "events-key").protect).toBe(true);
    expect(p.one(T.logGroup, "events-broker-logs").protect).toBe(true);
  });

  it("configures the brokers for no automatic topics and no unclean leader election", () => {
    const configuration = p.one(T.configuration, "events-config-4-1-x-kraft");
    expect(configuration.inputs).toEqual({
      description: "Seawall event stream events: broker configuration for Kafka 4.1.x.kraft",
      kafkaVersions: ["4.1.x.kraft"],
      serverProperties: [
        "auto.create.topics.enable=false",
        "default.replication.factor=3",
        "min.insync.replicas=2",
        "num.partitions=3",
        "offsets.topic.replication.factor=3",
        "transaction.state.log.min.isr=2",
        "transaction.state.log.replication.factor=3",
        "unclean.leader.election.enable=false",
        "",
      ].join("\n"),
    });
  });

  it("keeps broker logs 90 days in a log group encrypted with a key CloudWatch Logs may use", () => {
    const key = p.one(T.key, "events-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30, tags });
    expect(policyOf(key).Statement.map((s) => s.Sid)).toEqual([
      "AccountAdministersKeyThroughIam",
      "CloudWatchLogsEncryptsThisAccountsLogGroups",
    ]);
    expect(p.one(T.logGroup, "events-broker-logs").inputs).toEqual({
      kmsKeyId: p.output("keyArn"),
      retentionInDays: 90,
      tags,
    });
  });

  it("grows broker storage up to 1000 GiB at 60% use and never shrinks it", () => {
    const target = p.one(T.target, "events-storage");
    expect(target.inputs).toEqual({
      serviceNamespace: "kafka",
      scalableDimension: "kafka:broker-storage:VolumeSize",
      resourceId: p.output("clusterArn"),
      minCapacity: 1,
      maxCapacity: 1000,
      tags,
    });
    expect(p.one(T.policy, "events-storage").inputs).toEqual({
      policyType: "TargetTrackingScaling",
      serviceNamespace: "kafka",
      scalableDimension: "kafka:broker-storage:VolumeSize",
      resourceId: p.output("clusterArn"),
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "KafkaBrokerStorageUtilization" },
        targetValue: 60,
        disableScaleIn: true,
      },
    });
  });

  it("returns the IAM bootstrap servers and mechanism as the Kafka connection", () => {
    const connection = p.output("connection") as Record<string, string>;
    expect(connection).toEqual({
      bootstrapServers: expect.stringMatching(
        /^b-1\.events-[0-9a-f]+\.[0-9a-f]+\.c2\.kafka\.us-east-1\.amazonaws\.com:9098,b-2\./,
      ),
      securityProtocol: "SASL_SSL",
      saslMechanism: "AWS_MSK_IAM",
    });
    expect(connection.bootstrapServers.split(",")).toHaveLength(3);
  });

  it("offers clients an IAM policy to connect, read and write topics and join groups of this cluster only", () => {
    const policy = p.one(T.iamPolicy, "events-clients");
    const cluster = p.output("clusterArn") as string;
    const [prefix, path] = cluster.split(":cluster/");
    expect(policyOf(policy).Statement).toEqual([
      {
        Sid: "ConnectToCluster",
        Effect: "Allow",
        Action: [
          "kafka-cluster:Connect",
          "kafka-cluster:DescribeCluster",
          "kafka-cluster:WriteDataIdempotently",
        ],
        Resource: cluster,
      },
      {
        Sid: "ReadAndWriteTopics",
        Effect: "Allow",
        Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData"],
        Resource: `${prefix}:topic/${path}/*`,
      },
      {
        Sid: "JoinConsumerGroups",
        Effect: "Allow",
        Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
        Resource: `${prefix}:group/${path}/*`,
      },
    ]);
    expect(policy.inputs.tags).toEqual(tags);
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("EventStream with SCRAM", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await stream({ clientAuthentication: "scram", scram: { username: "pipeline" } });
  });

  it("turns SCRAM on and IAM and unauthenticated access off", () => {
    expect(p.one(T.cluster, "events").inputs.clientAuthentication).toEqual({
      sasl: { iam: false, scram: true },
      unauthenticated: false,
    });
  });

  it("keeps generated credentials in an AmazonMSK_ secret encrypted with the customer-managed key", () => {
    const secret = p.one(T.secret, "events-scram");
    expect(secret.inputs).toEqual({
      namePrefix: "AmazonMSK_events-",
      description: "SASL/SCRAM credentials of Seawall event stream events",
      kmsKeyId: p.output("keyArn"),
      recoveryWindowInDays: 30,
      tags: { "seawall:component": "EventStream" },
    });
    expect(secret.propertyDependencies.kmsKeyId).toEqual([p.one(T.key, "events-key").urn]);
    expect(p.one(T.password, "events-scram-password").inputs).toEqual({ length: 32, special: false });
    const version = p.one(T.secretVersion, "events-scram");
    expect(version.inputs.secretString).toBeInstanceOf(Secret);
    const credentials = JSON.parse((version.inputs.secretString as Secret).value as string);
    expect(credentials).toEqual({
      username: "pipeline",
      password: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
    });
  });

  it("associates the secret with the cluster once the credentials are stored", () => {
    const association = p.one(T.association, "events-scram");
    const secretArn = (p.output("connection") as Record<string, string>).credentialsSecret;
    expect(association.inputs).toEqual({ clusterArn: p.output("clusterArn"), secretArnLists: [secretArn] });
    expect(association.dependsOn).toContain(p.one(T.secretVersion, "events-scram").urn);
  });

  it("lets clients read the credentials secret and decrypt it, and grants no IAM Kafka access", () => {
    const secretArn = (p.output("connection") as Record<string, string>).credentialsSecret;
    expect(policyOf(p.one(T.iamPolicy, "events-clients")).Statement).toEqual([
      {
        Sid: "ReadScramCredentials",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: secretArn,
      },
      {
        Sid: "DecryptScramCredentials",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: p.output("keyArn"),
      },
    ]);
  });

  it("returns the SCRAM bootstrap servers, mechanism and secret as the Kafka connection", () => {
    expect(p.output("connection")).toEqual({
      bootstrapServers: expect.stringMatching(/:9096,.*:9096,.*:9096$/),
      securityProtocol: "SASL_SSL",
      saslMechanism: "SCRAM-SHA-512",
      credentialsSecret: expect.stringMatching(
        /^arn:aws:secretsmanager:us-east-1:123456789012:secret:AmazonMSK_events-[0-9a-f]+-[0-9a-f]{6}$/,
      ),
    });
  });
});

describe("EventStream options", () => {
  it("sizes a prod cluster from its settings, with open monitoring and per-topic metrics", async () => {
    const p = await stream({
      brokerCount: 6,
      instanceType: "kafka.m7g.xlarge",
      volumeSizeGiB: 1000,
      maxVolumeSizeGiB: 8000,
      enhancedMonitoring: "PER_TOPIC_PER_BROKER",
      openMonitoring: true,
      logRetentionInDays: 365,
    });
    const inputs = p.one(T.cluster, "events").inputs as Record<string, Record<string, unknown>>;
    expect(inputs.numberOfBrokerNodes).toBe(6);
    expect(inputs.brokerNodeGroupInfo).toMatchObject({
      instanceType: "kafka.m7g.xlarge",
      storageInfo: { ebsStorageInfo: { volumeSize: 1000 } },
    });
    expect(inputs.enhancedMonitoring).toBe("PER_TOPIC_PER_BROKER");
    expect(inputs.openMonitoring).toEqual({
      prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: true } },
    });
    expect(p.one(T.target, "events-storage").inputs.maxCapacity).toBe(8000);
    expect(p.one(T.logGroup, "events-broker-logs").inputs.retentionInDays).toBe(365);
  });

  it("gives a new Kafka version a new configuration, replaced rather than edited", async () => {
    const p = await stream({ kafkaVersion: "3.9.x" });
    const configuration = p.one(T.configuration, "events-config-3-9-x");
    expect(configuration.inputs.kafkaVersions).toEqual(["3.9.x"]);
    expect(p.one(T.cluster, "events").inputs.kafkaVersion).toBe("3.9.x");
  });

  it("uses two copies and one in sync on a two-zone dev cluster", async () => {
    const p = await stream({ subnetIds: ["subnet-a", "subnet-b"], protect: false });
    const properties = p.one(T.configuration, "events-config-4-1-x-kraft").inputs.serverProperties as string;
    expect(properties).toContain("default.replication.factor=2\n");
    expect(properties).toContain("min.insync.replicas=1\n");
    expect(p.one(T.cluster, "events").protect).toBe(false);
    expect(p.one(T.cluster, "events").inputs.numberOfBrokerNodes).toBe(2);
  });

  it("creates no autoscaling when the ceiling is the initial size", async () => {
    const p = await stream({ volumeSizeGiB: 500, maxVolumeSizeGiB: 500 });
    expect(p.ofType(T.target)).toEqual([]);
    expect(p.ofType(T.policy)).toEqual([]);
  });

  it("creates the declared topics with their partitions, copies, retention and compaction", async () => {
    const p = await stream({
      topics: [
        { name: "events.raw", partitions: 12, retentionHours: 72 },
        { name: "features", partitions: 6, replicationFactor: 2, compaction: true },
      ],
    });
    expect(p.one(T.topic, "events-topic-events.raw").inputs).toEqual({
      clusterArn: p.output("clusterArn"),
      name: "events.raw",
      partitionCount: 12,
      replicationFactor: 3,
      configs: JSON.stringify({ "retention.ms": "259200000" }),
    });
    expect(p.one(T.topic, "events-topic-features").inputs).toEqual({
      clusterArn: p.output("clusterArn"),
      name: "features",
      partitionCount: 6,
      replicationFactor: 2,
      configs: JSON.stringify({ "cleanup.policy": "compact" }),
    });
    expect(p.one(T.topic, "events-topic-features").protect).toBe(true);
  });

  it("encrypts with a brought key and creates none", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/mine";
    const p = await stream({ kmsKey: { existing: { arn } } });
    expect(p.ofType(T.key)).toEqual([]);
    expect(
      (p.one(T.cluster, "events").inputs.encryptionInfo as Record<string, unknown>).encryptionAtRestKmsKeyArn,
    ).toBe(arn);
  });
});

describe("validateEventStreamArgs", () => {
  it("accepts the defaults", () => {
    expect(problemsOf({})).toEqual([]);
  });

  it("fails if the broker count is not a multiple of the subnets", () => {
    expect(problemsOf({ brokerCount: 4 })).toEqual([{ field: "brokerCount", value: 4 }]);
    expect(() => validateEventStreamArgs({ ...base, brokerCount: 4 })).toThrow(
      "brokerCount = 4: must be a multiple of the number of subnets (3) so every zone has as many brokers; use 3 or 6",
    );
  });

  it("accepts a broker count exactly when it is a multiple of the subnets", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 30 }), (subnets, brokerCount) => {
        const subnetIds = Array.from({ length: subnets }, (_, i) => `subnet-${i}`);
        const fields = problemsOf({ subnetIds, brokerCount, defaultReplicationFactor: 1 }).map(
          (x) => x.field,
        );
        expect(fields.includes("brokerCount")).toBe(brokerCount % subnets !== 0);
      }),
    );
  });

  it("reports a bad broker count once, not again through the checks that depend on it", () => {
    expect(problemsOf({ brokerCount: 0, defaultReplicationFactor: 3 })).toEqual([
      { field: "brokerCount", value: 0 },
    ]);
  });

  it("fails with one subnet or four", () => {
    expect(problemsOf({ subnetIds: ["a"] })).toEqual([{ field: "subnetIds", value: ["a"] }]);
    expect(problemsOf({ subnetIds: ["a", "b", "c", "d"] })).toEqual([
      { field: "subnetIds", value: ["a", "b", "c", "d"] },
    ]);
  });

  it("fails if SCRAM has no customer-managed key", () => {
    expect(() =>
      validateEventStreamArgs({ ...base, clientAuthentication: "scram", kmsKey: { skip: true } as never }),
    ).toThrow(
      'kmsKey = "{ skip: true }": a customer-managed key is required (MSK encrypts data at rest with it, and accepts SCRAM secrets only when a customer-managed key encrypts them)',
    );
  });

  it("fails if SCRAM settings come without SCRAM", () => {
    expect(problemsOf({ scram: { username: "x" } })).toEqual([{ field: "scram", value: { username: "x" } }]);
  });

  it("fails if log retention is not a period CloudWatch accepts", () => {
    expect(problemsOf({ logRetentionInDays: 45 })).toEqual([{ field: "logRetentionInDays", value: 45 }]);
  });

  it("fails if the storage ceiling is below the initial size", () => {
    expect(problemsOf({ volumeSizeGiB: 500, maxVolumeSizeGiB: 100 })).toEqual([
      { field: "maxVolumeSizeGiB", value: 100 },
    ]);
  });

  it("fails if min.insync.replicas equals the copies, or the copies exceed the brokers", () => {
    expect(problemsOf({ minInsyncReplicas: 3 })).toEqual([{ field: "minInsyncReplicas", value: 3 }]);
    expect(problemsOf({ defaultReplicationFactor: 4 })).toEqual([
      { field: "defaultReplicationFactor", value: 4 },
    ]);
  });

  it("fails if server properties try to set what the component owns", () => {
    expect(
      problemsOf({
        serverProperties: { "auto.create.topics.enable": true, "unclean.leader.election.enable": true },
      }),
    ).toEqual([
      { field: "serverProperties.auto.create.topics.enable", value: true },
      { field: "serverProperties.unclean.leader.election.enable", value: true },
    ]);
  });

  it("fails on bad, duplicate or over-replicated topics", () => {
    expect(
      problemsOf({
        topics: [
          { name: "ok", partitions: 3 },
          { name: "ok", partitions: 3 },
          { name: "bad name", partitions: 0 },
          { name: "wide", partitions: 1, replicationFactor: 5 },
        ],
      }),
    ).toEqual([
      { field: "topics[1].name", value: "ok" },
      { field: "topics[2].name", value: "bad name" },
      { field: "topics[2].partitions", value: 0 },
      { field: "topics[3].replicationFactor", value: 5 },
    ]);
  });

  it("lists every problem at once", () => {
    expect(
      problemsOf({
        brokerCount: 5,
        kafkaVersion: "latest",
        enhancedMonitoring: "ALL" as never,
        logRetentionInDays: 2,
      }).map((x) => x.field),
    ).toEqual(["kafkaVersion", "brokerCount", "enhancedMonitoring", "logRetentionInDays"]);
  });

  it("is what the component runs before registering anything", async () => {
    await expect(stream({ brokerCount: 4 })).rejects.toThrow(
      "seawall:aws:EventStream: invalid arguments: 1 problem:",
    );
  });
});

describe("EventStream option shapes", () => {
  it("lists a key option without existing or args as a problem, not a silently created key", async () => {
    const args = { ...base, kmsKey: { arn: "arn:aws:kms:us-east-1:111122223333:key/k" } } as never;
    expect(problemsThrownBy(() => validateEventStreamArgs(args))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: "{ arn }" },
    ]);
    await expect(plan(() => new EventStream("c", args))).rejects.toBeInstanceOf(SeawallValidationError);
  });
});
