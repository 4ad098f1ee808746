import * as aws from "@pulumi/aws";
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_KEDA_NAMESPACE,
  DEFAULT_KEDA_SERVICE_ACCOUNT,
  type WorkloadIdentity,
} from "../kubernetes/clusterContract";
import {
  checkBroughtClusterArgs,
  checkClusterAdmins,
  checkClusterNetwork,
  checkServiceAccountArgs,
  ClusterComponent,
  clusterProvider,
  execKubeconfig,
  type ExistingCluster,
  serviceAccountOf,
} from "../kubernetes/clusterProvider";
import { Problems } from "../validation";
import {
  accessPolicyArn,
  ADDON_ROLES,
  ADDON_VERSION,
  addonVersions,
  CLUSTER_ROLE_POLICIES,
  clusterArn,
  clusterKeyPolicy,
  clusterTrustPolicy,
  CONTROL_PLANE_LOG_TYPES,
  controlPlaneLogGroupName,
  DEFAULT_EKS_VERSION,
  EKS_ADDON_NAMES,
  EKS_CLUSTER_NAME,
  EKS_VERSIONS,
  IAM_PRINCIPAL_ARN,
  INSTANCE_TYPE,
  kafkaLagReaderPolicy,
  lakeAccessPolicy,
  managedPolicyArn,
  NODE_GROUP_NAME,
  NODE_ROLE_POLICIES,
  nodeTrustPolicy,
  podIdentityTrustPolicy,
  secretsKeyUsePolicy,
  type EksAddonName,
} from "./clusterConfig";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import { checkLogRetention } from "./logs";
import { withDefaultKeyPolicy } from "./logsKey";

/** Where the cluster runs: the platform's `network` output (`PlatformOutputs.network`). */
export interface ClusterNetwork {
  vpcId: string;
  /** Private subnets, one per availability zone; the control plane's interfaces and the nodes go there. */
  privateSubnetIds: string[];
  /** The security group that MSK and ElastiCache admit; the nodes (and so the pods) join it. */
  clientSecurityGroupId: string;
}

