/**
 * cert-manager's Helm values and the issuer chain Seawall bootstraps, as plain objects (no Pulumi).
 * The tests check the values against the chart's own `values.schema.json` (its root is closed, as
 * `helm install` applies it) and the issuers against cert-manager v1.21.1's CRD schemas.
 */
import type { KubeObject } from "./stageWorkersRender";

/** The official chart's repository (jetstack). */
export const CERT_MANAGER_CHART_REPO = "https://charts.jetstack.io";
/** The pinned chart version (cert-manager v1.21.1, the one whose schemas the tests vendor). */
export const CERT_MANAGER_CHART_VERSION = "v1.21.1";
/** cert-manager's API group. */
export const CERT_MANAGER_GROUP = "cert-manager.io";

/** Which issuer signs a certificate (`spec.issuerRef` of a cert-manager `Certificate`). */
export interface IssuerRef {
  name: string;
  /** `Issuer` (namespaced: only certificates in its namespace) or `ClusterIssuer`. */
  kind: "Issuer" | "ClusterIssuer";
  /** @defaultValue "cert-manager.io" */
  group?: string;
}

/** What the values depend on. */
export interface CertManagerValuesInput {
  /** Replicas of the controller, the webhook and the CA injector (1 in dev, 2 or more in prod). */
  replicas: number;
  /** cert-manager's namespace: also where it keeps its leader-election leases. */
  namespace: string;
  /** Where ClusterIssuers' Secrets live (the CA key pair): cert-manager's own namespace. */
  clusterResourceNamespace: string;
}

const resources = (cpu: string, memory: string) => ({
  requests: { cpu, memory },
  limits: { memory },
});

/**
 * The CRDs installed (and kept on uninstall) by the chart; with more than one replica each
 * component has a PodDisruptionBudget (one pod down at a time) and its pods spread over zones;
 * leader election in cert-manager's own namespace (not `kube-system`); ServiceMonitor for the
 * controller's metrics. The chart's pods already run non-root with seccomp RuntimeDefault, a
 * read-only root filesystem and every capability dropped (its defaults, checked in the tests).
 */
export function certManagerValues(input: CertManagerValuesInput): Record<string, unknown> {
  const ha = input.replicas > 1;
  const pdb = ha ? { enabled: true, maxUnavailable: 1 } : { enabled: false };
  const spread = (component: string) =>
    ha
      ? [
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
        ]
      : [];
  return {
    crds: { enabled: true, keep: true },
    global: { leaderElection: { namespace: input.namespace } },
    clusterResourceNamespace: input.clusterResourceNamespace,
    replicaCount: input.replicas,
    podDisruptionBudget: pdb,
    topologySpreadConstraints: spread("controller"),
    resources: resources("50m", "256Mi"),
    prometheus: { enabled: true, servicemonitor: { enabled: true } },
    webhook: {
      replicaCount: input.replicas,
      podDisruptionBudget: pdb,
      topologySpreadConstraints: spread("webhook"),
      resources: resources("20m", "64Mi"),
    },
    cainjector: {
      replicaCount: input.replicas,
      podDisruptionBudget: pdb,
      topologySpreadConstraints: spread("cainjector"),
      resources: resources("20m", "256Mi"),
    },
    startupapicheck: { enabled: true },
  };
}

const LABELS = { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" };

/** The names of the bootstrap chain's objects, from the component's name. */
export function caNames(prefix: string): {
  selfSigned: string;
  ca: string;
  caSecret: string;
  issuer: string;
} {
  return {
    selfSigned: `${prefix}-selfsigned`,
    ca: `${prefix}-ca`,
    caSecret: `${prefix}-ca`,
    issuer: `${prefix}-ca-issuer`,
  };
}

/**
 * The default issuer chain: a self-signed `ClusterIssuer` that signs one thing, a CA `Certificate`
 * (ECDSA P-256, 10 years, renewed 1 year before expiry, its key pair in `caSecret` in
 * cert-manager's namespace), and the CA `ClusterIssuer` that signs every Seawall certificate with it.
 */
export function renderCaIssuers(prefix: string, namespace: string): KubeObject[] {
  const n = caNames(prefix);
  return [
    {
      apiVersion: `${CERT_MANAGER_GROUP}/v1`,
      kind: "ClusterIssuer",
      metadata: { name: n.selfSigned, labels: LABELS },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: `${CERT_MANAGER_GROUP}/v1`,
      kind: "Certificate",
      metadata: { name: n.ca, namespace, labels: LABELS },
      spec: {
        isCA: true,
        commonName: `${prefix} CA`,
        secretName: n.caSecret,
        duration: "87600h",
        renewBefore: "8760h",
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { name: n.selfSigned, kind: "ClusterIssuer", group: CERT_MANAGER_GROUP },
      },
    },
    {
      apiVersion: `${CERT_MANAGER_GROUP}/v1`,
      kind: "ClusterIssuer",
      metadata: { name: n.issuer, labels: LABELS },
      spec: { ca: { secretName: n.caSecret } },
    },
  ];
}
