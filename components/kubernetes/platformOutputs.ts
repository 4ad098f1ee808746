/**
 * What a platform exports of its Kubernetes layer. Types only, and none from `@pulumi/kubernetes`:
 * the platform's declarations must type-check in a program without the Kubernetes SDK (an optional
 * peer dependency).
 */
import type * as pulumi from "@pulumi/pulumi";

export interface PlatformKubernetesOutputs {
  /** The cluster's provider (a `kubernetes.Provider`), for more resources on it (not a stack output). */
  provider: pulumi.ProviderResource;
  /** The kubeconfig (a Pulumi secret; a built cluster's holds no credential, it runs the cloud's CLI). */
  kubeconfig: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  /** The workers' namespace. */
  namespace: string;
  /** The namespace Prometheus, Alertmanager and Grafana run in. */
  monitoringNamespace: string;
  /** The workers' Deployments, by workload. */
  deployments: Record<string, pulumi.Output<string>>;
  /** Airflow, when the platform runs it: where it is and how to get in (see the README). */
  airflow?: {
    namespace: string;
    /** The API server's Service, `<name>.<namespace>` (port 8080): `kubectl port-forward` to it. */
    apiServerService: string;
    /** The Secret holding the generated admin password (key `password`, user `admin`). */
    adminPasswordSecret: string;
  };
}
