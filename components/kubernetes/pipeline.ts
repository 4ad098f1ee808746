/**
 * The Seawall pipeline on any Kubernetes cluster: KEDA, kube-prometheus-stack and the stage
 * workers, composed on a cluster's provider from the platform's connection outputs. Cloud-neutral:
 * it takes a {@link ClusterOutputs} (EKS, GKE, AKS or a brought kubeconfig) and never looks at the
 * cloud behind it; each cloud's platform says only where KEDA reads the lag and where alerts go.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Helper, KafkaConnection, ObjectStoreLocation, RedisConnection } from "../contracts";
import type { EnvironmentName } from "../profiles";
import { helperChoice, isKnown, Problems, problemsUnder } from "../validation";
import { Airflow, type AirflowArgs, validateAirflowArgs } from "./airflow";
import {
  AIRFLOW_SERVICE_ACCOUNT,
  type AirflowCloudSupport,
  DEFAULT_AIRFLOW_NAMESPACE,
} from "./airflowContract";
import { DEFAULT_KEDA_NAMESPACE, DEFAULT_WORKLOAD_NAMESPACE, type ClusterOutputs } from "./clusterContract";
import { checkKubernetesName } from "./clusterProvider";
import { Keda, type KedaArgs } from "./keda";
import { MonitoringStack, type MonitoringStackArgs } from "./monitoringStack";
import {
  prometheusServerAddress,
  StageWorkers,
  type StageWorkersAutoscaling,
  type StageWorkersArgs,
} from "./stageWorkers";
import { imageProblem, type StageWorkload } from "./stageWorkersConfig";

/**
 * The pipeline's workloads unless told otherwise: the runtime's fastest topology (what `npm start`
 * runs), the four consuming stages chained in one process on one Kafka hop from the raw topic,
 * and the feature server on its own (it scales on CPU, the chain on the raw topic's lag).
 */
export const DEFAULT_PIPELINE_WORKLOADS: readonly StageWorkload[] = [
  { stages: ["ingest", "dedup", "lake-sink", "feature-writer"] },
  { stages: ["feature-server"] },
];

/** One workload per stage: the runtime's per-stage topology (`--topology per-stage`). */
export const PER_STAGE_WORKLOADS: readonly StageWorkload[] = [
  { stages: ["ingest"] },
  { stages: ["dedup"] },
  { stages: ["lake-sink"] },
  { stages: ["feature-writer"] },
  { stages: ["feature-server"] },
];

/** A topic as the platform declares it: only its name and partitions matter here. */
export interface PipelineTopic {
  name: string;
  partitions: number;
}

/** KEDA brought by the team: where it runs (its CRDs must be installed). */
export interface ExistingKeda {
  /** KEDA's namespace. */
  namespace: string;
}

/** kube-prometheus-stack (or another prometheus-operator) brought by the team. */
export interface ExistingMonitoring {
  /** The namespace Prometheus runs in: the workers' NetworkPolicies admit its scrapes from there. */
  namespace: string;
  /**
   * The Prometheus server KEDA's `prometheus` scaler queries.
   * @defaultValue kube-prometheus-stack's Service in `namespace`, `http://kube-prometheus-stack-prometheus.<namespace>.svc:9090`
   */
  prometheusUrl?: string;
}

/** kube-prometheus-stack's arguments, less what the pipeline sets (provider, environment, storage class). */
export type PipelineMonitoringArgs = Omit<MonitoringStackArgs, "provider" | "environment"> & {
  /** @defaultValue the pipeline's environment */
  environment?: EnvironmentName;
};