/** A managed node group; it spans every private subnet of the network. */
export interface EksNodeGroupArgs {
  /** Part of the node group's resource names (1 to 63 letters, digits, `-`, `_`). @defaultValue "workers" */
  name?: string;
  /** EC2 instance types, all of one architecture (Graviton `...g.` types run the ARM AMI). @defaultValue ["m7i.large"] */
  instanceTypes?: string[];
  /** `ON_DEMAND` or `SPOT`. @defaultValue "ON_DEMAND" */
  capacityType?: "ON_DEMAND" | "SPOT";
  /** Fewest nodes. @defaultValue 3 (one per zone of a three-zone network) */
  minSize?: number;
  /** Nodes at creation; the cluster autoscaler or you move it afterwards. @defaultValue minSize */
  desiredSize?: number;
  /** Most nodes. @defaultValue 6 */
  maxSize?: number;
  /** Size of each node's encrypted gp3 root volume, in GiB (20 to 16384). @defaultValue 50 */
  rootVolumeGiB?: number;
  /** Kubernetes labels of the nodes. @defaultValue none */
  labels?: Record<string, string>;
  /** Kubernetes taints of the nodes. @defaultValue none */
  taints?: { key: string; value?: string; effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE" }[];
}

/** The stage workers' identity: the service account EKS Pod Identity gives a role, and what the role may do. */
export interface EksWorkloadArgs {
  /** The workers' namespace. @defaultValue "seawall" */
  namespace?: string;
  /** The workers' service account. @defaultValue "seawall-workers" */
  serviceAccountName?: string;
  /**
   * The lake: the platform's `objectStore` bucket and prefix, and its key (`kmsKeys.objectStore`).
   * The role may list the prefix, read and write objects under it, and use the key through S3.
   * @defaultValue no lake access
   */
  lake?: { bucket: pulumi.Input<string>; prefix?: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> };
  /** The platform's `kafkaClientPolicyArn` (MSK IAM), attached to the role. @defaultValue none */
  kafkaClientPolicyArn?: pulumi.Input<string>;
}

/** KEDA's operator identity, so its `kafka` scaler reads consumer lag over MSK IAM through Pod Identity. */
export interface EksKedaArgs {
  /** The MSK cluster's ARN; the role may connect and describe its topics and groups, and read no data. */
  kafkaClusterArn: pulumi.Input<string>;
  /** KEDA's namespace. @defaultValue "keda" */
  namespace?: string;
  /** The KEDA operator's service account. @defaultValue "keda-operator" */
  serviceAccountName?: string;
}

/** An EKS cluster the component builds. */
export interface EksClusterArgs {
  /** The platform's network (`PlatformOutputs.network`): the cluster's private subnets and client security group. */
  network: pulumi.Input<ClusterNetwork>;
  /**
   * IAM roles or users given cluster admin (`AmazonEKSClusterAdminPolicy`) through access entries.
   * The creator gets no access of its own: list the role that runs `pulumi up`, or the rest of the
   * Kubernetes layer cannot deploy.
   */
  adminPrincipalArns: pulumi.Input<string>[];
  /**
   * The EKS cluster's name (known before deployment: the control-plane log group is named after it).
   * @defaultValue the component's name
   */
  clusterName?: string;
  /**
   * The Kubernetes version, `major.minor`: one of {@link EKS_VERSIONS}, or another with every add-on
   * version given in `addonVersions`.
   * @defaultValue "1.35"
   */
  kubernetesVersion?: string;
  /** Add-on versions that replace the table's for this cluster, e.g. a newer `eksbuild`. @defaultValue the table's */
  addonVersions?: Partial<Record<EksAddonName, string>>;
  /** Managed node groups. @defaultValue one group, "workers", of three to six m7i.large on demand */
  nodeGroups?: EksNodeGroupArgs[];
  /** The stage workers' Pod Identity. @defaultValue the workers' service account with no grants */
  workloads?: EksWorkloadArgs;
  /** KEDA's Pod Identity for the `kafka` scaler. @defaultValue none: scale on the workers' exported lag */
  keda?: EksKedaArgs;
  /** Days CloudWatch keeps the control-plane logs; a period CloudWatch accepts. @defaultValue 90 */
  logRetentionInDays?: number;
  /**
   * The customer-managed key that envelope-encrypts Kubernetes secrets, the control-plane logs, the
   * nodes' root volumes and the default StorageClass's volumes. A brought key must let CloudWatch
   * Logs and EC2 Auto Scaling's service-linked role use it.
   * @defaultValue a key is created, rotation on, with a policy that lets them
   */
  kmsKey?: KmsKeyOption;
  /** Days a scheduled deletion of a key this component creates waits (7 to 30). @defaultValue 30 */
  keyDeletionWindowInDays?: number;
  /** Protect the cluster, its key and its logs from deletion (`protect`, and EKS deletion protection). @defaultValue true */
  protect?: boolean;
  /** Tags for every AWS resource. @defaultValue {} */
  tags?: Record<string, string>;
}

/** Build an EKS cluster, or bring your own through its kubeconfig (then only the provider is made). */
export type ClusterArgs = EksClusterArgs | { existing: ExistingCluster };

const DEFAULT_NODE_GROUP = {
  name: "workers",
  instanceTypes: ["m7i.large"],
  capacityType: "ON_DEMAND" as const,
  minSize: 3,
  maxSize: 6,
  rootVolumeGiB: 50,
};

/** The StorageClass the cluster makes default: gp3 volumes encrypted with the cluster's key. */
export const DEFAULT_STORAGE_CLASS = "seawall-gp3-encrypted";

function checkNodeGroups(p: Problems, groups: unknown): void {
  if (groups === undefined) return;
  if (!Array.isArray(groups) || groups.length === 0) {
    p.add(
      "SEAWALL_AWS_CLUSTER_NODE_GROUPS",
      "nodeGroups",
      groups,
      "give at least one node group, or leave nodeGroups unset for the default",
    );
    return;
  }
  const names = new Set<string>();
  groups.forEach((g: EksNodeGroupArgs, i) => {
    const at = `nodeGroups[${i}]`;
    const name = g.name ?? DEFAULT_NODE_GROUP.name;
    if (!NODE_GROUP_NAME.test(name)) {
      p.add(
        "SEAWALL_AWS_CLUSTER_NODE_GROUPS",
        `${at}.name`,
        name,
        "must be 1 to 63 letters, digits, hyphens and underscores, starting with a letter or digit",
      );
    } else if (names.has(name)) {
      p.add(
        "SEAWALL_AWS_CLUSTER_NODE_GROUPS",
        `${at}.name`,
        name,
        "names another node group; give each its own",
      );
    }
    names.add(name);
    const types: unknown = g.instanceTypes ?? DEFAULT_NODE_GROUP.instanceTypes;
    const valid = Array.isArray(types) && types.every((t) => typeof t === "string" && INSTANCE_TYPE.test(t));
    const arm = valid ? (types as string[]).map(isGraviton) : [];
    if (!valid || arm.length === 0 || arm.some((a) => a !== arm[0])) {
      p.add(
        "SEAWALL_AWS_CLUSTER_INSTANCE_TYPE",
        `${at}.instanceTypes`,
        types,
        'must be one or more EC2 instance types of one architecture, e.g. ["m7i.large"] or ["m7g.large"]',
      );
    }
    p.wholeNumber("SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE", `${at}.minSize`, g.minSize, 0, 1000);
    p.wholeNumber("SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE", `${at}.maxSize`, g.maxSize, 1, 1000);
    p.wholeNumber("SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE", `${at}.desiredSize`, g.desiredSize, 0, 1000);
    const min = g.minSize ?? DEFAULT_NODE_GROUP.minSize;
    const max = g.maxSize ?? Math.max(DEFAULT_NODE_GROUP.maxSize, min);
    const desired = g.desiredSize ?? min;
    if (min > max || desired < min || desired > max) {
      p.add(
        "SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE",
        at,
        { minSize: min, desiredSize: desired, maxSize: max },
        "needs minSize <= desiredSize <= maxSize",
      );
    }
    p.wholeNumber(
      "SEAWALL_AWS_CLUSTER_ROOT_VOLUME",
      `${at}.rootVolumeGiB`,
      g.rootVolumeGiB,
      20,
      16384,
      "the EKS AMIs need 20 GiB; gp3 volumes go up to 16384 GiB",
    );
    if (g.capacityType !== undefined && !["ON_DEMAND", "SPOT"].includes(g.capacityType)) {
      p.add(
        "SEAWALL_AWS_CLUSTER_NODE_GROUPS",
        `${at}.capacityType`,
        g.capacityType,
        'must be "ON_DEMAND" or "SPOT"',
      );
    }
  });
}

/** Graviton instance families carry a `g` after their generation (`m7g`, `c8gd`, `r7gn`). */
function isGraviton(instanceType: string): boolean {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType);
}

