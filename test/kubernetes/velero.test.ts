import * as kubernetes from "@pulumi/kubernetes";
import { Velero, type VeleroArgs, validateVeleroArgs } from "../../components/kubernetes/velero";
import { veleroValues, type VeleroValuesInput } from "../../components/kubernetes/veleroValues";
import { evaluateResources } from "../../policies/check";
import { type Plan, plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { chartSchemaErrors } from "./helmValues";
import { backupStoreFixture, objectOf, secretData, STORE_ENDPOINT } from "./kubeObjects";
import { schemaErrors } from "./schemas";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const valuesErrors = chartSchemaErrors("velero/12.1.0");

async function planVelero(args: Partial<VeleroArgs>): Promise<Plan> {
  return plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    new Velero("backups", { provider, environment: "prod", store: backupStoreFixture(), ...args });
  });
}

const input = (over: Partial<VeleroValuesInput> = {}): VeleroValuesInput => ({
  endpoint: STORE_ENDPOINT,
  bucket: "seawall-backups",
  region: "us-east-1",
  credentialsSecret: "backups-s3-credentials",
  caSecret: "backups-s3-ca",
  retentionDays: 35,
  schedule: "0 3 * * *",
  csiSnapshots: false,
  ...over,
});

describe("Velero", () => {
  let prod: Plan;
  let dev: Plan;
  beforeAll(async () => {
    prod = await planVelero({ csiSnapshotClass: "csi-snapclass" });
    dev = await planVelero({ environment: "dev" });
  });

  it("values pass the Velero 12.1.0 chart's schema after Helm's merge, and a wrong type does not", () => {
    expect(valuesErrors(veleroValues(input()))).toEqual([]);
    expect(valuesErrors(veleroValues(input({ caSecret: undefined, csiSnapshots: true })))).toEqual([]);
    expect(valuesErrors({ ...veleroValues(input()), deployNodeAgent: true, nodeAgent: null })).not.toEqual(
      [],
    );
    expect(valuesErrors({ ...veleroValues(input()), credentials: { useSecret: "no" } })).not.toEqual([]);
    // The schema is open everywhere: typos are caught against the chart's values.yaml instead.
    expect(unknownValuePaths(veleroValues(input()), chartDefaults("velero/12.1.0"))).toEqual([]);
    expect(
      unknownValuePaths({ credentials: { extraSecretRefs: "x" } }, chartDefaults("velero/12.1.0")),
    ).toEqual(["credentials.extraSecretRefs"]);
  });

  it("installs the pinned chart with the AWS plugin, backing up to the store over TLS with keys from its Secret", () => {
    const r = prod.one(RELEASE, "backups").inputs;
    expect(r).toMatchObject({
      name: "velero",
      chart: "velero",
      version: "12.1.0",
      repositoryOpts: { repo: "https://vmware-tanzu.github.io/helm-charts" },
      namespace: "velero",
    });
    const v = r.values as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(v.initContainers[0]).toMatchObject({
      name: "velero-plugin-for-aws",
      image: "velero/velero-plugin-for-aws:v1.14.2",
      volumeMounts: [{ mountPath: "/target", name: "plugins" }],
    });
    expect(v.configuration.backupStorageLocation).toEqual([
      {
        name: "default",
        provider: "aws",
        bucket: "seawall-backups",
        prefix: "velero",
        default: true,
        config: { region: "us-east-1", s3ForcePathStyle: "true", s3Url: STORE_ENDPOINT },
      },
    ]);
    expect(v.credentials).toEqual({ useSecret: false, extraSecretRef: "backups-s3-credentials" });
    expect(v.configuration.extraEnvVars).toEqual([
      { name: "AWS_CA_BUNDLE", value: "/etc/seawall/s3-ca/ca.crt" },
    ]);
    expect(v.extraVolumes).toEqual([{ name: "s3-ca", secret: { secretName: "backups-s3-ca" } }]);
    expect(v.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(v.containerSecurityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(v.resources).toEqual({
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
    expect(v.upgradeJobResources.limits).toEqual({ cpu: "500m", memory: "256Mi" });
    expect(v.kubectl.containerSecurityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
    });
    expect([v.deployNodeAgent, v.snapshotsEnabled, v.configuration.defaultVolumesToFsBackup]).toEqual([
      false,
      false,
      false,
    ]);
    expect(v.metrics.serviceMonitor).toEqual({ enabled: true, autodetect: false });
    expect(secretData(prod, "backups-credentials")).toEqual({
      AWS_ACCESS_KEY_ID: "BACKUPSKEY0000000000",
      AWS_SECRET_ACCESS_KEY: "backups-secret-key",
    });
    const ca = prod.one("kubernetes:cert-manager.io/v1:Certificate", "backups-ca").inputs;
    expect(ca.metadata).toEqual({ name: "backups-s3-ca", namespace: "velero" });
  });

  it("keeps daily backups as long as the profile says, and snapshots volumes only with a CSI snapshot class", () => {
    const p = (prod.one(RELEASE, "backups").inputs.values as Record<string, any>).schedules.daily; // eslint-disable-line @typescript-eslint/no-explicit-any
    const d = (dev.one(RELEASE, "backups").inputs.values as Record<string, any>).schedules.daily; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(p).toEqual({
      disabled: false,
      schedule: "0 3 * * *",
      useOwnerReferencesInBackup: false,
      template: {
        ttl: "840h0m0s",
        storageLocation: "default",
        includedNamespaces: ["*"],
        snapshotVolumes: true,
        defaultVolumesToFsBackup: false,
      },
    });
    expect(d.template).toMatchObject({ ttl: "168h0m0s", snapshotVolumes: false });
    expect(
      prod.one("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClassPatch", "backups-snapshot-class")
        .inputs,
    ).toMatchObject({
      apiVersion: "snapshot.storage.k8s.io/v1",
      kind: "VolumeSnapshotClass",
      metadata: { name: "csi-snapclass", labels: { "velero.io/csi-volumesnapshot-class": "true" } },
    });
    expect(dev.resources.filter((r) => r.name === "backups-snapshot-class")).toEqual([]);
  });

  it("renders objects that pass their schemas, and every mandatory policy", async () => {
    const kube = prod.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh") && !r.type.includes("Patch"),
    );
    expect(kube.map((r) => r.name).sort()).toEqual([
      "backups-ca",
      "backups-credentials",
      "backups-namespace",
    ]);
    expect(kube.flatMap((r) => schemaErrors(objectOf(r)))).toEqual([]);
    const verdicts = await evaluateResources(prod.resources, { environment: "prod" });
    expect(verdicts.filter((x) => x.level === "mandatory").map((x) => `${x.rule} ${x.resource}`)).toEqual([]);
  });

  it("refuses a retention out of range and a malformed snapshot class", () => {
    expect(
      problemsThrownBy(() =>
        validateVeleroArgs({ environment: "prod", retentionDays: 0, csiSnapshotClass: "CSI Class" }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_VELERO_RETENTION", field: "retentionDays", value: 0 },
      { code: "SEAWALL_K8S_VELERO_SNAPSHOT_CLASS", field: "csiSnapshotClass", value: "CSI Class" },
    ]);
  });
});
