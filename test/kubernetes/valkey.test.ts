import * as kubernetes from "@pulumi/kubernetes";
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderFeatureBackupCronJob } from "../../components/kubernetes/featureBackups";
import {
  FeatureStore,
  type FeatureStoreArgs,
  validateFeatureStoreArgs,
} from "../../components/kubernetes/valkey";
import { valkeyDnsNames, valkeyRuleGroups } from "../../components/kubernetes/valkeyRender";
import { VALKEY_IMAGE, valkeyConfig, valkeyValues } from "../../components/kubernetes/valkeyValues";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { describeAlertRules } from "./promtool";
import { SCHEMAS, schemaErrors } from "./schemas";

const chart = "cloudpirates-redis/0.34.18";
const valuesSchema = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  JSON.parse(readFileSync(join(SCHEMAS, chart, "values.schema.json"), "utf8")),
);
const valuesErrors = (values: unknown) =>
  valuesSchema(values) ? [] : (valuesSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
// The chart's free-form maps (a Kubernetes object under a key the defaults leave empty or unset).
const FREE_FORM = ["affinity", "topologySpreadConstraints"];

const CERT = "kubernetes:cert-manager.io/v1:Certificate";
const issuerRef = { name: "tls-ca-issuer", kind: "ClusterIssuer" as const, group: "cert-manager.io" };

async function planStore(args: Partial<FeatureStoreArgs> = {}) {
  let store: FeatureStore | undefined;
  const p = await plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    store = new FeatureStore("features", {
      provider,
      environment: "prod",
      issuerRef,
      backup: { image: "ghcr.io/seawall/runtime:1.4.0", envConfigMap: "seawall-maintenance-env" },
      ...args,
    });
  });
  return { p, store: store! };
}

