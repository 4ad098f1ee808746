import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, Problems } from "../validation";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import { logsKeyOption } from "./logsKey";
import { checkLogRetention, flowLogsDeliveryPolicy, flowLogsTrustPolicy } from "./logs";
import {
  bitsFor,
  KafkaClientAuthentication,
  kafkaPorts,
  KAFKA_PORTS,
  parseCidr,
  PROMETHEUS_EXPORTER_PORTS,
  REDIS_PORT,
  subnetCidrs,
} from "./networkPlan";

/** A VPC and private subnets the platform team already has. */
export interface ExistingNetwork {
  vpcId: pulumi.Input<string>;
  /** Private subnets, one per availability zone; MSK uses two or three of them. */
  subnetIds: pulumi.Input<string>[];
}

/** VPC Flow Logs to a CloudWatch log group encrypted with the component's key. */
export interface FlowLogsArgs {
  /**
   * Days CloudWatch keeps flow logs; one of the periods CloudWatch accepts (1, 3, 5, 7, 14, 30, ...).
   * @default 365
   */
  retentionInDays?: number;
  /** Which traffic to record. @default "ALL" */
  trafficType?: "ACCEPT" | "REJECT" | "ALL";
}

/** The VPC the component creates. */
export interface VpcArgs {
  /**
   * The VPC's IPv4 CIDR block, /16 to /24.
   * @default "10.0.0.0/16"
   */
  cidrBlock?: string;
  /**
   * How many availability zones the VPC spans, one private subnet in each (2 to 6; MSK needs at
   * least two). See https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html
   * @default 3
   */
  availabilityZones?: number;
  /**
   * Prefix length of each private subnet.
   * @default - four bits longer than the VPC's (a /20 in a /16)
   */
  subnetPrefixLength?: number;
  /**
   * An S3 gateway endpoint on the private route table, so the lake sink reaches S3 without a NAT
   * gateway or the internet. Gateway endpoints cost nothing.
   * @default true
   */
  s3GatewayEndpoint?: boolean;
  /**
   * AWS services the private subnets reach through interface endpoints with private DNS, only
   * from the client group over HTTPS: for example `["sts", "secretsmanager", "kms", "logs"]`, which
   * workloads without a NAT gateway need for IAM authentication to MSK (STS), SCRAM credentials
   * (Secrets Manager, KMS) and logging. Interface endpoints are billed per zone-hour.
   * See https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
   * @default []
   */
  interfaceEndpoints?: string[];
}

export interface NetworkArgs {
  /**
   * The VPC: created with one private subnet per availability zone (`args`), or brought with its
   * private subnets (`existing`). There is no `skip`: MSK and ElastiCache live in a VPC.
   * @default { args: {} }
   */
  vpc?: { existing: ExistingNetwork } | { args: VpcArgs };
  /**
   * The Kafka security group: broker ports open only for the client authentications listed, and
   * only from the client security group.
   * @default { clientAuthentication: ["iam"] } (port 9098)
   */
  kafka?:
    | {
        clientAuthentication?: KafkaClientAuthentication[];
        /**
         * Also let the client group scrape the brokers' Prometheus exporters (JMX 11001, node 11002),
         * for an event stream with open monitoring on.
         * @default false
         */
        openMonitoring?: boolean;
      }
    | { skip: true };
  /**
   * The Redis security group: the port open only from the client security group (and between the
   * cache nodes themselves, for replication).
   * @default { port: 6379 }
   */
  redis?: { port?: number } | { skip: true };
  /**
   * VPC Flow Logs of the VPC.
   * @default { args: {} } when the VPC is created, { skip: true } when it is brought
   */
  flowLogs?: { args: FlowLogsArgs } | { skip: true };
  /**
   * The customer-managed key that encrypts the flow-log group. A key brought with `existing` must
   * let CloudWatch Logs use it.
   * @default - a key is created, rotation on, with a policy that lets CloudWatch Logs use it
   */
  kmsKey?: KmsKeyOption;
  /**
   * Days a scheduled deletion of a key this component creates waits (7 to 30).
   * @default 30
   */
  keyDeletionWindowInDays?: number;
  /**
   * Protect the key and the flow-log group from deletion (`protect`).
   * @default true
   */
  protect?: boolean;
  /** Tags for every resource. @default {} */
  tags?: Record<string, string>;
}

