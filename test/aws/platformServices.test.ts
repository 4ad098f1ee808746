import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  eventStreamArgs,
  featureStoreArgs,
  networkArgs,
  Placement,
  validateServiceArgs,
} from "../../components/aws/platformServices";
import { DataPlatformArgs, validateDataPlatformArgs } from "../../components/platform";
import { resolveProfile } from "../../components/profiles";
import { Secret } from "../../scripts/synth/harness";
import { synthesizeStack } from "../../scripts/synth/stacks";
import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { Plan } from "../helpers";

const prodArgs: DataPlatformArgs = {
  cloud: "aws",
  environment: "prod",
  owner: "data-platform",
  region: "us-east-1",
  replicaRegion: "us-west-2",
};
const devArgs: DataPlatformArgs = { ...prodArgs, environment: "dev", replicaRegion: undefined };
const placement = (n: number): Placement => ({
  subnetIds: Array.from({ length: n }, (_, i) => `subnet-${i}`),
  kafkaSecurityGroupIds: ["sg-kafka"],
  redisSecurityGroupIds: ["sg-redis"],
});
const tags = { t: "1" };

/** Whether the provider's resource takes `tags`, read from its declaration (`aws:msk/cluster:Cluster` → msk/cluster.d.ts). */
function takesTags(type: string): boolean {
  const [, module, resource] = type.split(":");
  const file = path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), `${module}.d.ts`);
  const source = readFileSync(file, "utf8");
  const args = new RegExp(`export interface ${resource}Args \\{([\\s\\S]*?)\\n\\}`).exec(source);
  if (!args) throw new Error(`no ${resource}Args in ${file}`);
  return /\n {4}tags\?:/.test(args[1]);
}

describe("the AWS platform's service arguments", () => {
  it("spans three zones in prod, opens the IAM Kafka port and the Prometheus exporters, and keeps flow logs as long as the profile says", () => {
    expect(networkArgs(prodArgs, resolveProfile("prod"), tags)).toEqual({
      vpc: { args: { cidrBlock: undefined, availabilityZones: 3 } },
      kafka: { clientAuthentication: ["iam"], openMonitoring: true },
      redis: {},
      flowLogs: { args: { retentionInDays: 90 } },
      keyDeletionWindowInDays: 30,
      protect: true,
      tags,
    });
  });

  it("opens the SCRAM port instead of the IAM port when the team chooses SCRAM", () => {
    const args: DataPlatformArgs = { ...prodArgs, eventStream: { clientAuthentication: "scram" } };
    expect(networkArgs(args, resolveProfile("prod"), tags).kafka).toEqual({
      clientAuthentication: ["scram"],
      openMonitoring: true,
    });
    expect(eventStreamArgs(args, resolveProfile("prod"), placement(3), tags).clientAuthentication).toBe(
      "scram",
    );
  });

  it("passes the interface endpoints the team lists to the created VPC", () => {
    const args = { ...prodArgs, network: { interfaceEndpoints: ["sts", "secretsmanager"] } };
    expect(networkArgs(args, resolveProfile("prod"), tags).vpc).toEqual({
      args: { cidrBlock: undefined, availabilityZones: 3, interfaceEndpoints: ["sts", "secretsmanager"] },
    });
    expect(validateDataPlatformArgs({ ...prodArgs, network: { interfaceEndpoints: ["s3"] } })).toEqual([
      expect.objectContaining({ field: "network.vpc.args.interfaceEndpoints[0]", value: "s3" }),
    ]);
  });

  it("brings the team's own VPC when given", () => {
    const args = { ...prodArgs, network: { existing: { vpcId: "vpc-1", subnetIds: ["a", "b", "c", "d"] } } };
    const n = networkArgs(args, resolveProfile("prod"), tags);
    expect(n.vpc).toEqual({ existing: { vpcId: "vpc-1", subnetIds: ["a", "b", "c", "d"] } });
    expect(eventStreamArgs(args, resolveProfile("prod"), placement(4), tags).subnetIds).toEqual([
      "subnet-0",
      "subnet-1",
      "subnet-2",
    ]);
  });

  it("sizes prod's MSK cluster from the profile: three brokers, three copies, two in sync, full monitoring", () => {
    expect(eventStreamArgs(prodArgs, resolveProfile("prod"), placement(3), tags)).toEqual({
      subnetIds: ["subnet-0", "subnet-1", "subnet-2"],
      securityGroupIds: ["sg-kafka"],
      kafkaVersion: undefined,
      brokerCount: 3,
      instanceType: "kafka.m7g.xlarge",
      volumeSizeGiB: 1000,
      maxVolumeSizeGiB: 8000,
      clientAuthentication: undefined,
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
      enhancedMonitoring: "PER_TOPIC_PER_BROKER",
      openMonitoring: true,
      logRetentionInDays: 90,
      topics: undefined,
      keyDeletionWindowInDays: 30,
      protect: true,
      tags,
    });
  });

  it("runs prod's feature store Multi-AZ with two replicas and automatic failover", () => {
    expect(featureStoreArgs(prodArgs, resolveProfile("prod"), placement(3), tags)).toEqual({
      subnetIds: ["subnet-0", "subnet-1", "subnet-2"],
      securityGroupIds: ["sg-redis"],
      engineVersion: undefined,
      nodeType: "cache.r7g.large",
      shards: 1,
      replicasPerShard: 2,
      multiAz: true,
      maxmemoryPolicy: undefined,
      snapshotRetentionDays: 14,
      finalSnapshot: true,
      logRetentionInDays: 90,
      keyDeletionWindowInDays: 30,
      protect: true,
      tags,
    });
  });

  it("runs dev small: two brokers over two zones, one cache node without failover, nothing protected", () => {
    const dev = resolveProfile("dev");
    expect(eventStreamArgs(devArgs, dev, placement(2), tags)).toMatchObject({
      brokerCount: 2,
      instanceType: "kafka.t3.small",
      defaultReplicationFactor: 2,
      minInsyncReplicas: 1,
      protect: false,
    });
    expect(featureStoreArgs(devArgs, dev, placement(2), tags)).toMatchObject({
      replicasPerShard: 0,
      multiAz: false,
      protect: false,
    });
  });

  it("accepts every environment's profile as it is", () => {
    for (const environment of ["dev", "staging", "prod"] as const) {
      expect(validateServiceArgs({ ...prodArgs, environment }, resolveProfile(environment))).toEqual([]);
    }
  });

  it("reports the services' problems under the platform's field names, all at once", () => {
    const args: DataPlatformArgs = {
      ...prodArgs,
      profile: {
        featureStore: { replicasPerShard: 0 },
        eventStream: { minInsyncReplicas: 3, logRetentionDays: 45 },
      },
      eventStream: { topics: [{ name: "bad topic", partitions: 1 }] },
      network: { cidrBlock: "10.0.0.0/8" },
    };
    expect(validateDataPlatformArgs(args).map((p) => [p.field, p.value])).toEqual([
      ["network.vpc.args.cidrBlock", "10.0.0.0/8"],
      ["network.flowLogs.args.retentionInDays", 45],
      ["eventStream.minInsyncReplicas", 3],
      ["eventStream.logRetentionInDays", 45],
      ["eventStream.topics[0].name", "bad topic"],
      ["featureStore.multiAz", true],
      ["featureStore.logRetentionInDays", 45],
    ]);
  });
});

