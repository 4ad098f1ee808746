import * as pulumi from "@pulumi/pulumi";
import { firstZones, Network, NetworkArgs, validateNetworkArgs } from "../../components/aws/network";
import { SeawallValidationError } from "../../components/validation";
import { plan, Plan, policyOf, problemsThrownBy } from "../helpers";

const T = {
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  routeTable: "aws:ec2/routeTable:RouteTable",
  association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  flowLog: "aws:ec2/flowLog:FlowLog",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
  igw: "aws:ec2/internetGateway:InternetGateway",
  nat: "aws:ec2/natGateway:NatGateway",
};

async function network(args: NetworkArgs = {}): Promise<Plan> {
  return plan(() => {
    const n = new Network("net", args);
    return {
      vpcId: n.vpcId,
      subnetIds: n.privateSubnetIds,
      zones: n.availabilityZoneNames,
      client: n.clientSecurityGroupId,
      kafka: n.kafkaSecurityGroupId,
      redis: n.redisSecurityGroupId,
    };
  });
}

function problemsOf(args: NetworkArgs): { field: string; value: unknown }[] {
  try {
    validateNetworkArgs(args);
  } catch (e) {
    expect(e).toBeInstanceOf(SeawallValidationError);
    return (e as SeawallValidationError).problems.map(({ field, value }) => ({ field, value }));
  }
  return [];
}

