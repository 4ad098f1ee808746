import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import type { WorkloadIdentity } from "../kubernetes/clusterContract";
import {
  annotatedWorkloadIdentity,
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

/** The Kubernetes version a cluster starts on; the `stable` channel moves it along. 1.35 is in AKS support in December 2026. */
export const DEFAULT_AKS_VERSION = "1.35";

/** The AKS automatic upgrade channels that keep a cluster on supported versions. */
export const AKS_UPGRADE_CHANNELS = ["patch", "stable", "rapid"] as const;

/** The application id of the Azure Kubernetes Service AAD server, which `kubelogin` asks tokens for. */
export const AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** The audience Entra ID workload identity federation takes. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";

/** The platform's `azureNetwork` output: the workloads subnet first. */
export interface AksNetwork {
  vnetId: string;
  subnetIds: string[];
}

/** A node pool; the first is the system pool. */
export interface AksNodePoolArgs {
  /** 1 to 12 lower-case letters and digits, starting with a letter. @defaultValue "system" for the first, "workers" after */
  name?: string;
  /** VM size. @defaultValue "Standard_D4ds_v5" */
  vmSize?: string;
  /** Fewest nodes (autoscaled). @defaultValue 3 */
  minCount?: number;
  /** Most nodes. @defaultValue 6 */
  maxCount?: number;
  /** OS disk size in GB. @defaultValue 64 */
  osDiskSizeGB?: number;
}

export interface AksClusterArgs {
  /** The resource group of the cluster (the platform's `resourceGroupName`). */
  resourceGroupName: pulumi.Input<string>;
  /** The platform's `azureNetwork`: the nodes go in its first (workloads) subnet. */
  network: pulumi.Input<AksNetwork>;
  /** Entra ID groups whose members are cluster admins (Azure RBAC); one at least, as local accounts are off. */
  adminGroupObjectIds: pulumi.Input<string>[];
  /** The Azure region. @defaultValue the resource group's location */
  location?: pulumi.Input<string>;
  /** The cluster's name. @defaultValue the component's name */
  clusterName?: string;
  /** The Kubernetes version to start on, `1.NN`. @defaultValue "1.35" */
  kubernetesVersion?: string;
  /** The automatic upgrade channel. @defaultValue "stable" */
  upgradeChannel?: (typeof AKS_UPGRADE_CHANNELS)[number];
  /** Node pools; the first is the system pool. @defaultValue one system pool of three to six Standard_D4ds_v5 */
  nodePools?: AksNodePoolArgs[];
  /**
   * A disk encryption set (built on the platform's Key Vault key) that encrypts the nodes' OS and
   * data disks with a customer-managed key. AKS takes it only at creation.
   * @defaultValue platform-managed keys, with encryption at host on
   */
  diskEncryptionSetId?: pulumi.Input<string>;
  /**
   * Encrypt the nodes' temporary disks and caches at the VM host (needs the subscription's
   * `Microsoft.Compute/EncryptionAtHost` feature registered).
   * @defaultValue true
   */
  encryptionAtHost?: boolean;
  /**
   * The workers' identity: the platform's `workloadIdentity` (its resource `id` and `clientId`),
   * federated with the workers' Kubernetes service account.
   * @defaultValue none: the workers get no Entra identity
   */
  workloads?: {
    identity?: pulumi.Input<{ id: string; clientId: string }>;
    namespace?: string;
    serviceAccountName?: string;
  };
  /** Tags of the cluster. @defaultValue {} */
  tags?: Record<string, string>;
  /** Protect the cluster from deletion (`protect`). @defaultValue true */
  protect?: boolean;
}

/** Build an AKS cluster, or bring your own through its kubeconfig (then only the provider is made). */
export type AksArgs = AksClusterArgs | { existing: ExistingCluster };

const POOL = { vmSize: "Standard_D4ds_v5", minCount: 3, maxCount: 6, osDiskSizeGB: 64 };
const POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an {@link AksArgs} and throws one error listing every problem. */
export function validateAksClusterArgs(args: AksArgs): void {
  const p = new Problems();
  if (checkBroughtClusterArgs(p, args, "seawall:azure:Cluster")) return;
  if (
    args.clusterName !== undefined &&
    !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,61}[a-zA-Z0-9]$/.test(args.clusterName)
  ) {
    p.add(
      "SEAWALL_AZURE_CLUSTER_NAME",
      "clusterName",
      args.clusterName,
      "must be 2 to 63 letters, digits, hyphens and underscores, starting and ending with a letter or digit",
    );
  }
  checkClusterNetwork(p, args.network, {
    code: "SEAWALL_AZURE_CLUSTER_NETWORK",
    fix: "give the platform's azureNetwork output ({ vnetId, subnetIds })",
    subnets: "subnetIds",
    fewestSubnets: 1,
    subnetsFix: "give at least the workloads subnet",
  });
  checkClusterAdmins(p, "adminGroupObjectIds", args.adminGroupObjectIds, {
    requiredCode: "SEAWALL_AZURE_CLUSTER_ADMINS",
    requiredFix:
      "give at least one Entra ID group object id: local accounts are off, so without one nobody administers the cluster",
    code: "SEAWALL_AZURE_CLUSTER_ADMINS",
    pattern: GUID,
    fix: "must be an Entra ID group's object id (a GUID)",
  });
  if (args.kubernetesVersion !== undefined && !/^1\.(3[5-9]|[4-9]\d)$/.test(args.kubernetesVersion)) {
    p.add(
      "SEAWALL_AZURE_CLUSTER_VERSION",
      "kubernetesVersion",
      args.kubernetesVersion,
      'must be "1.NN", 1.35 or later (older minors are out of AKS support)',
    );
  }
  if (args.upgradeChannel !== undefined && !AKS_UPGRADE_CHANNELS.includes(args.upgradeChannel)) {
    p.add(
      "SEAWALL_AZURE_CLUSTER_VERSION",
      "upgradeChannel",
      args.upgradeChannel,
      `must be one of ${AKS_UPGRADE_CHANNELS.join(", ")}: a cluster that never upgrades leaves support`,
    );
  }
  const names = new Set<string>();
  (args.nodePools ?? []).forEach((pool, i) => {
    const name = pool.name ?? (i === 0 ? "system" : "workers");
    if (!POOL_NAME.test(name) || names.has(name)) {
      p.add(
        "SEAWALL_AZURE_CLUSTER_NODE_POOL",
        `nodePools[${i}].name`,
        name,
        "must be 1 to 12 lower-case letters and digits, starting with a letter, and differ from the other pools'",
      );
    }
    names.add(name);
    p.wholeNumber("SEAWALL_AZURE_CLUSTER_NODE_POOL", `nodePools[${i}].minCount`, pool.minCount, 1, 1000);
    p.wholeNumber("SEAWALL_AZURE_CLUSTER_NODE_POOL", `nodePools[${i}].maxCount`, pool.maxCount, 1, 1000);
    if ((pool.minCount ?? POOL.minCount) > (pool.maxCount ?? Math.max(POOL.maxCount, pool.minCount ?? 0))) {
      p.add(
        "SEAWALL_AZURE_CLUSTER_NODE_POOL",
        `nodePools[${i}]`,
        { minCount: pool.minCount, maxCount: pool.maxCount },
        "needs minCount <= maxCount",
      );
    }
  });
  checkServiceAccountArgs(p, "workloads", args.workloads);
  p.throwIfAny("seawall:azure:Cluster: invalid arguments");
}

