/**
 * What every cluster component shares: the kubeconfig of a cluster it built (no credential in it,
 * an exec plugin fetches a short-lived token), the Kubernetes provider made from a kubeconfig, and a
 * brought cluster (`{ existing: { kubeconfig } }`), for which only the provider is made.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, Problems } from "../validation";
import type { ClusterOutputs, WorkloadIdentity } from "./clusterContract";

/** A client-go credential plugin: the command kubectl (and the provider) runs for a token. */
export interface ExecCredentialPlugin {
  /** The program, found on the PATH of whoever runs `pulumi` or `kubectl`. */
  command: string;
  args: string[];
  /** Environment variables the program gets. @defaultValue none */
  env?: Record<string, string>;
  /** What `kubectl` prints when the program is missing: how to install it. */
  installHint: string;
}

/** What a kubeconfig needs to reach one cluster. */
export interface KubeconfigParts {
  /** The cluster's name, also the context's and the user's. */
  clusterName: string;
  /** The API server's URL (`https://...`). */
  server: string;
  /** The cluster CA's PEM bundle, base64-encoded as the cloud returns it. */
  certificateAuthorityData: string;
  exec: ExecCredentialPlugin;
}

/**
 * A kubeconfig (JSON, which is YAML) for one cluster whose user runs `exec` for a short-lived token,
 * so it holds no credential and can be shared: whoever uses it needs their own cloud identity.
 */
export function execKubeconfig(parts: KubeconfigParts): string {
  const { clusterName: name, exec } = parts;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: { server: parts.server, "certificate-authority-data": parts.certificateAuthorityData },
      },
    ],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: exec.command,
            args: exec.args,
            ...(exec.env
              ? { env: Object.entries(exec.env).map(([envName, value]) => ({ name: envName, value })) }
              : {}),
            interactiveMode: "Never",
            provideClusterInfo: false,
            installHint: exec.installHint,
          },
        },
      },
    ],
  });
}

/** The Kubernetes provider of a cluster, from its kubeconfig (kept a Pulumi secret). */
export function clusterProvider(
  name: string,
  kubeconfig: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  context?: pulumi.Input<string>,
): kubernetes.Provider {
  return new kubernetes.Provider(
    name,
    { kubeconfig: pulumi.secret(kubeconfig), ...(context !== undefined ? { context } : {}) },
    opts,
  );
}

/** A cluster you already run, reached through its kubeconfig: the component only makes the provider. */
export interface ExistingCluster {
  /** The kubeconfig (YAML or JSON); kept a Pulumi secret. */
  kubeconfig: pulumi.Input<string>;
  /** The context to use. @defaultValue the kubeconfig's current context */
  context?: string;
  /**
   * The workers' identity as your cluster binds it, when it does; the rest of the layer then
   * annotates the service account as it says.
   * @defaultValue none: the workers get no cloud identity from the cluster
   */
  workloadIdentity?: WorkloadIdentity;
  /** KEDA's identity, when your cluster binds one. @defaultValue none */
  kedaIdentity?: WorkloadIdentity;
}

/** The keys {@link ExistingCluster} knows. */
const EXISTING_KEYS = ["kubeconfig", "context", "workloadIdentity", "kedaIdentity"];

/**
 * Adds the problems of a brought cluster: an `existing` beside arguments only a built cluster takes
 * (`others`, the keys given beside it), a missing or empty kubeconfig, a key it does not know.
 */
export function checkExistingCluster(p: Problems, existing: unknown, others: string[]): void {
  if (others.length > 0) {
    p.add(
      "SEAWALL_K8S_CLUSTER_EXISTING_CONFLICT",
      "existing",
      `{ existing, ${others.join(", ")} }`,
      `a brought cluster takes no other arguments (${others.join(", ")} build a cluster); give either { existing: { kubeconfig } } alone or the cluster's arguments`,
    );
  }
  if (existing === null || typeof existing !== "object" || Array.isArray(existing)) {
    p.add(
      "SEAWALL_K8S_KUBECONFIG_REQUIRED",
      "existing",
      existing,
      "must be { kubeconfig: <the cluster's kubeconfig> }",
    );
    return;
  }
  const e = existing as Record<string, unknown>;
  if (isKnown(e.kubeconfig) && (typeof e.kubeconfig !== "string" || e.kubeconfig.trim() === "")) {
    p.add(
      "SEAWALL_K8S_KUBECONFIG_REQUIRED",
      "existing.kubeconfig",
      e.kubeconfig === undefined ? undefined : "(empty)",
      "give the cluster's kubeconfig (YAML or JSON), e.g. from `aws eks update-kubeconfig`, `gcloud container clusters get-credentials` or `az aks get-credentials`",
    );
  }
  const unknown = Object.keys(e).filter((k) => !EXISTING_KEYS.includes(k));
  if (unknown.length > 0) {
    p.add(
      "SEAWALL_K8S_CLUSTER_EXISTING_CONFLICT",
      "existing",
      `{ ${Object.keys(e).join(", ")} }`,
      `has unknown key${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}; a brought cluster takes ${EXISTING_KEYS.join(", ")}`,
    );
  }
}

/** The outputs of a brought cluster: only its provider is made, a child of `parent`. */
export function existingClusterOutputs(
  name: string,
  existing: ExistingCluster,
  parent: pulumi.Resource,
): ClusterOutputs {
  const kubeconfig = pulumi.secret(pulumi.output(existing.kubeconfig));
  return {
    cloud: "existing",
    provider: clusterProvider(name, kubeconfig, { parent }, existing.context),
    kubeconfig,
    clusterName: pulumi.output(existing.context ?? name),
    ...(existing.workloadIdentity ? { workloadIdentity: existing.workloadIdentity } : {}),
    ...(existing.kedaIdentity ? { kedaIdentity: existing.kedaIdentity } : {}),
  };
}

/** A DNS-1123 label, as Kubernetes names namespaces and (within them) service accounts. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Adds a problem unless `value` is unset or a valid namespace or service account name. */
export function checkKubernetesName(p: Problems, field: string, value: unknown): void {
  if (value === undefined || !isKnown(value)) return;
  if (typeof value !== "string" || !DNS_LABEL.test(value)) {
    p.add(
      "SEAWALL_K8S_NAME",
      field,
      value,
      'must be a DNS-1123 label: 1 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit, e.g. "seawall"',
    );
  }
}
