/**
 * The AWS platform's Kubernetes layer: an EKS cluster in the platform's network (or a brought
 * cluster) whose workers' Pod Identity may use the lake and MSK over IAM, whose KEDA operator may
 * read the MSK cluster's consumer lag (its ARN, from the event stream), and whose Alertmanager may
 * publish to the platform's alert topic; then the pipeline on it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_KEDA_NAMESPACE } from "../kubernetes/clusterContract";
import {
  airflowWanted,
  buildPlatformKubernetes,
  clusterSettingArgs,
  type ClusterSettingNames,
  existingClusterArgs,
  type KubernetesChoice,
  platformKubernetesProblems,
  type PlatformKubernetesOutputs,
  type PlatformPipelineInputs,
} from "../kubernetes/platformPipeline";
import type { DataPlatformArgs, KubernetesClusterSettings } from "../platformArgs";
import type { Profile } from "../profiles";
import type { Problem } from "../validation";
import { buildAwsAirflowSupport, validateAwsAirflowSupportArgs } from "./airflowSupport";
import { Cluster, type ClusterNetwork, type EksClusterArgs, validateClusterArgs } from "./cluster";
import { podIdentityTrustPolicy } from "./clusterConfig";

/** kube-prometheus-stack's Alertmanager service account (release `kube-prometheus-stack`). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "kube-prometheus-stack-alertmanager";

/** What the AWS platform built that the cluster and the pipeline use. */
export interface AwsKubernetesRefs {
  network: pulumi.Input<ClusterNetwork>;
  lake: { bucket: pulumi.Input<string>; prefix?: string; kmsKeyArn: pulumi.Input<string> };
  kafkaClientPolicyArn: pulumi.Input<string>;
  /** The MSK cluster's ARN: KEDA's Pod Identity may read its consumer groups' lag. */
  kafkaClusterArn: pulumi.Input<string>;
  /** The SNS topic alerts go to, and the key it is encrypted with. */
  alertTopicArn: pulumi.Output<string>;
  alertKmsKeyArn: pulumi.Output<string>;
}

/** How the EKS cluster's arguments name the platform's `kubernetes.args` settings. */
const SETTING_NAMES: ClusterSettingNames<EksClusterArgs> = {
  kubernetesVersion: "kubernetesVersion",
  admins: "adminPrincipalArns",
  nodes: "nodeGroups",
  instanceType: "instanceTypes",
  instanceTypeList: true,
  minCount: "minSize",
  maxCount: "maxSize",
};

/** True when KEDA is installed or brought, so its operator needs the lag reader's identity. */
function scales(s: KubernetesClusterSettings): boolean {
  return !(s.keda && "skip" in s.keda);
}

/** The EKS cluster's arguments from the platform's settings, profile and what it built. */
export function eksClusterArgs(
  s: KubernetesClusterSettings,
  profile: Profile,
  tags: Record<string, string>,
  refs: Omit<AwsKubernetesRefs, "alertTopicArn" | "alertKmsKeyArn">,
): EksClusterArgs {
  return {
    network: refs.network,
    adminPrincipalArns: s.admins ?? [],
    ...clusterSettingArgs(s, SETTING_NAMES),
    workloads: { lake: refs.lake, kafkaClientPolicyArn: refs.kafkaClientPolicyArn },
    ...(scales(s) ? { keda: { kafkaClusterArn: refs.kafkaClusterArn, namespace: kedaNamespace(s) } } : {}),
    logRetentionInDays: profile.eventStream.logRetentionDays,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    protect: profile.deletionProtection,
    tags,
  };
}

function kedaNamespace(s: KubernetesClusterSettings): string {
  return s.keda && "existing" in s.keda ? s.keda.existing.namespace : DEFAULT_KEDA_NAMESPACE;
}

/**
 * Every problem with the platform's `kubernetes` setting on AWS: the cloud-neutral ones, MSK with
 * SCRAM (the workers would need the SCRAM password in the cluster), and the EKS cluster's own,
 * named as the settings (`kubernetes.args.admins`).
 */
