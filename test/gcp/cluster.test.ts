import { GkeCluster, GkeClusterArgs, validateGkeClusterArgs } from "../../components/gcp/cluster";
import { CMEK_ROLE } from "../../components/gcp/kmsKey";
import { evaluateResources } from "../../policies/check";
import { mockProjectNumber } from "../../scripts/synth/gcpMocks";
import { Secret } from "../../scripts/synth/harness";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  cluster: "gcp:container/cluster:Cluster",
  pool: "gcp:container/nodePool:NodePool",
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  account: "gcp:serviceaccount/account:Account",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  saMember: "gcp:serviceaccount/iAMMember:IAMMember",
  provider: "pulumi:providers:kubernetes",
};

const PROJECT = "seawall-test";
const REGION = "europe-west1";
const GCP = { "gcp:project": PROJECT, "gcp:region": REGION };
const WORKERS = `workers@${PROJECT}.iam.gserviceaccount.com`;
const base: GkeClusterArgs = {
  network: {
    networkId: `projects/${PROJECT}/global/networks/data`,
    subnetIds: [`projects/${PROJECT}/regions/${REGION}/subnetworks/workloads`],
  },
  workloads: { serviceAccountEmail: WORKERS },
};

async function gke(args: Partial<GkeClusterArgs> = {}): Promise<{ p: Plan; c: GkeCluster }> {
  let c: GkeCluster | undefined;
  const p = await plan(() => {
    c = new GkeCluster("data", { ...base, ...args });
    return { kubeconfig: c.kubeconfig };
  }, GCP);
  return { p, c: c! };
}

