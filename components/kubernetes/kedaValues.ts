/**
 * The values of KEDA's official Helm chart (kedacore/charts `keda`), as a plain object. The chart
 * has no values.schema.json; the tests check every key against the chart's own values.yaml.
 */

/** The KEDA chart's repository. */
export const KEDA_CHART_REPO = "https://kedacore.github.io/charts";
/** The pinned chart version (KEDA 2.20.2, the one whose CRDs ../shared/schemas holds). */
export const KEDA_CHART_VERSION = "2.20.2";

/** What the values depend on. */
export interface KedaValuesInput {
  /** Replicas of the operator, the metrics API server and the admission webhooks. */
  replicas: number;
}

/**
 * HA replicas with a PodDisruptionBudget each (the operator elects a leader; the others take over
 * in seconds), and ServiceMonitors for the operator's and the metrics server's metrics. The chart's
 * pods already run non-root, read-only, with all capabilities dropped and seccomp RuntimeDefault.
 * No identity setting: on EKS the cluster binds the `keda-operator` service account to an IAM role
 * through Pod Identity, which needs no annotation (the chart's `podIdentity.aws.irsa` is IRSA's).
 */
export function kedaValues(input: KedaValuesInput): Record<string, unknown> {
  const pdb = input.replicas > 1 ? { maxUnavailable: 1 } : {};
  return {
    crds: { install: true },
    operator: { replicaCount: input.replicas },
    metricsServer: { replicaCount: input.replicas },
    webhooks: { replicaCount: input.replicas },
    podDisruptionBudget: { operator: pdb, metricServer: pdb, webhooks: pdb },
    prometheus: {
      operator: { enabled: true, serviceMonitor: { enabled: true } },
      metricServer: { enabled: true, serviceMonitor: { enabled: true } },
    },
  };
}
