import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { WorkloadIdentity } from "../kubernetes/clusterContract";
import {
  annotatedWorkloadIdentity,
  checkBroughtClusterArgs,
  checkClusterNetwork,
  checkServiceAccountArgs,
  ClusterComponent,
  clusterProvider,
  execKubeconfig,
  type ExistingCluster,
  serviceAccountOf,
} from "../kubernetes/clusterProvider";
import { Problems } from "../validation";
import { checkGcpKmsKeyOption, gcpKmsKey, type GcpKmsKeyOption } from "./kmsKey";

/** The GKE release channels; each keeps the cluster on versions in GKE standard support. */
export const GKE_RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE"] as const;

/**
 * The oldest Kubernetes minor the control plane may run (`minMasterVersion`); the release channel
 * moves it forward. 1.35 is in GKE standard support in December 2026 (14 months from its GKE release).
 */
export const DEFAULT_GKE_MIN_VERSION = "1.35";

/** The role GKE recommends for a node service account: logs, metrics, and nothing of the project's data. */
export const GKE_NODE_ROLE = "roles/container.defaultNodeServiceAccount";

/** The role that lets a Kubernetes service account act as a Google service account. */
export const WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser";

/** Control-plane and workload logs GKE sends to Cloud Logging. */
export const GKE_LOG_COMPONENTS = [
  "SYSTEM_COMPONENTS",
  "APISERVER",
  "CONTROLLER_MANAGER",
  "SCHEDULER",
  "WORKLOADS",
];

/** A GKE cluster name: 1 to 40 lower-case letters, digits and hyphens, starting with a letter. */
const GKE_CLUSTER_NAME = /^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$/;

/** The platform's GCP network output (`PlatformOutputs.gcpNetwork`): the workloads subnet first. */
export interface GkeNetwork {
  networkId: string;
  subnetIds: string[];
}

/** A node pool; its nodes spread over the region's zones. */
export interface GkeNodePoolArgs {
  /** Part of the pool's resource names. @defaultValue "workers" */
  name?: string;
  /** Machine type. @defaultValue "e2-standard-4" */
  machineType?: string;
  /** Fewest nodes per zone. @defaultValue 1 */
  minNodesPerZone?: number;
  /** Most nodes per zone. @defaultValue 3 */
  maxNodesPerZone?: number;
  /** Boot disk size in GB (pd-balanced). @defaultValue 50 */
  diskSizeGb?: number;
  /** Spot VMs. @defaultValue false */
  spot?: boolean;
}

export interface GkeClusterArgs {
  /** The platform's `gcpNetwork`: the cluster's nodes go in the first (workloads) subnet. */
  network: pulumi.Input<GkeNetwork>;
  /** The region of the cluster (a regional cluster: control plane and nodes in every zone). @defaultValue gcp:region */
  region?: string;
  /** The project. @defaultValue gcp:project */
  project?: string;
  /** The cluster's name. @defaultValue the component's name */
  clusterName?: string;
  /** The release channel. @defaultValue "REGULAR" */
  releaseChannel?: (typeof GKE_RELEASE_CHANNELS)[number];
  /** The oldest Kubernetes minor, `1.NN`. @defaultValue "1.35" */
  minMasterVersion?: string;
  /** Node pools. @defaultValue one "workers" pool of e2-standard-4, one to three per zone */
  nodePools?: GkeNodePoolArgs[];
  /**
   * The stage workers' identity: the platform's `workloadServiceAccount` (email) the workers'
   * Kubernetes service account may act as through Workload Identity.
   * @defaultValue none: the workers get no Google identity
   */
  workloads?: { serviceAccountEmail?: pulumi.Input<string>; namespace?: string; serviceAccountName?: string };
  /**
   * The key that encrypts Kubernetes secrets at the application layer (Cloud KMS, in the cluster's
   * region). No `skip`: secrets are always encrypted with a customer-managed key.
   * @defaultValue a key ring and key are created, rotated every 90 days
   */
  kmsKey?: GcpKmsKeyOption;
  /** Protect the cluster and its key (`protect`, GKE deletion protection). @defaultValue true */
  protect?: boolean;
  /** Labels of the cluster and its nodes. @defaultValue {} */
  labels?: Record<string, string>;
}

/** Build a GKE cluster, or bring your own through its kubeconfig (then only the provider is made). */
export type GkeArgs = GkeClusterArgs | { existing: ExistingCluster };

const POOL_DEFAULTS = { name: "workers", machineType: "e2-standard-4", min: 1, max: 3, diskSizeGb: 50 };

