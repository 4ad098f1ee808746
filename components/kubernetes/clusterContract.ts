/**
 * The cloud-neutral contract of a Kubernetes cluster: what every cluster component returns
 * (`seawall:aws:Cluster` on EKS, `seawall:gcp:Cluster` on GKE, `seawall:azure:Cluster` on AKS, or
 * a cluster brought through its kubeconfig), so the components under `components/kubernetes/`
 * (stage workers, KEDA, monitoring) take any of them and never look at the cloud behind it.
 *
 * The one cloud-specific thing a workload needs is how its pods get the cloud identity the platform
 * granted the lake, the event stream and the feature store: {@link WorkloadIdentity} says which
 * namespace and service account the cluster bound to that identity, and what annotations and
 * labels the ServiceAccount and the pods must carry for it to work.
 */
import type * as kubernetes from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The namespace the stage workers run in unless the cluster is told otherwise. */
export const DEFAULT_WORKLOAD_NAMESPACE = "seawall";

/** The stage workers' Kubernetes service account unless the cluster is told otherwise. */
export const DEFAULT_WORKLOAD_SERVICE_ACCOUNT = "seawall-workers";

/** The namespace KEDA is installed in unless the cluster is told otherwise. */
export const DEFAULT_KEDA_NAMESPACE = "keda";

/** The KEDA operator's service account, as KEDA's official chart names it. */
export const DEFAULT_KEDA_SERVICE_ACCOUNT = "keda-operator";

/**
 * How pods get their cloud identity:
 * - `aws-pod-identity`: EKS Pod Identity; an association binds the service account to an IAM
 *   role, the Pod Identity agent hands the pods credentials (the AWS SDKs find them through the
 *   `AWS_CONTAINER_CREDENTIALS_FULL_URI` EKS injects); no annotation or label is needed.
 * - `gcp-workload-identity`: GKE Workload Identity; the Google service account lets the Kubernetes
 *   service account impersonate it (`roles/iam.workloadIdentityUser`) and the ServiceAccount
 *   carries `iam.gke.io/gcp-service-account`.
 * - `azure-workload-identity`: AKS workload identity; a federated credential on the managed
 *   identity trusts the service account's token, the ServiceAccount carries
 *   `azure.workload.identity/client-id` and the pods the label `azure.workload.identity/use: "true"`.
 * - `none`: a brought cluster whose owner did not say; workloads get no cloud identity from it.
 */
export type WorkloadIdentityKind =
  | "aws-pod-identity"
  | "gcp-workload-identity"
  | "azure-workload-identity"
  | "none";

/**
 * A Kubernetes service account bound to a cloud identity. Create the ServiceAccount named here, in
 * this namespace, with {@link serviceAccountAnnotations}, and run the pods as it with
 * {@link podLabels}: the cluster component already made the binding on the cloud's side.
 */
export interface WorkloadIdentity {
  kind: WorkloadIdentityKind;
  /** The namespace of the service account. @defaultValue {@link DEFAULT_WORKLOAD_NAMESPACE} for the workers */
  namespace: string;
  /** The service account's name. @defaultValue {@link DEFAULT_WORKLOAD_SERVICE_ACCOUNT} for the workers */
  serviceAccountName: string;
  /**
   * The cloud identity the pods act as: an IAM role ARN (AWS), a Google service account email
   * (GCP), a user-assigned managed identity's client id (Azure); `""` for `none`.
   */
  cloudIdentity: pulumi.Output<string>;
  /** Annotations the ServiceAccount must carry (none on EKS Pod Identity). */
  serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
  /** Labels the pods must carry (only AKS has one: `azure.workload.identity/use: "true"`). */
  podLabels: Record<string, string>;
}

/** Which cloud built the cluster; `existing` for one brought through its kubeconfig. */
export type ClusterCloud = "aws" | "gcp" | "azure" | "existing";

/**
 * What every cluster component outputs: the Kubernetes provider the rest of the layer deploys
 * through, the kubeconfig it was made from, and the workload identities the cluster bound.
 */
export interface ClusterOutputs {
  cloud: ClusterCloud;
  /** The provider every Kubernetes resource and Helm release of the layer uses (`{ provider }`). */
  provider: kubernetes.Provider;
  /**
   * The kubeconfig the provider was made from (a Pulumi secret). For a cluster the component built,
   * it holds no credential: it runs the cloud's CLI for a short-lived token (`aws eks get-token`,
   * `gke-gcloud-auth-plugin`, `kubelogin`).
   */
  kubeconfig: pulumi.Output<string>;
  /** The cluster's name in its cloud (the context's name for a brought cluster). */
  clusterName: pulumi.Output<string>;
  /** The cloud region or location of the cluster, when the component built it. */
  region?: pulumi.Output<string>;
  /**
   * The stage workers' identity: the service account the cluster bound to the platform's workload
   * identity (S3/MSK on AWS, the workload service account on GCP, the workload managed identity on
   * Azure). Unset for a brought cluster unless its owner gives it.
   */
  workloadIdentity?: WorkloadIdentity;
  /**
   * The KEDA operator's identity, where the cluster bound one so KEDA's scalers can read consumer
   * lag without long-lived keys (on EKS: MSK IAM through Pod Identity for the `kafka` scaler with
   * `podIdentity.provider: aws`). Unset: scale on the lag the workers export (Prometheus scaler).
   */
  kedaIdentity?: WorkloadIdentity;
  /**
   * The StorageClass the cluster made its default (volumes encrypted with the cluster's key), for
   * the layer's persistent volumes (Prometheus, Alertmanager). Unset: the cluster's own default.
   */
  storageClassName?: string;
}
