/**
 * Pure logic of the EKS cluster (`cluster.ts`): the Kubernetes versions it builds and the add-on
 * versions that match each, the control-plane log types, the access policies, and the IAM and key
 * policy documents of its roles and key.
 */
import type { PolicyDocument, PolicyStatement } from "./iamDocuments";
import { logsKeyPolicy } from "./logs";

/** The EKS add-ons every cluster gets, as EKS names them. */
export const EKS_ADDON_NAMES = [
  "vpc-cni",
  "coredns",
  "kube-proxy",
  "eks-pod-identity-agent",
  "aws-ebs-csi-driver",
] as const;

export type EksAddonName = (typeof EKS_ADDON_NAMES)[number];

/**
 * The add-on versions pinned for each Kubernetes version the component builds: a version a cluster
 * of that version accepts (`aws eks describe-addon-versions --kubernetes-version <v> --addon-name <a>`).
 * EKS keeps a Kubernetes version in standard support for 14 months after its release on EKS; 1.35
 * (on EKS since January 2026) is in standard support until early 2027, 1.34 left it in December 2026.
 *
 * Where the strings come from: kube-proxy and CoreDNS from the Amazon EKS User Guide's version
 * tables ("Manage kube-proxy in Amazon EKS clusters", "Manage CoreDNS for DNS in Amazon EKS
 * clusters", 1.35 rows); the VPC CNI, the Pod Identity agent and the EBS CSI driver from
 * `describe-addon-versions --kubernetes-version 1.35` as recorded in June 2026. Later builds exist;
 * a newer one is set per cluster with `addonVersions`, and a new Kubernetes version is a new row.
 */
export const EKS_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>> = {
  "1.35": {
    "vpc-cni": "v1.21.0-eksbuild.1",
    coredns: "v1.13.2-eksbuild.4",
    "kube-proxy": "v1.35.3-eksbuild.2",
    "eks-pod-identity-agent": "v1.4.0-eksbuild.1",
    "aws-ebs-csi-driver": "v1.50.0-eksbuild.1",
  },
};

/** The Kubernetes version a cluster runs unless told otherwise. */
export const DEFAULT_EKS_VERSION = "1.35";

/** An EKS add-on version as EKS writes it. */
export const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

/** The add-on versions of a cluster: the table's row for `version`, then `overrides`. */
export function addonVersions(
  version: string,
  overrides: Partial<Record<EksAddonName, string>> = {},
): Record<EksAddonName, string> | undefined {
  const row = EKS_VERSIONS[version];
  const merged = { ...row, ...overrides };
  return EKS_ADDON_NAMES.every((a) => typeof merged[a] === "string")
    ? (merged as Record<EksAddonName, string>)
    : undefined;
}

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The log group EKS writes control-plane logs to; it must exist before the cluster to be ours. */
export function controlPlaneLogGroupName(clusterName: string): string {
  return `/aws/eks/${clusterName}/cluster`;
}

/** An EKS cluster name: 1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** A managed node group name: 1 to 63 letters, digits, hyphens and underscores. */
export const NODE_GROUP_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$/;

/** An EC2 instance type such as `m7i.large`. */
export const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

/** An IAM role or user ARN, which an access entry takes. */
export const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** The EKS access policies an access entry may be given, broadest first. */
export const EKS_ACCESS_POLICIES = [
  "AmazonEKSClusterAdminPolicy",
  "AmazonEKSAdminPolicy",
  "AmazonEKSEditPolicy",
  "AmazonEKSViewPolicy",
] as const;

export type EksAccessPolicy = (typeof EKS_ACCESS_POLICIES)[number];