describe("FeatureStore (Valkey with Sentinel)", () => {
  const input = {
    replicas: 3,
    quorum: 2,
    authSecret: { name: "seawall-valkey-auth", key: "password" },
    tlsSecret: "seawall-valkey-tls",
    masterName: "seawall",
    storageSize: "32Gi",
    storageClassName: "fast",
    memoryMiB: 4096,
  };

  it("sets only keys the pinned chart knows, of the types its schema allows", () => {
    for (const v of [valkeyValues(input), valkeyValues({ ...input, replicas: 1, quorum: 1 })]) {
      expect(valuesErrors(v)).toEqual([]);
      expect(unknownValuePaths(v, chartDefaults(chart), FREE_FORM)).toEqual([]);
    }
    expect(unknownValuePaths({ sentinel: { quorom: 2 } }, chartDefaults(chart), FREE_FORM)).toEqual([
      "sentinel.quorom",
    ]);
    expect(valuesErrors({ replicaCount: "3" })).not.toEqual([]);
  });

  it("keeps the chart's restricted-compliant containers (non-root, seccomp, no capabilities)", () => {
    const d = chartDefaults(chart) as Record<string, unknown>;
    expect(d.containerSecurityContext).toEqual({
      runAsUser: 999,
      runAsGroup: 999,
      runAsNonRoot: true,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect((d.volumePermissions as { enabled: boolean }).enabled).toBe(false);
  });

  it("persists every write (AOF each second) and RDB snapshots, maxmemory 80 % of the limit", () => {
    expect(valkeyConfig(1000)).toBe(
      "bind * -::*\nappendonly yes\nappendfsync everysec\nsave 900 1 300 10 60 10000\nmaxmemory 800mb\nmaxmemory-policy volatile-lru\n",
    );
  });

  it("prod: three Valkeys with Sentinels over TLS, auth and TLS from Secrets, PVCs, PDB, zone spread, protected", async () => {
    const { p, store } = await planStore({ storageClassName: "fast" });
    const release = p.one("kubernetes:helm.sh/v3:Release", "features");
    expect(release.protect).toBe(true);
    expect(release.inputs).toMatchObject({
      name: "seawall-valkey",
      chart: "redis",
      version: "0.34.18",
      repositoryOpts: { repo: "oci://registry-1.docker.io/cloudpirates" },
      namespace: "seawall",
    });
    const v = release.inputs.values as Record<string, unknown>;
    expect(v).toEqual(valkeyValues(input));
    expect(v).toMatchObject({
      image: VALKEY_IMAGE,
      architecture: "replication",
      replicaCount: 3,
      auth: {
        enabled: true,
        sentinel: true,
        existingSecret: "seawall-valkey-auth",
        existingSecretPasswordKey: "password",
      },
      tls: { enabled: true, existingSecret: "seawall-valkey-tls", port: 6380, authClients: false },
      persistence: { enabled: true, size: "32Gi", storageClass: "fast", accessMode: "ReadWriteOnce" },
      pdb: { enabled: true, minAvailable: "", maxUnavailable: 1 },
      resources: { requests: { cpu: "250m", memory: "4096Mi" }, limits: { memory: "4096Mi" } },
      sentinel: { enabled: true, image: VALKEY_IMAGE, masterName: "seawall", quorum: 2, port: 26379 },
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    });
    expect((v.topologySpreadConstraints as object[])[0]).toEqual({
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: {
        matchLabels: { "app.kubernetes.io/name": "valkey", "app.kubernetes.io/instance": "seawall-valkey" },
      },
    });
    // Every Valkey/Sentinel/exporter container has resources.
    expect([
      v.initContainer,
      (v.sentinel as Record<string, unknown>).resources,
      (v.metrics as Record<string, unknown>).resources,
    ]).not.toContain(undefined);

    expect(store.connection).toEqual({
      host: "seawall-valkey.seawall.svc",
      port: 6380,
      tls: true,
      authSecret: "seawall-valkey-auth",
      sentinel: { masterName: "seawall", sentinels: "seawall-valkey-sentinel.seawall.svc:26379" },
    });
    expect(store.secretRefs).toEqual({
      auth: { name: "seawall-valkey-auth", key: "password" },
      ca: { name: "seawall-valkey-tls", key: "ca.crt" },
    });

    const auth = p.one("kubernetes:core/v1:Secret", "features-auth");
    expect(auth.inputs.metadata).toMatchObject({ name: "seawall-valkey-auth", namespace: "seawall" });
    const data = auth.inputs.stringData;
    if (!(data instanceof Secret)) throw new Error("the password Secret's stringData is not a Pulumi secret");
    const generated = data.value as Record<string, string>;
    expect(Object.keys(generated)).toEqual(["password"]);
    expect(generated.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(JSON.stringify(v)).not.toContain(generated.password);

    const cert = p.one(CERT, "features-certificate").inputs;
    expect(schemaErrors(cert)).toEqual([]);
    const spec = cert.spec as Record<string, unknown>;
    expect(spec).toMatchObject({
      secretName: "seawall-valkey-tls",
      issuerRef,
      ipAddresses: ["127.0.0.1", "::1"],
    });
    expect(spec.dnsNames).toEqual(valkeyDnsNames("seawall"));
    expect(spec.dnsNames).toEqual(
      expect.arrayContaining([
        "seawall-valkey.seawall.svc",
        "seawall-valkey-sentinel.seawall.svc",
        "seawall-valkey-sentinel.seawall.svc.cluster.local",
        "*.seawall-valkey-headless.seawall.svc.cluster.local",
        "localhost",
      ]),
    );
    expect(release.dependsOn).toEqual(
      expect.arrayContaining([auth.urn, p.one(CERT, "features-certificate").urn]),
    );

    const policy = p.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "features-network-policy").inputs;
    expect(schemaErrors({ ...policy, apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" })).toEqual(
      [],
    );
    expect(
      (policy.spec as { ingress: { ports: { port: number }[] }[] }).ingress.map((i) =>
        i.ports.map((x) => x.port),
      ),
    ).toEqual([[6380, 26379], [9121]]);
    const rules = p.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "features-rules").inputs;
    expect(schemaErrors(rules)).toEqual([]);

    const cron = p.one("kubernetes:batch/v1:CronJob", "features-backup");
    expect(schemaErrors({ ...cron.inputs, apiVersion: "batch/v1", kind: "CronJob" })).toEqual([]);
    expect(cron.inputs.spec).toMatchObject({ schedule: "17 */6 * * *", concurrencyPolicy: "Forbid" });
    const pod = (
      cron.inputs.spec as { jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } }
    ).jobTemplate.spec.template.spec;
    expect((pod.containers as Record<string, unknown>[])[0]).toMatchObject({
      image: "ghcr.io/seawall/runtime:1.4.0",
      args: ["backup-features", "--prefix", "backups/features/"],
      envFrom: [{ configMapRef: { name: "seawall-maintenance-env" } }],
      env: [
        { name: "REDIS_AUTH", valueFrom: { secretKeyRef: { name: "seawall-valkey-auth", key: "password" } } },
        { name: "REDIS_CA_CERT", valueFrom: { secretKeyRef: { name: "seawall-valkey-tls", key: "ca.crt" } } },
      ],
      securityContext: { readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
    });
    const backupPolicy = p.one(
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "features-backup-network-policy",
    ).inputs;
    expect(
      schemaErrors({ ...backupPolicy, apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" }),
    ).toEqual([]);
    expect((backupPolicy.spec as { egress: unknown[] }).egress).toEqual([
      {
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
      {
        to: [
          {
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "valkey",
                "app.kubernetes.io/instance": "seawall-valkey",
              },
            },
          },
        ],
        ports: [
          { protocol: "TCP", port: 6380 },
          { protocol: "TCP", port: 26379 },
        ],
      },
      { ports: [{ protocol: "TCP", port: 443 }] },
    ]);

    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((x) => x.level === "mandatory").map((x) => `${x.rule} ${x.resource}`)).toEqual([]);
  });

  it("dev: one Valkey, no Sentinel (the connection has none), small volume, not protected", async () => {
    const { p, store } = await planStore({ environment: "dev", backup: undefined });
    const release = p.one("kubernetes:helm.sh/v3:Release", "features");
    expect(release.protect).toBe(false);
    const v = release.inputs.values as Record<string, Record<string, unknown>>;
    expect([
      v.architecture,
      v.replicaCount,
      v.sentinel.enabled,
      v.persistence.size,
      v.terminationGracePeriodSeconds,
    ]).toEqual(["standalone", 1, false, "8Gi", 30]);
    expect(store.connection).toEqual({
      host: "seawall-valkey.seawall.svc",
      port: 6380,
      tls: true,
      authSecret: "seawall-valkey-auth",
    });
    expect(p.resources.filter((r) => r.type === "kubernetes:batch/v1:CronJob")).toEqual([]);
    const rules = p.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "features-rules").inputs;
    expect(JSON.stringify(rules)).not.toContain("ValkeyReplicasMissing");
  });

  it("the backup CronJob fails the strict schema when a field is misspelt (the check can fail)", () => {
    const cron = renderFeatureBackupCronJob({
      namespace: "seawall",
      name: "b",
      image: "x:1",
      envConfigMap: "env",
      secretEnv: {},
      schedule: "0 * * * *",
      prefix: "backups/features/",
      valkeySelector: {},
      valkeyPorts: [6380],
      objectStorePorts: [443],
    });
    expect(schemaErrors(cron)).toEqual([]);
    expect(schemaErrors({ ...cron, spec: { ...(cron.spec as object), concurrency: "Forbid" } })).not.toEqual(
      [],
    );
  });

  it("refuses two replicas, tiny memory, a bad master name and a bad schedule, naming each field", () => {
    expect(
      problemsThrownBy(() =>
        validateFeatureStoreArgs({
          environment: "prod",
          replicas: 2,
          memoryMiB: 16,
          masterName: "my master",
          backup: { schedule: "@hourly" },
        }),
      ).map((x) => [x.code, x.field]),
    ).toEqual([
      ["SEAWALL_K8S_VALKEY_REPLICAS", "replicas"],
      ["SEAWALL_K8S_VALKEY_MEMORY", "memoryMiB"],
      ["SEAWALL_K8S_VALKEY_MASTER_NAME", "masterName"],
      ["SEAWALL_K8S_VALKEY_BACKUP_SCHEDULE", "backup.schedule"],
    ]);
  });
});

const target = (pod: string, role: string) =>
  `{namespace="seawall",service="seawall-valkey-metrics",pod="${pod}"}`.replace("}", `,role="${role}"}`);
const base = (pod: string) => `{namespace="seawall",service="seawall-valkey-metrics",pod="${pod}"}`;
const labels = { namespace: "seawall", service: "seawall-valkey-metrics" };

describeAlertRules("Valkey's alert rules", valkeyRuleGroups({ replicas: 3 }), {
  ValkeyDown: {
    at: "5m",
    fires: { [`redis_up${base("v-0")}`]: "0x10" },
    labels: { ...labels, pod: "v-0", severity: "critical" },
    quiet: { [`redis_up${base("v-0")}`]: "1x10" },
  },
  ValkeyMemoryNearlyFull: {
    at: "15m",
    fires: {
      [`redis_memory_used_bytes${base("v-0")}`]: "95x20",
      [`redis_memory_max_bytes${base("v-0")}`]: "100x20",
    },
    labels: { ...labels, pod: "v-0", severity: "warning" },
    quiet: {
      [`redis_memory_used_bytes${base("v-0")}`]: "50x20",
      [`redis_memory_max_bytes${base("v-0")}`]: "100x20",
    },
  },
  ValkeyKeysEvicted: {
    at: "5m",
    fires: { [`redis_evicted_keys_total${base("v-0")}`]: "0+10x10" },
    labels: { ...labels, severity: "warning" },
    quiet: { [`redis_evicted_keys_total${base("v-0")}`]: "5x10" },
  },
  ValkeyReplicationBroken: {
    at: "5m",
    fires: { [`redis_master_link_up${base("v-1")}`]: "0x10" },
    labels: { ...labels, pod: "v-1", severity: "critical" },
    quiet: { [`redis_master_link_up${base("v-1")}`]: "1x10" },
  },
  ValkeyNoPrimary: {
    at: "5m",
    fires: {
      [`redis_up${base("v-0")}`]: "1x10",
      [`redis_instance_info${target("v-0", "slave")}`]: "1x10",
    },
    labels: { ...labels, severity: "critical" },
    quiet: {
      [`redis_up${base("v-0")}`]: "1x10",
      [`redis_instance_info${target("v-0", "master")}`]: "1x10",
    },
  },
  ValkeyReplicasMissing: {
    at: "10m",
    fires: {
      [`redis_connected_slaves${base("v-0")}`]: "1x15",
      [`redis_instance_info${target("v-0", "master")}`]: "1x15",
    },
    labels: { ...labels, severity: "warning" },
    quiet: {
      [`redis_connected_slaves${base("v-0")}`]: "2x15",
      [`redis_instance_info${target("v-0", "master")}`]: "1x15",
    },
  },
});
