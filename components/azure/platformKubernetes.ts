/**
 * The Azure platform's Kubernetes layer: an AKS cluster on the platform's workloads subnet whose
 * workers act as the platform's workload identity through a federated credential (or a brought
 * cluster), then the pipeline on it. KEDA scales the workers on the lag they export (Prometheus):
 * its `kafka` scaler cannot get Entra ID tokens for Event Hubs from workload identity.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  airflowWanted,
  buildPlatformKubernetes,
  clusterSettingArgs,
  type ClusterSettingNames,
  platformCluster,
  platformKubernetesProblems,
  type PlatformKubernetesOutputs,
  type PlatformPipelineInputs,
} from "../kubernetes/platformPipeline";
import type { DataPlatformArgs, KubernetesClusterSettings } from "../platformArgs";
import type { Profile } from "../profiles";
import type { Problem } from "../validation";
import {
  buildAzureAirflowSupport,
  defaultAirflowDatabaseSubnet,
  validateAzureAirflowSupportArgs,
} from "./airflowSupport";
import { AksCluster, type AksClusterArgs, type AksNetwork, validateAksClusterArgs } from "./cluster";

/** How the AKS cluster's arguments name the platform's `kubernetes.args` settings. */
const SETTING_NAMES: ClusterSettingNames<AksClusterArgs> = {
  kubernetesVersion: "kubernetesVersion",
  admins: "adminGroupObjectIds",
  nodes: "nodePools",
  instanceType: "vmSize",
  minCount: "minCount",
  maxCount: "maxCount",
};

/** What the Azure platform built that the cluster uses. */
export interface AzureKubernetesRefs {
  resourceGroupName: pulumi.Input<string>;
  network: pulumi.Input<AksNetwork>;
  workloadIdentity: pulumi.Input<{ id: string; clientId: string }>;
  /** The lake's account and container: Airflow's task logs go under `logs/` there. */
  lake: {
    accountId: pulumi.Input<string>;
    accountName: pulumi.Input<string>;
    containerName: pulumi.Input<string>;
  };
}

/** The subnet Airflow's database gets in the platform's network, or a problem naming the fix. */
function airflowDatabaseSubnet(args: DataPlatformArgs): ReturnType<typeof defaultAirflowDatabaseSubnet> {
  return defaultAirflowDatabaseSubnet(args.network?.cidrBlock);
}

/** Airflow's settings on Azure, with placeholders for what the platform builds, for validation. */
function airflowProblems(args: DataPlatformArgs, profile: Profile): Problem[] {
  const subnet = airflowDatabaseSubnet(args);
  if (!subnet) {
    return [
      {
        code: "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
        field: "network.cidrBlock",
        value: args.network?.cidrBlock,
        fix: "Airflow's database needs a /24 of the platform's network for its delegated subnet: use a /19 or larger block, or set kubernetes.args.airflow to { skip: true }",
      },
    ];
  }
  return validateAzureAirflowSupportArgs(
    {
      resourceGroupName: "placeholder",
      location: args.region,
      network: { vnetId: "placeholder", subnetIds: ["placeholder"] },
      databaseSubnet: subnet,
      lake: { accountId: "placeholder", accountName: "placeholder", containerName: "placeholder" },
      oidcIssuerUrl: "https://placeholder.invalid/",
    },
    profile,
  ).map((p) => ({ ...p, field: `airflow.${p.field}` }));
}

/** The AKS cluster's arguments from the platform's settings, profile and what it built. */
export function aksClusterArgs(
  s: KubernetesClusterSettings,
  args: DataPlatformArgs,
  profile: Profile,
  tags: Record<string, string>,
  refs: AzureKubernetesRefs,
): AksClusterArgs {
  return {
    resourceGroupName: refs.resourceGroupName,
    network: refs.network,
    adminGroupObjectIds: s.admins ?? [],
    location: args.region,
    ...clusterSettingArgs(s, SETTING_NAMES),
    workloads: { identity: refs.workloadIdentity },
    protect: profile.deletionProtection,
    tags,
  };
}

/** Every problem with the platform's `kubernetes` setting on Azure: the cloud-neutral ones (an alert webhook is required) and the AKS cluster's own. */
export function validateAzureKubernetesArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  return platformKubernetesProblems(args, "webhook", {
    names: SETTING_NAMES,
    build: (s) =>
      aksClusterArgs(
        s,
        args,
        profile,
        {},
        {
          resourceGroupName: "placeholder",
          network: { vnetId: "placeholder", subnetIds: ["placeholder"] },
          workloadIdentity: { id: "placeholder", clientId: "placeholder" },
          lake: { accountId: "placeholder", accountName: "placeholder", containerName: "placeholder" },
        },
      ),
    validate: validateAksClusterArgs,
    more: (choice) => (airflowWanted(choice) ? airflowProblems(args, profile) : []),
  });
}

/** Builds the AKS cluster (or the brought cluster's provider) and the pipeline on it; undefined without one. */
export function buildAzureKubernetes(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
  tags: Record<string, string>,
  refs: AzureKubernetesRefs,
  inputs: Omit<PlatformPipelineInputs, "receiver" | "lag">,
): PlatformKubernetesOutputs | undefined {
  return buildPlatformKubernetes(
    parent,
    name,
    args,
    profile,
    platformCluster(AksCluster, parent, name, (s) => aksClusterArgs(s, args, profile, tags, refs)),
    {
      ...inputs,
      // Its identity trusts the built cluster's OIDC issuer; the subnet was checked by
      // validateAzureKubernetesArgs.
      airflow: (cluster) =>
        buildAzureAirflowSupport(
          parent,
          name,
          {
            resourceGroupName: refs.resourceGroupName,
            location: args.region,
            network: refs.network,
            databaseSubnet: airflowDatabaseSubnet(args)!,
            lake: refs.lake,
            oidcIssuerUrl: (cluster as AksCluster).oidcIssuerUrl!,
          },
          profile,
          tags,
        ),
    },
  );
}
