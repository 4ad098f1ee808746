import * as kubernetes from "@pulumi/kubernetes";
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CertManager, validateCertManagerArgs } from "../../components/kubernetes/certManager";
import { certManagerValues } from "../../components/kubernetes/certManagerValues";
import { evaluateResources } from "../../policies/check";
import { plan, problemsThrownBy } from "../helpers";
import { chartDefaults } from "./chartValues";
import { SCHEMAS, schemaErrors } from "./schemas";

const chart = "cert-manager/v1.21.1";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const CLUSTER_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const valuesSchema = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  JSON.parse(readFileSync(join(SCHEMAS, chart, "values.schema.json"), "utf8")),
);
const valuesErrors = (values: unknown) =>
  valuesSchema(values) ? [] : (valuesSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

async function planCertManager(args: Partial<ConstructorParameters<typeof CertManager>[1]> = {}) {
  let component: CertManager | undefined;
  const p = await plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    component = new CertManager("tls", { provider, environment: "prod", ...args });
  });
  return { p, component: component! };
}

describe("CertManager", () => {
  it("values pass cert-manager v1.21.1's chart schema (closed root), and a typo does not", () => {
    for (const replicas of [1, 2]) {
      expect(
        valuesErrors(
          certManagerValues({
            replicas,
            namespace: "cert-manager",
            clusterResourceNamespace: "cert-manager",
          }),
        ),
      ).toEqual([]);
    }
    expect(valuesErrors({ replicas: 2 })).not.toEqual([]);
    expect(valuesErrors({ webhook: { podDisruptionBudget: { enable: true } } })).not.toEqual([]);
  });

  it("relies on the chart's hardened pods (non-root, seccomp, read-only root, no capabilities)", () => {
    const d = chartDefaults(chart) as Record<string, Record<string, unknown>>;
    for (const part of [d, d.webhook, d.cainjector, d.startupapicheck]) {
      expect(part.securityContext).toEqual({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(part.containerSecurityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        readOnlyRootFilesystem: true,
      });
    }
  });

  it("installs the pinned chart HA in prod, with its CRDs, and a self-signed CA ClusterIssuer chain", async () => {
    const { p, component } = await planCertManager();
    const r = p.one("kubernetes:helm.sh/v3:Release", "tls").inputs;
    expect(r).toMatchObject({
      name: "cert-manager",
      chart: "cert-manager",
      version: "v1.21.1",
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      namespace: "cert-manager",
      atomic: true,
    });
    const pdb = { enabled: true, maxUnavailable: 1 };
    const spread = (component: string) => [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: {
          matchLabels: {
            "app.kubernetes.io/instance": "cert-manager",
            "app.kubernetes.io/component": component,
          },
        },
      },
    ];
    expect(r.values).toEqual({
      crds: { enabled: true, keep: true },
      global: { leaderElection: { namespace: "cert-manager" } },
      clusterResourceNamespace: "cert-manager",
      replicaCount: 2,
      podDisruptionBudget: pdb,
      topologySpreadConstraints: spread("controller"),
      resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "256Mi" } },
      prometheus: { enabled: true, servicemonitor: { enabled: true } },
      webhook: {
        replicaCount: 2,
        podDisruptionBudget: pdb,
        topologySpreadConstraints: spread("webhook"),
        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "64Mi" } },
      },
      cainjector: {
        replicaCount: 2,
        podDisruptionBudget: pdb,
        topologySpreadConstraints: spread("cainjector"),
        resources: { requests: { cpu: "20m", memory: "256Mi" }, limits: { memory: "256Mi" } },
      },
      startupapicheck: { enabled: true },
    });
    expect(valuesErrors(r.values)).toEqual([]);

    const ns = p.one("kubernetes:core/v1:Namespace", "tls-namespace").inputs;
    expect(
      (ns.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"],
    ).toBe("restricted");

    const crs = p.resources.filter((x) => x.type.startsWith("kubernetes:cert-manager.io/v1:"));
    expect(crs.map((x) => [x.name, x.type, x.dependsOn])).toEqual([
      ["tls-selfsigned", CLUSTER_ISSUER, [p.one("kubernetes:helm.sh/v3:Release", "tls").urn]],
      ["tls-ca", CERTIFICATE, [p.one(CLUSTER_ISSUER, "tls-selfsigned").urn]],
      ["tls-ca-issuer", CLUSTER_ISSUER, [p.one(CERTIFICATE, "tls-ca").urn]],
    ]);
    expect(p.one(CERTIFICATE, "tls-ca").inputs.spec).toEqual({
      isCA: true,
      commonName: "tls CA",
      secretName: "tls-ca",
      duration: "87600h",
      renewBefore: "8760h",
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { name: "tls-selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
    expect(p.one(CERTIFICATE, "tls-ca").inputs.metadata).toMatchObject({
      namespace: "cert-manager",
    });
    expect(p.one(CLUSTER_ISSUER, "tls-ca-issuer").inputs.spec).toEqual({
      ca: { secretName: "tls-ca" },
    });
    for (const cr of crs) expect(schemaErrors(cr.inputs)).toEqual([]);
    expect(
      schemaErrors({ ...crs[1].inputs, spec: { ...(crs[1].inputs.spec as object), isCa: true } }),
    ).not.toEqual([]);
    expect(component.issuerRef).toEqual({
      name: "tls-ca-issuer",
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });

    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("runs one replica without disruption budgets in dev", async () => {
    const { p } = await planCertManager({ environment: "dev" });
    const values = p.one("kubernetes:helm.sh/v3:Release", "tls").inputs.values as Record<
      string,
      Record<string, unknown>
    >;
    expect([values.replicaCount, values.podDisruptionBudget, values.topologySpreadConstraints]).toEqual([
      1,
      { enabled: false },
      [],
    ]);
    expect(values.webhook).toMatchObject({ replicaCount: 1, podDisruptionBudget: { enabled: false } });
  });

  it("uses the user's issuer and makes no CA of its own", async () => {
    const { p, component } = await planCertManager({
      issuerRef: { name: "corp-pki", kind: "ClusterIssuer" },
    });
    expect(p.resources.filter((x) => x.type.startsWith("kubernetes:cert-manager.io/"))).toEqual([]);
    expect(component.issuerRef).toEqual({
      name: "corp-pki",
      kind: "ClusterIssuer",
      group: "cert-manager.io",
    });
  });

  it("refuses bad replicas, namespace and issuer, naming each field", () => {
    expect(
      problemsThrownBy(() =>
        validateCertManagerArgs({
          environment: "prod",
          replicas: 0,
          namespace: "Cert_Manager",
          issuerRef: { name: "", kind: "Vault" as never },
        }),
      ).map((x) => [x.code, x.field]),
    ).toEqual([
      ["SEAWALL_K8S_CERT_MANAGER_REPLICAS", "replicas"],
      ["SEAWALL_K8S_NAME", "namespace"],
      ["SEAWALL_K8S_CERT_MANAGER_ISSUER", "issuerRef.kind"],
      ["SEAWALL_K8S_CERT_MANAGER_ISSUER", "issuerRef.name"],
    ]);
  });
});
