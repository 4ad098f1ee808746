/**
 * The GCP platform's Kubernetes layer: a GKE cluster on the platform's workloads subnet whose
 * workers act as the platform's workload service account through Workload Identity (or a brought
 * cluster), then the pipeline on it. KEDA scales the workers on the lag they export (Prometheus):
 * its `kafka` scaler cannot mint Google tokens for Managed Kafka from Workload Identity.
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
import type { ExistingPrivateServiceAccess } from "./airflowDatabaseConfig";
import { buildGcpAirflowSupport, validateGcpAirflowSupportArgs } from "./airflowSupport";
import { GkeCluster, type GkeClusterArgs, type GkeNetwork, validateGkeClusterArgs } from "./cluster";

/** How the GKE cluster's arguments name the platform's `kubernetes.args` settings. */
const SETTING_NAMES: ClusterSettingNames<GkeClusterArgs> = {
  kubernetesVersion: "minMasterVersion",
  nodes: "nodePools",
  instanceType: "machineType",
  minCount: "minNodesPerZone",
  maxCount: "maxNodesPerZone",
};

/** The GKE cluster's arguments from the platform's settings, profile and what it built. */
export function gkeClusterArgs(
  s: KubernetesClusterSettings,
  args: DataPlatformArgs,
  profile: Profile,
  labels: Record<string, string>,
  refs: { network: pulumi.Input<GkeNetwork>; workloadServiceAccount: pulumi.Input<string> },
): GkeClusterArgs {
  return {
    network: refs.network,
    region: args.region,
    ...clusterSettingArgs(s, SETTING_NAMES),
    workloads: { serviceAccountEmail: refs.workloadServiceAccount },
    protect: profile.deletionProtection,
    labels,
  };
}

/**
 * Every problem with the platform's `kubernetes` setting on GCP: the cloud-neutral ones (an alert
 * webhook is required), `admins` (GKE grants access through IAM), and the GKE cluster's own.
 */
export function validateGcpKubernetesArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  return platformKubernetesProblems(args, "webhook", {
    names: SETTING_NAMES,
    build: (s) =>
      gkeClusterArgs(
        s,
        args,
        profile,
        {},
        {
          network: { networkId: "placeholder", subnetIds: ["placeholder"] },
          workloadServiceAccount: "placeholder@placeholder.iam.gserviceaccount.com",
        },
      ),
    validate: validateGkeClusterArgs,
    more: (choice) => [
      ...(airflowWanted(choice) ? validateGcpAirflowSupportArgs({ region: args.region }, profile) : []),
      ...(choice.form === "args" && choice.settings.admins !== undefined && choice.settings.admins.length > 0
        ? [
            {
              code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED" as const,
              field: "kubernetes.args.admins",
              value: choice.settings.admins,
              fix: "GKE grants cluster access through IAM (roles/container.admin on the project): leave admins unset and grant the role to your group",
            },
          ]
        : []),
    ],
  });
}

/** Builds the GKE cluster (or the brought cluster's provider) and the pipeline on it; undefined without one. */
export function buildGcpKubernetes(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
  labels: Record<string, string>,
  refs: GcpKubernetesRefs,
  inputs: Omit<PlatformPipelineInputs, "receiver" | "lag">,
): PlatformKubernetesOutputs | undefined {
  return buildPlatformKubernetes(
    parent,
    name,
    args,
    profile,
    platformCluster(GkeCluster, parent, name, (s) => gkeClusterArgs(s, args, profile, labels, refs)),
    {
      ...inputs,
      // Its Google service account trusts the built cluster's workload pool.
      airflow: (cluster) =>
        buildGcpAirflowSupport(
          parent,
          name,
          {
            networkId: pulumi.output(refs.network).apply((n) => n.networkId),
            ...(refs.privateServiceAccess ? { privateServiceAccess: refs.privateServiceAccess } : {}),
            cluster: (cluster as GkeCluster).cluster!,
            lakeBucket: refs.lakeBucket,
            region: args.region,
          },
          profile,
          labels,
        ),
    },
  );
}

/** What the GCP platform built that the cluster and Airflow use. */
export interface GcpKubernetesRefs {
  network: pulumi.Input<GkeNetwork>;
  workloadServiceAccount: pulumi.Input<string>;
  /** The lake bucket: Airflow's task logs go under `logs/` there. */
  lakeBucket: pulumi.Input<string>;
  /** The network's private service access, when it has one (Cloud SQL's private IP uses it). */
  privateServiceAccess?: ExistingPrivateServiceAccess;
}