/**
 * Checks a {@link ClusterArgs} and throws one error listing every problem. Values that are Outputs
 * are not known yet and are left to the provider.
 */
export function validateClusterArgs(args: ClusterArgs): void {
  const p = new Problems();
  if (checkBroughtClusterArgs(p, args, "seawall:aws:Cluster")) return;
  const name = args.clusterName;
  if (name !== undefined && !EKS_CLUSTER_NAME.test(name)) {
    p.add(
      "SEAWALL_AWS_CLUSTER_NAME",
      "clusterName",
      name,
      "must be 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit",
    );
  }
  checkClusterNetwork(p, args.network, {
    code: "SEAWALL_AWS_CLUSTER_NETWORK",
    fix: "give the platform's network output ({ vpcId, privateSubnetIds, clientSecurityGroupId })",
    subnets: "privateSubnetIds",
    fewestSubnets: 2,
    subnetsFix: "EKS needs private subnets in at least two availability zones",
  });
  checkClusterAdmins(p, "adminPrincipalArns", args.adminPrincipalArns, {
    requiredCode: "SEAWALL_AWS_CLUSTER_ADMINS_REQUIRED",
    requiredFix:
      "give at least one IAM role ARN (the one that runs pulumi up among them): the creator gets no access of its own, so nobody could reach the cluster",
    code: "SEAWALL_AWS_CLUSTER_PRINCIPAL_ARN",
    pattern: IAM_PRINCIPAL_ARN,
    fix: 'must be an IAM role or user ARN, e.g. "arn:aws:iam::123456789012:role/platform-admin" (not an assumed-role session ARN)',
  });
  const version = args.kubernetesVersion ?? DEFAULT_EKS_VERSION;
  const overrides = args.addonVersions ?? {};
  for (const [addon, v] of Object.entries(overrides)) {
    if (!(EKS_ADDON_NAMES as readonly string[]).includes(addon)) {
      p.add(
        "SEAWALL_AWS_CLUSTER_ADDON_VERSION",
        `addonVersions.${addon}`,
        v,
        `is not an add-on the cluster installs; the add-ons are ${EKS_ADDON_NAMES.join(", ")}`,
      );
    } else if (typeof v !== "string" || !ADDON_VERSION.test(v)) {
      p.add(
        "SEAWALL_AWS_CLUSTER_ADDON_VERSION",
        `addonVersions.${addon}`,
        v,
        'must be an EKS add-on version such as "v1.21.0-eksbuild.1" (aws eks describe-addon-versions)',
      );
    }
  }
  if (!/^1\.\d+$/.test(version)) {
    p.add("SEAWALL_AWS_CLUSTER_VERSION", "kubernetesVersion", version, 'must be "major.minor", e.g. "1.35"');
  } else if (!addonVersions(version, overrides)) {
    const missing = EKS_ADDON_NAMES.filter((a) => !(a in overrides));
    p.add(
      "SEAWALL_AWS_CLUSTER_VERSION",
      "kubernetesVersion",
      version,
      `Seawall pins add-on versions for ${Object.keys(EKS_VERSIONS).join(", ")}; use one of them, or give addonVersions for ${missing.join(", ")}`,
    );
  }
  checkNodeGroups(p, args.nodeGroups);
  checkServiceAccountArgs(p, "workloads", args.workloads);
  checkServiceAccountArgs(p, "keda", args.keda);
  checkLogRetention(p, "logRetentionInDays", args.logRetentionInDays);
  checkKmsKeyOption(p, "kmsKey", args.kmsKey, "EKS envelope-encrypts secrets with it");
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  p.throwIfAny("seawall:aws:Cluster: invalid arguments");
}

