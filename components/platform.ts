import * as pulumi from "@pulumi/pulumi";
import { buildAwsPlatform, validateAwsPlatformArgs } from "./aws/platform";
import { KafkaConnection, ObjectStoreLocation, RedisConnection } from "./contracts";
import type { PlatformKubernetesOutputs } from "./kubernetes/platformOutputs";
import { DataPlatformArgs } from "./platformArgs";
import { Profile, resolveProfile } from "./profiles";
import { Problem, SeawallValidationError } from "./validation";

/**
 * The GCP platform, loaded only when a platform is built on GCP: `@pulumi/gcp` is an optional peer
 * dependency, and an AWS-only program must load this module (and type-check against its
 * declarations) without it. Without the SDK this throws Node's "Cannot find module '@pulumi/gcp'".
 */
function gcpPlatform(): typeof import("./gcp/platform") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./gcp/platform") as typeof import("./gcp/platform");
}

/**
 * The Azure platform, loaded only when a platform is built on Azure: `@pulumi/azure-native` is an
 * optional peer dependency, as `@pulumi/gcp` is (see {@link gcpPlatform}).
 */
function azurePlatform(): typeof import("./azure/platform") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./azure/platform") as typeof import("./azure/platform");
}

/**
 * The `kubernetes` target, loaded only when a platform runs on it: `@pulumi/kubernetes` is an
 * optional peer dependency, and a cloud's program must load this module without it.
 */
function kubernetesTarget(): typeof import("./kubernetes/platform") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./kubernetes/platform") as typeof import("./kubernetes/platform");
}

export * from "./platformArgs";

/** What every cloud's platform exports, in the cloud-neutral shapes of `contracts.ts`. */
export interface PlatformOutputs {
  objectStore: pulumi.Output<ObjectStoreLocation>;
  /** `s3://bucket/prefix` and the like, for tools that take a URI. */
  bucketUri: pulumi.Output<string>;
  replicaBucketUri?: pulumi.Output<string>;
  /** How clients reach the event stream. */
  kafka: pulumi.Output<KafkaConnection>;
  /** An IAM policy that lets a workload's role use the event stream, where the cloud authenticates clients with IAM. */
  kafkaClientPolicyArn?: pulumi.Output<string>;
  /** How clients reach the feature store; `authSecret` is a Pulumi secret. */
  redis: pulumi.Output<RedisConnection>;
  /** Where clients run: the private network and the security group they join to reach the services. */
  network?: pulumi.Output<{ vpcId: string; privateSubnetIds: string[]; clientSecurityGroupId: string }>;
  /** GCP: where clients run: the VPC network and its subnets (the workloads subnet first). */
  gcpNetwork?: pulumi.Output<{ networkId: string; subnetIds: string[] }>;
  /**
   * GCP: the service account workloads run as. The firewall admits only it to the services' ports,
   * and IAM grants it the event stream, the feature store and the lake.
   */
  workloadServiceAccount?: pulumi.Output<string>;
  /** GCP: the Pub/Sub topic every alert is published to (`projects/<p>/topics/<t>`); subscribe your pager or chat to it. */
  alertTopicId?: pulumi.Output<string>;
  /** Azure: the resource group that holds the platform's resources. */
  resourceGroupName?: pulumi.Output<string>;
  /** Azure: where clients run: the virtual network and its subnets (the workloads subnet first). */
  azureNetwork?: pulumi.Output<{ vnetId: string; subnetIds: string[] }>;
  /**
   * Azure: the user-assigned managed identity workloads run as (federate it with the cluster's
   * service account for workload identity): Entra ID grants it the event stream, the feature store
   * and the lake. `clientId` is what `AZURE_CLIENT_ID` and the pod annotation take.
   */
  workloadIdentity?: pulumi.Output<{ id: string; clientId: string; principalId: string }>;
  /** Azure: the Azure Monitor action group every alert notifies. */
  actionGroupId?: pulumi.Output<string>;
  /** The topic alarms and backup failures notify; subscribe your pager or chat to it. */
  alertTopicArn?: pulumi.Output<string>;
  /** The monitoring dashboard in the cloud's console. */
  dashboardUrl?: pulumi.Output<string>;
  /** Encryption keys by what they protect. */
  kmsKeys: Record<string, pulumi.Output<string>>;
  /**
   * The Kubernetes layer, when `kubernetes` builds or brings a cluster: its provider (for more
   * resources on it), kubeconfig (a secret), name, and the pipeline's namespaces and Deployments.
   */
  kubernetes?: PlatformKubernetesOutputs;
}

