/**
 * What every cluster component shares: the kubeconfig of a cluster it built (no credential in it,
 * an exec plugin fetches a short-lived token), the Kubernetes provider made from a kubeconfig, and a
 * brought cluster (`{ existing: { kubeconfig } }`), for which only the provider is made.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, type ProblemCode, Problems } from "../validation";
import {
  DEFAULT_WORKLOAD_NAMESPACE,
  DEFAULT_WORKLOAD_SERVICE_ACCOUNT,
  type ClusterCloud,
  type ClusterOutputs,
  type WorkloadIdentity,
  type WorkloadIdentityKind,
} from "./clusterContract";

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

/**
 * When `args` brings a cluster (`{ existing }`), adds its problems, throws them as `component`'s
 * invalid arguments and returns true; false for a cluster to build, whose checks follow.
 */
export function checkBroughtClusterArgs<A extends object>(
  p: Problems,
  args: A | { existing: ExistingCluster },
  component: string,
): args is { existing: ExistingCluster } {
  if (!("existing" in args)) return false;
  checkExistingCluster(
    p,
    args.existing,
    Object.keys(args).filter((k) => k !== "existing"),
  );
  p.throwIfAny(`${component}: invalid arguments`);
  return true;
}

/** The {@link ClusterOutputs} every cluster component sets, built or brought. */
type ClusterComponentOutputs = Pick<
  ClusterOutputs,
  "cloud" | "provider" | "kubeconfig" | "clusterName" | "region" | "workloadIdentity"
>;

/**
 * The base of every cloud's cluster component: the {@link ClusterOutputs} fields, set once from
 * the cluster it built ({@link ClusterComponent.setClusterOutputs}) or from a brought cluster
 * ({@link ClusterComponent.bringCluster}).
 */
export abstract class ClusterComponent extends pulumi.ComponentResource implements ClusterOutputs {
  readonly cloud!: ClusterCloud;
  readonly provider!: kubernetes.Provider;
  readonly kubeconfig!: pulumi.Output<string>;
  readonly clusterName!: pulumi.Output<string>;
  readonly region?: pulumi.Output<string>;
  readonly workloadIdentity?: WorkloadIdentity;

  /** Sets the outputs of the cluster the component built (`region` and `workloadIdentity` may be unset). */
  protected setClusterOutputs(o: ClusterComponentOutputs): void {
    const self = this as { -readonly [K in keyof ClusterComponentOutputs]: ClusterComponentOutputs[K] };
    self.cloud = o.cloud;
    self.provider = o.provider;
    self.kubeconfig = o.kubeconfig;
    self.clusterName = o.clusterName;
    if (o.region !== undefined) self.region = o.region;
    if (o.workloadIdentity !== undefined) self.workloadIdentity = o.workloadIdentity;
  }

  /**
   * A brought cluster: only its provider is made, a child of the component, and the outputs are
   * set from it. Returns all of them (`kedaIdentity` too, for the component that declares it).
   */
  protected bringCluster(name: string, existing: ExistingCluster): ClusterOutputs {
    const o = existingClusterOutputs(name, existing, this);
    this.setClusterOutputs({
      cloud: o.cloud,
      provider: o.provider,
      kubeconfig: o.kubeconfig,
      clusterName: o.clusterName,
      workloadIdentity: o.workloadIdentity,
    });
    return o;
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

/** How a cluster's validation names the problems of its `network` argument. */
export interface ClusterNetworkCheck {
  /** The problem code of every network problem. */
  code: ProblemCode;
  /** The fix of a missing network. */
  fix: string;
  /** The network's list of subnets, e.g. `"subnetIds"`. */
  subnets: string;
  /** The fewest subnets the cluster takes. */
  fewestSubnets: number;
  /** The fix of too few subnets. */
  subnetsFix: string;
}

/** Adds the problems of a cluster's `network` argument: missing, or (once known) too few subnets. */
export function checkClusterNetwork(p: Problems, network: unknown, check: ClusterNetworkCheck): void {
  if (network === undefined) {
    p.add(check.code, "network", undefined, check.fix);
  } else if (isKnown(network)) {
    const subnets = (network as Record<string, unknown>)[check.subnets];
    if (isKnown(subnets) && (!Array.isArray(subnets) || subnets.length < check.fewestSubnets)) {
      p.add(check.code, `network.${check.subnets}`, subnets, check.subnetsFix);
    }
  }
}

/** How a cluster's validation names the problems of its list of admins. */
export interface ClusterAdminsCheck {
  /** The code and fix of a missing or empty list. */
  requiredCode: ProblemCode;
  requiredFix: string;
  /** The code and fix of an admin (once known) that is not a string matching `pattern`. */
  code: ProblemCode;
  pattern: RegExp;
  fix: string;
}

/** Adds the problems of a cluster's list of admins at `field`: missing or empty, or an admin malformed. */
export function checkClusterAdmins(
  p: Problems,
  field: string,
  admins: unknown,
  check: ClusterAdminsCheck,
): void {
  if (!Array.isArray(admins) || admins.length === 0) {
    p.add(check.requiredCode, field, admins, check.requiredFix);
    return;
  }
  admins.forEach((admin: unknown, i) => {
    if (isKnown(admin) && (typeof admin !== "string" || !check.pattern.test(admin))) {
      p.add(check.code, `${field}[${i}]`, admin, check.fix);
    }
  });
}

/** A service account a cluster binds to a cloud identity, as its arguments give it. */
export interface ServiceAccountArgs {
  namespace?: string;
  serviceAccountName?: string;
}

/** Adds the problems of the namespace and service account name at `field` (`workloads`, `keda`). */
export function checkServiceAccountArgs(
  p: Problems,
  field: string,
  account: ServiceAccountArgs | undefined,
): void {
  checkKubernetesName(p, `${field}.namespace`, account?.namespace);
  checkKubernetesName(p, `${field}.serviceAccountName`, account?.serviceAccountName);
}

/**
 * The namespace and service account of `account`, each defaulting to `defaults`' (the stage
 * workers' unless given).
 */
export function serviceAccountOf(
  account: ServiceAccountArgs | undefined,
  defaults: Required<ServiceAccountArgs> = {
    namespace: DEFAULT_WORKLOAD_NAMESPACE,
    serviceAccountName: DEFAULT_WORKLOAD_SERVICE_ACCOUNT,
  },
): Required<ServiceAccountArgs> {
  return {
    namespace: account?.namespace ?? defaults.namespace,
    serviceAccountName: account?.serviceAccountName ?? defaults.serviceAccountName,
  };
}

/**
 * The workload identity of a service account the cluster bound to `cloudIdentity`, which the
 * ServiceAccount names in the annotation `annotation` (GKE, AKS).
 *
 * @param podLabels the labels the pods must carry. @defaultValue none
 */
export function annotatedWorkloadIdentity(
  kind: WorkloadIdentityKind,
  account: Required<ServiceAccountArgs>,
  cloudIdentity: pulumi.Output<string>,
  annotation: string,
  podLabels: Record<string, string> = {},
): WorkloadIdentity {
  return {
    kind,
    namespace: account.namespace,
    serviceAccountName: account.serviceAccountName,
    cloudIdentity,
    serviceAccountAnnotations: cloudIdentity.apply((v): Record<string, string> => ({ [annotation]: v })),
    podLabels,
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
