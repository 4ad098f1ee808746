import { Cluster, ClusterArgs, EksClusterArgs, validateClusterArgs } from "../../components/aws/cluster";
import { evaluateResources } from "../../policies/check";
import { RecordedResource, Secret } from "../../scripts/synth/harness";
import { plan, Plan, policyOf, problemsThrownBy } from "../helpers";

const T = {
  cluster: "aws:eks/cluster:Cluster",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  inline: "aws:iam/rolePolicy:RolePolicy",
  entry: "aws:eks/accessEntry:AccessEntry",
  access: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  addon: "aws:eks/addon:Addon",
  template: "aws:ec2/launchTemplate:LaunchTemplate",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
  provider: "pulumi:providers:kubernetes",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
};

const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const LAKE_KEY = "arn:aws:kms:us-east-1:123456789012:key/lake";
const base: EksClusterArgs = {
  network: {
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    clientSecurityGroupId: "sg-client",
  },
  adminPrincipalArns: [ADMIN],
  workloads: {
    lake: { bucket: "lake", prefix: "events", kmsKeyArn: LAKE_KEY },
    kafkaClientPolicyArn: "arn:aws:iam::123456789012:policy/kafka-clients",
  },
};

async function eks(args: Partial<EksClusterArgs> = {}): Promise<{ p: Plan; c: () => Cluster }> {
  let c: Cluster | undefined;
  const p = await plan(() => {
    c = new Cluster("data", { ...base, ...args });
    return { kubeconfig: c.kubeconfig, clusterName: c.clusterName };
  });
  return { p, c: () => c! };
}

/** The policy attachments of a role, tied to it through their inputs. */
const attachedTo = (p: Plan, role: RecordedResource) =>
  p.ofType(T.attachment).filter((a) => a.propertyDependencies.role?.includes(role.urn));

const unwrap = (v: unknown) => (v instanceof Secret ? v.value : v);