export interface PipelineArgs {
  /** The cluster (any cluster component's outputs, or `existingClusterOutputs`). */
  cluster: ClusterOutputs;
  /** The environment: sizes kube-prometheus-stack's storage, retention and replicas. */
  environment: EnvironmentName;
  /** The runtime image, pinned by digest (`repo@sha256:...`, best) or a version tag (not `latest`). */
  image: pulumi.Input<string>;
  /** The event stream's connection (the platform's `kafka` output). */
  kafka: pulumi.Input<KafkaConnection>;
  /** The feature store's connection (the platform's `redis` output). */
  redis: pulumi.Input<RedisConnection>;
  /** The lake's location (the platform's `objectStore` output). */
  lake: pulumi.Input<ObjectStoreLocation>;
  /** The event stream's topics: a consuming workload never scales past its input topic's partitions. */
  topics: PipelineTopic[];
  /** Which stages run in which Deployment. @defaultValue {@link DEFAULT_PIPELINE_WORKLOADS} */
  workloads?: StageWorkload[];
  /**
   * Where KEDA reads the lag (see `LagSource` in stageWorkersScaling.ts).
   * @defaultValue `kafka-msk-iam` in the cluster's region when the cluster bound KEDA an EKS Pod
   * Identity; otherwise `prometheus`, the lag the workers export, from the monitoring's Prometheus
   */
  lag?: StageWorkersAutoscaling["lag"];
  /**
   * KEDA: installed from its official chart (`args`), brought (`existing`: its CRDs are there), or
   * none (`skip`: the workers run fixed replicas, `minReplicas` each).
   * @defaultValue `{ args: {} }`
   */
  keda?: Helper<ExistingKeda, Omit<KedaArgs, "provider">>;
  /**
   * kube-prometheus-stack: installed (`args`, which needs the alert receiver) or brought
   * (`existing`). No `skip`: the workers' ServiceMonitors need the prometheus-operator CRDs, and
   * nothing would watch the pipeline.
   */
  monitoring: { args: PipelineMonitoringArgs } | { existing: ExistingMonitoring };
  /** Credentials for the workers' Secret. @defaultValue the Redis connection's `authSecret` */
  secrets?: StageWorkersArgs["secrets"];
  /** More worker variables (runtime/src/config.ts). @defaultValue {} */
  env?: StageWorkersArgs["env"];
  /** Worker variables from existing Secrets (an operator's CA...). @defaultValue {} */
  secretEnv?: StageWorkersArgs["secretEnv"];
  /** Create the workers' namespace; false when something else made it. @defaultValue true */
  createNamespace?: boolean;
  /**
   * Airflow running the maintenance DAGs (restore drill, compaction, feature backups, backfills),
   * with the database, identity and log bucket the cloud's layer made (`support`); `skip` for none.
   * @defaultValue none (a cloud's platform passes its support)
   */
  airflow?: { support: AirflowCloudSupport; args?: PipelineAirflowArgs } | { skip: true };
}

/** Airflow's arguments, less what the pipeline sets. */
export type PipelineAirflowArgs = Omit<
  AirflowArgs,
  "provider" | "environment" | "support" | "maintenance" | "monitoringNamespace" | "kedaNamespace"
>;