/** The resource group and name of a user-assigned identity, from its resource id. */
export function identityParts(id: string): { resourceGroupName: string; resourceName: string } {
  const m =
    /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/([^/]+)$/i.exec(
      id,
    );
  if (!m) throw new Error(`not a user-assigned identity id: ${id}`);
  return { resourceGroupName: m[1], resourceName: m[2] };
}

/**
 * An AKS cluster, secure by default: a private API server only, Entra ID authentication with Azure
 * RBAC and local accounts off, the OIDC issuer and workload identity on, Azure CNI overlay with the
 * Cilium dataplane and network policy, automatic upgrades of Kubernetes and of the node OS image,
 * encryption at host (and a customer-managed disk encryption set when given), node pools on the
 * platform's workloads subnet, and the platform's workload identity federated with the workers'
 * service account. Or, given `{ existing: { kubeconfig } }`, only the provider of your cluster.
 */
export class AksCluster extends ClusterComponent {
  /** The AKS cluster, when the component built it. */
  readonly cluster?: azure.containerservice.ManagedCluster;
  /** The cluster's OIDC issuer URL, when the component built it. */
  readonly oidcIssuerUrl?: pulumi.Output<string>;

  constructor(name: string, args: AksArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:azure:Cluster", name, {}, opts);
    validateAksClusterArgs(args);
    if ("existing" in args) {
      this.bringCluster(name, args.existing);
      this.registerOutputs({ kubeconfig: this.kubeconfig });
      return;
    }
    const protect = args.protect ?? true;
    const tags = { ...args.tags, "seawall:component": "Cluster" };
    const network = pulumi.output(args.network);
    const clusterName = args.clusterName ?? name;
    const hostEncryption = args.encryptionAtHost ?? true;
    const pools = (args.nodePools ?? [{}]).map((pool, i) => ({
      name: pool.name ?? (i === 0 ? "system" : "workers"),
      mode: i === 0 ? "System" : "User",
      type: "VirtualMachineScaleSets",
      osType: "Linux",
      osSKU: "AzureLinux",
      vmSize: pool.vmSize ?? POOL.vmSize,
      osDiskType: "Managed",
      osDiskSizeGB: pool.osDiskSizeGB ?? POOL.osDiskSizeGB,
      enableAutoScaling: true,
      minCount: pool.minCount ?? POOL.minCount,
      maxCount: pool.maxCount ?? Math.max(POOL.maxCount, pool.minCount ?? 0),
      count: pool.minCount ?? POOL.minCount,
      availabilityZones: ["1", "2", "3"],
      vnetSubnetID: network.subnetIds.apply((s) => s[0]),
      enableNodePublicIP: false,
      enableEncryptionAtHost: hostEncryption,
      ...(i === 0 ? { nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] } : {}),
    }));
    // One system pool alone must also run the workloads: no taint then.
    if (pools.length === 1) delete (pools[0] as { nodeTaints?: string[] }).nodeTaints;