const DEFAULT_CIDR = "10.0.0.0/16";

/**
 * Checks a {@link NetworkArgs} and throws one error listing every problem. Values that are Outputs
 * are not known yet and are left to the provider.
 */
export function validateNetworkArgs(args: NetworkArgs): void {
  const p = new Problems();
  const vpcForm =
    args.vpc === undefined
      ? "args"
      : helperChoice(p, "vpc", args.vpc, ["existing", "args"], {
          why: "the services need a VPC: MSK and ElastiCache live in one",
        });
  if (vpcForm === "existing") {
    const subnets = (args.vpc as { existing?: Partial<ExistingNetwork> }).existing?.subnetIds;
    if (!Array.isArray(subnets) || subnets.length < 2) {
      p.add(
        "SEAWALL_NETWORK_SUBNETS_TOO_FEW",
        "vpc.existing.subnetIds",
        subnets,
        "give at least two private subnets in different availability zones (MSK needs two or three)",
      );
    }
  } else if (vpcForm === "args") {
    const v: VpcArgs = (args.vpc as { args?: VpcArgs } | undefined)?.args ?? {};
    p.wholeNumber(
      "SEAWALL_NETWORK_ZONES_RANGE",
      "vpc.args.availabilityZones",
      v.availabilityZones,
      2,
      6,
      "MSK needs client subnets in at least two zones",
    );
    const cidr = v.cidrBlock ?? DEFAULT_CIDR;
    const block = parseCidr(cidr);
    if (!block || block.prefixLength < 16 || block.prefixLength > 24) {
      p.add(
        "SEAWALL_NETWORK_CIDR_INVALID",
        "vpc.args.cidrBlock",
        cidr,
        'must be an IPv4 network address with a prefix from /16 to /24 and no host bits set, e.g. "10.0.0.0/16"',
      );
    } else {
      const zones = v.availabilityZones ?? 3;
      const prefix = v.subnetPrefixLength ?? block.prefixLength + 4;
      const longest = 28;
      if (!Number.isInteger(prefix) || prefix > longest || prefix < block.prefixLength + bitsFor(zones)) {
        p.add(
          "SEAWALL_NETWORK_SUBNET_PREFIX",
          "vpc.args.subnetPrefixLength",
          prefix,
          `${zones} subnets must fit in ${cidr}: use a whole number from ${block.prefixLength + bitsFor(zones)} to ${longest}`,
        );
      }
    }
    const endpoints = v.interfaceEndpoints ?? [];
    endpoints.forEach((service, i) => {
      if (typeof service !== "string" || !/^[a-z0-9][a-z0-9.-]*$/.test(service)) {
        p.add(
          "SEAWALL_NETWORK_ENDPOINT_INVALID",
          `vpc.args.interfaceEndpoints[${i}]`,
          service,
          'must be an AWS service\'s endpoint name, such as "sts" or "secretsmanager"',
        );
      } else if (service === "s3") {
        p.add(
          "SEAWALL_NETWORK_ENDPOINT_S3",
          `vpc.args.interfaceEndpoints[${i}]`,
          service,
          "S3 is reached through the free gateway endpoint (s3GatewayEndpoint); drop it here",
        );
      } else if (endpoints.indexOf(service) !== i) {
        p.add(
          "SEAWALL_NETWORK_ENDPOINT_DUPLICATE",
          `vpc.args.interfaceEndpoints[${i}]`,
          service,
          "is listed twice; list each service once",
        );
      }
    });
  }
  if (args.kafka && !("skip" in args.kafka)) {
    const auths = args.kafka.clientAuthentication;
    if (auths !== undefined && (auths.length === 0 || auths.some((a) => !(a in KAFKA_PORTS)))) {
      p.add(
        "SEAWALL_NETWORK_KAFKA_AUTH",
        "kafka.clientAuthentication",
        auths,
        'list one or more of "iam", "scram", "tls", or give { skip: true } for no Kafka security group',
      );
    }
  }
  if (args.redis && !("skip" in args.redis)) {
    p.wholeNumber(
      "SEAWALL_NETWORK_REDIS_PORT",
      "redis.port",
      args.redis.port,
      1024,
      65535,
      "ElastiCache accepts ports 1024 to 65535",
    );
  }
  if (helperChoice(p, "flowLogs", args.flowLogs, ["args", "skip"]) === "args") {
    const flowLogs: FlowLogsArgs = (args.flowLogs as { args?: FlowLogsArgs }).args ?? {};
    checkLogRetention(p, "flowLogs.args.retentionInDays", flowLogs.retentionInDays);
    const t = flowLogs.trafficType;
    if (t !== undefined && !["ACCEPT", "REJECT", "ALL"].includes(t)) {
      p.add(
        "SEAWALL_NETWORK_FLOW_LOG_TRAFFIC",
        "flowLogs.args.trafficType",
        t,
        'must be "ACCEPT", "REJECT" or "ALL"',
      );
    }
  }
  checkKmsKeyOption(p, "kmsKey", args.kmsKey, "it encrypts the flow logs");
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  p.throwIfAny("seawall:aws:Network: invalid arguments");
}

