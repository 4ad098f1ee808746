import * as kubernetes from "@pulumi/kubernetes";
import {
  ObjectStore,
  type ObjectStoreArgs,
  validateObjectStoreArgs,
} from "../../components/kubernetes/objectStore";
import {
  bucketScript,
  gatewayConfig,
  seaweedfsValues,
  type SeaweedfsValuesInput,
} from "../../components/kubernetes/objectStoreValues";
import { evaluateResources } from "../../policies/check";
import { type Plan, plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { objectOf, secretData } from "./kubeObjects";
import { schemaErrors } from "./schemas";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  certificate: "kubernetes:cert-manager.io/v1:Certificate",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  job: "kubernetes:batch/v1:Job",
  deployment: "kubernetes:apps/v1:Deployment",
  namespace: "kubernetes:core/v1:Namespace",
};
const CHART = "seaweedfs/4.44.0";
const ISSUER = { name: "seawall-ca-issuer", kind: "ClusterIssuer" as const };
const REPLICA = {
  endpoint: "https://s3.dr.example:8333",
  bucket: "seawall-lake-dr",
  credentialsSecret: "dr-keys",
};
/** The chart's s3-deployment.yaml reads these though its values.yaml does not list them. */
const S3_TEMPLATE_ONLY = ["s3.affinity", "s3.topologySpreadConstraints"];

const input = (ha: boolean): SeaweedfsValuesInput => ({
  namespace: "seaweedfs",
  ha,
  volumeSize: "100Gi",
  metadataSize: "10Gi",
  configSecret: "lake-s3-config",
  tlsSecret: "lake-s3-tls",
});

async function planStore(args: Partial<ObjectStoreArgs>) {
  let store: ObjectStore | undefined;
  const p = await plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    store = new ObjectStore("lake", { provider, environment: "prod", issuerRef: ISSUER, ...args });
  });
  return { p, store: store! };
}

