/**
 * How the stage workers scale, as plain objects: a KEDA ScaledObject per consuming workload (on
 * its consumer group's lag) with its TriggerAuthentication, and an autoscaling/v2
 * HorizontalPodAutoscaler on CPU for the feature server.
 */
import { type KubeObject, workloadLabels } from "./stageWorkersRender";

/**
 * Where KEDA reads a consuming workload's lag, without long-lived keys:
 * - `kafka-msk-iam`: KEDA's `kafka` scaler asks the brokers for the group's lag over SASL
 *   `oauthbearer` with `saslTokenProvider: aws_msk_iam`, TLS on, authenticated through
 *   `podIdentity.provider: aws` with the KEDA operator's own identity (`identityOwner: keda`, the
 *   default): EKS Pod Identity gives the `keda-operator` service account an IAM role through an
 *   association the cluster makes. (`identityOwner: workload` would read an IRSA annotation, which
 *   Pod Identity does not use.)
 * - `kafka-scram`: the `kafka` scaler with SCRAM, its username and password read from the
 *   workers' credentials Secret (`secretTargetRef`), never written in the ScaledObject.
 * - `prometheus`: KEDA's `prometheus` scaler on the `seawall_consumer_lag` gauge the workers
 *   export, summed over the workload's pods. For Managed Service for Apache Kafka (GCP) and Event
 *   Hubs (Azure): KEDA 2.20's `kafka` scaler speaks OAUTHBEARER only as `bearer` tokens from an
 *   OAuth2 client-credentials endpoint (`oauthTokenEndpointUri`, a client id and secret: a
 *   long-lived key) or `aws_msk_iam`; it cannot mint Google access tokens from GKE Workload
 *   Identity nor Entra ID tokens from AKS workload identity (its `podIdentity` providers `gcp` and
 *   `azure-workload` serve only the GCP and Azure scalers). KEDA's `azure-eventhub` scaler reads
 *   Event Hubs SDK checkpoints in blob storage, not the offsets a Kafka consumer group commits.
 */
export type LagSource =
  | { scaler: "kafka-msk-iam"; awsRegion: string }
  | { scaler: "kafka-scram"; mechanism: "scram_sha512" | "scram_sha256"; secretName: string }
  | { scaler: "prometheus"; serverAddress: string };

/** What one consuming workload's ScaledObject needs. */
export interface ScaledWorkload {
  name: string;
  namespace: string;
  instance: string;
  topic: string;
  group: string;
  bootstrapServers: string;
  min: number;
  /** Bounded by the input topic's partitions. */
  max: number;
  /** Lag per replica KEDA aims for. */
  lagThreshold: number;
  source: LagSource;
}

/** The TriggerAuthentication name of a workload (the `prometheus` scaler needs none). */
export function triggerAuthenticationName(workload: string): string {
  return `${workload}-kafka`;
}

/** The TriggerAuthentication for a `kafka` scaler, or undefined for the `prometheus` scaler. */
export function renderTriggerAuthentication(w: ScaledWorkload): KubeObject | undefined {
  const metadata = {
    name: triggerAuthenticationName(w.name),
    namespace: w.namespace,
    labels: workloadLabels(w.instance, w.name),
  };
  if (w.source.scaler === "kafka-msk-iam") {
    return {
      apiVersion: "keda.sh/v1alpha1",
      kind: "TriggerAuthentication",
      metadata,
      spec: { podIdentity: { provider: "aws", identityOwner: "keda" } },
    };
  }
  if (w.source.scaler === "kafka-scram") {
    const ref = (parameter: string, key: string) => ({
      parameter,
      name: (w.source as { secretName: string }).secretName,
      key,
    });
    return {
      apiVersion: "keda.sh/v1alpha1",
      kind: "TriggerAuthentication",
      metadata,
      spec: { secretTargetRef: [ref("username", "kafka-username"), ref("password", "kafka-password")] },
    };
  }
  return undefined;
}

/** The PromQL the `prometheus` scaler reads: the workload's lag, summed over its pods. */
export function lagQuery(namespace: string, workload: string): string {
  return `sum(seawall_consumer_lag{namespace="${namespace}",service="${workload}"})`;
}

/** The trigger of a consuming workload's ScaledObject. */
function trigger(w: ScaledWorkload): Record<string, unknown> {
  const kafka = (extra: Record<string, string>) => ({
    type: "kafka",
    metadata: {
      bootstrapServers: w.bootstrapServers,
      consumerGroup: w.group,
      topic: w.topic,
      lagThreshold: String(w.lagThreshold),
      activationLagThreshold: "0",
      // A group that has committed nothing yet is at the topic's start: replay, not skip.
      offsetResetPolicy: "earliest",
      allowIdleConsumers: "false",
      tls: "enable",
      ...extra,
    },
    authenticationRef: { name: triggerAuthenticationName(w.name) },
  });
  switch (w.source.scaler) {
    case "kafka-msk-iam":
      return kafka({ sasl: "oauthbearer", saslTokenProvider: "aws_msk_iam", awsRegion: w.source.awsRegion });
    case "kafka-scram":
      return kafka({ sasl: w.source.mechanism });
    case "prometheus":
      return {
        type: "prometheus",
        metadata: {
          serverAddress: w.source.serverAddress,
          query: lagQuery(w.namespace, w.name),
          threshold: String(w.lagThreshold),
          activationThreshold: "0",
          // No Prometheus answer is no evidence of no lag: keep the replicas.
          ignoreNullValues: "false",
        },
      };
  }
}

/** A consuming workload's ScaledObject: lag-driven, between `min` and its partitions. */
export function renderScaledObject(w: ScaledWorkload): KubeObject {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: w.name, namespace: w.namespace, labels: workloadLabels(w.instance, w.name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.name },
      minReplicaCount: w.min,
      maxReplicaCount: w.max,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: {
            // Each scale-down rebalances the group: at most one pod every two minutes.
            scaleDown: {
              stabilizationWindowSeconds: 300,
              policies: [{ type: "Pods", value: 1, periodSeconds: 120 }],
            },
          },
        },
      },
      triggers: [trigger(w)],
    },
  };
}

/**
 * The feature server's HorizontalPodAutoscaler on CPU (the metrics-server's resource metrics). It
 * does not scale on request rate: an HPA reads a rate only through a custom or external metrics
 * API adapter (prometheus-adapter), which kube-prometheus-stack does not install, and KEDA's
 * metrics server answers only for its own ScaledObjects; the runtime also exports no request
 * counter (`seawall_feature_reads_total` counts entities read).
 */
export function renderFeatureServerHpa(args: {
  name: string;
  namespace: string;
  instance: string;
  min: number;
  max: number;
  cpuUtilization: number;
}): KubeObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: {
      name: args.name,
      namespace: args.namespace,
      labels: workloadLabels(args.instance, args.name),
    },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.name },
      minReplicas: args.min,
      maxReplicas: args.max,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.cpuUtilization } },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: 300,
          policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
        },
      },
    },
  };
}