describe("the prod-aws stack", () => {
  let p: Plan;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("prod-aws"));
  });

  it("builds the network, event stream and feature store beside the object store", () => {
    const platform = p.one("seawall:index:DataPlatform", "seawall-prod");
    for (const [type, name] of [
      ["seawall:aws:Network", "seawall-prod-network"],
      ["seawall:aws:EventStream", "seawall-prod-events"],
      ["seawall:aws:FeatureStore", "seawall-prod-features"],
      ["seawall:aws:ObjectStore", "seawall-prod-lake"],
    ]) {
      expect(p.one(type, name).parent).toBe(platform.urn);
    }
  });

  it("places the cluster and the cache in the network's private subnets and service groups", () => {
    const subnets = (p.output("network") as { privateSubnetIds: string[] }).privateSubnetIds;
    const cluster = p.one("aws:msk/cluster:Cluster", "seawall-prod-events");
    const info = cluster.inputs.brokerNodeGroupInfo as Record<string, unknown>;
    expect(info.clientSubnets).toEqual(subnets);
    expect(info.securityGroups).toEqual([expect.stringMatching(/^sg-/)]);
    expect(cluster.propertyDependencies.brokerNodeGroupInfo).toContain(
      p.one("aws:ec2/securityGroup:SecurityGroup", "seawall-prod-network-kafka").urn,
    );
    const cache = p.one("aws:elasticache/replicationGroup:ReplicationGroup", "seawall-prod-features");
    expect(cache.propertyDependencies.securityGroupIds).toEqual([
      p.one("aws:ec2/securityGroup:SecurityGroup", "seawall-prod-network-redis").urn,
    ]);
    expect(cluster.inputs.numberOfBrokerNodes).toBe(3);
    expect(
      p.one("aws:elasticache/subnetGroup:SubnetGroup", "seawall-prod-features").inputs.subnetIds,
    ).toEqual(subnets);
  });

  it("creates the pipeline's topics, since the brokers create none on their own", () => {
    expect(p.names("aws:msk/topic:Topic")).toEqual([
      "seawall-prod-events-topic-events.dead-letter",
      "seawall-prod-events-topic-events.raw",
      "seawall-prod-events-topic-events.unique",
      "seawall-prod-events-topic-events.valid",
      "seawall-prod-events-topic-features",
    ]);
  });

  it("tags every resource that takes tags with environment, owner, data classification and backup", () => {
    const expected = {
      "seawall:environment": "prod",
      "seawall:owner": "data-platform",
      "seawall:data-classification": "confidential",
      "seawall:backup": "true",
    };
    expect(
      ["aws:msk/topic:Topic", "aws:iam/rolePolicy:RolePolicy", "aws:kms/key:Key"].map(takesTags),
    ).toEqual([false, false, true]);
    const checked = new Set<string>();
    for (const r of p.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) {
      if (!takesTags(r.type)) continue;
      checked.add(r.type);
      expect({ [r.name]: r.inputs.tags }).toEqual({ [r.name]: expect.objectContaining(expected) });
    }
    for (const type of [
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "aws:ec2/flowLog:FlowLog",
      "aws:msk/cluster:Cluster",
      "aws:appautoscaling/target:Target",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "aws:elasticache/parameterGroup:ParameterGroup",
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:kms/key:Key",
    ]) {
      expect(checked).toContain(type);
    }
  });

  it("exports the Kafka connection in the clear and the Redis connection as a secret", () => {
    expect(p.result.outputs.kafka).toEqual({
      secret: false,
      value: {
        bootstrapServers: expect.stringMatching(/^(b-\d\.seawall-prod-events-[^,]+:9098,?){3}$/),
        securityProtocol: "SASL_SSL",
        saslMechanism: "AWS_MSK_IAM",
      },
    });
    const token = (
      p.one("aws:elasticache/replicationGroup:ReplicationGroup", "seawall-prod-features").inputs
        .authToken as Secret
    ).value;
    expect(p.result.outputs.redis).toEqual({
      secret: true,
      value: {
        host: expect.stringMatching(/^master\.seawall-prod-features-/),
        port: 6379,
        tls: true,
        authSecret: token,
      },
    });
  });

  it("exports the IAM policy workloads attach to use the event stream", () => {
    expect(p.output("kafkaClientPolicyArn")).toMatch(
      /^arn:aws:iam::123456789012:policy\/seawall-prod-events-clients-[0-9a-f]{7}$/,
    );
  });

  it("synthesizes without deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("the dev-aws stack", () => {
  it("is the small two-zone version", async () => {
    const p = new Plan(await synthesizeStack("dev-aws"));
    expect(p.names("aws:ec2/subnet:Subnet")).toEqual([
      "seawall-dev-network-private-0",
      "seawall-dev-network-private-1",
    ]);
    expect(p.one("aws:msk/cluster:Cluster", "seawall-dev-events").inputs.numberOfBrokerNodes).toBe(2);
    expect(
      p.one("aws:elasticache/replicationGroup:ReplicationGroup", "seawall-dev-features").inputs,
    ).toMatchObject({
      numCacheClusters: 1,
      multiAzEnabled: false,
      automaticFailoverEnabled: false,
    });
    expect(p.resources.filter((r) => r.protect)).toEqual([]);
  });
});

