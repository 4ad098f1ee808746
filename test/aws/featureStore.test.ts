import { FeatureStore, FeatureStoreArgs, validateFeatureStoreArgs } from "../../components/aws/featureStore";
import { SeawallValidationError } from "../../components/validation";
import { Secret } from "../../scripts/synth/harness";
import { plan, Plan, policyOf, problemsThrownBy } from "../helpers";

const T = {
  group: "aws:elasticache/replicationGroup:ReplicationGroup",
  subnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
  parameterGroup: "aws:elasticache/parameterGroup:ParameterGroup",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  password: "random:index/randomPassword:RandomPassword",
  snapshotSuffix: "random:index/randomId:RandomId",
};

const base: FeatureStoreArgs = {
  subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  securityGroupIds: ["sg-redis"],
};

async function store(args: Partial<FeatureStoreArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new FeatureStore("features", { ...base, ...args });
    return { connection: s.connection, keyArn: s.kmsKeyArn };
  });
}

function problemsOf(args: Partial<FeatureStoreArgs>): { field: string; value: unknown }[] {
  try {
    validateFeatureStoreArgs({ ...base, ...args });
  } catch (e) {
    expect(e).toBeInstanceOf(SeawallValidationError);
    return (e as SeawallValidationError).problems.map(({ field, value }) => ({ field, value }));
  }
  return [];
}

describe("FeatureStore defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store({ tags: { team: "data" } });
  });
  const tags = { team: "data", "seawall:component": "FeatureStore" };

  it("creates the replication group with its key, logs, subnet group, parameters and auth token", () => {
    expect(p.counts()).toEqual({
      "seawall:aws:FeatureStore": 1,
      [T.key]: 1,
      [T.logGroup]: 2,
      [T.subnetGroup]: 1,
      [T.parameterGroup]: 1,
      [T.password]: 1,
      [T.snapshotSuffix]: 1,
      [T.group]: 1,
    });
    // The final snapshot's name carries a suffix drawn once, so a second teardown cannot collide.
    expect(p.one(T.snapshotSuffix, "features-final-snapshot").inputs).toEqual({ byteLength: 4 });
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = p.one("seawall:aws:FeatureStore", "features");
    for (const r of p.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("features")).toBe(true);
    }
  });

  it("creates an encrypted, authenticated, Multi-AZ Valkey group with a replica and automatic failover", () => {
    const group = p.one(T.group, "features");
    const { authToken, ...inputs } = group.inputs;
    expect(inputs).toEqual({
      description: "Seawall feature store features",
      engine: "valkey",
      engineVersion: "8.2",
      nodeType: "cache.m7g.large",
      port: 6379,
      clusterMode: "disabled",
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      subnetGroupName: expect.stringMatching(/^features-/),
      securityGroupIds: ["sg-redis"],
      parameterGroupName: expect.stringMatching(/^features-valkey8-/),
      atRestEncryptionEnabled: true,
      kmsKeyId: p.output("keyArn"),
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: 7,
      snapshotWindow: "03:00-04:00",
      finalSnapshotIdentifier: expect.stringMatching(/^features-final-[0-9a-f]{8}$/),
      maintenanceWindow: "sun:05:00-sun:06:00",
      logDeliveryConfigurations: [
        {
          destination: expect.stringMatching(/^features-slow-log-/),
          destinationType: "cloudwatch-logs",
          logFormat: "json",
          logType: "slow-log",
        },
        {
          destination: expect.stringMatching(/^features-engine-log-/),
          destinationType: "cloudwatch-logs",
          logFormat: "json",
          logType: "engine-log",
        },
      ],
      tags,
    });
    expect(authToken).toBeInstanceOf(Secret);
    expect((authToken as Secret).value).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(group.protect).toBe(true);
    expect(group.propertyDependencies.parameterGroupName).toEqual([
      p.one(T.parameterGroup, "features-valkey8").urn,
    ]);
    expect(group.propertyDependencies.subnetGroupName).toEqual([p.one(T.subnetGroup, "features").urn]);
  });

  it("generates a 64-character auth token of letters and digits", () => {
    expect(p.one(T.password, "features-auth-token").inputs).toEqual({ length: 64, special: false });
  });

  it("sets an explicit eviction policy in a valkey8 parameter group", () => {
    expect(p.one(T.parameterGroup, "features-valkey8").inputs).toEqual({
      family: "valkey8",
      description: "Seawall feature store features: valkey8 parameters",
      parameters: [
        { name: "cluster-enabled", value: "no" },
        { name: "maxmemory-policy", value: "volatile-lru" },
      ],
      tags,
    });
  });

  it("places the nodes in the private subnets", () => {
    expect(p.one(T.subnetGroup, "features").inputs).toEqual({
      description: "Seawall feature store features: private subnets",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      tags,
    });
  });

  it("keeps slow and engine logs 30 days, encrypted with a key CloudWatch Logs may use", () => {
    const key = p.one(T.key, "features-key");
    expect(policyOf(key).Statement[1].Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
    for (const logType of ["slow-log", "engine-log"]) {
      const group = p.one(T.logGroup, `features-${logType}`);
      expect(group.inputs).toEqual({ kmsKeyId: p.output("keyArn"), retentionInDays: 30, tags });
      expect(group.protect).toBe(true);
    }
  });

  it("returns the primary endpoint, TLS and the auth token as a secret", async () => {
    expect(p.result.outputs.connection.secret).toBe(true);
    const connection = p.output("connection") as Record<string, unknown>;
    expect(connection).toEqual({
      host: expect.stringMatching(/^master\.features-[0-9a-f]+\.[0-9a-f]+\.use1\.cache\.amazonaws\.com$/),
      port: 6379,
      tls: true,
      authSecret: (p.one(T.group, "features").inputs.authToken as Secret).value as string,
    });
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("FeatureStore options", () => {
  it("runs a single node without failover, Multi-AZ or snapshots in dev", async () => {
    const p = await store({
      nodeType: "cache.t4g.small",
      replicasPerShard: 0,
      snapshotRetentionDays: 0,
      finalSnapshot: false,
      protect: false,
    });
    const group = p.one(T.group, "features");
    expect(group.inputs).toMatchObject({
      nodeType: "cache.t4g.small",
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      snapshotRetentionLimit: 0,
    });
    expect(group.inputs.snapshotWindow).toBeUndefined();
    expect(group.inputs.finalSnapshotIdentifier).toBeUndefined();
    expect(p.ofType(T.snapshotSuffix)).toEqual([]);
    expect(group.protect).toBe(false);
  });

  it("turns cluster mode on for several shards and connects through the configuration endpoint", async () => {
    const p = await store({ shards: 3, replicasPerShard: 2 });
    const inputs = p.one(T.group, "features").inputs;
    expect(inputs).toMatchObject({ clusterMode: "enabled", numNodeGroups: 3, replicasPerNodeGroup: 2 });
    expect(inputs.numCacheClusters).toBeUndefined();
    expect(p.one(T.parameterGroup, "features-valkey8").inputs.parameters).toEqual([
      { name: "cluster-enabled", value: "yes" },
      { name: "maxmemory-policy", value: "volatile-lru" },
    ]);
    expect((p.output("connection") as Record<string, string>).host).toMatch(/^clustercfg\.features-/);
  });

  it("gives a new major version a new parameter group", async () => {
    const p = await store({ engineVersion: "7.2" });
    expect(p.one(T.parameterGroup, "features-valkey7").inputs.family).toBe("valkey7");
  });

  it("encrypts with a brought key and creates none", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/mine";
    const p = await store({ kmsKey: { existing: { arn } } });
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.group, "features").inputs.kmsKeyId).toBe(arn);
  });
});