function cloudNeutralProblems(args: DataPlatformArgs, profile: Profile): Problem[] {
  const problems: Problem[] = [];
  const replication = args.objectStore?.replication ?? profile.objectStore.replication;
  if (replication && !args.replicaRegion) {
    problems.push({
      code: "SEAWALL_PLATFORM_REPLICA_REGION_REQUIRED",
      field: "replicaRegion",
      value: args.replicaRegion,
      fix: `required when replication is on (the ${profile.environment} profile or objectStore.replication = true); set a region other than ${args.region}`,
    });
  }
  if (args.replicaRegion !== undefined && args.replicaRegion === args.region) {
    problems.push({
      code: "SEAWALL_PLATFORM_REPLICA_REGION_SAME",
      field: "replicaRegion",
      value: args.replicaRegion,
      fix: `must differ from the primary region (${args.region}); a replica in the same region survives no regional outage`,
    });
  }
  return problems;
}

/**
 * Every problem with the platform's arguments, before anything is registered. Fields are named
 * as in {@link DataPlatformArgs} (`objectStore.lifecycle.archiveAfterDays`).
 */
export function validateDataPlatformArgs(args: DataPlatformArgs): Problem[] {
  const profile = resolveProfile(args.environment, args.profile);
  const problems = cloudNeutralProblems(args, profile);
  switch (args.cloud) {
    case "aws":
      return [...problems, ...validateAwsPlatformArgs(args, profile)];
    case "gcp":
      return [...problems, ...gcpPlatform().validateGcpPlatformArgs(args, profile)];
    case "azure":
      return [...problems, ...azurePlatform().validateAzurePlatformArgs(args, profile)];
    case "kubernetes":
      return [...problems, ...kubernetesTarget().validateKubernetesPlatformArgs(args, profile)];
    default:
      return [
        ...problems,
        {
          code: "SEAWALL_PLATFORM_CLOUD_UNSUPPORTED",
          field: "cloud",
          value: args.cloud,
          fix: `Seawall does not build a ${args.cloud} platform yet; use "aws", "gcp" or "azure"`,
        },
      ];
  }
}

/**
 * One cloud's data platform, composed from an environment profile: object storage now; the event
 * stream, feature store, backups and monitoring as each cloud gains them.
 */
export class DataPlatform extends pulumi.ComponentResource {
  readonly profile: Profile;
  readonly outputs: PlatformOutputs;

  constructor(name: string, args: DataPlatformArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:index:DataPlatform", name, {}, opts);
    const problems = validateDataPlatformArgs(args);
    if (problems.length > 0) throw new SeawallValidationError(`seawall:index:DataPlatform ${name}`, problems);
    this.profile = resolveProfile(args.environment, args.profile);
    switch (args.cloud) {
      case "aws":
        this.outputs = buildAwsPlatform(this, name, args, this.profile);
        break;
      case "gcp":
        this.outputs = gcpPlatform().buildGcpPlatform(this, name, args, this.profile);
        break;
      case "azure":
        this.outputs = azurePlatform().buildAzurePlatform(this, name, args, this.profile);
        break;
      case "kubernetes":
        this.outputs = kubernetesTarget().buildKubernetesPlatform(this, name, args, this.profile);
        break;
      default:
        throw new Error(`unreachable: ${args.cloud} was rejected by validateDataPlatformArgs`);
    }
    // The cluster's provider is a resource, not an output: register what describes the cluster.
    const { kubernetes, ...outputs } = this.outputs;
    this.registerOutputs({
      ...outputs,
      ...(kubernetes
        ? {
            kubernetes: {
              clusterName: kubernetes.clusterName,
              kubeconfig: kubernetes.kubeconfig,
              namespace: kubernetes.namespace,
              monitoringNamespace: kubernetes.monitoringNamespace,
              deployments: kubernetes.deployments,
            },
          }
        : {}),
    });
  }
}