describe("Cluster on GKE, by default", () => {
  let p: Plan;
  let c: GkeCluster;
  const labels = { "seawall-component": "cluster" };
  beforeAll(async () => {
    ({ p, c } = await gke());
  });

  it("builds the cluster, its key, node account, node pool and workload identity binding, and no more", () => {
    expect(p.counts()).toEqual({
      "seawall:gcp:Cluster": 1,
      [T.ring]: 1,
      [T.key]: 1,
      [T.grant]: 1,
      [T.account]: 1,
      [T.projectMember]: 1,
      [T.cluster]: 1,
      [T.pool]: 1,
      [T.saMember]: 1,
      [T.provider]: 1,
    });
    expect(p.result.warnings).toEqual([]);
    const component = p.one("seawall:gcp:Cluster", "data");
    for (const r of p.resources.filter((x) => x !== component)) expect(r.parent).toBe(component.urn);
  });

  it("builds a private, Workload Identity, shielded, Dataplane V2 cluster on a release channel with CMEK secrets", () => {
    const cluster = p.one(T.cluster, "data");
    expect(cluster.inputs).toMatchObject({
      name: "data",
      location: REGION,
      network: `projects/${PROJECT}/global/networks/data`,
      subnetwork: `projects/${PROJECT}/regions/${REGION}/subnetworks/workloads`,
      networkingMode: "VPC_NATIVE",
      removeDefaultNodePool: true,
      releaseChannel: { channel: "REGULAR" },
      minMasterVersion: "1.35",
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
      workloadIdentityConfig: { workloadPool: `${PROJECT}.svc.id.goog` },
      enableShieldedNodes: true,
      datapathProvider: "ADVANCED_DATAPATH",
      databaseEncryption: {
        state: "ENCRYPTED",
        keyName: expect.stringContaining("/cryptoKeys/data-secrets"),
      },
      enableLegacyAbac: false,
      loggingConfig: {
        enableComponents: ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"],
      },
      deletionProtection: true,
      resourceLabels: labels,
    });
    expect(cluster.protect).toBe(true);
    expect(cluster.dependsOn).toContain(p.one(T.grant, "data-secrets-container-grant").urn);
  });

  it("lets GKE's service agent use the key, which rotates", () => {
    expect(p.one(T.grant, "data-secrets-container-grant").inputs).toEqual({
      cryptoKeyId: expect.stringContaining("/cryptoKeys/data-secrets"),
      role: CMEK_ROLE,
      member: `serviceAccount:service-${mockProjectNumber(PROJECT)}@container-engine-robot.iam.gserviceaccount.com`,
    });
    expect(p.one(T.key, "data-secrets").inputs).toMatchObject({
      rotationPeriod: "7776000s",
      deletionPolicy: "PREVENT",
    });
  });

  it("runs nodes as their own account with only the default node role, shielded, behind the GKE metadata server", () => {
    const account = p.one(T.account, "data-nodes");
    expect(account.inputs).toMatchObject({ accountId: "data-nodes" });
    expect(p.one(T.projectMember, "data-nodes").inputs).toEqual({
      project: PROJECT,
      role: "roles/container.defaultNodeServiceAccount",
      member: `serviceAccount:data-nodes@${PROJECT}.iam.gserviceaccount.com`,
    });
    const nodeConfig = {
      machineType: "e2-standard-4",
      spot: false,
      serviceAccount: `data-nodes@${PROJECT}.iam.gserviceaccount.com`,
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      bootDisk: { diskType: "pd-balanced", sizeGb: 50 },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      metadata: { "disable-legacy-endpoints": "true" },
      resourceLabels: labels,
    };
    expect(p.one(T.cluster, "data").inputs.nodeConfig).toEqual(nodeConfig);
    expect(p.one(T.pool, "data-workers").inputs).toEqual({
      cluster: `projects/${PROJECT}/locations/${REGION}/clusters/data`,
      location: REGION,
      autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { maxSurge: 1, maxUnavailable: 0 },
      nodeConfig,
    });
  });

  it("lets the workers' Kubernetes service account act as the platform's workload service account", async () => {
    expect(p.one(T.saMember, "data-workers").inputs).toEqual({
      serviceAccountId: `projects/${PROJECT}/serviceAccounts/${WORKERS}`,
      role: "roles/iam.workloadIdentityUser",
      member: `serviceAccount:${PROJECT}.svc.id.goog[seawall/seawall-workers]`,
    });
    expect(c.workloadIdentity).toMatchObject({
      kind: "gcp-workload-identity",
      namespace: "seawall",
      serviceAccountName: "seawall-workers",
      podLabels: {},
    });
    const annotations = await new Promise((resolve) =>
      c.workloadIdentity!.serviceAccountAnnotations.apply(resolve),
    );
    expect(annotations).toEqual({ "iam.gke.io/gcp-service-account": WORKERS });
  });

  it("outputs a kubeconfig for the private endpoint that runs gke-gcloud-auth-plugin", () => {
    const value = p.output("kubeconfig");
    const kubeconfig = JSON.parse((value instanceof Secret ? value.value : value) as string);
    expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\/10\.\d+\.0\.2$/);
    expect(kubeconfig.users[0].user.exec).toMatchObject({ command: "gke-gcloud-auth-plugin", args: [] });
    expect(p.result.outputs.kubeconfig.secret).toBe(true);
    expect(p.one(T.provider, "data").dependsOn).toContain(p.one(T.pool, "data-workers").urn);
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("Cluster on GKE, brought or misconfigured", () => {
  it("makes only the provider of a brought cluster", async () => {
    const p = await plan(() => new GkeCluster("mine", { existing: { kubeconfig: "apiVersion: v1" } }), GCP);
    expect(p.counts()).toEqual({ "seawall:gcp:Cluster": 1, [T.provider]: 1 });
  });

  it("lists every problem at once", () => {
    expect(
      problemsThrownBy(() =>
        validateGkeClusterArgs({
          ...base,
          region: REGION,
          clusterName: "Data",
          releaseChannel: "UNSPECIFIED" as never,
          minMasterVersion: "1.31",
          nodePools: [{ minNodesPerZone: 5, maxNodesPerZone: 2 }],
          workloads: { namespace: "Seawall" },
          kmsKey: { skip: true },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_CLUSTER_NAME", field: "clusterName", value: "Data" },
      { code: "SEAWALL_GCP_CLUSTER_VERSION", field: "releaseChannel", value: "UNSPECIFIED" },
      { code: "SEAWALL_GCP_CLUSTER_VERSION", field: "minMasterVersion", value: "1.31" },
      {
        code: "SEAWALL_GCP_CLUSTER_NODE_POOL",
        field: "nodePools[0]",
        value: { minNodesPerZone: 5, maxNodesPerZone: 2 },
      },
      { code: "SEAWALL_K8S_NAME", field: "workloads.namespace", value: "Seawall" },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "kmsKey", value: "{ skip: true }" },
    ]);
  });
});
