import { AksCluster, AksClusterArgs, validateAksClusterArgs } from "../../components/azure/cluster";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  cluster: "azure-native:containerservice:ManagedCluster",
  federated: "azure-native:managedidentity:FederatedIdentityCredential",
  provider: "pulumi:providers:kubernetes",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZ = { "azure-native:location": "westeurope", "azure-native:subscriptionId": SUB };
const GROUP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const SUBNET = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Network/virtualNetworks/v/subnets/workloads`;
const IDENTITY = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.ManagedIdentity/userAssignedIdentities/workers`;
const CLIENT_ID = "12345678-1234-4234-8234-123456789012";
const base: AksClusterArgs = {
  resourceGroupName: "data",
  network: { vnetId: "v", subnetIds: [SUBNET, "endpoints"] },
  adminGroupObjectIds: [GROUP],
  workloads: { identity: { id: IDENTITY, clientId: CLIENT_ID } },
};

async function aks(args: Partial<AksClusterArgs> = {}): Promise<{ p: Plan; c: AksCluster }> {
  let c: AksCluster | undefined;
  const p = await plan(() => {
    c = new AksCluster("data", { ...base, ...args });
    return { kubeconfig: c.kubeconfig };
  }, AZ);
  return { p, c: c! };
}

describe("Cluster on AKS, by default", () => {
  let p: Plan;
  let c: AksCluster;
  beforeAll(async () => {
    ({ p, c } = await aks());
  });

  it("builds the cluster, the workers' federated credential and the provider, and no more", () => {
    expect(p.counts()).toEqual({
      "seawall:azure:Cluster": 1,
      [T.cluster]: 1,
      [T.federated]: 1,
      [T.provider]: 1,
    });
    expect(p.result.warnings).toEqual([]);
  });

  it("builds a private, Entra-only, workload-identity, Cilium overlay cluster that upgrades itself", () => {
    const cluster = p.one(T.cluster, "data");
    expect(cluster.inputs).toEqual({
      resourceGroupName: "data",
      resourceName: "data",
      dnsPrefix: "data",
      kubernetesVersion: "1.35",
      sku: { name: "Base", tier: "Standard" },
      identity: { type: "SystemAssigned" },
      agentPoolProfiles: [
        {
          name: "system",
          mode: "System",
          type: "VirtualMachineScaleSets",
          osType: "Linux",
          osSKU: "AzureLinux",
          vmSize: "Standard_D4ds_v5",
          osDiskType: "Managed",
          osDiskSizeGB: 64,
          enableAutoScaling: true,
          minCount: 3,
          maxCount: 6,
          count: 3,
          availabilityZones: ["1", "2", "3"],
          vnetSubnetID: SUBNET,
          enableNodePublicIP: false,
          enableEncryptionAtHost: true,
        },
      ],
      apiServerAccessProfile: {
        enablePrivateCluster: true,
        enablePrivateClusterPublicFQDN: false,
        privateDNSZone: "system",
        disableRunCommand: true,
      },
      aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [GROUP] },
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
        // The SDK's default, written out: private egress needs a NAT gateway or UDR of the network's.
        outboundType: "loadBalancer",
        loadBalancerSku: "standard",
        podCidr: "192.168.0.0/16",
        serviceCidr: "172.16.0.0/16",
        dnsServiceIP: "172.16.0.10",
      },
      autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },
      tags: { "seawall:component": "Cluster" },
    });
    expect(cluster.protect).toBe(true);
    expect(cluster.ignoreChanges).toEqual(["kubernetesVersion", "agentPoolProfiles[*].orchestratorVersion"]);
  });

  it("federates the platform's workload identity with the workers' service account through the cluster's issuer", async () => {
    expect(p.one(T.federated, "data-workers").inputs).toEqual({
      resourceGroupName: "data",
      resourceName: "workers",
      federatedIdentityCredentialResourceName: "data-seawall-seawall-workers",
      issuer: expect.stringMatching(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/.+\/$/),
      subject: "system:serviceaccount:seawall:seawall-workers",
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(c.workloadIdentity).toMatchObject({
      kind: "azure-workload-identity",
      namespace: "seawall",
      serviceAccountName: "seawall-workers",
      podLabels: { "azure.workload.identity/use": "true" },
    });
    const annotations = await new Promise((resolve) =>
      c.workloadIdentity!.serviceAccountAnnotations.apply(resolve),
    );
    expect(annotations).toEqual({ "azure.workload.identity/client-id": CLIENT_ID });
  });

  it("outputs a kubeconfig for the private server whose user is kubelogin with the Azure CLI", () => {
    const value = p.output("kubeconfig");
    const kubeconfig = JSON.parse((value instanceof Secret ? value.value : value) as string);
    expect(kubeconfig.clusters[0].cluster.server).toMatch(
      /^https:\/\/data-[0-9a-f]+\.privatelink\.westeurope\.azmk8s\.io:443$/,
    );
    expect(kubeconfig.clusters[0].cluster["certificate-authority-data"]).not.toBe("");
    expect(kubeconfig.users[0].user.exec).toMatchObject({
      command: "kubelogin",
      args: ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
    });
    expect(p.result.outputs.kubeconfig.secret).toBe(true);
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("Cluster on AKS, configured, brought or misconfigured", () => {
  it("taints the system pool when workers get their own, and takes a disk encryption set", async () => {
    const des = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Compute/diskEncryptionSets/cmk`;
    const { p } = await aks({
      nodePools: [{}, { vmSize: "Standard_D8ds_v5", minCount: 2 }],
      diskEncryptionSetId: des,
    });
    const cluster = p.one(T.cluster, "data");
    const pools = cluster.inputs.agentPoolProfiles as Record<string, unknown>[];
    expect(pools.map((x) => [x.name, x.mode, x.nodeTaints, x.vmSize, x.minCount, x.maxCount])).toEqual([
      ["system", "System", ["CriticalAddonsOnly=true:NoSchedule"], "Standard_D4ds_v5", 3, 6],
      ["workers", "User", undefined, "Standard_D8ds_v5", 2, 6],
    ]);
    expect(cluster.inputs.diskEncryptionSetID).toBe(des);
  });

  it("makes only the provider of a brought cluster", async () => {
    const p = await plan(() => new AksCluster("mine", { existing: { kubeconfig: "apiVersion: v1" } }), AZ);
    expect(p.counts()).toEqual({ "seawall:azure:Cluster": 1, [T.provider]: 1 });
  });

  it("lists every problem at once", () => {
    expect(
      problemsThrownBy(() =>
        validateAksClusterArgs({
          ...base,
          clusterName: "-data",
          adminGroupObjectIds: ["admins"],
          kubernetesVersion: "1.30",
          upgradeChannel: "none" as never,
          nodePools: [{ name: "sys", minCount: 5, maxCount: 2 }, { name: "sys" }],
          workloads: { serviceAccountName: "Workers" },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_CLUSTER_NAME", field: "clusterName", value: "-data" },
      { code: "SEAWALL_AZURE_CLUSTER_ADMINS", field: "adminGroupObjectIds[0]", value: "admins" },
      { code: "SEAWALL_AZURE_CLUSTER_VERSION", field: "kubernetesVersion", value: "1.30" },
      { code: "SEAWALL_AZURE_CLUSTER_VERSION", field: "upgradeChannel", value: "none" },
      { code: "SEAWALL_AZURE_CLUSTER_NODE_POOL", field: "nodePools[0]", value: { minCount: 5, maxCount: 2 } },
      { code: "SEAWALL_AZURE_CLUSTER_NODE_POOL", field: "nodePools[1].name", value: "sys" },
      { code: "SEAWALL_K8S_NAME", field: "workloads.serviceAccountName", value: "Workers" },
    ]);
  });
});