describe("ObjectStore (SeaweedFS)", () => {
  let prod: { p: Plan; store: ObjectStore };
  let dev: { p: Plan; store: ObjectStore };
  beforeAll(async () => {
    prod = await planStore({ replica: REPLICA });
    dev = await planStore({ environment: "dev" });
  });

  it("sets only keys the SeaweedFS 4.44.0 chart knows", () => {
    const defaults = chartDefaults(CHART);
    for (const ha of [true, false]) {
      const unknown = unknownValuePaths(seaweedfsValues(input(ha)), defaults);
      expect(unknown.filter((path) => !S3_TEMPLATE_ONLY.includes(path))).toEqual([]);
    }
    expect(unknownValuePaths({ s3: { tlsSecrett: "x" } }, defaults)).toEqual(["s3.tlsSecrett"]);
  });

  it("installs the pinned chart: TLS-only gateway with the issued certificate, auth from the generated Secret, mutual TLS inside, encrypted chunks", () => {
    const r = prod.p.one(T.release, "lake").inputs;
    expect(r).toMatchObject({
      name: "seaweedfs",
      chart: "seaweedfs",
      version: "4.44.0",
      repositoryOpts: { repo: "https://seaweedfs.github.io/seaweedfs/helm" },
      namespace: "seaweedfs",
    });
    const v = r.values as ReturnType<typeof seaweedfsValues> & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(v.global.seaweedfs).toEqual({
      enableSecurity: true,
      securityConfig: {
        jwtSigning: { volumeWrite: true, volumeRead: false, filerWrite: true, filerRead: false },
      },
      monitoring: { enabled: true },
      enableReplication: true,
      replicationPlacement: "001",
    });
    expect(v.s3).toMatchObject({
      enabled: true,
      port: 8333,
      httpsPort: 0,
      tlsSecret: "lake-s3-tls",
      extraArgs: [
        "-cert.file=/usr/local/share/ca-certificates/s3/tls.crt",
        "-key.file=/usr/local/share/ca-certificates/s3/tls.key",
      ],
      enableAuth: true,
      existingConfigSecret: "lake-s3-config",
      readinessProbe: { enabled: true, httpGet: { path: "/status", scheme: "HTTPS" } },
      replicas: 2,
    });
    expect(v.filer.encryptVolumeData).toBe(true);
    expect([v.master.replicas, v.volume.replicas, v.filer.replicas]).toEqual([3, 3, 2]);
    expect(v.volume.dataDirs).toEqual([
      { name: "data", type: "persistentVolumeClaim", size: "100Gi", maxVolumes: 0 },
    ]);
    expect(v.master.data).toEqual({ type: "persistentVolumeClaim", size: "10Gi" });
    for (const c of ["master", "volume", "filer", "s3"]) {
      expect(v[c].podSecurityContext).toMatchObject({ enabled: true, runAsNonRoot: true, runAsUser: 1000 });
      expect(v[c].containerSecurityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(v[c].resources.limits).toBeDefined();
      expect(
        JSON.parse(v[c].affinity).podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0],
      ).toEqual({
        labelSelector: {
          matchLabels: {
            "app.kubernetes.io/name": "seaweedfs",
            "app.kubernetes.io/instance": "seaweedfs",
            "app.kubernetes.io/component": c,
          },
        },
        topologyKey: "kubernetes.io/hostname",
      });
    }
    expect(prod.p.one(T.release, "lake").protect).toBe(true);
    expect(dev.p.one(T.release, "lake").protect).toBe(false);
  });

  it("issues the gateway's certificate from the given ClusterIssuer for the Service's names", () => {
    const c = prod.p.one(T.certificate, "lake-s3-certificate").inputs;
    expect(c.metadata).toEqual({ name: "lake-s3-tls", namespace: "seaweedfs" });
    expect(c.spec).toMatchObject({
      secretName: "lake-s3-tls",
      issuerRef: { name: "seawall-ca-issuer", kind: "ClusterIssuer", group: "cert-manager.io" },
      dnsNames: [
        "seaweedfs-s3",
        "seaweedfs-s3.seaweedfs",
        "seaweedfs-s3.seaweedfs.svc",
        "seaweedfs-s3.seaweedfs.svc.cluster.local",
      ],
      usages: ["server auth", "digital signature", "key encipherment"],
    });
    const ca = prod.p.one(T.certificate, "lake-ca").inputs;
    expect(ca.metadata).toEqual({ name: "lake-s3-ca", namespace: "seawall" });
    expect((ca.spec as { issuerRef: unknown }).issuerRef).toEqual(
      (c.spec as { issuerRef: unknown }).issuerRef,
    );
  });

  it("generates one identity per bucket, in a secret Secret the chart reads, and gives the workers the lake's keys", () => {
    const config = JSON.parse(secretData(prod.p, "lake-s3-config").seaweedfs_s3_config);
    const workers = secretData(prod.p, "lake-credentials");
    expect(Object.keys(workers).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
    expect(workers.AWS_ACCESS_KEY_ID).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(
      prod.p.one("random:index/randomPassword:RandomPassword", "lake-lake-access-key").inputs,
    ).toMatchObject({
      length: 20,
      special: false,
      lower: false,
      upper: true,
      numeric: true,
    });
    expect(workers.AWS_SECRET_ACCESS_KEY).toHaveLength(40);
    expect(config.identities).toEqual([
      {
        name: "lake",
        credentials: [{ accessKey: workers.AWS_ACCESS_KEY_ID, secretKey: workers.AWS_SECRET_ACCESS_KEY }],
        actions: ["Read:seawall-lake", "Write:seawall-lake", "List:seawall-lake", "Tagging:seawall-lake"],
      },
      {
        name: "backups",
        credentials: [
          { accessKey: expect.stringMatching(/^[A-Za-z0-9]{20}$/), secretKey: expect.any(String) },
        ],
        actions: [
          "Read:seawall-backups",
          "Write:seawall-backups",
          "List:seawall-backups",
          "Tagging:seawall-backups",
        ],
      },
    ]);
    expect(config.identities[1].credentials[0].accessKey).not.toBe(workers.AWS_ACCESS_KEY_ID);
    expect(prod.p.one(T.secret, "lake-credentials").inputs.metadata).toEqual({
      name: "lake-s3-credentials",
      namespace: "seawall",
    });
    expect(gatewayConfig([])).toBe('{"identities":[]}');
  });

  it("creates the lake bucket with object lock and both buckets versioned, after the release", () => {
    const job = prod.p.one(T.job, "lake-buckets");
    const container = (job.inputs.spec as any).template.spec.containers[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(container.image).toBe("chrislusf/seaweedfs:4.44");
    expect(container.command).toEqual([
      "/bin/sh",
      "-c",
      bucketScript([
        { name: "seawall-lake", objectLock: true },
        { name: "seawall-backups", objectLock: false },
      ]),
    ]);
    const script = container.command[2] as string;
    expect(script).toContain("s3.bucket.create -name seawall-lake -withLock");
    expect(script).toContain("s3.bucket.create -name seawall-backups' | weed shell");
    expect(script).toContain("s3.bucket.versioning -name seawall-lake -status Enabled");
    expect(script).toContain("s3.bucket.versioning -name seawall-backups -status Enabled");
    expect(job.dependsOn).toContain(prod.p.one(T.release, "lake").urn);
  });

  it("copies the lake to the replica with weed filer.backup, keeping deletes out", () => {
    const sync = prod.p.one(T.deployment, "lake-replica-sync").inputs.spec as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const c = sync.template.spec.containers[0];
    expect(c.command).toEqual([
      "weed",
      "filer.backup",
      "-filer=seaweedfs-filer-client.seaweedfs:8888",
      "-filerPath=/buckets/seawall-lake",
      "-doDeleteFiles=false",
    ]);
    expect(c.env.slice(-2)).toEqual([
      {
        name: "AWS_ACCESS_KEY_ID",
        valueFrom: { secretKeyRef: { name: "dr-keys", key: "AWS_ACCESS_KEY_ID" } },
      },
      {
        name: "AWS_SECRET_ACCESS_KEY",
        valueFrom: { secretKeyRef: { name: "dr-keys", key: "AWS_SECRET_ACCESS_KEY" } },
      },
    ]);
    const toml = (prod.p.one(T.configMap, "lake-replica-config").inputs.data as Record<string, string>)[
      "replication.toml"
    ];
    expect(toml).toContain('bucket = "seawall-lake-dr"');
    expect(toml).toContain('endpoint = "https://s3.dr.example:8333"');
    expect(toml).toContain("[sink.s3]\nenabled = true");
    expect(dev.p.ofType(T.deployment)).toEqual([]);
  });

  it("outputs the location with its endpoint, the workers' Secrets and the backups store", () => {
    expect(prod.store.location).toEqual({
      scheme: "s3",
      bucket: "seawall-lake",
      prefix: "",
      region: "us-east-1",
      endpoint: "https://seaweedfs-s3.seaweedfs.svc:8333",
    });
    expect(prod.store.credentialsSecret).toEqual({ name: "lake-s3-credentials", namespace: "seawall" });
    expect(prod.store.caSecret).toEqual({ name: "lake-s3-ca", namespace: "seawall", key: "ca.crt" });
    expect(prod.store.backupStore).toMatchObject({
      endpoint: "https://seaweedfs-s3.seaweedfs.svc:8333",
      bucket: "seawall-backups",
      region: "us-east-1",
      issuerRef: { name: "seawall-ca-issuer", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
  });

  it("runs one of each server with no disruption budgets in dev, and a budget per component in prod", () => {
    const v = dev.p.one(T.release, "lake").inputs.values as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([v.master.replicas, v.volume.replicas, v.filer.replicas, v.s3.replicas]).toEqual([1, 1, 1, 1]);
    expect(v.global.seaweedfs.replicationPlacement).toBe("000");
    expect(v.volume.dataDirs[0].size).toBe("10Gi");
    expect(dev.p.ofType(T.pdb)).toEqual([]);
    expect(prod.p.names(T.pdb)).toEqual([
      "lake-filer-pdb",
      "lake-master-pdb",
      "lake-s3-pdb",
      "lake-volume-pdb",
    ]);
    expect(prod.p.one(T.pdb, "lake-s3-pdb").inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: {
        matchLabels: {
          "app.kubernetes.io/name": "seaweedfs",
          "app.kubernetes.io/instance": "seaweedfs",
          "app.kubernetes.io/component": "s3",
        },
      },
    });
  });

  it("renders objects that pass the Kubernetes and cert-manager schemas, and every mandatory policy", async () => {
    const kube = prod.p.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh"),
    );
    expect(kube.map((r) => r.name).sort()).toEqual([
      "lake-buckets",
      "lake-ca",
      "lake-credentials",
      "lake-filer-pdb",
      "lake-master-pdb",
      "lake-namespace",
      "lake-replica-config",
      "lake-replica-sync",
      "lake-s3-certificate",
      "lake-s3-config",
      "lake-s3-pdb",
      "lake-volume-pdb",
    ]);
    expect(kube.flatMap((r) => schemaErrors(objectOf(r)))).toEqual([]);
    const job = objectOf(prod.p.one(T.job, "lake-buckets"));
    (job.spec as any).template.spec.containers[0].cpu = "1"; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(schemaErrors(job)).not.toEqual([]);
    const ns = prod.p.one(T.namespace, "lake-namespace").inputs.metadata as {
      labels: Record<string, string>;
    };
    expect(ns.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    for (const p of [prod.p, dev.p]) {
      const verdicts = await evaluateResources(p.resources, { environment: "prod" });
      expect(verdicts.filter((x) => x.level === "mandatory").map((x) => `${x.rule} ${x.resource}`)).toEqual(
        [],
      );
    }
  });

  it("brings an existing store: no resources, its location and Secret", async () => {
    const { p, store } = await planStore({
      issuerRef: undefined,
      existing: { endpoint: "https://s3.example:443/", bucket: "lake", credentialsSecret: "lake-keys" },
    });
    expect(
      p.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes"),
    ).toEqual([]);
    expect(store.location).toEqual({
      scheme: "s3",
      bucket: "lake",
      prefix: "",
      region: "us-east-1",
      endpoint: "https://s3.example:443",
    });
    expect(store.credentialsSecret).toEqual({ name: "lake-keys", namespace: "seawall" });
    expect(store.caSecret).toBeUndefined();
  });

  it("refuses replication SeaweedFS cannot give, a missing or namespaced issuer, bad endpoints and buckets", () => {
    const base = { environment: "prod" as const, issuerRef: ISSUER, replica: REPLICA };
    expect(problemsThrownBy(() => validateObjectStoreArgs({ ...base, replica: undefined }))).toEqual([
      { code: "SEAWALL_K8S_OBJECT_STORE_REPLICATION", field: "replica", value: undefined },
    ]);
    expect(() => validateObjectStoreArgs({ ...base, replica: false })).not.toThrow();
    expect(() => validateObjectStoreArgs({ ...base, environment: "dev", replica: undefined })).not.toThrow();
    expect(
      problemsThrownBy(() => validateObjectStoreArgs({ ...base, replicationTimeControl: true })),
    ).toEqual([
      { code: "SEAWALL_K8S_OBJECT_STORE_REPLICATION", field: "replicationTimeControl", value: true },
    ]);
    expect(
      problemsThrownBy(() =>
        validateObjectStoreArgs({
          ...base,
          replica: { ...REPLICA, endpoint: "http://dr:8333", bucket: "X" },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_OBJECT_STORE_REPLICATION", field: "replica.endpoint", value: "http://dr:8333" },
      { code: "SEAWALL_K8S_OBJECT_STORE_BUCKET", field: "replica.bucket", value: "X" },
    ]);
    expect(
      problemsThrownBy(() =>
        validateObjectStoreArgs({
          environment: "prod",
          existing: { endpoint: "s3.example", bucket: "lake" },
          replica: REPLICA,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_OBJECT_STORE_ENDPOINT", field: "existing.endpoint", value: "s3.example" },
      { code: "SEAWALL_K8S_OBJECT_STORE_REPLICATION", field: "replica", value: REPLICA.endpoint },
    ]);
    expect(
      problemsThrownBy(() =>
        validateObjectStoreArgs({
          ...base,
          issuerRef: { name: "ca", kind: "Issuer" },
          bucket: "b",
          volumeSizeGiB: 0,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_OBJECT_STORE_BUCKET", field: "bucket", value: "b" },
      { code: "SEAWALL_K8S_OBJECT_STORE_ISSUER", field: "issuerRef.kind", value: "Issuer" },
      { code: "SEAWALL_K8S_OBJECT_STORE_SIZE", field: "volumeSizeGiB", value: 0 },
    ]);
    expect(problemsThrownBy(() => validateObjectStoreArgs({ ...base, issuerRef: undefined }))).toEqual([
      { code: "SEAWALL_K8S_OBJECT_STORE_ISSUER", field: "issuerRef", value: undefined },
    ]);
  });
});