/** Checks a {@link PipelineArgs}' own fields (the parts check theirs) and throws one error listing every problem. */
export function validatePipelineArgs(args: Omit<PipelineArgs, "cluster" | "kafka" | "redis" | "lake">): void {
  const p = new Problems();
  // The workers see the image as an Output (it carries the charts as dependencies): check it here.
  if (isKnown(args.image)) {
    const why = imageProblem(args.image);
    if (why) p.add("SEAWALL_K8S_WORKERS_IMAGE", "image", args.image, why);
  }
  helperChoice(p, "keda", args.keda, ["existing", "args", "skip"]);
  helperChoice(p, "monitoring", args.monitoring, ["existing", "args"], {
    why: "the workers' ServiceMonitors need the prometheus-operator CRDs and the pipeline's alerts a Prometheus; bring yours with { existing: { namespace } }",
  });
  if (args.monitoring === undefined) {
    p.add(
      "SEAWALL_K8S_PIPELINE_MONITORING_REQUIRED",
      "monitoring",
      undefined,
      "give { args: { receiver } } to install kube-prometheus-stack, or { existing: { namespace } } for yours",
    );
  }
  const keda = args.keda as Record<string, unknown> | undefined;
  const monitoring = args.monitoring as Record<string, unknown> | undefined;
  if (keda && typeof keda.existing === "object" && keda.existing) {
    checkKubernetesName(p, "keda.existing.namespace", (keda.existing as ExistingKeda).namespace);
  }
  if (monitoring && typeof monitoring.existing === "object" && monitoring.existing) {
    const e = monitoring.existing as ExistingMonitoring;
    checkKubernetesName(p, "monitoring.existing.namespace", e.namespace);
    if (
      e.prometheusUrl !== undefined &&
      isKnown(e.prometheusUrl) &&
      !/^https?:\/\/\S+$/.test(e.prometheusUrl)
    ) {
      p.add(
        "SEAWALL_K8S_PIPELINE_PROMETHEUS_URL",
        "monitoring.existing.prometheusUrl",
        e.prometheusUrl,
        "must be the Prometheus server's http(s):// URL as KEDA reaches it inside the cluster",
      );
    }
  }
  const seen = new Set<string>();
  (args.topics ?? []).forEach((t, i) => {
    if (seen.has(t.name)) {
      p.add(
        "SEAWALL_K8S_PIPELINE_TOPICS",
        `topics[${i}].name`,
        t.name,
        "is declared twice; declare each topic once",
      );
    }
    seen.add(t.name);
  });
  const airflow = args.airflow as Record<string, unknown> | undefined;
  if (airflow && typeof airflow.args === "object" && airflow.args) {
    p.list.push(
      ...problemsUnder("airflow.args", () => validateAirflowArgs(airflow.args as PipelineAirflowArgs)),
    );
  }
  if (
    airflow?.args &&
    (airflow.args as PipelineAirflowArgs).executor === "CeleryExecutor" &&
    args.keda &&
    "skip" in args.keda
  ) {
    p.add(
      "SEAWALL_K8S_AIRFLOW_EXECUTOR",
      "airflow.args.executor",
      "CeleryExecutor",
      "the Celery workers scale with KEDA, which keda: { skip: true } leaves out; use KubernetesExecutor or install KEDA",
    );
  }
  p.throwIfAny("seawall:kubernetes:Pipeline");
}

/** The partitions of each topic, by name, as `StageWorkers` takes them. */
export function partitionsByTopic(topics: PipelineTopic[]): Record<string, number> {
  return Object.fromEntries(topics.map((t) => [t.name, t.partitions]));
}

/** Where KEDA reads the lag unless told: MSK IAM when the cluster bound KEDA a Pod Identity, else Prometheus. */
export function defaultLag(
  cluster: Pick<ClusterOutputs, "kedaIdentity" | "region">,
  prometheusUrl: string,
): StageWorkersAutoscaling["lag"] {
  if (cluster.kedaIdentity?.kind === "aws-pod-identity" && cluster.region) {
    return { scaler: "kafka-msk-iam", awsRegion: cluster.region };
  }
  return { scaler: "prometheus", serverAddress: prometheusUrl };
}

/**
 * The Seawall pipeline on a cluster: KEDA (unless brought or skipped), kube-prometheus-stack
 * (unless brought) with the pipeline's alert rules and dashboard, and the stage workers wired to
 * the platform's contracts, running as the workload identity the cluster bound, scaling on lag
 * within their input topics' partitions once KEDA's and the operator's CRDs exist.
 */
export class Pipeline extends pulumi.ComponentResource {
  readonly workers: StageWorkers;
  readonly keda?: Keda;
  readonly monitoring?: MonitoringStack;
  /** The workers' namespace. */
  readonly namespace: string;
  /** The namespace Prometheus runs in. */
  readonly monitoringNamespace: string;
  /** Airflow, unless skipped or not given. */
  readonly airflow?: Airflow;