    this.cluster = new azure.containerservice.ManagedCluster(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: clusterName,
        ...(args.location !== undefined ? { location: args.location } : {}),
        dnsPrefix: clusterName,
        kubernetesVersion: args.kubernetesVersion ?? DEFAULT_AKS_VERSION,
        sku: { name: "Base", tier: "Standard" },
        identity: { type: "SystemAssigned" },
        agentPoolProfiles: pools,
        apiServerAccessProfile: {
          enablePrivateCluster: true,
          enablePrivateClusterPublicFQDN: false,
          privateDNSZone: "system",
          disableRunCommand: true,
        },
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds },
        disableLocalAccounts: true,
        enableRBAC: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true, intervalHours: 168 },
        },
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          loadBalancerSku: "standard",
          podCidr: "192.168.0.0/16",
          serviceCidr: "172.16.0.0/16",
          dnsServiceIP: "172.16.0.10",
        },
        autoUpgradeProfile: {
          upgradeChannel: args.upgradeChannel ?? "stable",
          nodeOSUpgradeChannel: "NodeImage",
        },
        ...(args.diskEncryptionSetId !== undefined ? { diskEncryptionSetID: args.diskEncryptionSetId } : {}),
        tags,
      },
      // The upgrade channel moves the version; Pulumi must not move it back.
      {
        parent: this,
        protect,
        ignoreChanges: ["kubernetesVersion", "agentPoolProfiles[*].orchestratorVersion"],
      },
    );
    const cluster = this.cluster;
    this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((o) => o?.issuerURL ?? "");

    const workloads = args.workloads ?? {};
    const account = serviceAccountOf(workloads);
    const { namespace, serviceAccountName } = account;
    let workloadIdentity: WorkloadIdentity | undefined;
    if (workloads.identity !== undefined) {
      const identity = pulumi.output(workloads.identity);
      const parts = identity.apply((i) => identityParts(i.id));
      new azure.managedidentity.FederatedIdentityCredential(
        `${name}-workers`,
        {
          resourceGroupName: parts.resourceGroupName,
          resourceName: parts.resourceName,
          federatedIdentityCredentialResourceName: `${clusterName}-${namespace}-${serviceAccountName}`,
          issuer: this.oidcIssuerUrl,
          subject: `system:serviceaccount:${namespace}:${serviceAccountName}`,
          audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
        { parent: this },
      );
      const clientId = identity.apply((i) => i.clientId);
      workloadIdentity = annotatedWorkloadIdentity(
        "azure-workload-identity",
        account,
        clientId,
        "azure.workload.identity/client-id",
        { "azure.workload.identity/use": "true" },
      );
    }

    // The user kubeconfig AKS returns gives the private server and the CA; the user is kubelogin
    // with the Azure CLI's sign-in (no device code, no credential in the file).
    const credentials = azure.containerservice.listManagedClusterUserCredentialsOutput(
      { resourceGroupName: args.resourceGroupName, resourceName: cluster.name },
      { parent: this },
    );
    const kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, credentials.kubeconfigs]).apply(([n, configs]) => {
        const doc = parse(Buffer.from(configs[0]?.value ?? "", "base64").toString("utf8")) as {
          clusters?: { cluster: { server: string; "certificate-authority-data": string } }[];
        };
        const c = doc?.clusters?.[0]?.cluster;
        return execKubeconfig({
          clusterName: n,
          server: c?.server ?? "",
          certificateAuthorityData: c?.["certificate-authority-data"] ?? "",
          exec: {
            command: "kubelogin",
            args: ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_ID],
            installHint: "Install kubelogin (az aks install-cli) and sign in with az login.",
          },
        });
      }),
    );
    this.setClusterOutputs({
      cloud: "azure",
      provider: clusterProvider(name, kubeconfig, { parent: this, dependsOn: [cluster] }),
      kubeconfig,
      clusterName: cluster.name,
      region: cluster.location,
      workloadIdentity,
    });
    this.registerOutputs({
      kubeconfig: this.kubeconfig,
      clusterName: this.clusterName,
      oidcIssuerUrl: this.oidcIssuerUrl,
    });
  }
}