/** Checks a {@link GkeArgs} and throws one error listing every problem. */
export function validateGkeClusterArgs(args: GkeArgs): void {
  const p = new Problems();
  if (checkBroughtClusterArgs(p, args, "seawall:gcp:Cluster")) return;
  if (args.clusterName !== undefined && !GKE_CLUSTER_NAME.test(args.clusterName)) {
    p.add(
      "SEAWALL_GCP_CLUSTER_NAME",
      "clusterName",
      args.clusterName,
      "must be 1 to 40 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen",
    );
  }
  checkClusterNetwork(p, args.network, {
    code: "SEAWALL_GCP_CLUSTER_NETWORK",
    fix: "give the platform's gcpNetwork output ({ networkId, subnetIds })",
    subnets: "subnetIds",
    fewestSubnets: 1,
    subnetsFix: "give at least the workloads subnet",
  });
  if (args.region === undefined && !gcp.config.region) {
    p.add(
      "SEAWALL_GCP_CLUSTER_REGION",
      "region",
      undefined,
      "set region, or gcp:region in the stack configuration",
    );
  }
  if (args.releaseChannel !== undefined && !GKE_RELEASE_CHANNELS.includes(args.releaseChannel)) {
    p.add(
      "SEAWALL_GCP_CLUSTER_VERSION",
      "releaseChannel",
      args.releaseChannel,
      `must be one of ${GKE_RELEASE_CHANNELS.join(", ")}: without a channel nothing keeps the cluster in standard support`,
    );
  }
  if (args.minMasterVersion !== undefined && !/^1\.(3[5-9]|[4-9]\d)$/.test(args.minMasterVersion)) {
    p.add(
      "SEAWALL_GCP_CLUSTER_VERSION",
      "minMasterVersion",
      args.minMasterVersion,
      'must be "1.NN", 1.35 or later (older minors are out of GKE standard support)',
    );
  }
  (args.nodePools ?? []).forEach((pool, i) => {
    p.wholeNumber(
      "SEAWALL_GCP_CLUSTER_NODE_POOL",
      `nodePools[${i}].minNodesPerZone`,
      pool.minNodesPerZone,
      0,
      1000,
    );
    p.wholeNumber(
      "SEAWALL_GCP_CLUSTER_NODE_POOL",
      `nodePools[${i}].maxNodesPerZone`,
      pool.maxNodesPerZone,
      1,
      1000,
    );
    p.wholeNumber("SEAWALL_GCP_CLUSTER_NODE_POOL", `nodePools[${i}].diskSizeGb`, pool.diskSizeGb, 10, 65536);
    if ((pool.minNodesPerZone ?? POOL_DEFAULTS.min) > (pool.maxNodesPerZone ?? POOL_DEFAULTS.max)) {
      p.add(
        "SEAWALL_GCP_CLUSTER_NODE_POOL",
        `nodePools[${i}]`,
        {
          minNodesPerZone: pool.minNodesPerZone ?? POOL_DEFAULTS.min,
          maxNodesPerZone: pool.maxNodesPerZone ?? POOL_DEFAULTS.max,
        },
        "needs minNodesPerZone <= maxNodesPerZone",
      );
    }
  });
  checkServiceAccountArgs(p, "workloads", args.workloads);
  checkGcpKmsKeyOption(p, "kmsKey", args.kmsKey, {
    allowSkip: false,
    why: "GKE encrypts Kubernetes secrets with it",
    location: args.region ?? gcp.config.region,
  });
  p.throwIfAny("seawall:gcp:Cluster: invalid arguments");
}

/**
 * A GKE cluster, secure by default: private nodes and a private control-plane endpoint only,
 * Workload Identity, shielded nodes with secure boot and integrity monitoring, a release channel,
 * Dataplane V2 (eBPF, network policy enforced), Kubernetes secrets encrypted with a Cloud KMS key,
 * nodes running as a least-privilege service account with the metadata server hidden behind GKE's,
 * and the workers' Kubernetes service account allowed to act as the platform's workload service
 * account. Or, given `{ existing: { kubeconfig } }`, only the provider of a cluster you run.
 */
export class GkeCluster extends ClusterComponent {
  /** The GKE cluster, when the component built it. */
  readonly cluster?: gcp.container.Cluster;
  /** The key that encrypts secrets, when the component built the cluster. */
  readonly kmsKeyId?: pulumi.Output<string>;
  /** The nodes' service account email, when the component built the cluster. */
  readonly nodeServiceAccount?: pulumi.Output<string>;

  constructor(name: string, args: GkeArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:Cluster", name, {}, opts);
    validateGkeClusterArgs(args);
    if ("existing" in args) {
      this.bringCluster(name, args.existing);
      this.registerOutputs({ kubeconfig: this.kubeconfig });
      return;
    }
    const protect = args.protect ?? true;
    const labels = { ...args.labels, "seawall-component": "cluster" };
    const region = args.region ?? gcp.config.region ?? "";
    const projectInfo = gcp.organizations.getProjectOutput(args.project ? { projectId: args.project } : {}, {
      parent: this,
    });
    const project = args.project ?? pulumi.output(projectInfo.projectId).apply((id) => id ?? "");
    const network = pulumi.output(args.network);
    const clusterName = args.clusterName ?? name;

    // GKE's service agent encrypts and decrypts the secrets' data keys with the key.
    const key = gcpKmsKey(this, `${name}-secrets`, args.kmsKey, {
      location: region,
      serviceAgents: [
        {
          name: "container",
          member: pulumi.interpolate`serviceAccount:service-${projectInfo.number}@container-engine-robot.iam.gserviceaccount.com`,
        },
      ],
      protect,
      labels,
      project: args.project,
    });
    this.kmsKeyId = key.keyId!;

    const nodes = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      {
        accountId: `${clusterName}-nodes`.slice(0, 30).replace(/-$/, ""),
        displayName: `Nodes of GKE cluster ${clusterName}`,
        project: args.project,
      },
      { parent: this },
    );
    const nodeRole = new gcp.projects.IAMMember(
      `${name}-nodes`,
      { project, role: GKE_NODE_ROLE, member: nodes.member },
      { parent: this },
    );
    this.nodeServiceAccount = nodes.email;
    const nodeConfig = (diskSizeGb: number, machineType: string, spot: boolean) => ({
      machineType,
      spot,
      serviceAccount: nodes.email,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      bootDisk: { diskType: "pd-balanced", sizeGb: diskSizeGb },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      metadata: { "disable-legacy-endpoints": "true" },
      resourceLabels: labels,
    });