  constructor(name: string, args: PipelineArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:Pipeline", name, {}, opts);
    validatePipelineArgs(args);
    const cluster = args.cluster;
    const provider = cluster.provider;
    const child = { parent: this };

    const kedaArgs = args.keda ?? { args: {} };
    if ("args" in kedaArgs) {
      this.keda = new Keda(
        `${name}-keda`,
        { namespace: cluster.kedaIdentity?.namespace ?? DEFAULT_KEDA_NAMESPACE, ...kedaArgs.args, provider },
        child,
      );
    }
    let prometheusUrl: string;
    if ("args" in args.monitoring) {
      this.monitoring = new MonitoringStack(
        `${name}-monitoring`,
        {
          environment: args.environment,
          ...(cluster.storageClassName ? { storageClassName: cluster.storageClassName } : {}),
          ...args.monitoring.args,
          provider,
        },
        child,
      );
      this.monitoringNamespace = this.monitoring.namespace;
      prometheusUrl = prometheusServerAddress(this.monitoringNamespace);
    } else {
      this.monitoringNamespace = args.monitoring.existing.namespace;
      prometheusUrl =
        args.monitoring.existing.prometheusUrl ?? prometheusServerAddress(this.monitoringNamespace);
    }

    // A component's dependsOn does not hold back its children, so the workers' objects take the
    // charts as dependencies through the image they all render from: KEDA's and the operator's
    // CRDs exist before any ScaledObject or ServiceMonitor (the URNs are known in a preview too).
    const charts = [this.keda, this.monitoring].filter((c) => c !== undefined);
    const image = pulumi.all([args.image, ...charts.map((c) => c.urn)]).apply(([i]) => i);
    const identity = cluster.workloadIdentity;
    this.namespace = identity?.namespace ?? DEFAULT_WORKLOAD_NAMESPACE;
    const airflowSupport = args.airflow && "support" in args.airflow ? args.airflow.support : undefined;
    this.workers = new StageWorkers(
      `${name}-workers`,
      {
        provider,
        image,
        kafka: args.kafka,
        redis: args.redis,
        lake: args.lake,
        namespace: this.namespace,
        workloads: [...(args.workloads ?? DEFAULT_PIPELINE_WORKLOADS)],
        ...(args.secrets ? { secrets: args.secrets } : {}),
        ...(args.env ? { env: args.env } : {}),
        ...(args.secretEnv ? { secretEnv: args.secretEnv } : {}),
        ...(args.createNamespace === false ? { createNamespace: false } : {}),
        ...(identity ? { workloadIdentity: identity } : {}),
        monitoringNamespace: this.monitoringNamespace,
        ...(airflowSupport
          ? {
              maintenance: {
                launcher: {
                  namespace: airflowSupport.identity.namespace ?? DEFAULT_AIRFLOW_NAMESPACE,
                  serviceAccountName: AIRFLOW_SERVICE_ACCOUNT,
                },
              },
            }
          : {}),
        ...("skip" in kedaArgs
          ? {}
          : {
              autoscaling: {
                partitions: partitionsByTopic(args.topics),
                lag: args.lag ?? defaultLag(cluster, prometheusUrl),
              },
            }),
      },
      { parent: this, dependsOn: charts },
    );
    if (airflowSupport && this.workers.maintenancePods) {
      const airflowArgs = args.airflow && "args" in args.airflow ? (args.airflow.args ?? {}) : {};
      this.airflow = new Airflow(
        `${name}-airflow`,
        {
          provider,
          environment: args.environment,
          support: airflowSupport,
          maintenance: this.workers.maintenancePods,
          monitoringNamespace: this.monitoringNamespace,
          kedaNamespace:
            this.keda?.namespace ??
            (kedaArgs && "existing" in kedaArgs ? kedaArgs.existing.namespace : DEFAULT_KEDA_NAMESPACE),
          ...(cluster.storageClassName ? { storageClassName: cluster.storageClassName } : {}),
          ...airflowArgs,
        },
        { parent: this, dependsOn: charts },
      );
    }
    this.registerOutputs({
      namespace: this.namespace,
      monitoringNamespace: this.monitoringNamespace,
      deployments: this.workers.deployments,
    });
  }
}
