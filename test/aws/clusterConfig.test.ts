import {
  ADDON_VERSION,
  addonVersions,
  clusterKeyPolicy,
  controlPlaneLogGroupName,
  DEFAULT_EKS_VERSION,
  EKS_ADDON_NAMES,
  EKS_VERSIONS,
  kafkaLagReaderPolicy,
  lakeAccessPolicy,
  podIdentityTrustPolicy,
} from "../../components/aws/clusterConfig";

describe("EKS versions and add-on versions", () => {
  it("builds 1.35 by default, a version in EKS standard support in December 2026", () => {
    expect(DEFAULT_EKS_VERSION).toBe("1.35");
    expect(Object.keys(EKS_VERSIONS)).toContain(DEFAULT_EKS_VERSION);
  });

  it.each(Object.entries(EKS_VERSIONS))(
    "pins every add-on for %s, kube-proxy at the cluster's minor",
    (version, row) => {
      expect(Object.keys(row).sort()).toEqual([...EKS_ADDON_NAMES].sort());
      for (const v of Object.values(row)) expect(v).toMatch(ADDON_VERSION);
      expect(row["kube-proxy"].startsWith(`v${version}.`)).toBe(true);
    },
  );

  it("pins the versions recorded for 1.35", () => {
    expect(EKS_VERSIONS["1.35"]).toEqual({
      "vpc-cni": "v1.21.0-eksbuild.1",
      coredns: "v1.13.2-eksbuild.4",
      "kube-proxy": "v1.35.3-eksbuild.2",
      "eks-pod-identity-agent": "v1.4.0-eksbuild.1",
      "aws-ebs-csi-driver": "v1.50.0-eksbuild.1",
    });
  });

  it("lets a cluster replace one add-on's version", () => {
    expect(addonVersions("1.35", { coredns: "v1.14.3-eksbuild.3" })).toEqual({
      ...EKS_VERSIONS["1.35"],
      coredns: "v1.14.3-eksbuild.3",
    });
  });

  it("has no versions for a Kubernetes version outside the table unless every add-on is given", () => {
    expect(addonVersions("1.36")).toBeUndefined();
    expect(addonVersions("1.36", { coredns: "v1.14.3-eksbuild.3" })).toBeUndefined();
    const all = Object.fromEntries(EKS_ADDON_NAMES.map((a) => [a, "v9.9.9-eksbuild.1"]));
    expect(addonVersions("1.36", all)).toEqual(all);
  });
});

describe("EKS documents", () => {
  it("names the control-plane log group as EKS writes it", () => {
    expect(controlPlaneLogGroupName("data")).toBe("/aws/eks/data/cluster");
  });

  it("hands a Pod Identity role only to this cluster of this account", () => {
    expect(podIdentityTrustPolicy("123456789012", "arn:aws:eks:us-east-1:123456789012:cluster/data")).toEqual(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EksPodIdentityAssumesRole",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: {
              StringEquals: { "aws:SourceAccount": "123456789012" },
              ArnEquals: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:cluster/data" },
            },
          },
        ],
      },
    );
  });

  it("grants the workers the lake's prefix and its key through S3, and no delete", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/k";
    expect(lakeAccessPolicy("aws", { bucket: "lake", prefix: "events", kmsKeyArn: key })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ListLakePrefix",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::lake",
          Condition: { StringLike: { "s3:prefix": ["events/*"] } },
        },
        {
          Sid: "ReadWriteLakeObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          Resource: "arn:aws:s3:::lake/events/*",
        },
        {
          Sid: "UseLakeKeyThroughS3",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: key,
          Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
        },
      ],
    });
  });

  it("grants the whole bucket when the prefix is empty", () => {
    const doc = lakeAccessPolicy("aws-cn", { bucket: "lake", prefix: "", kmsKeyArn: "k" });
    expect(doc.Statement[0]).toEqual({
      Sid: "ListLakePrefix",
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:aws-cn:s3:::lake",
    });
    expect(doc.Statement[1].Resource).toBe("arn:aws-cn:s3:::lake/*");
  });

  it("lets EC2 Auto Scaling encrypt node volumes with the cluster's key, and CloudWatch Logs its logs", () => {
    const doc = clusterKeyPolicy("aws", "123456789012", "eu-west-1");
    expect(doc.Statement.map((s) => s.Sid)).toEqual([
      "AccountAdministersKeyThroughIam",
      "CloudWatchLogsEncryptsThisAccountsLogGroups",
      "AutoScalingEncryptsNodeVolumes",
      "AutoScalingAttachesNodeVolumes",
    ]);
    expect(doc.Statement[3]).toEqual({
      Sid: "AutoScalingAttachesNodeVolumes",
      Effect: "Allow",
      Principal: {
        AWS: "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
      },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
    });
  });

  it("lets KEDA describe the event stream's topics and groups and read no data", () => {
    const arn = "arn:aws:kafka:us-east-1:123456789012:cluster/events/abc-1";
    expect(kafkaLagReaderPolicy(arn)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ConnectToCluster",
          Effect: "Allow",
          Action: ["kafka-cluster:Connect", "kafka-cluster:DescribeCluster"],
          Resource: arn,
        },
        {
          Sid: "DescribeTopicsAndGroups",
          Effect: "Allow",
          Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:DescribeGroup"],
          Resource: [
            "arn:aws:kafka:us-east-1:123456789012:topic/events/abc-1/*",
            "arn:aws:kafka:us-east-1:123456789012:group/events/abc-1/*",
          ],
        },
      ],
    });
  });
});