    this.cluster = new gcp.container.Cluster(
      name,
      {
        name: clusterName,
        project: args.project,
        location: region,
        network: network.networkId,
        subnetwork: network.subnetIds.apply((s) => s[0]),
        networkingMode: "VPC_NATIVE",
        ipAllocationPolicy: { stackType: "IPV4" },
        // The default pool is replaced by ours; while it lives it runs as the nodes' account too.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: nodeConfig(POOL_DEFAULTS.diskSizeGb, POOL_DEFAULTS.machineType, false),
        releaseChannel: { channel: args.releaseChannel ?? "REGULAR" },
        minMasterVersion: args.minMasterVersion ?? DEFAULT_GKE_MIN_VERSION,
        privateClusterConfig: {
          enablePrivateNodes: true,
          enablePrivateEndpoint: true,
          masterGlobalAccessConfig: { enabled: false },
        },
        masterAuthorizedNetworksConfig: {
          gcpPublicCidrsAccessEnabled: false,
          privateEndpointEnforcementEnabled: true,
        },
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: false } },
        masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
        workloadIdentityConfig: { workloadPool: pulumi.interpolate`${project}.svc.id.goog` },
        enableShieldedNodes: true,
        datapathProvider: "ADVANCED_DATAPATH",
        databaseEncryption: { state: "ENCRYPTED", keyName: key.keyId },
        enableLegacyAbac: false,
        loggingConfig: { enableComponents: GKE_LOG_COMPONENTS },
        deletionProtection: protect,
        resourceLabels: labels,
      },
      { parent: this, protect, dependsOn: [...key.grants, nodeRole] },
    );

    const pools = (args.nodePools ?? [{}]).map((pool) => {
      const poolName = pool.name ?? POOL_DEFAULTS.name;
      return new gcp.container.NodePool(
        `${name}-${poolName}`,
        {
          cluster: this.cluster!.id,
          location: region,
          project: args.project,
          autoscaling: {
            minNodeCount: pool.minNodesPerZone ?? POOL_DEFAULTS.min,
            maxNodeCount: pool.maxNodesPerZone ?? POOL_DEFAULTS.max,
          },
          management: { autoRepair: true, autoUpgrade: true },
          upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
          nodeConfig: nodeConfig(
            pool.diskSizeGb ?? POOL_DEFAULTS.diskSizeGb,
            pool.machineType ?? POOL_DEFAULTS.machineType,
            pool.spot ?? false,
          ),
        },
        { parent: this },
      );
    });

    const workloads = args.workloads ?? {};
    const account = serviceAccountOf(workloads);
    const { namespace, serviceAccountName } = account;
    let workloadIdentity: WorkloadIdentity | undefined;
    if (workloads.serviceAccountEmail !== undefined) {
      const email = pulumi.output(workloads.serviceAccountEmail);
      new gcp.serviceaccount.IAMMember(
        `${name}-workers`,
        {
          serviceAccountId: pulumi.interpolate`projects/${project}/serviceAccounts/${email}`,
          role: WORKLOAD_IDENTITY_USER,
          member: pulumi.interpolate`serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccountName}]`,
        },
        { parent: this, dependsOn: [this.cluster] },
      );
      workloadIdentity = annotatedWorkloadIdentity(
        "gcp-workload-identity",
        account,
        email,
        "iam.gke.io/gcp-service-account",
      );
    }

    const kubeconfig = pulumi.secret(
      pulumi
        .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
        .apply(([n, endpoint, auth]) =>
          execKubeconfig({
            clusterName: n,
            server: `https://${endpoint}`,
            certificateAuthorityData: auth.clusterCaCertificate ?? "",
            exec: {
              command: "gke-gcloud-auth-plugin",
              args: [],
              installHint:
                "Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin) and sign in with gcloud.",
            },
          }),
        ),
    );
    this.setClusterOutputs({
      cloud: "gcp",
      provider: clusterProvider(name, kubeconfig, { parent: this, dependsOn: [this.cluster, ...pools] }),
      kubeconfig,
      clusterName: this.cluster.name,
      region: pulumi.output(region),
      workloadIdentity,
    });
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      kmsKeyId: this.kmsKeyId,
    });
  }
}