describe("validateFeatureStoreArgs", () => {
  it("accepts the defaults", () => {
    expect(problemsOf({})).toEqual([]);
  });

  it("fails if failover is asked for without a replica", () => {
    expect(problemsOf({ replicasPerShard: 0, automaticFailover: true })).toEqual([
      { field: "automaticFailover", value: true },
    ]);
  });

  it("fails if Multi-AZ is asked for without a replica or without failover", () => {
    expect(problemsOf({ replicasPerShard: 0, multiAz: true })).toEqual([{ field: "multiAz", value: true }]);
    expect(problemsOf({ automaticFailover: false, multiAz: true })).toEqual([
      { field: "multiAz", value: true },
    ]);
  });

  it("fails if cluster mode is asked for without failover", () => {
    expect(problemsOf({ shards: 2, automaticFailover: false })).toEqual([
      { field: "automaticFailover", value: false },
    ]);
  });

  it("accepts shards without replicas, turning failover on as cluster mode requires", async () => {
    expect(problemsOf({ shards: 3, replicasPerShard: 0 })).toEqual([]);
    expect(problemsOf({ shards: 3, replicasPerShard: 0, automaticFailover: true })).toEqual([]);
    const p = await store({ shards: 3, replicasPerShard: 0 });
    expect(p.one(T.group, "features").inputs).toMatchObject({
      clusterMode: "enabled",
      numNodeGroups: 3,
      replicasPerNodeGroup: 0,
      automaticFailoverEnabled: true,
      multiAzEnabled: false,
    });
  });

  it("fails if snapshot retention is out of range", () => {
    expect(problemsOf({ snapshotRetentionDays: 36 })).toEqual([
      { field: "snapshotRetentionDays", value: 36 },
    ]);
  });

  it("fails on short, malformed or overlapping windows", () => {
    expect(problemsOf({ snapshotWindow: "03:00-03:30" })).toEqual([
      { field: "snapshotWindow", value: "03:00-03:30" },
    ]);
    expect(problemsOf({ maintenanceWindow: "sunday 5am" })).toEqual([
      { field: "maintenanceWindow", value: "sunday 5am" },
    ]);
    expect(() => validateFeatureStoreArgs({ ...base, snapshotWindow: "05:00-06:00" })).toThrow(
      'snapshotWindow = "05:00-06:00": overlaps the maintenance window (sun:05:00-sun:06:00); ElastiCache needs them apart',
    );
  });

  it("fails on an old or malformed engine version, a bad node type, eviction policy, port and log retention", () => {
    expect(
      problemsOf({
        engineVersion: "6.2",
        nodeType: "r7g.large",
        maxmemoryPolicy: "lru" as never,
        port: 80,
        logRetentionInDays: 10,
        kmsKey: { skip: true } as never,
      }).map((x) => x.field),
    ).toEqual(["engineVersion", "nodeType", "maxmemoryPolicy", "port", "logRetentionInDays", "kmsKey"]);
  });

  it("is what the component runs before registering anything", async () => {
    await expect(store({ replicasPerShard: 0, automaticFailover: true })).rejects.toThrow(
      "seawall:aws:FeatureStore: invalid arguments: 1 problem:\n  - automaticFailover = true: needs a replica to promote",
    );
  });
});

describe("FeatureStore option shapes", () => {
  it("lists a key option without existing or args as a problem, not a silently created key", async () => {
    const args = { ...base, kmsKey: { arn: "arn:aws:kms:us-east-1:111122223333:key/k" } } as never;
    expect(problemsThrownBy(() => validateFeatureStoreArgs(args))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: "{ arn }" },
    ]);
    await expect(plan(() => new FeatureStore("c", args))).rejects.toBeInstanceOf(SeawallValidationError);
  });
});
