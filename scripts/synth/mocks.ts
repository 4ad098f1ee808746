import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { azureCall, azureMockConfig, AzureMockConfig, azureResource } from "./azureMocks";
import { gcpCall, gcpMockConfig, GcpMockConfig, gcpResource } from "./gcpMocks";

/**
 * Realistic provider behaviour for offline synthesis: ids, ARNs, names and generated values that
 * look like what the real providers return, derived deterministically from the resource's URN so a
 * plan is stable from run to run. What flows between resources (a key's ARN into a bucket's
 * encryption rule, a role's ARN into a replication rule) is therefore real data, not `undefined`.
 */

/** The account id every mocked AWS ARN carries. */
export const MOCK_AWS_ACCOUNT_ID = "123456789012";

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function uuidFrom(text: string): string {
  const h = digest(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The provider reference the engine passes is `<urn>::<id>`. */
function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : ref;
}

export interface MockState {
  /** Region of each explicit provider, by provider URN. */
  providerRegions: Map<string, string>;
  /** The stack's `aws:region`, the default provider's region. */
  defaultRegion?: string;
  /** The stack's `gcp:project` and `gcp:region`. */
  gcp: GcpMockConfig;
  /** The stack's `azure-native:subscriptionId`, `tenantId` and `location`. */
  azure: AzureMockConfig;
}

/** A fresh state for one synthesis; `defaultRegion` is the stack's `aws:region` config. */
export function newMockState(defaultRegion?: string, config?: Record<string, string>): MockState {
  return {
    providerRegions: new Map(),
    defaultRegion,
    gcp: gcpMockConfig(config),
    azure: azureMockConfig(config),
  };
}

function regionOf(
  state: MockState,
  providerRef: string | undefined,
  inputs: Record<string, unknown>,
): string {
  if (typeof inputs.region === "string") return inputs.region;
  const urn = providerUrn(providerRef);
  const fromProvider = urn ? state.providerRegions.get(urn) : undefined;
  return fromProvider ?? state.defaultRegion ?? "us-east-1";
}

/** Auto-names like Pulumi does: the logical name plus a random-looking suffix. */
function physicalName(logical: string, seed: string, separator = "-"): string {
  return `${logical}${separator}${digest(seed, 7)}`;
}

function awsResource(
  args: pulumi.runtime.MockResourceArgs,
  state: MockState,
): { id: string; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, unknown>;
  const seed = `${args.type}::${args.name}`;
  const region = regionOf(state, args.provider, inputs);
  const account = MOCK_AWS_ACCOUNT_ID;
  const [, module] = args.type.split(":");
  const service = module.split("/")[0];

  switch (args.type) {
    case "aws:kms/key:Key": {
      const keyId = uuidFrom(seed);
      return {
        id: keyId,
        state: { ...inputs, keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}`, region },
      };
    }
    case "aws:kms/alias:Alias": {
      const aliasName = (inputs.name as string) ?? `alias/${args.name}`;
      return {
        id: aliasName,
        state: { ...inputs, name: aliasName, arn: `arn:aws:kms:${region}:${account}:${aliasName}` },
      };
    }
    case "aws:s3/bucket:Bucket": {
      const bucket = (inputs.bucket as string) ?? physicalName(args.name, seed);
      return {
        id: bucket,
        state: {
          ...inputs,
          bucket,
          arn: `arn:aws:s3:::${bucket}`,
          region,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
          hostedZoneId: "Z3AQBSTGFYJSTF",
        },
      };
    }
    case "aws:iam/role:Role":
    case "aws:iam/policy:Policy": {
      const name = (inputs.name as string) ?? physicalName(args.name, seed);
      const kind = args.type === "aws:iam/role:Role" ? "role" : "policy";
      return {
        id: name,
        state: {
          ...inputs,
          name,
          arn: `arn:aws:iam::${account}:${kind}/${name}`,
          uniqueId: digest(seed, 21),
        },
      };
    }
    case "aws:ec2/vpc:Vpc":
    case "aws:ec2/subnet:Subnet":
    case "aws:ec2/securityGroup:SecurityGroup":
    case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
    case "aws:ec2/routeTable:RouteTable":
    case "aws:ec2/flowLog:FlowLog": {
      const prefix: Record<string, string> = {
        "aws:ec2/vpc:Vpc": "vpc",
        "aws:ec2/subnet:Subnet": "subnet",
        "aws:ec2/securityGroup:SecurityGroup": "sg",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
        "aws:ec2/routeTable:RouteTable": "rtb",
        "aws:ec2/flowLog:FlowLog": "fl",
      };
      const kind = prefix[args.type];
      const id = `${kind}-${digest(seed, 17)}`;
      const resource = {
        vpc: "vpc",
        subnet: "subnet",
        sg: "security-group",
        rtb: "route-table",
        fl: "vpc-flow-log",
      };
      return {
        id,
        state: {
          ...inputs,
          arn: `arn:aws:ec2:${region}:${account}:${resource[kind as keyof typeof resource]}/${id}`,
          ownerId: account,
          ...(args.type === "aws:ec2/securityGroup:SecurityGroup"
            ? { name: inputs.name ?? physicalName(args.name, seed) }
            : {}),
        },
      };
    }
    case "aws:msk/cluster:Cluster": {
      const clusterName = (inputs.clusterName as string) ?? physicalName(args.name, seed);
      const clusterId = `${uuidFrom(seed)}-${digest(seed, 2)}`;
      const brokers = Number(inputs.numberOfBrokerNodes ?? 3);
      const sasl = ((inputs.clientAuthentication as Record<string, unknown> | undefined)?.sasl ?? {}) as {
        iam?: boolean;
        scram?: boolean;
      };
      const endpoints = (port: number) =>
        Array.from(
          { length: brokers },
          (_, i) => `b-${i + 1}.${clusterName}.${digest(seed, 6)}.c2.kafka.${region}.amazonaws.com:${port}`,
        ).join(",");
      return {
        id: `arn:aws:kafka:${region}:${account}:cluster/${clusterName}/${clusterId}`,
        state: {
          ...inputs,
          clusterName,
          arn: `arn:aws:kafka:${region}:${account}:cluster/${clusterName}/${clusterId}`,
          clusterUuid: clusterId,
          currentVersion: `K${digest(seed, 13).toUpperCase()}`,
          bootstrapBrokersTls: endpoints(9094),
          bootstrapBrokersSaslIam: sasl.iam ? endpoints(9098) : "",
          bootstrapBrokersSaslScram: sasl.scram ? endpoints(9096) : "",
          zookeeperConnectStringTls: "",
        },
      };
    }
    case "aws:msk/configuration:Configuration": {
      const name = (inputs.name as string) ?? physicalName(args.name, seed);
      const arn = `arn:aws:kafka:${region}:${account}:configuration/${name}/${uuidFrom(seed)}-${digest(seed, 2)}`;
      return { id: arn, state: { ...inputs, name, arn, latestRevision: 1 } };
    }
    case "aws:secretsmanager/secret:Secret": {
      const name =
        (inputs.name as string) ?? `${(inputs.namePrefix as string) ?? `${args.name}-`}${digest(seed, 26)}`;
      const arn = `arn:aws:secretsmanager:${region}:${account}:secret:${name}-${digest(`${seed}::arn`, 6)}`;
      return { id: arn, state: { ...inputs, name, arn } };
    }
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const id = ((inputs.replicationGroupId as string) ?? physicalName(args.name, seed)).toLowerCase();
      const zone = `${digest(seed, 6)}.${region.replace(/^(\w\w)-(\w)\w*-(\d)$/, "$1$2$3")}.cache.amazonaws.com`;
      const clustered = inputs.clusterMode === "enabled";
      return {
        id,
        state: {
          ...inputs,
          replicationGroupId: id,
          arn: `arn:aws:elasticache:${region}:${account}:replicationgroup:${id}`,
          engineVersionActual: `${inputs.engineVersion ?? "8.2"}.0`,
          primaryEndpointAddress: clustered ? "" : `master.${id}.${zone}`,
          readerEndpointAddress: clustered ? "" : `replica.${id}.${zone}`,
          configurationEndpointAddress: clustered ? `clustercfg.${id}.${zone}` : "",
        },
      };
    }
    case "aws:elasticache/subnetGroup:SubnetGroup":
    case "aws:elasticache/parameterGroup:ParameterGroup": {
      const name = ((inputs.name as string) ?? physicalName(args.name, seed)).toLowerCase();
      const kind = args.type.endsWith("SubnetGroup") ? "subnetgroup" : "parametergroup";
      return {
        id: name,
        state: { ...inputs, name, arn: `arn:aws:elasticache:${region}:${account}:${kind}:${name}` },
      };
    }
    case "aws:rds/instance:Instance": {
      // The endpoint RDS gives an instance: its identifier, an account-and-region hash, the region.
      const identifier = ((inputs.identifier as string) ?? physicalName(args.name, seed)).toLowerCase();
      const address = `${identifier}.c${digest(`${account}::${region}`, 11)}.${region}.rds.amazonaws.com`;
      return {
        id: identifier,
        state: {
          ...inputs,
          identifier,
          address,
          endpoint: `${address}:${inputs.port ?? 5432}`,
          arn: `arn:aws:rds:${region}:${account}:db:${identifier}`,
          resourceId: `db-${digest(seed, 26).toUpperCase()}`,
          engineVersionActual: `${inputs.engineVersion ?? "17"}.4`,
        },
      };
    }
    case "aws:rds/subnetGroup:SubnetGroup":
    case "aws:rds/parameterGroup:ParameterGroup": {
      const name = ((inputs.name as string) ?? physicalName(args.name, seed)).toLowerCase();
      const kind = args.type.endsWith("SubnetGroup") ? "subgrp" : "pg";
      return {
        id: name,
        state: { ...inputs, name, arn: `arn:aws:rds:${region}:${account}:${kind}:${name}` },
      };
    }
    case "aws:cloudwatch/logGroup:LogGroup": {
      const name = (inputs.name as string) ?? physicalName(args.name, seed);
      return {
        id: name,
        state: { ...inputs, name, arn: `arn:aws:logs:${region}:${account}:log-group:${name}` },
      };
    }
    case "aws:backup/vault:Vault":
    case "aws:backup/restoreTestingPlan:RestoreTestingPlan":
    case "aws:sns/topic:Topic":
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
    case "aws:cloudwatch/eventRule:EventRule": {
      // Named resources whose ARN ends in the name; auto-named like Pulumi when no name is given.
      const name = (inputs.name as string) ?? physicalName(args.name, seed);
      const arn = {
        "aws:backup/vault:Vault": `arn:aws:backup:${region}:${account}:backup-vault:${name}`,
        "aws:backup/restoreTestingPlan:RestoreTestingPlan": `arn:aws:backup:${region}:${account}:restore-testing-plan:${name}-${digest(seed, 6)}`,
        "aws:sns/topic:Topic": `arn:aws:sns:${region}:${account}:${name}`,
        "aws:cloudwatch/metricAlarm:MetricAlarm": `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
        "aws:cloudwatch/eventRule:EventRule": `arn:aws:events:${region}:${account}:rule/${name}`,
      }[args.type] as string;
      return { id: args.type === "aws:sns/topic:Topic" ? arn : name, state: { ...inputs, name, arn } };
    }
    case "aws:backup/plan:Plan": {
      const id = uuidFrom(seed);
      return {
        id,
        state: {
          ...inputs,
          arn: `arn:aws:backup:${region}:${account}:backup-plan:${id}`,
          version: digest(`${seed}::version`, 32),
        },
      };
    }
    case "aws:eks/cluster:Cluster": {
      // A private endpoint and a CA as EKS returns them; the cluster security group EKS makes.
      const clusterName = (inputs.name as string) ?? physicalName(args.name, seed);
      const vpcConfig = (inputs.vpcConfig ?? {}) as Record<string, unknown>;
      return {
        id: clusterName,
        state: {
          ...inputs,
          name: clusterName,
          arn: `arn:aws:eks:${region}:${account}:cluster/${clusterName}`,
          endpoint: `https://${digest(seed, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`,
          certificateAuthority: {
            data: Buffer.from(
              `-----BEGIN CERTIFICATE-----\n${digest(seed, 64)}\n-----END CERTIFICATE-----\n`,
            ).toString("base64"),
          },
          vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-${digest(`${seed}::cluster-sg`, 17)}` },
          platformVersion: "eks.1",
          status: "ACTIVE",
        },
      };
    }
    case "aws:ec2/launchTemplate:LaunchTemplate": {
      const id = `lt-${digest(seed, 17)}`;
      return {
        id,
        state: {
          ...inputs,
          arn: `arn:aws:ec2:${region}:${account}:launch-template/${id}`,
          latestVersion: 1,
          defaultVersion: 1,
        },
      };
    }
    case "aws:cloudwatch/dashboard:Dashboard": {
      const name = inputs.dashboardName as string;
      return {
        id: name,
        state: { ...inputs, dashboardArn: `arn:aws:cloudwatch::${account}:dashboard/${name}` },
      };
    }
    default: {
      const id = `${args.name}-${digest(seed, 8)}`;
      return {
        id,
        state: { ...inputs, arn: `arn:aws:${service}:${region}:${account}:${args.name}/${id}` },
      };
    }
  }
}

/** The mocks: resource outputs per provider, and the provider functions the components call. */
export function seawallMocks(state: MockState): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      if (args.type.startsWith("pulumi:providers:")) {
        return { id: `${args.name}-provider`, state: args.inputs };
      }
      if (args.type === "random:index/randomPassword:RandomPassword") {
        // A stand-in generated value: letters and digits of the asked length, stable per URN.
        const length = Number(args.inputs.length ?? 16);
        let result = "";
        for (let i = 0; result.length < length; i++) result += digest(`${args.type}::${args.name}::${i}`, 64);
        const mixed = result
          .slice(0, length)
          .replace(/[a-f]/g, (c, at: number) => (at % 2 === 0 ? c.toUpperCase() : c));
        return {
          id: "none",
          state: { ...args.inputs, result: mixed, bcryptHash: `$2a$10$${digest(mixed, 53)}` },
        };
      }
      if (args.type === "random:index/randomBytes:RandomBytes") {
        const bytes = Buffer.from(
          digest(`${args.type}::${args.name}`, 2 * Number(args.inputs.length ?? 32)),
          "hex",
        );
        return {
          id: "none",
          state: { ...args.inputs, base64: bytes.toString("base64"), hex: bytes.toString("hex") },
        };
      }
      if (args.type === "random:index/randomId:RandomId") {
        const bytes = Buffer.from(
          digest(`${args.type}::${args.name}`, 2 * Number(args.inputs.byteLength ?? 8)),
          "hex",
        );
        const hex = bytes.toString("hex");
        return {
          id: bytes.toString("base64url"),
          state: {
            ...args.inputs,
            hex,
            b64Url: bytes.toString("base64url"),
            b64Std: bytes.toString("base64"),
            dec: BigInt(`0x${hex}`).toString(),
          },
        };
      }
      if (args.type.startsWith("aws:")) return awsResource(args, state);
      if (args.type.startsWith("gcp:")) return gcpResource(args, state.gcp);
      if (args.type.startsWith("azure-native:")) return azureResource(args, state.azure);
      const id = `${args.name}-${digest(`${args.type}::${args.name}`, 8)}`;
      return { id, state: { ...args.inputs, name: args.inputs.name ?? args.name } };
    },
    call(args) {
      switch (args.token) {
        case "aws:index/getRegion:getRegion": {
          const region = regionOf(state, args.provider, {});
          return { id: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return {
            id: MOCK_AWS_ACCOUNT_ID,
            accountId: MOCK_AWS_ACCOUNT_ID,
            arn: `arn:aws:iam::${MOCK_AWS_ACCOUNT_ID}:user/seawall`,
            userId: "AIDASEAWALL",
          };
        case "aws:index/getPartition:getPartition":
          return {
            id: "aws",
            partition: "aws",
            dnsSuffix: "amazonaws.com",
            reverseDnsPrefix: "com.amazonaws",
          };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
          const region = regionOf(state, args.provider, args.inputs as Record<string, unknown>);
          const letters = ["a", "b", "c", "d", "e", "f"];
          return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_, i) => `use1-az${i + 1}`),
            groupNames: letters.map(() => region),
            state: "available",
          };
        }
        default: {
          const gcp = args.token.startsWith("gcp:") ? gcpCall(args, state.gcp) : undefined;
          if (gcp) return gcp;
          const azure = args.token.startsWith("azure-native:") ? azureCall(args, state.azure) : undefined;
          if (azure) return azure;
          throw new Error(
            `offline synthesis has no mock for the provider function ${args.token}; add one to scripts/synth/mocks.ts`,
          );
        }
      }
    },
  };
}