/**
 * An EKS cluster built from raw resources, secure by default: Kubernetes secrets envelope-encrypted
 * with a customer-managed key, the API endpoint private only, every control-plane log type in a
 * key-encrypted log group made before the cluster, access through access entries only (no aws-auth
 * ConfigMap, no admin for the creator), managed node groups on the network's private subnets from a
 * launch template that requires IMDSv2 with a hop limit of 1 and encrypts the gp3 root volume, the
 * core add-ons pinned to versions that match the cluster's, Pod Identity for the add-ons, the stage
 * workers and KEDA, and the Kubernetes provider the rest of the layer deploys through.
 *
 * Or, given `{ existing: { kubeconfig } }`, only the provider of a cluster you already run.
 */
export class Cluster extends ClusterComponent {
  /** The kubeconfig (a Pulumi secret); for a built cluster it runs `aws eks get-token` and holds no credential. */
  declare readonly kubeconfig: pulumi.Output<string>;
  readonly kedaIdentity?: WorkloadIdentity;
  readonly storageClassName?: string;
  /** The EKS cluster, when the component built it. */
  readonly cluster?: aws.eks.Cluster;
  /** The key of secrets, logs and volumes, when the component built the cluster. */
  readonly kmsKeyArn?: pulumi.Output<string>;
  /** The security group EKS made for the control plane and the nodes. */
  readonly clusterSecurityGroupId?: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:Cluster", name, {}, opts);
    validateClusterArgs(args);
    if ("existing" in args) {
      this.kedaIdentity = this.bringCluster(name, args.existing).kedaIdentity;
      this.registerOutputs({ kubeconfig: this.kubeconfig, clusterName: this.clusterName });
      return;
    }
    const built = buildEks(this, name, args);
    this.cluster = built.cluster;
    this.kmsKeyArn = built.kmsKeyArn;
    this.clusterSecurityGroupId = built.clusterSecurityGroupId;
    this.setClusterOutputs({
      cloud: "aws",
      provider: built.provider,
      kubeconfig: built.kubeconfig,
      clusterName: built.cluster.name,
      region: built.region,
      workloadIdentity: built.workloadIdentity,
    });
    this.kedaIdentity = built.kedaIdentity;
    this.storageClassName = DEFAULT_STORAGE_CLASS;
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      kmsKeyArn: this.kmsKeyArn,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
    });
  }
}

interface BuiltEks {
  cluster: aws.eks.Cluster;
  kmsKeyArn: pulumi.Output<string>;
  clusterSecurityGroupId: pulumi.Output<string>;
  provider: kubernetes.Provider;
  kubeconfig: pulumi.Output<string>;
  region: pulumi.Output<string>;
  workloadIdentity: WorkloadIdentity;
  kedaIdentity?: WorkloadIdentity;
}