describe("Network defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await network({ tags: { team: "data" } });
  });
  const tags = { team: "data", "seawall:component": "Network" };

  it("creates a private VPC across three zones, the service groups and flow logs, and nothing public", () => {
    expect(p.counts()).toEqual({
      "seawall:aws:Network": 1,
      [T.vpc]: 1,
      [T.defaultSg]: 1,
      [T.routeTable]: 1,
      [T.subnet]: 3,
      [T.association]: 3,
      [T.sg]: 3,
      [T.ingress]: 3,
      [T.egress]: 2,
      [T.key]: 1,
      [T.logGroup]: 1,
      [T.role]: 1,
      [T.rolePolicy]: 1,
      [T.flowLog]: 1,
      [T.endpoint]: 1,
    });
    expect(p.ofType(T.igw)).toEqual([]);
    expect(p.ofType(T.nat)).toEqual([]);
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = p.one("seawall:aws:Network", "net");
    for (const r of p.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("net")).toBe(true);
    }
  });

  it("creates the VPC with DNS on", () => {
    expect(p.one(T.vpc, "net").inputs).toEqual({
      cidrBlock: "10.0.0.0/16",
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { ...tags, Name: "net-vpc" },
    });
  });

  it("empties the default security group", () => {
    const vpc = p.one(T.vpc, "net");
    const sg = p.one(T.defaultSg, "net-default-sg");
    expect(sg.inputs).toEqual({
      vpcId: sg.inputs.vpcId,
      ingress: [],
      egress: [],
      tags: { ...tags, Name: "net-default-deny" },
    });
    expect(sg.propertyDependencies.vpcId).toEqual([vpc.urn]);
  });

  it("puts one private /20 in each of the first three available zones, with no public IPs", () => {
    const subnets = [0, 1, 2].map((i) => p.one(T.subnet, `net-private-${i}`).inputs);
    expect(subnets.map((s) => [s.cidrBlock, s.availabilityZone, s.mapPublicIpOnLaunch])).toEqual([
      ["10.0.0.0/20", "us-east-1a", false],
      ["10.0.16.0/20", "us-east-1b", false],
      ["10.0.32.0/20", "us-east-1c", false],
    ]);
    expect(p.output("zones")).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(p.output("subnetIds")).toHaveLength(3);
  });

  it("routes the subnets through a private route table with no routes beyond the VPC", () => {
    const table = p.one(T.routeTable, "net-private");
    expect(Object.keys(table.inputs).sort()).toEqual(["tags", "vpcId"]);
    for (const i of [0, 1, 2]) {
      const a = p.one(T.association, `net-private-${i}`);
      expect(a.propertyDependencies.routeTableId).toEqual([table.urn]);
      expect(a.propertyDependencies.subnetId).toEqual([p.one(T.subnet, `net-private-${i}`).urn]);
    }
  });

  it("reaches S3 through a gateway endpoint on the private route table, with no NAT or internet", () => {
    const endpoint = p.one(T.endpoint, "net-s3");
    expect(endpoint.inputs).toEqual({
      vpcId: p.output("vpcId"),
      vpcEndpointType: "Gateway",
      serviceName: "com.amazonaws.us-east-1.s3",
      routeTableIds: [expect.stringMatching(/^rtb-/)],
      tags: { ...tags, Name: "net-s3" },
    });
    expect(endpoint.propertyDependencies.routeTableIds).toEqual([p.one(T.routeTable, "net-private").urn]);
  });

  it("opens the Kafka IAM port 9098 only from the client group", () => {
    const kafka = p.one(T.sg, "net-kafka");
    const client = p.one(T.sg, "net-clients");
    const rule = p.one(T.ingress, "net-kafka-9098");
    expect(rule.inputs).toEqual({
      securityGroupId: p.output("kafka"),
      referencedSecurityGroupId: p.output("client"),
      ipProtocol: "tcp",
      fromPort: 9098,
      toPort: 9098,
      description: "Kafka clients (TLS) on 9098",
      tags,
    });
    expect(rule.propertyDependencies.securityGroupId).toEqual([kafka.urn]);
    expect(rule.propertyDependencies.referencedSecurityGroupId).toEqual([client.urn]);
    expect(p.one(T.egress, "net-kafka-9098-egress").inputs).toEqual({
      securityGroupId: p.output("client"),
      referencedSecurityGroupId: p.output("kafka"),
      ipProtocol: "tcp",
      fromPort: 9098,
      toPort: 9098,
      description: "Kafka clients (TLS) on 9098",
      tags,
    });
  });

  it("opens Redis 6379 only from the client group and between the cache nodes", () => {
    expect(p.one(T.ingress, "net-redis-6379").inputs).toMatchObject({
      securityGroupId: p.output("redis"),
      referencedSecurityGroupId: p.output("client"),
      fromPort: 6379,
      toPort: 6379,
    });
    expect(p.one(T.ingress, "net-redis-6379-replication").inputs).toMatchObject({
      securityGroupId: p.output("redis"),
      referencedSecurityGroupId: p.output("redis"),
      fromPort: 6379,
      toPort: 6379,
    });
  });

  it("opens no CIDR range anywhere", () => {
    for (const r of [...p.ofType(T.ingress), ...p.ofType(T.egress)]) {
      expect(r.inputs.cidrIpv4).toBeUndefined();
      expect(r.inputs.cidrIpv6).toBeUndefined();
      expect(r.inputs.referencedSecurityGroupId).toEqual(expect.stringMatching(/^sg-/));
    }
    for (const sg of p.ofType(T.sg)) {
      expect(sg.inputs.ingress).toBeUndefined();
      expect(sg.inputs.egress).toBeUndefined();
    }
  });

  it("sends all flow logs to a log group encrypted with a key CloudWatch Logs may use", () => {
    const key = p.one(T.key, "net-key");
    const statements = policyOf(key).Statement;
    expect(statements[1]).toEqual({
      Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
      Effect: "Allow",
      Principal: { Service: "logs.us-east-1.amazonaws.com" },
      Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      Resource: "*",
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" },
      },
    });
    expect(key.inputs.enableKeyRotation).toBe(true);
    const group = p.one(T.logGroup, "net-flow-logs");
    expect(group.inputs).toEqual({
      kmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
      retentionInDays: 365,
      tags,
    });
    expect(group.propertyDependencies.kmsKeyId).toEqual([key.urn]);
    expect(group.protect).toBe(true);
    const flow = p.one(T.flowLog, "net-flow-logs");
    expect(flow.inputs).toEqual({
      vpcId: p.output("vpcId"),
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: expect.stringMatching(/^arn:aws:logs:us-east-1:123456789012:log-group:net-flow-logs-/),
      iamRoleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
      maxAggregationInterval: 60,
      tags,
    });
    expect(flow.dependsOn).toContain(p.one(T.rolePolicy, "net-flow-logs").urn);
  });

  it("lets only VPC Flow Logs of this account assume the delivery role, writing to its one group", () => {
    expect(policyOf(p.one(T.role, "net-flow-logs"), "assumeRolePolicy").Statement).toEqual([
      {
        Sid: "VpcFlowLogsAssumesRole",
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    const group = p.one(T.logGroup, "net-flow-logs");
    const arn = (p.one(T.flowLog, "net-flow-logs").inputs.logDestination as string) ?? "";
    expect(policyOf(p.one(T.rolePolicy, "net-flow-logs")).Statement[0]).toEqual({
      Sid: "WriteFlowLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [arn, `${arn}:log-stream:*`],
    });
    expect(group.name).toBe("net-flow-logs");
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("Network options", () => {
  it("reaches the listed AWS APIs through private-DNS interface endpoints, HTTPS from the client group only", async () => {
    const p = await network({ vpc: { args: { interfaceEndpoints: ["sts", "secretsmanager"] } } });
    const sg = p.one(T.sg, "net-endpoints");
    expect(p.one(T.endpoint, "net-sts").inputs).toEqual({
      vpcId: p.output("vpcId"),
      vpcEndpointType: "Interface",
      serviceName: "com.amazonaws.us-east-1.sts",
      privateDnsEnabled: true,
      subnetIds: p.output("subnetIds"),
      securityGroupIds: [expect.stringMatching(/^sg-/)],
      tags: { "seawall:component": "Network", Name: "net-sts" },
    });
    expect(p.one(T.endpoint, "net-sts").propertyDependencies.securityGroupIds).toEqual([sg.urn]);
    expect(p.one(T.endpoint, "net-secretsmanager").inputs.serviceName).toBe(
      "com.amazonaws.us-east-1.secretsmanager",
    );
    expect(p.one(T.ingress, "net-endpoints-443").inputs).toMatchObject({
      referencedSecurityGroupId: p.output("client"),
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
    });
    expect(p.one(T.ingress, "net-endpoints-443").propertyDependencies.securityGroupId).toEqual([sg.urn]);
    expect(p.one(T.egress, "net-endpoints-443-egress").inputs).toMatchObject({ fromPort: 443, toPort: 443 });
  });

  it("creates no S3 endpoint when asked not to", async () => {
    const p = await network({ vpc: { args: { s3GatewayEndpoint: false } } });
    expect(p.ofType(T.endpoint)).toEqual([]);
  });

  it("spans two zones in dev", async () => {
    const p = await network({ vpc: { args: { availabilityZones: 2 } } });
    expect(p.names(T.subnet)).toEqual(["net-private-0", "net-private-1"]);
    expect(p.output("zones")).toEqual(["us-east-1a", "us-east-1b"]);
  });

  it("opens the SCRAM port and not the IAM port for SCRAM clients", async () => {
    const p = await network({ kafka: { clientAuthentication: ["scram"] } });
    expect(p.names(T.ingress)).toEqual(["net-kafka-9096", "net-redis-6379", "net-redis-6379-replication"]);
  });

  it("lets the client group scrape the brokers' Prometheus exporters when open monitoring is on", async () => {
    const p = await network({ kafka: { clientAuthentication: ["iam"], openMonitoring: true } });
    expect(p.names(T.ingress)).toEqual([
      "net-kafka-11001",
      "net-kafka-11002",
      "net-kafka-9098",
      "net-redis-6379",
      "net-redis-6379-replication",
    ]);
    expect(p.one(T.ingress, "net-kafka-11002").inputs).toMatchObject({
      referencedSecurityGroupId: p.output("client"),
      fromPort: 11002,
      toPort: 11002,
      description: "Prometheus node exporter",
    });
    expect(p.one(T.egress, "net-kafka-11001-egress").inputs).toMatchObject({
      fromPort: 11001,
      toPort: 11001,
    });
  });

  it("uses a brought VPC and subnets, creating only the security groups", async () => {
    const p = await network({
      vpc: { existing: { vpcId: "vpc-0123", subnetIds: ["subnet-a", "subnet-b", "subnet-c"] } },
    });
    expect(p.ofType(T.vpc)).toEqual([]);
    expect(p.ofType(T.subnet)).toEqual([]);
    expect(p.ofType(T.flowLog)).toEqual([]);
    expect(p.ofType(T.endpoint)).toEqual([]);
    expect(p.output("subnetIds")).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    expect(p.one(T.sg, "net-clients").inputs.vpcId).toBe("vpc-0123");
  });

  it("skips the Kafka and Redis groups when asked", async () => {
    const p = await network({ kafka: { skip: true }, redis: { skip: true }, flowLogs: { skip: true } });
    expect(p.names(T.sg)).toEqual(["net-clients"]);
    expect(p.ofType(T.ingress)).toEqual([]);
  });

  it("encrypts flow logs with a brought key, creating none", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/abc";
    const p = await network({ kmsKey: { existing: { arn } }, flowLogs: { args: { retentionInDays: 30 } } });
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.logGroup, "net-flow-logs").inputs).toMatchObject({ kmsKeyId: arn, retentionInDays: 30 });
  });
});

describe("validateNetworkArgs", () => {
  it("accepts the defaults", () => {
    expect(problemsOf({})).toEqual([]);
  });

  it("fails if fewer than two zones are asked for", () => {
    expect(problemsOf({ vpc: { args: { availabilityZones: 1 } } })).toEqual([
      { field: "vpc.args.availabilityZones", value: 1 },
    ]);
  });

  it("fails if the CIDR block is not a /16 to /24 network address", () => {
    expect(problemsOf({ vpc: { args: { cidrBlock: "10.0.0.1/16" } } })).toEqual([
      { field: "vpc.args.cidrBlock", value: "10.0.0.1/16" },
    ]);
    expect(problemsOf({ vpc: { args: { cidrBlock: "10.0.0.0/8" } } })).toEqual([
      { field: "vpc.args.cidrBlock", value: "10.0.0.0/8" },
    ]);
  });

  it("fails if the subnets do not fit in the VPC", () => {
    expect(
      problemsOf({
        vpc: { args: { cidrBlock: "10.0.0.0/24", availabilityZones: 3, subnetPrefixLength: 25 } },
      }),
    ).toEqual([{ field: "vpc.args.subnetPrefixLength", value: 25 }]);
  });

  it("fails on malformed, duplicate or S3 interface endpoints", () => {
    expect(problemsOf({ vpc: { args: { interfaceEndpoints: ["sts", "Bad Name", "sts", "s3"] } } })).toEqual([
      { field: "vpc.args.interfaceEndpoints[1]", value: "Bad Name" },
      { field: "vpc.args.interfaceEndpoints[2]", value: "sts" },
      { field: "vpc.args.interfaceEndpoints[3]", value: "s3" },
    ]);
  });

  it("fails if a brought VPC has fewer than two subnets", () => {
    expect(problemsOf({ vpc: { existing: { vpcId: "vpc-1", subnetIds: ["subnet-a"] } } })).toEqual([
      { field: "vpc.existing.subnetIds", value: ["subnet-a"] },
    ]);
  });

  it("fails if the VPC is both brought and created, or skipped", () => {
    const both = { existing: { vpcId: "vpc-1", subnetIds: ["a", "b"] }, args: {} } as never;
    expect(problemsOf({ vpc: both })).toEqual([{ field: "vpc", value: "{ existing, args }" }]);
    expect(problemsOf({ vpc: { skip: true } as never })).toEqual([{ field: "vpc", value: "{ skip: true }" }]);
  });

  it("fails on an empty or unknown Kafka authentication, a bad Redis port, a bad retention and a skipped key", () => {
    const error = (() => {
      try {
        validateNetworkArgs({
          kafka: { clientAuthentication: [] },
          redis: { port: 80 },
          flowLogs: { args: { retentionInDays: 100 } },
          kmsKey: { skip: true } as never,
          keyDeletionWindowInDays: 3,
        });
      } catch (e) {
        return e as SeawallValidationError;
      }
      throw new Error("expected a validation error");
    })();
    expect(error.problems.map((x) => x.field)).toEqual([
      "kafka.clientAuthentication",
      "redis.port",
      "flowLogs.args.retentionInDays",
      "kmsKey",
      "keyDeletionWindowInDays",
    ]);
    expect(error.message).toContain(
      "flowLogs.args.retentionInDays = 100: CloudWatch Logs keeps logs for one of 1, 3, 5, 7, 14, 30, 60, 90, 120",
    );
    expect(error.message).toContain("; use 120");
  });

  it("is what the component runs before registering anything", async () => {
    await expect(network({ vpc: { args: { availabilityZones: 7 } } })).rejects.toThrow(
      "seawall:aws:Network: invalid arguments: 1 problem:\n  - vpc.args.availabilityZones = 7: must be a whole number from 2 to 6",
    );
  });
});

describe("Network option shapes", () => {
  it("lists a VPC or flow-log option that is not one of its forms as a problem, not a TypeError", async () => {
    const args = { vpc: {}, flowLogs: { args: {}, skip: true }, kmsKey: { skip: false } } as never;
    expect(problemsThrownBy(() => validateNetworkArgs(args))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "vpc", value: "{}" },
      { code: "SEAWALL_HELPER_SHAPE", field: "flowLogs", value: "{ args, skip: true }" },
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: { skip: false } },
    ]);
    await expect(plan(() => new Network("net", args))).rejects.toBeInstanceOf(SeawallValidationError);
  });

  it("lists a VPC form given without its settings", () => {
    expect(problemsThrownBy(() => validateNetworkArgs({ vpc: { args: undefined } } as never))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "vpc.args", value: undefined },
    ]);
  });
});

describe("Network zones at deployment", () => {
  it("fails inside apply with a ResourceError on the component when the region has too few zones", async () => {
    let component: Network | undefined;
    await plan(() => {
      component = new Network("net", { vpc: { args: { availabilityZones: 3 } } });
      return {};
    });
    expect(firstZones(["us-east-1a", "us-east-1b", "us-east-1c"], 2, component!)).toEqual([
      "us-east-1a",
      "us-east-1b",
    ]);
    let error: unknown;
    try {
      firstZones(["eu-south-2a", "eu-south-2b"], 3, component!);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(pulumi.ResourceError);
    expect((error as pulumi.ResourceError).resource).toBe(component);
    expect((error as Error).message).toBe(
      "vpc.args.availabilityZones = 3, but the region has 2 available zones (eu-south-2a, eu-south-2b); lower it to 2 or less",
    );
  });
});
