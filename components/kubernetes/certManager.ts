/**
 * `seawall:kubernetes:CertManager`: cert-manager from its official chart, and the issuer every
 * Seawall certificate on the cluster is signed by (a self-signed CA by default, or the user's).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentName } from "../profiles";
import { isKnown, Problems } from "../validation";
import {
  caNames,
  CERT_MANAGER_CHART_REPO,
  CERT_MANAGER_CHART_VERSION,
  CERT_MANAGER_GROUP,
  certManagerValues,
  type IssuerRef,
  renderCaIssuers,
} from "./certManagerValues";
import { checkKubernetesName } from "./clusterProvider";
import { childOptions, customResource, k8sArgs } from "./kubeResources";
import { type KubeObject, renderNamespace } from "./stageWorkersRender";

export type { IssuerRef } from "./certManagerValues";

export interface CertManagerArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** Sizes the replicas: 1 in `dev`, 2 (with PodDisruptionBudgets) otherwise. */
  environment: EnvironmentName;
  /** cert-manager's namespace (`restricted` Pod Security Standard). @defaultValue "cert-manager" */
  namespace?: string;
  /** Replicas of the controller, webhook and CA injector (1 to 5). @defaultValue 1 in dev, 2 otherwise */
  replicas?: number;
  /**
   * The issuer that signs Seawall's certificates: an `Issuer` (then in the namespace of the
   * certificates it signs, the workers') or a `ClusterIssuer` of your own (your PKI, Vault, ...).
   * @defaultValue a self-signed CA made here: a bootstrap `ClusterIssuer`, a CA `Certificate` and
   * the CA `ClusterIssuer` `<name>-ca-issuer`
   */
  issuerRef?: IssuerRef;
}

/** Checks {@link CertManagerArgs} and throws one error listing every problem. */
export function validateCertManagerArgs(args: Omit<CertManagerArgs, "provider">): void {
  const p = new Problems();
  p.wholeNumber("SEAWALL_K8S_CERT_MANAGER_REPLICAS", "replicas", args.replicas, 1, 5);
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  const ref = args.issuerRef;
  if (ref !== undefined && isKnown(ref)) {
    if (ref.kind !== "Issuer" && ref.kind !== "ClusterIssuer") {
      p.add(
        "SEAWALL_K8S_CERT_MANAGER_ISSUER",
        "issuerRef.kind",
        ref.kind,
        "use Issuer (in the namespace of the certificates it signs) or ClusterIssuer",
      );
    }
    if (typeof ref.name !== "string" || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(ref.name)) {
      p.add(
        "SEAWALL_K8S_CERT_MANAGER_ISSUER",
        "issuerRef.name",
        ref.name,
        "name an existing issuer: lowercase letters, digits, '-' and '.'",
      );
    }
    if (ref.group !== undefined && ref.group !== CERT_MANAGER_GROUP && !/^[a-z0-9.-]+$/.test(ref.group)) {
      p.add(
        "SEAWALL_K8S_CERT_MANAGER_ISSUER",
        "issuerRef.group",
        ref.group,
        `use ${CERT_MANAGER_GROUP} or an external issuer's API group`,
      );
    }
  }
  p.throwIfAny("seawall:kubernetes:CertManager");
}

/**
 * cert-manager from its official chart (`kubernetes:helm.sh/v3:Release`, pinned to
 * {@link CERT_MANAGER_CHART_VERSION}, CRDs installed and kept by the chart) in its own `restricted`
 * namespace, HA with PodDisruptionBudgets outside dev, and the issuer of Seawall's certificates
 * ({@link issuerRef}): pass this component in the `dependsOn` of whatever creates `Certificate`s.
 */
export class CertManager extends pulumi.ComponentResource {
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;
  /** The issuer every Seawall `Certificate` names. */
  readonly issuerRef: Required<IssuerRef>;

  constructor(name: string, args: CertManagerArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:CertManager", name, {}, opts);
    validateCertManagerArgs(args);
    const namespace = args.namespace ?? "cert-manager";
    this.namespace = namespace;
    const child = childOptions(this, args.provider);
    const ns = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      k8sArgs(renderNamespace(namespace), []),
      child(),
    );
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: "cert-manager",
        chart: "cert-manager",
        version: CERT_MANAGER_CHART_VERSION,
        repositoryOpts: { repo: CERT_MANAGER_CHART_REPO },
        namespace,
        values: certManagerValues({
          replicas: args.replicas ?? (args.environment === "dev" ? 1 : 2),
          namespace,
          clusterResourceNamespace: namespace,
        }),
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      child([ns]),
    );
    if (args.issuerRef) {
      this.issuerRef = { group: CERT_MANAGER_GROUP, ...args.issuerRef };
    } else {
      let previous: pulumi.Resource = this.release;
      for (const obj of renderCaIssuers(name, namespace)) {
        // Each link waits for the one before: the CA Certificate needs its issuer, the CA issuer its Secret.
        previous = customResource(
          `${name}-${obj.metadata.name.slice(name.length + 1)}`,
          { apiVersion: obj.apiVersion, kind: obj.kind },
          pulumi.output(undefined).apply((): KubeObject => obj),
          child([previous]),
        );
      }
      this.issuerRef = { name: caNames(name).issuer, kind: "ClusterIssuer", group: CERT_MANAGER_GROUP };
    }
    this.registerOutputs({ namespace, release: this.release.status, issuerRef: this.issuerRef });
  }
}