/** The ARN of an EKS access policy (they live in the `aws` account, without a region). */
export function accessPolicyArn(partition: string, policy: EksAccessPolicy): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/** The ARN of an AWS-managed IAM policy. */
export function managedPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:iam::aws:policy/${policy}`;
}

/** The AWS-managed policies of the cluster role: what the control plane needs, nothing more. */
export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"];

/**
 * The AWS-managed policies of the node role: joining the cluster (and the Pod Identity agent's
 * `eks-auth:AssumeRoleForPodIdentity`), and pulling images read-only. The VPC CNI and the EBS CSI
 * driver get their own roles through Pod Identity instead of the nodes', so no pod can borrow them.
 */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"];

/** The add-ons that get a role of their own through Pod Identity: service account and managed policy. */
export const ADDON_ROLES: Partial<Record<EksAddonName, { serviceAccount: string; policy: string }>> = {
  "vpc-cni": { serviceAccount: "aws-node", policy: "AmazonEKS_CNI_Policy" },
  "aws-ebs-csi-driver": { serviceAccount: "ebs-csi-controller-sa", policy: "AmazonEBSCSIDriverPolicy" },
};

/** Lets an EKS service principal assume a role and tag the session, under `condition`. */
function eksTrust(sid: string, service: string, condition: PolicyStatement["Condition"]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: condition,
      },
    ],
  };
}

/** Lets EKS's control plane assume the cluster role, on behalf of this account only. */
export function clusterTrustPolicy(accountId: string): PolicyDocument {
  return eksTrust("EksControlPlaneAssumesRole", "eks.amazonaws.com", {
    StringEquals: { "aws:SourceAccount": accountId },
  });
}

/** Lets the nodes (EC2 instances) assume the node role. */
export function nodeTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "NodesAssumeRole",
        Effect: "Allow",
        Principal: { Service: "ec2.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ],
  };
}

/** The cluster's ARN, known before it exists since its name is. */
export function clusterArn(
  partition: string,
  region: string,
  accountId: string,
  clusterName: string,
): string {
  return `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`;
}

/**
 * Lets EKS Pod Identity hand the role to pods of this cluster only (the confused deputy guarded by
 * the account and the cluster's ARN); the association names the service account.
 * See https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrustPolicy(accountId: string, cluster: string): PolicyDocument {
  return eksTrust("EksPodIdentityAssumesRole", "pods.eks.amazonaws.com", {
    StringEquals: { "aws:SourceAccount": accountId },
    ArnEquals: { "aws:SourceArn": cluster },
  });
}

/**
 * What the cluster role needs of the key that envelope-encrypts Kubernetes secrets.
 * See https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html
 */
export function secretsKeyUsePolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnvelopeEncryptSecrets",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn,
      },
    ],
  };
}

/**
 * The key policy of the cluster's key: the account administers it through IAM, CloudWatch Logs
 * encrypts this account's log groups with it (the control-plane logs), and EC2 Auto Scaling's
 * service-linked role may use it for the nodes' encrypted root volumes.
 * See https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 */
export function clusterKeyPolicy(partition: string, accountId: string, region: string): PolicyDocument {
  const autoScaling = `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
  const statements: PolicyStatement[] = [
    ...logsKeyPolicy(partition, accountId, region).Statement,
    {
      Sid: "AutoScalingEncryptsNodeVolumes",
      Effect: "Allow",
      Principal: { AWS: autoScaling },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
    },
    {
      Sid: "AutoScalingAttachesNodeVolumes",
      Effect: "Allow",
      Principal: { AWS: autoScaling },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
    },
  ];
  return { Version: "2012-10-17", Statement: statements };
}

/** Where the workers read and write the lake. */
export interface LakeGrant {
  bucket: string;
  /** Key prefix without a leading slash; "" for the whole bucket. */
  prefix: string;
  /** The key that encrypts the bucket. */
  kmsKeyArn: string;
}

/**
 * What the workers may do in the lake: list the bucket under their prefix, read and write objects
 * there (the lake sink's deterministic names make a replay rewrite the same object; no delete), and
 * use the bucket's key through S3 only.
 */
export function lakeAccessPolicy(partition: string, lake: LakeGrant): PolicyDocument {
  const bucketArn = `arn:${partition}:s3:::${lake.bucket}`;
  const prefix = lake.prefix === "" || lake.prefix.endsWith("/") ? lake.prefix : `${lake.prefix}/`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListLakePrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: bucketArn,
        ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
      },
      {
        Sid: "ReadWriteLakeObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: `${bucketArn}/${prefix}*`,
      },
      {
        Sid: "UseLakeKeyThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: lake.kmsKeyArn,
        Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
      },
    ],
  };
}

/**
 * What KEDA's `kafka` scaler needs to read the pipeline's consumer lag over MSK IAM: connect, and
 * describe the topics (their end offsets) and the groups (their committed offsets); no data.
 * See https://docs.aws.amazon.com/msk/latest/developerguide/kafka-actions.html
 */
export function kafkaLagReaderPolicy(kafkaClusterArn: string): PolicyDocument {
  const [prefix, path] = kafkaClusterArn.split(":cluster/");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConnectToCluster",
        Effect: "Allow",
        Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
        Resource: kafkaClusterArn,
      },
      {
        Sid: "DescribeTopicsAndGroups",
        Effect: "Allow",
        Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:DescribeGroup"],
        Resource: [`${prefix}:topic/${path}/*`, `${prefix}:group/${path}/*`],
      },
    ],
  };
}