describe("Cluster on EKS, by default", () => {
  let p: Plan;
  let keyArn: string;
  const tags = { "seawall:component": "Cluster" };
  beforeAll(async () => {
    ({ p } = await eks());
    keyArn = (p.one(T.cluster, "data").inputs.encryptionConfig as { provider: { keyArn: string } }).provider
      .keyArn;
  });

  it("creates one customer-managed key, rotated, whose policy lets CloudWatch Logs and EC2 Auto Scaling use it", () => {
    const key = p.one(T.key, "data-key");
    expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
    expect(p.one(T.cluster, "data").propertyDependencies.encryptionConfig).toContain(key.urn);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30, tags });
    expect(key.protect).toBe(true);
    expect(policyOf(key).Statement.map((s) => s.Sid)).toEqual([
      "AccountAdministersKeyThroughIam",
      "CloudWatchLogsEncryptsThisAccountsLogGroups",
      "AutoScalingEncryptsNodeVolumes",
      "AutoScalingAttachesNodeVolumes",
    ]);
  });

  it("builds the cluster, its key, logs, roles, access, add-ons, nodes and identities, and no more", () => {
    expect(p.counts()).toEqual({
      "seawall:aws:Cluster": 1,
      [T.key]: 1,
      [T.logGroup]: 1,
      [T.role]: 5,
      [T.attachment]: 6,
      [T.inline]: 3,
      [T.cluster]: 1,
      [T.entry]: 1,
      [T.access]: 1,
      [T.addon]: 5,
      [T.template]: 1,
      [T.nodeGroup]: 1,
      [T.podIdentity]: 1,
      [T.provider]: 1,
      [T.storageClass]: 1,
    });
    expect(p.result.warnings).toEqual([]);
  });

  it("parents every child to the component, named after it", () => {
    const component = p.one("seawall:aws:Cluster", "data");
    for (const r of p.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("data")).toBe(true);
    }
  });

  it("encrypts secrets with the key, keeps the endpoint private, logs everything, and takes access entries only", () => {
    const cluster = p.one(T.cluster, "data");
    expect(cluster.inputs).toEqual({
      name: "data",
      version: "1.35",
      roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/data-cluster-/),
      vpcConfig: {
        subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
        endpointPrivateAccess: true,
        endpointPublicAccess: false,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { provider: { keyArn }, resources: ["secrets"] },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      bootstrapSelfManagedAddons: false,
      upgradePolicy: { supportType: "STANDARD" },
      deletionProtection: true,
      tags,
    });
    expect(cluster.protect).toBe(true);
  });

  it("creates the control-plane log group first, encrypted with the key, kept 90 days", () => {
    const group = p.one(T.logGroup, "data-control-plane");
    expect(group.inputs).toEqual({
      name: "/aws/eks/data/cluster",
      kmsKeyId: keyArn,
      retentionInDays: 90,
      tags,
    });
    expect(group.protect).toBe(true);
    expect(p.one(T.cluster, "data").dependsOn).toContain(group.urn);
  });

  it("gives the control plane only the EKS cluster policy and the key's use, and waits for them", () => {
    const role = p.one(T.role, "data-cluster");
    expect(policyOf(role, "assumeRolePolicy").Statement).toEqual([
      {
        Sid: "EksControlPlaneAssumesRole",
        Effect: "Allow",
        Principal: { Service: "eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    const attached = attachedTo(p, role);
    expect(attached.map((a) => a.inputs.policyArn)).toEqual([
      "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    ]);
    const key = p.one(T.inline, "data-cluster-secrets-key");
    expect(policyOf(key).Statement).toEqual([
      {
        Sid: "EnvelopeEncryptSecrets",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn,
      },
    ]);
    expect(p.one(T.cluster, "data").dependsOn).toEqual(expect.arrayContaining([key.urn, attached[0].urn]));
  });

  it("gives the nodes only joining the cluster and pulling images; the CNI and CSI get roles of their own", () => {
    const nodeRole = p.one(T.role, "data-node");
    const attached = attachedTo(p, nodeRole);
    expect(attached.map((a) => a.inputs.policyArn).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
    expect(p.one(T.addon, "data-vpc-cni").inputs.podIdentityAssociations).toEqual([
      { roleArn: expect.stringContaining(":role/data-vpc-cni-"), serviceAccount: "aws-node" },
    ]);
    expect(p.one(T.addon, "data-aws-ebs-csi-driver").inputs.podIdentityAssociations).toEqual([
      {
        roleArn: expect.stringContaining(":role/data-aws-ebs-csi-driver-"),
        serviceAccount: "ebs-csi-controller-sa",
      },
    ]);
  });

  it("admits the admin principals through an access entry with the cluster admin policy", () => {
    expect(p.one(T.entry, "data-admin-0").inputs).toEqual({
      clusterName: "data",
      principalArn: ADMIN,
      type: "STANDARD",
      tags,
    });
    const association = p.one(T.access, "data-admin-0");
    expect(association.inputs).toEqual({
      clusterName: "data",
      principalArn: ADMIN,
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
    expect(association.dependsOn).toContain(p.one(T.entry, "data-admin-0").urn);
  });

  it("launches nodes with IMDSv2 required, hop limit 1, an encrypted gp3 root volume, in the client security group", () => {
    const template = p.one(T.template, "data-workers");
    const cluster = p.one(T.cluster, "data");
    const nodeTags = { ...tags, "seawall:cluster": "data", "seawall:node-group": "workers" };
    expect(template.inputs).toEqual({
      description: "Nodes of EKS cluster data, group workers",
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
            volumeSize: 50,
            encrypted: "true",
            kmsKeyId: keyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      vpcSecurityGroupIds: [expect.stringMatching(/^sg-/), "sg-client"],
      tagSpecifications: [
        { resourceType: "instance", tags: nodeTags },
        { resourceType: "volume", tags: nodeTags },
        { resourceType: "network-interface", tags: nodeTags },
      ],
      updateDefaultVersion: true,
      tags,
    });
    expect((template.inputs.vpcSecurityGroupIds as string[])[0]).not.toBe("sg-client");
    expect(template.propertyDependencies.vpcSecurityGroupIds).toContain(cluster.urn);
  });

  it("runs a managed node group across every private subnet from the launch template", () => {
    const group = p.one(T.nodeGroup, "data-workers");
    expect(group.inputs).toEqual({
      clusterName: "data",
      nodeRoleArn: expect.stringContaining(":role/data-node-"),
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      amiType: "AL2023_x86_64_STANDARD",
      capacityType: "ON_DEMAND",
      instanceTypes: ["m7i.large"],
      scalingConfig: { minSize: 3, maxSize: 6, desiredSize: 3 },
      updateConfig: { maxUnavailablePercentage: 33 },
      nodeRepairConfig: { enabled: true },
      launchTemplate: { id: expect.stringMatching(/^lt-/), version: "1" },
      tags: { ...tags, "seawall:cluster": "data", "seawall:node-group": "workers" },
    });
    expect(group.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
  });

  it("pins the five add-ons to the 1.35 versions: node daemons before the nodes, Deployments after", () => {
    const addons: Record<string, RecordedResource> = Object.fromEntries(
      p.ofType(T.addon).map((a) => [a.inputs.addonName as string, a]),
    );
    expect(Object.fromEntries(Object.entries(addons).map(([n, a]) => [n, a.inputs.addonVersion]))).toEqual({
      "vpc-cni": "v1.21.0-eksbuild.1",
      coredns: "v1.13.2-eksbuild.4",
      "kube-proxy": "v1.35.3-eksbuild.2",
      "eks-pod-identity-agent": "v1.4.0-eksbuild.1",
      "aws-ebs-csi-driver": "v1.50.0-eksbuild.1",
    });
    for (const a of Object.values(addons)) {
      expect(a.inputs).toMatchObject({ clusterName: "data", resolveConflictsOnCreate: "OVERWRITE", tags });
    }
    const group = p.one(T.nodeGroup, "data-workers");
    for (const daemon of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
      expect(group.dependsOn).toContain(addons[daemon].urn);
    }
    expect(addons["vpc-cni"].dependsOn).toContain(addons["eks-pod-identity-agent"].urn);
    expect(addons.coredns.dependsOn).toContain(group.urn);
    expect(addons["aws-ebs-csi-driver"].dependsOn).toContain(group.urn);
  });

  it("gives the workers' service account a role with the lake's prefix and key and the MSK client policy", () => {
    expect(p.one(T.podIdentity, "data-workers").inputs).toEqual({
      clusterName: "data",
      namespace: "seawall",
      serviceAccount: "seawall-workers",
      roleArn: expect.stringContaining(":role/data-workers-"),
      tags,
    });
    expect(policyOf(p.one(T.role, "data-workers"), "assumeRolePolicy").Statement[0]).toMatchObject({
      Principal: { Service: "pods.eks.amazonaws.com" },
      Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:eks:us-east-1:123456789012:cluster/data" } },
    });
    const lake = policyOf(p.one(T.inline, "data-workers")).Statement;
    expect(lake.map((s) => s.Resource)).toEqual([
      "arn:aws:s3:::lake",
      "arn:aws:s3:::lake/events/*",
      LAKE_KEY,
    ]);
    expect(p.one(T.attachment, "data-workers").inputs.policyArn).toBe(
      "arn:aws:iam::123456789012:policy/kafka-clients",
    );
  });

  it("outputs a kubeconfig with no credential: it runs aws eks get-token for the private endpoint", async () => {
    const kubeconfig = JSON.parse(unwrap(p.output("kubeconfig")) as string);
    const cluster = p.one(T.cluster, "data");
    expect(kubeconfig.clusters).toEqual([
      {
        name: "data",
        cluster: {
          server: expect.stringMatching(/^https:\/\/[0-9A-F]+\.gr7\.us-east-1\.eks\.amazonaws\.com$/),
          "certificate-authority-data": expect.any(String),
        },
      },
    ]);
    expect(kubeconfig.users[0].user.exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "data", "--region", "us-east-1", "--output", "json"],
      interactiveMode: "Never",
      provideClusterInfo: false,
      installHint: expect.stringContaining("AWS CLI"),
    });
    expect(JSON.stringify(kubeconfig)).not.toMatch(/"token"|password|client-key|client-certificate/i);
    expect(p.result.outputs.kubeconfig.secret).toBe(true);
    const provider = p.one(T.provider, "data");
    expect(provider.inputs.kubeconfig).toBeInstanceOf(Secret);
    expect(provider.dependsOn).toEqual(
      expect.arrayContaining([
        p.one(T.access, "data-admin-0").urn,
        p.one(T.nodeGroup, "data-workers").urn,
        cluster.urn,
      ]),
    );
  });

  it("makes an encrypted gp3 StorageClass the default, through the cluster's provider, after the CSI driver", () => {
    const sc = p.one(T.storageClass, "data-seawall-gp3-encrypted");
    expect(sc.inputs).toEqual({
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: "seawall-gp3-encrypted",
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", kmsKeyId: keyArn },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
    expect(sc.provider).toBe(p.one(T.provider, "data").urn);
    expect(sc.dependsOn).toContain(p.one(T.addon, "data-aws-ebs-csi-driver").urn);
  });

  it("passes every mandatory rule of the prod policy config, with the platform's tags", async () => {
    const { p: prod } = await eks({
      tags: {
        "seawall:owner": "data",
        "seawall:environment": "prod",
        "seawall:data-classification": "internal",
      },
      logRetentionInDays: 365,
    });
    const verdicts = await evaluateResources(prod.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("Cluster on EKS, configured", () => {
  it("outputs the workers' and KEDA's identities for the rest of the layer", async () => {
    const { p, c } = await eks({
      workloads: { namespace: "pipeline", serviceAccountName: "stages" },
      keda: { kafkaClusterArn: "arn:aws:kafka:us-east-1:123456789012:cluster/events/abc-1" },
    });
    expect(c().cloud).toBe("aws");
    expect(c().workloadIdentity).toMatchObject({
      kind: "aws-pod-identity",
      namespace: "pipeline",
      serviceAccountName: "stages",
      podLabels: {},
    });
    expect(c().kedaIdentity).toMatchObject({
      kind: "aws-pod-identity",
      namespace: "keda",
      serviceAccountName: "keda-operator",
    });
    expect(p.one(T.podIdentity, "data-keda").inputs).toMatchObject({
      namespace: "keda",
      serviceAccount: "keda-operator",
    });
    expect(policyOf(p.one(T.inline, "data-keda")).Statement[0].Action).toEqual([
      "kafka-cluster:Connect",
      "kafka-cluster:DescribeCluster",
    ]);
    // No lake and no Kafka policy were given to the workers this time.
    expect(
      p
        .ofType(T.inline)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["data-aws-ebs-csi-driver-key", "data-cluster-secrets-key", "data-keda"]);
    expect(p.one(T.storageClass, "data-seawall-gp3-encrypted")).toBeDefined();
    expect(c().storageClassName).toBe("seawall-gp3-encrypted");
  });

  it("runs Graviton node groups on the ARM AMI and sizes them as told", async () => {
    const { p } = await eks({
      nodeGroups: [
        {
          name: "arm",
          instanceTypes: ["m7g.xlarge", "c7g.xlarge"],
          minSize: 2,
          maxSize: 9,
          desiredSize: 4,
          capacityType: "SPOT",
          rootVolumeGiB: 100,
        },
      ],
      clusterName: "prod-data",
      kubernetesVersion: "1.35",
      addonVersions: { coredns: "v1.14.3-eksbuild.3" },
      protect: false,
      logRetentionInDays: 365,
    });
    expect(p.one(T.nodeGroup, "data-arm").inputs).toMatchObject({
      amiType: "AL2023_ARM_64_STANDARD",
      capacityType: "SPOT",
      instanceTypes: ["m7g.xlarge", "c7g.xlarge"],
      scalingConfig: { minSize: 2, maxSize: 9, desiredSize: 4 },
    });
    expect(p.one(T.template, "data-arm").inputs.blockDeviceMappings).toMatchObject([
      { ebs: { volumeSize: 100 } },
    ]);
    expect(p.one(T.cluster, "data").inputs).toMatchObject({ name: "prod-data", deletionProtection: false });
    expect(p.one(T.cluster, "data").protect).toBe(false);
    expect(p.one(T.logGroup, "data-control-plane").inputs).toMatchObject({
      name: "/aws/eks/prod-data/cluster",
      retentionInDays: 365,
    });
    expect(p.one(T.addon, "data-coredns").inputs.addonVersion).toBe("v1.14.3-eksbuild.3");
  });

  it("uses a brought key and gives several admins access", async () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/mine";
    const { p } = await eks({
      kmsKey: { existing: { arn: key } },
      adminPrincipalArns: [ADMIN, "arn:aws:iam::123456789012:role/ci-deployer"],
    });
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.cluster, "data").inputs.encryptionConfig).toEqual({
      provider: { keyArn: key },
      resources: ["secrets"],
    });
    expect(p.ofType(T.access).map((a: RecordedResource) => a.inputs.principalArn)).toEqual([
      ADMIN,
      "arn:aws:iam::123456789012:role/ci-deployer",
    ]);
  });
});

describe("Cluster brought through a kubeconfig", () => {
  it("makes only the provider, from the kubeconfig kept secret", async () => {
    let c: Cluster | undefined;
    const p = await plan(() => {
      c = new Cluster("mine", {
        existing: { kubeconfig: "apiVersion: v1\nkind: Config\n", context: "prod" },
      });
      return { kubeconfig: c.kubeconfig };
    });
    expect(p.counts()).toEqual({ "seawall:aws:Cluster": 1, [T.provider]: 1 });
    expect(p.one(T.provider, "mine").inputs).toEqual({
      kubeconfig: new Secret("apiVersion: v1\nkind: Config\n"),
      context: "prod",
    });
    expect(c!.cloud).toBe("existing");
    expect(c!.workloadIdentity).toBeUndefined();
    expect(p.result.outputs.kubeconfig.secret).toBe(true);
  });
});

describe("validateClusterArgs", () => {
  const problems = (args: object) =>
    problemsThrownBy(() => validateClusterArgs({ ...base, ...args } as ClusterArgs));

  it("accepts the defaults", () => {
    expect(() => validateClusterArgs(base)).not.toThrow();
  });

  it("requires an admin, named by a role or user ARN", () => {
    expect(problems({ adminPrincipalArns: [] })).toEqual([
      { code: "SEAWALL_AWS_CLUSTER_ADMINS_REQUIRED", field: "adminPrincipalArns", value: [] },
    ]);
    expect(problems({ adminPrincipalArns: ["arn:aws:sts::123456789012:assumed-role/admin/me"] })).toEqual([
      {
        code: "SEAWALL_AWS_CLUSTER_PRINCIPAL_ARN",
        field: "adminPrincipalArns[0]",
        value: "arn:aws:sts::123456789012:assumed-role/admin/me",
      },
    ]);
  });

  it("refuses a Kubernetes version without pinned add-ons, and bad add-on versions", () => {
    expect(
      problems({
        kubernetesVersion: "1.31",
        addonVersions: { coredns: "latest", istio: "v1.0.0-eksbuild.1" },
      }),
    ).toEqual([
      { code: "SEAWALL_AWS_CLUSTER_ADDON_VERSION", field: "addonVersions.coredns", value: "latest" },
      { code: "SEAWALL_AWS_CLUSTER_ADDON_VERSION", field: "addonVersions.istio", value: "v1.0.0-eksbuild.1" },
      { code: "SEAWALL_AWS_CLUSTER_VERSION", field: "kubernetesVersion", value: "1.31" },
    ]);
    expect(problems({ kubernetesVersion: "latest" })).toEqual([
      { code: "SEAWALL_AWS_CLUSTER_VERSION", field: "kubernetesVersion", value: "latest" },
    ]);
  });

  it("lists every node group problem at once", () => {
    expect(
      problems({
        nodeGroups: [
          { name: "a", instanceTypes: ["m7g.large", "m7i.large"], minSize: 5, maxSize: 2, rootVolumeGiB: 8 },
          { name: "a", capacityType: "RESERVED" },
        ],
      }),
    ).toEqual([
      {
        code: "SEAWALL_AWS_CLUSTER_INSTANCE_TYPE",
        field: "nodeGroups[0].instanceTypes",
        value: ["m7g.large", "m7i.large"],
      },
      {
        code: "SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE",
        field: "nodeGroups[0]",
        value: { minSize: 5, desiredSize: 5, maxSize: 2 },
      },
      { code: "SEAWALL_AWS_CLUSTER_ROOT_VOLUME", field: "nodeGroups[0].rootVolumeGiB", value: 8 },
      { code: "SEAWALL_AWS_CLUSTER_NODE_GROUPS", field: "nodeGroups[1].name", value: "a" },
      { code: "SEAWALL_AWS_CLUSTER_NODE_GROUPS", field: "nodeGroups[1].capacityType", value: "RESERVED" },
    ]);
    expect(problems({ nodeGroups: [] })).toEqual([
      { code: "SEAWALL_AWS_CLUSTER_NODE_GROUPS", field: "nodeGroups", value: [] },
    ]);
  });

  it("refuses a bad cluster name, a one-subnet network, bad Kubernetes names, log retention and key", () => {
    expect(
      problems({
        clusterName: "-data",
        network: { vpcId: "v", privateSubnetIds: ["subnet-a"], clientSecurityGroupId: "sg" },
        workloads: { namespace: "Seawall" },
        logRetentionInDays: 10,
        kmsKey: { skip: true },
      }),
    ).toEqual([
      { code: "SEAWALL_AWS_CLUSTER_NAME", field: "clusterName", value: "-data" },
      { code: "SEAWALL_AWS_CLUSTER_NETWORK", field: "network.privateSubnetIds", value: ["subnet-a"] },
      { code: "SEAWALL_K8S_NAME", field: "workloads.namespace", value: "Seawall" },
      { code: "SEAWALL_LOG_RETENTION", field: "logRetentionInDays", value: 10 },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "kmsKey", value: "{ skip: true }" },
    ]);
  });

  it("refuses a brought cluster with build arguments or without a kubeconfig", () => {
    expect(problemsThrownBy(() => validateClusterArgs({ existing: { kubeconfig: " " } }))).toEqual([
      { code: "SEAWALL_K8S_KUBECONFIG_REQUIRED", field: "existing.kubeconfig", value: "(empty)" },
    ]);
    expect(
      problemsThrownBy(() =>
        validateClusterArgs({ existing: { kubeconfig: "k", token: "t" }, adminPrincipalArns: [] } as never),
      ),
    ).toEqual([
      {
        code: "SEAWALL_K8S_CLUSTER_EXISTING_CONFLICT",
        field: "existing",
        value: "{ existing, adminPrincipalArns }",
      },
      { code: "SEAWALL_K8S_CLUSTER_EXISTING_CONFLICT", field: "existing", value: "{ kubeconfig, token }" },
    ]);
  });

  it("throws before registering anything", async () => {
    await expect(plan(() => new Cluster("bad", { ...base, adminPrincipalArns: [] }))).rejects.toThrow(
      /adminPrincipalArns = \[\]: give at least one IAM role ARN.*\[SEAWALL_AWS_CLUSTER_ADMINS_REQUIRED\]/,
    );
  });
});