/**
 * The first `count` of the region's available zones. Runs at deployment, inside an `apply`: a region
 * with fewer zones fails with a `pulumi.ResourceError` on `resource`, so the engine reports it on the
 * component rather than as a bare stack trace.
 */
export function firstZones(names: string[], count: number, resource: pulumi.Resource): string[] {
  if (names.length < count) {
    throw new pulumi.ResourceError(
      `vpc.args.availabilityZones = ${count}, but the region has ${names.length} available zones ` +
        `(${names.join(", ")}); lower it to ${names.length} or less`,
      resource,
    );
  }
  return names.slice(0, count);
}

/**
 * A private network for the data platform: a VPC with one private subnet per availability zone and
 * no internet gateway (or the team's own VPC and subnets), a client security group that workloads
 * join, and per-service security groups (Kafka, Redis) that admit only the client group, only on
 * the ports the chosen client authentication needs. The VPC's default security group is emptied,
 * S3 is reached through a gateway endpoint (other AWS APIs through interface endpoints, if listed),
 * and flow logs go to an encrypted log group.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** The private subnets, one per availability zone, in zone order. */
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** How many private subnets there are (known before deployment). */
  readonly subnetCount: number;
  /** The zones the created subnets are in; unknown for a brought VPC. */
  readonly availabilityZoneNames?: pulumi.Output<string[]>;
  /** Attach this group to the workloads that use the platform's services. */
  readonly clientSecurityGroupId: pulumi.Output<string>;
  readonly kafkaSecurityGroupId?: pulumi.Output<string>;
  readonly redisSecurityGroupId?: pulumi.Output<string>;
  /** The broker ports open to clients. */
  readonly kafkaPorts: number[];
  readonly redisPort?: number;
  readonly flowLogGroupName?: pulumi.Output<string>;

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:Network", name, {}, opts);
    validateNetworkArgs(args);

    const tags = { ...args.tags, "seawall:component": "Network" };
    const protect = args.protect ?? true;
    const named = (suffix: string) => ({ ...tags, Name: `${name}-${suffix}` });

    const vpcOption = args.vpc ?? { args: {} };
    if ("existing" in vpcOption) {
      this.vpcId = pulumi.output(vpcOption.existing.vpcId);
      this.privateSubnetIds = pulumi.output(vpcOption.existing.subnetIds);
      this.subnetCount = vpcOption.existing.subnetIds.length;
    } else {
      const cidrBlock = vpcOption.args.cidrBlock ?? DEFAULT_CIDR;
      const zones = vpcOption.args.availabilityZones ?? 3;
      const prefix = vpcOption.args.subnetPrefixLength ?? parseCidr(cidrBlock)!.prefixLength + 4;
      const vpc = new aws.ec2.Vpc(
        name,
        { cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: named("vpc") },
        { parent: this },
      );
      // Lock the default security group down: nothing in or out unless a group says so.
      new aws.ec2.DefaultSecurityGroup(
        `${name}-default-sg`,
        { vpcId: vpc.id, ingress: [], egress: [], tags: named("default-deny") },
        { parent: this },
      );
      const available = aws.getAvailabilityZonesOutput(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
        { parent: this },
      );
      const zoneNames = available.names.apply((names) => firstZones(names, zones, this));
      this.availabilityZoneNames = zoneNames;
      const routeTable = new aws.ec2.RouteTable(
        `${name}-private`,
        { vpcId: vpc.id, tags: named("private") },
        { parent: this },
      );
      const subnets = subnetCidrs(cidrBlock, zones, prefix).map((cidr, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: zoneNames.apply((z) => z[i]),
            mapPublicIpOnLaunch: false,
            tags: named(`private-${i}`),
          },
          { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${i}`,
          { subnetId: subnet.id, routeTableId: routeTable.id },
          { parent: this },
        );
        return subnet;
      });
      this.vpcId = vpc.id;
      this.privateSubnetIds = pulumi.all(subnets.map((s) => s.id));
      this.subnetCount = zones;
      if (vpcOption.args.s3GatewayEndpoint ?? true) {
        new aws.ec2.VpcEndpoint(
          `${name}-s3`,
          {
            vpcId: vpc.id,
            vpcEndpointType: "Gateway",
            serviceName: aws
              .getRegionOutput({}, { parent: this })
              .region.apply((r) => `com.amazonaws.${r}.s3`),
            routeTableIds: [routeTable.id],
            tags: named("s3"),
          },
          { parent: this },
        );
      }
    }

    const client = new aws.ec2.SecurityGroup(
      `${name}-clients`,
      {
        vpcId: this.vpcId,
        description: "Seawall clients: workloads in this group may reach the platform's services",
        tags: named("clients"),
      },
      { parent: this },
    );
    this.clientSecurityGroupId = client.id;

    const kafka = args.kafka ?? { clientAuthentication: ["iam"] };
    this.kafkaPorts = "skip" in kafka ? [] : kafkaPorts(kafka.clientAuthentication ?? ["iam"]);
    if (this.kafkaPorts.length > 0) {
      const sg = this.serviceGroup(
        name,
        "kafka",
        "Seawall Kafka brokers: client ports from the client group only",
        tags,
      );
      this.kafkaSecurityGroupId = sg.id;
      for (const port of this.kafkaPorts) {
        this.allow(`${name}-kafka-${port}`, sg.id, client.id, port, `Kafka clients (TLS) on ${port}`, tags);
      }
      if (!("skip" in kafka) && kafka.openMonitoring) {
        for (const [port, exporter] of Object.entries(PROMETHEUS_EXPORTER_PORTS)) {
          this.allow(
            `${name}-kafka-${port}`,
            sg.id,
            client.id,
            Number(port),
            `Prometheus ${exporter} exporter`,
            tags,
          );
        }
      }
    }

    const endpoints = "args" in vpcOption ? (vpcOption.args.interfaceEndpoints ?? []) : [];
    if (endpoints.length > 0) this.interfaceEndpoints(name, endpoints, client.id, tags);

    const redis = args.redis ?? {};
    if (!("skip" in redis)) {
      const port = redis.port ?? REDIS_PORT;
      this.redisPort = port;
      const sg = this.serviceGroup(
        name,
        "redis",
        "Seawall Redis: the cache port from the client group only",
        tags,
      );
      this.redisSecurityGroupId = sg.id;
      this.allow(`${name}-redis-${port}`, sg.id, client.id, port, `Redis clients (TLS) on ${port}`, tags);
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-redis-${port}-replication`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: `Replication between cache nodes on ${port}`,
          tags,
        },
        { parent: this },
      );
    }

    const flowLogs = args.flowLogs ?? ("existing" in vpcOption ? { skip: true as const } : { args: {} });
    if ("args" in flowLogs) {
      this.flowLogGroupName = this.flowLogs(name, args, flowLogs.args, tags, protect);
    }

    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      availabilityZoneNames: this.availabilityZoneNames,
      clientSecurityGroupId: this.clientSecurityGroupId,
      kafkaSecurityGroupId: this.kafkaSecurityGroupId,
      redisSecurityGroupId: this.redisSecurityGroupId,
      flowLogGroupName: this.flowLogGroupName,
    });
  }

  /** Interface endpoints with private DNS in every private subnet, reachable from the client group over HTTPS. */
  private interfaceEndpoints(
    name: string,
    services: string[],
    clientGroupId: pulumi.Output<string>,
    tags: Record<string, string>,
  ): void {
    const sg = this.serviceGroup(
      name,
      "endpoints",
      "Seawall interface endpoints: HTTPS from the client group only",
      tags,
    );
    this.allow(
      `${name}-endpoints-443`,
      sg.id,
      clientGroupId,
      443,
      "AWS APIs (HTTPS) through interface endpoints",
      tags,
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    for (const service of services) {
      new aws.ec2.VpcEndpoint(
        `${name}-${service}`,
        {
          vpcId: this.vpcId,
          vpcEndpointType: "Interface",
          serviceName: region.apply((r) => `com.amazonaws.${r}.${service}`),
          privateDnsEnabled: true,
          subnetIds: this.privateSubnetIds,
          securityGroupIds: [sg.id],
          tags: { ...tags, Name: `${name}-${service}` },
        },
        { parent: this },
      );
    }
  }

  private serviceGroup(name: string, service: string, description: string, tags: Record<string, string>) {
    return new aws.ec2.SecurityGroup(
      `${name}-${service}`,
      { vpcId: this.vpcId, description, tags: { ...tags, Name: `${name}-${service}` } },
      { parent: this },
    );
  }

  /** Lets the client group reach `port` of a service group: an ingress rule there, an egress rule here. */
  private allow(
    ruleName: string,
    serviceGroupId: pulumi.Output<string>,
    clientGroupId: pulumi.Output<string>,
    port: number,
    description: string,
    tags: Record<string, string>,
  ): void {
    new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      {
        securityGroupId: serviceGroupId,
        referencedSecurityGroupId: clientGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
        tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${ruleName}-egress`,
      {
        securityGroupId: clientGroupId,
        referencedSecurityGroupId: serviceGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description,
        tags,
      },
      { parent: this },
    );
  }

  private flowLogs(
    name: string,
    args: NetworkArgs,
    flow: FlowLogsArgs,
    tags: Record<string, string>,
    protect: boolean,
  ): pulumi.Output<string> {
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const key = resolveKmsKey(
      `${name}-key`,
      logsKeyOption(args.kmsKey, this),
      {
        description: `Seawall network ${name}: VPC flow logs`,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        tags,
      },
      { parent: this, protect },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { kmsKeyId: key.arn, retentionInDays: flow.retentionInDays ?? 365, tags },
      { parent: this, protect },
    );
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: `Delivers VPC flow logs of Seawall network ${name} to CloudWatch Logs`,
        assumeRolePolicy: accountId.apply((acct) => JSON.stringify(flowLogsTrustPolicy(acct))),
        tags,
      },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      { role: role.id, policy: logGroup.arn.apply((arn) => JSON.stringify(flowLogsDeliveryPolicy(arn))) },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-logs`,
      {
        vpcId: this.vpcId,
        trafficType: flow.trafficType ?? "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags,
      },
      { parent: this, dependsOn: [policy] },
    );
    return logGroup.name;
  }
}