export function validateAwsKubernetesArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const placeholder = `arn:aws:placeholder`;
  return platformKubernetesProblems(args, "sns", {
    names: SETTING_NAMES,
    build: (s) =>
      eksClusterArgs(
        s,
        profile,
        {},
        {
          network: {
            vpcId: "vpc-placeholder",
            privateSubnetIds: ["subnet-a", "subnet-b"],
            clientSecurityGroupId: "sg",
          },
          lake: { bucket: "placeholder", kmsKeyArn: placeholder },
          kafkaClientPolicyArn: placeholder,
          kafkaClusterArn: placeholder,
        },
      ),
    validate: validateClusterArgs,
    more: (choice) => [
      ...(airflowWanted(choice) ? validateAwsAirflowSupportArgs({ region: args.region }, profile) : []),
      ...((args.eventStream?.clientAuthentication ?? "iam") !== "iam"
        ? [
            {
              code: "SEAWALL_PLATFORM_KUBERNETES_KAFKA_AUTH" as const,
              field: "eventStream.clientAuthentication",
              value: args.eventStream?.clientAuthentication,
              fix: `the platform's workers on Kubernetes reach MSK with IAM through Pod Identity (no password in the cluster); set it to "iam", or compose StageWorkers yourself with secrets.kafkaCredentials`,
            },
          ]
        : []),
    ],
  });
}

/**
 * Builds the EKS cluster (or the brought cluster's provider) and the pipeline on it, children of
 * `parent`; undefined when the platform runs no Kubernetes layer.
 */
export function buildAwsKubernetes(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
  tags: Record<string, string>,
  refs: AwsKubernetesRefs,
  inputs: Omit<PlatformPipelineInputs, "receiver" | "lag">,
): PlatformKubernetesOutputs | undefined {
  const makeCluster = (choice: NonNullable<KubernetesChoice>): Cluster => {
    if (choice.form === "existing") {
      return new Cluster(`${name}-cluster`, existingClusterArgs(choice.settings), { parent });
    }
    const cluster = new Cluster(`${name}-cluster`, eksClusterArgs(choice.settings, profile, tags, refs), {
      parent,
    });
    if (!(choice.settings.monitoring && "existing" in choice.settings.monitoring)) {
      alertmanagerIdentity(parent, name, cluster.cluster!, refs, tags);
    }
    return cluster;
  };
  // KEDA reads the lag over MSK IAM through its Pod Identity on a cluster the platform built (the
  // pipeline's default when the cluster bound KEDA one); on a brought cluster, the exported lag.
  return buildPlatformKubernetes(parent, name, args, profile, makeCluster, {
    ...inputs,
    receiver: { sns: { topicArn: refs.alertTopicArn, region: args.region } },
    // Airflow runs only on the cluster the platform built (airflowWanted): its database admits
    // that cluster's security group, its Pod Identity trusts that cluster.
    airflow: (cluster) =>
      buildAwsAirflowSupport(
        parent,
        name,
        {
          network: refs.network,
          cluster: {
            name: (cluster as Cluster).cluster!.name,
            arn: (cluster as Cluster).cluster!.arn,
            securityGroupId: (cluster as Cluster).clusterSecurityGroupId!,
          },
          lake: { bucket: refs.lake.bucket, kmsKeyArn: refs.lake.kmsKeyArn },
          region: args.region,
        },
        profile,
        tags,
      ),
  });
}

/**
 * Alertmanager's Pod Identity: publish to the platform's alert topic (SigV4, `sns_configs`) and
 * use its key, nothing else.
 */
function alertmanagerIdentity(
  parent: pulumi.Resource,
  name: string,
  cluster: aws.eks.Cluster,
  refs: AwsKubernetesRefs,
  tags: Record<string, string>,
): void {
  const opts = { parent };
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  const role = new aws.iam.Role(
    `${name}-alertmanager`,
    {
      assumeRolePolicy: pulumi
        .all([accountId, cluster.arn])
        .apply(([a, c]) => JSON.stringify(podIdentityTrustPolicy(a, c))),
      description: `Pod Identity of monitoring/${ALERTMANAGER_SERVICE_ACCOUNT}: publish alerts`,
      tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-alertmanager`,
    {
      role: role.name,
      policy: pulumi.all([refs.alertTopicArn, refs.alertKmsKeyArn]).apply(([topic, key]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: topic },
            {
              Sid: "EncryptAlerts",
              Effect: "Allow",
              Action: ["kms:GenerateDataKey", "kms:Decrypt"],
              Resource: key,
            },
          ],
        }),
      ),
    },
    opts,
  );
  new aws.eks.PodIdentityAssociation(
    `${name}-alertmanager`,
    {
      clusterName: cluster.name,
      namespace: "monitoring",
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
      roleArn: role.arn,
      tags,
    },
    opts,
  );
}