function buildEks(parent: Cluster, name: string, args: EksClusterArgs): BuiltEks {
  const opts = { parent };
  const tags = { ...args.tags, "seawall:component": "Cluster" };
  const protect = args.protect ?? true;
  const clusterName = args.clusterName ?? name;
  const version = args.kubernetesVersion ?? DEFAULT_EKS_VERSION;
  const addons = addonVersions(version, args.addonVersions)!;
  const network = pulumi.output(args.network);
  const partition = aws.getPartitionOutput({}, opts).partition;
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  const region = aws.getRegionOutput({}, opts).region;
  const json = (doc: object) => JSON.stringify(doc);

  const key = resolveKmsKey(
    `${name}-key`,
    withDefaultKeyPolicy(args.kmsKey, () =>
      pulumi.all([partition, accountId, region]).apply(([pt, a, r]) => json(clusterKeyPolicy(pt, a, r))),
    ),
    {
      description: `Seawall cluster ${clusterName}: Kubernetes secrets, control-plane logs and node volumes`,
      deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
      tags,
    },
    { parent, protect },
  );

  // EKS writes to this fixed name; made first, it is ours (encrypted, kept for a set time).
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane`,
    {
      name: controlPlaneLogGroupName(clusterName),
      kmsKeyId: key.arn,
      retentionInDays: args.logRetentionInDays ?? 90,
      tags,
    },
    { parent, protect },
  );

  const role = (suffix: string, assumeRolePolicy: pulumi.Input<string>, description: string) =>
    new aws.iam.Role(`${name}-${suffix}`, { assumeRolePolicy, description, tags }, opts);
  const attach = (r: aws.iam.Role, suffix: string, policyArn: pulumi.Input<string>) =>
    new aws.iam.RolePolicyAttachment(`${name}-${suffix}`, { role: r.name, policyArn }, opts);
  const managed = (policy: string) => partition.apply((pt) => managedPolicyArn(pt, policy));

  const clusterRole = role(
    "cluster",
    accountId.apply((a) => json(clusterTrustPolicy(a))),
    `EKS control plane of ${clusterName}`,
  );
  const clusterRoleReady = [
    ...CLUSTER_ROLE_POLICIES.map((policy) => attach(clusterRole, `cluster-${policy}`, managed(policy))),
    new aws.iam.RolePolicy(
      `${name}-cluster-secrets-key`,
      { role: clusterRole.name, policy: key.arn.apply((k) => json(secretsKeyUsePolicy(k))) },
      opts,
    ),
  ];

  const nodeRole = role("node", json(nodeTrustPolicy()), `Nodes of EKS cluster ${clusterName}`);
  const nodeRoleReady = NODE_ROLE_POLICIES.map((policy) =>
    attach(nodeRole, `node-${policy}`, managed(policy)),
  );

  const cluster = new aws.eks.Cluster(
    name,
    {
      name: clusterName,
      version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: network.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      // The add-ons below are EKS-managed and pinned; EKS installs no unmanaged copies first.
      bootstrapSelfManagedAddons: false,
      // At the end of standard support EKS upgrades the cluster rather than billing extended support.
      upgradePolicy: { supportType: "STANDARD" },
      deletionProtection: protect,
      tags,
    },
    { parent, protect, dependsOn: [logGroup, ...clusterRoleReady] },
  );
  const arnOfCluster = pulumi
    .all([partition, region, accountId])
    .apply(([pt, r, a]) => clusterArn(pt, r, a, clusterName));
  const podTrust = pulumi
    .all([accountId, arnOfCluster])
    .apply(([a, c]) => json(podIdentityTrustPolicy(a, c)));

  const admins = args.adminPrincipalArns.map((principalArn, i) => {
    const entry = new aws.eks.AccessEntry(
      `${name}-admin-${i}`,
      { clusterName: cluster.name, principalArn, type: "STANDARD", tags },
      opts,
    );
    return new aws.eks.AccessPolicyAssociation(
      `${name}-admin-${i}`,
      {
        clusterName: cluster.name,
        principalArn,
        policyArn: partition.apply((pt) => accessPolicyArn(pt, "AmazonEKSClusterAdminPolicy")),
        accessScope: { type: "cluster" },
      },
      { parent, dependsOn: [entry] },
    );
  });

  // The VPC CNI and the EBS CSI driver each get a role of their own through Pod Identity.
  const addonRoles: Partial<Record<EksAddonName, aws.iam.Role>> = {};
  for (const [addon, grant] of Object.entries(ADDON_ROLES) as [EksAddonName, { policy: string }][]) {
    addonRoles[addon] = role(addon, podTrust, `EKS add-on ${addon} of ${clusterName}`);
    attach(addonRoles[addon]!, `${addon}-${grant.policy}`, managed(grant.policy));
  }
  // The CSI driver creates and attaches the default StorageClass's volumes with the cluster's key.
  new aws.iam.RolePolicy(
    `${name}-aws-ebs-csi-driver-key`,
    {
      role: addonRoles["aws-ebs-csi-driver"]!.name,
      policy: key.arn.apply((k) =>
        json({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EncryptVolumes",
              Effect: "Allow",
              Action: [
                "kms:Decrypt",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:ReEncrypt*",
                "kms:DescribeKey",
              ],
              Resource: k,
            },
            {
              Sid: "AttachEncryptedVolumes",
              Effect: "Allow",
              Action: "kms:CreateGrant",
              Resource: k,
              Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
            },
          ],
        }),
      ),
    },
    opts,
  );
  const addon = (addonName: EksAddonName, dependsOn: pulumi.Resource[] = []) =>
    new aws.eks.Addon(
      `${name}-${addonName}`,
      {
        clusterName: cluster.name,
        addonName,
        addonVersion: addons[addonName],
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...(addonRoles[addonName]
          ? {
              podIdentityAssociations: [
                {
                  roleArn: addonRoles[addonName]!.arn,
                  serviceAccount: ADDON_ROLES[addonName]!.serviceAccount,
                },
              ],
            }
          : {}),
        tags,
      },
      { parent, dependsOn },
    );
  // Node daemons first (the nodes need them to become ready), then what runs as Deployments.
  const agent = addon("eks-pod-identity-agent");
  const daemons = [agent, addon("vpc-cni", [agent]), addon("kube-proxy")];

  const securityGroups = pulumi
    .all([cluster.vpcConfig, network.clientSecurityGroupId])
    .apply(([vpc, client]) => [vpc.clusterSecurityGroupId as string, client]);
  const groups = (args.nodeGroups ?? [{}]).map((g) =>
    nodeGroup(parent, name, clusterName, cluster, nodeRole, key.arn, securityGroups, network, g, tags, [
      ...nodeRoleReady,
      ...daemons,
    ]),
  );
  addon("coredns", groups);
  const csi = addon("aws-ebs-csi-driver", groups);

  const workloads = args.workloads ?? {};
  const workloadIdentity = podIdentity(parent, name, "workers", cluster, podTrust, tags, {
    ...serviceAccountOf(workloads),
    inline: workloads.lake
      ? pulumi
          .all([partition, workloads.lake.bucket, workloads.lake.prefix ?? "", workloads.lake.kmsKeyArn])
          .apply(([pt, bucket, prefix, kmsKeyArn]) =>
            json(lakeAccessPolicy(pt, { bucket, prefix, kmsKeyArn })),
          )
      : undefined,
    attached: workloads.kafkaClientPolicyArn,
  });
  const kedaIdentity = args.keda
    ? podIdentity(parent, name, "keda", cluster, podTrust, tags, {
        ...serviceAccountOf(args.keda, {
          namespace: DEFAULT_KEDA_NAMESPACE,
          serviceAccountName: DEFAULT_KEDA_SERVICE_ACCOUNT,
        }),
        inline: pulumi.output(args.keda.kafkaClusterArn).apply((arn) => json(kafkaLagReaderPolicy(arn))),
      })
    : undefined;

  const kubeconfig = pulumi.secret(
    pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority, region])
      .apply(([n, endpoint, ca, r]) =>
        execKubeconfig({
          clusterName: n,
          server: endpoint,
          certificateAuthorityData: ca.data ?? "",
          exec: {
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", n, "--region", r, "--output", "json"],
            installHint:
              "Install the AWS CLI v2 (https://docs.aws.amazon.com/cli/) and sign in as one of the cluster's admin principals.",
          },
        }),
      ),
  );
  // Nothing deploys through the provider before the admins can reach the cluster and its nodes run.
  const provider = clusterProvider(name, kubeconfig, { parent, dependsOn: [...admins, ...groups] });
  new kubernetes.storage.v1.StorageClass(
    `${name}-${DEFAULT_STORAGE_CLASS}`,
    {
      metadata: {
        name: DEFAULT_STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: key.arn },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    },
    { parent, provider, dependsOn: [csi] },
  );

  return {
    cluster,
    kmsKeyArn: key.arn,
    clusterSecurityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId as string),
    provider,
    kubeconfig,
    region,
    workloadIdentity,
    kedaIdentity,
  };
}

/** A managed node group on every private subnet, from a launch template of its own. */
function nodeGroup(
  parent: Cluster,
  name: string,
  clusterName: string,
  cluster: aws.eks.Cluster,
  nodeRole: aws.iam.Role,
  keyArn: pulumi.Output<string>,
  securityGroups: pulumi.Output<string[]>,
  network: pulumi.Output<ClusterNetwork>,
  g: EksNodeGroupArgs,
  tags: Record<string, string>,
  dependsOn: pulumi.Resource[],
): aws.eks.NodeGroup {
  const groupName = g.name ?? DEFAULT_NODE_GROUP.name;
  const instanceTypes = g.instanceTypes ?? DEFAULT_NODE_GROUP.instanceTypes;
  const minSize = g.minSize ?? DEFAULT_NODE_GROUP.minSize;
  const maxSize = g.maxSize ?? Math.max(DEFAULT_NODE_GROUP.maxSize, minSize);
  const nodeTags = { ...tags, "seawall:cluster": clusterName, "seawall:node-group": groupName };
  const template = new aws.ec2.LaunchTemplate(
    `${name}-${groupName}`,
    {
      description: `Nodes of EKS cluster ${clusterName}, group ${groupName}`,
      // IMDSv2 only, and one hop: a pod (one hop further) cannot reach the node's credentials.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: g.rootVolumeGiB ?? DEFAULT_NODE_GROUP.rootVolumeGiB,
            encrypted: "true",
            kmsKeyId: keyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      // The cluster's group (control plane <-> nodes) and the client group MSK and ElastiCache admit.
      vpcSecurityGroupIds: securityGroups,
      tagSpecifications: [
        { resourceType: "instance", tags: nodeTags },
        { resourceType: "volume", tags: nodeTags },
        { resourceType: "network-interface", tags: nodeTags },
      ],
      updateDefaultVersion: true,
      tags,
    },
    { parent },
  );
  return new aws.eks.NodeGroup(
    `${name}-${groupName}`,
    {
      clusterName: cluster.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: network.privateSubnetIds,
      amiType: isGraviton(instanceTypes[0]) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      capacityType: g.capacityType ?? DEFAULT_NODE_GROUP.capacityType,
      instanceTypes,
      scalingConfig: { minSize, maxSize, desiredSize: g.desiredSize ?? minSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      nodeRepairConfig: { enabled: true },
      launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
      ...(g.labels ? { labels: g.labels } : {}),
      ...(g.taints ? { taints: g.taints } : {}),
      tags: nodeTags,
    },
    { parent, dependsOn, ignoreChanges: ["scalingConfig.desiredSize"] },
  );
}

/** A role that EKS Pod Identity gives one service account, with an inline and an attached policy. */
function podIdentity(
  parent: Cluster,
  name: string,
  suffix: string,
  cluster: aws.eks.Cluster,
  trust: pulumi.Output<string>,
  tags: Record<string, string>,
  spec: {
    namespace: string;
    serviceAccountName: string;
    inline?: pulumi.Output<string>;
    attached?: pulumi.Input<string>;
  },
): WorkloadIdentity {
  const opts = { parent };
  const r = new aws.iam.Role(
    `${name}-${suffix}`,
    {
      assumeRolePolicy: trust,
      description: `Pod Identity of ${spec.namespace}/${spec.serviceAccountName}`,
      tags,
    },
    opts,
  );
  if (spec.inline) new aws.iam.RolePolicy(`${name}-${suffix}`, { role: r.name, policy: spec.inline }, opts);
  if (spec.attached)
    new aws.iam.RolePolicyAttachment(`${name}-${suffix}`, { role: r.name, policyArn: spec.attached }, opts);
  new aws.eks.PodIdentityAssociation(
    `${name}-${suffix}`,
    {
      clusterName: cluster.name,
      namespace: spec.namespace,
      serviceAccount: spec.serviceAccountName,
      roleArn: r.arn,
      tags,
    },
    opts,
  );
  return {
    kind: "aws-pod-identity",
    namespace: spec.namespace,
    serviceAccountName: spec.serviceAccountName,
    cloudIdentity: r.arn,
    serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
    podLabels: {},
  };
}