describe("stack config for the services", () => {
  const base = {
    "aws:region": "us-east-1",
    "seawall:environment": "dev",
    "seawall:cloud": "aws",
    "seawall:owner": "data-platform",
  };

  it("maps the event stream, feature store and network keys onto the platform's arguments", () => {
    const args = parseStackConfig("dev-aws", {
      ...base,
      "seawall:eventStream": JSON.stringify({
        clientAuthentication: "scram",
        topics: [{ name: "a", partitions: 2 }],
      }),
      "seawall:featureStore": JSON.stringify({ maxmemoryPolicy: "allkeys-lfu" }),
      "seawall:network": JSON.stringify({ cidrBlock: "10.1.0.0/16" }),
    });
    expect(args.eventStream).toEqual({
      clientAuthentication: "scram",
      topics: [{ name: "a", partitions: 2 }],
    });
    expect(args.featureStore).toEqual({ maxmemoryPolicy: "allkeys-lfu" });
    expect(args.network).toEqual({ cidrBlock: "10.1.0.0/16" });
  });

  it("fails on unknown values and on impossible services, every problem listed with its key", () => {
    const attempt = (extra: Record<string, string>) => {
      try {
        parseStackConfig("dev-aws", { ...base, ...extra });
      } catch (e) {
        expect(e).toBeInstanceOf(StackConfigError);
        return (e as StackConfigError).problems.map((x) => x.field);
      }
      throw new Error("expected a StackConfigError");
    };
    expect(
      attempt({
        "seawall:eventStream": JSON.stringify({
          clientAuthentication: "plaintext",
          topics: [{ name: "a", partitions: 0 }],
        }),
        "seawall:featureStore": JSON.stringify({ maxmemoryPolicy: "lru" }),
      }),
    ).toEqual([
      "seawall:eventStream.clientAuthentication",
      "seawall:eventStream.topics.0.partitions",
      "seawall:featureStore.maxmemoryPolicy",
    ]);
    expect(
      attempt({ "seawall:eventStream": JSON.stringify({ topics: [{ name: "x y", partitions: 1 }] }) }),
    ).toEqual(["seawall:eventStream.topics[0].name"]);
  });
});
