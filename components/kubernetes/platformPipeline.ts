/**
 * How every cloud's platform turns its `kubernetes` setting into a cluster's pipeline: which form
 * the team chose, the problems of what is cloud-neutral in it (the pipeline, the workloads, the
 * partitions they scale to, where alerts go), and the {@link Pipeline} on the cluster the cloud
 * built or the team brought. The cloud's own module builds the cluster and names its receiver.
 */
import * as pulumi from "@pulumi/pulumi";
import type { KafkaConnection, KafkaTopic, ObjectStoreLocation, RedisConnection } from "../contracts";
import type {
  DataPlatformArgs,
  ExistingKubernetesSettings,
  KubernetesClusterSettings,
  KubernetesPipelineSettings,
} from "../platformArgs";
import type { Profile } from "../profiles";
import { helperChoice, Problem, Problems, problemsUnder } from "../validation";
import type { AirflowCloudSupport } from "./airflowContract";
import type { ClusterOutputs } from "./clusterContract";
import type { PlatformKubernetesOutputs } from "./platformOutputs";

export type { PlatformKubernetesOutputs } from "./platformOutputs";
import { checkExistingCluster, type ExistingCluster } from "./clusterProvider";
import type { MonitoringStackArgs } from "./monitoringStack";
import { DEFAULT_PIPELINE_WORKLOADS, Pipeline, type PipelineArgs, validatePipelineArgs } from "./pipeline";
import type { StageWorkersAutoscaling } from "./stageWorkers";
import { type StageWorkload, validateStageWorkersConfig } from "./stageWorkersConfig";

/** The team's choice, once checked: build a cluster, bring one, or neither (unset is neither). */
export type KubernetesChoice =
  | { form: "args"; settings: KubernetesClusterSettings }
  | { form: "existing"; settings: ExistingKubernetesSettings }
  | undefined;

/** What the platform's `kubernetes` setting asks for; undefined for `skip`, unset or malformed. */
export function kubernetesChoice(args: DataPlatformArgs): KubernetesChoice {
  const k = args.kubernetes as Record<string, unknown> | undefined;
  if (!k || typeof k !== "object") return undefined;
  if ("args" in k && k.args && !("existing" in k)) {
    return { form: "args", settings: k.args as KubernetesClusterSettings };
  }
  if ("existing" in k && k.existing && !("args" in k)) {
    return { form: "existing", settings: k.existing as ExistingKubernetesSettings };
  }
  return undefined;
}

/** The settings' workloads as `StageWorkers` takes them (their stages are checked by its validation). */
export function pipelineWorkloads(s: KubernetesPipelineSettings): StageWorkload[] | undefined {
  return s.workloads?.map((w) => ({ ...w, stages: w.stages as StageWorkload["stages"] }));
}

/**
 * Every problem with the cloud-neutral part of the platform's `kubernetes` setting, named as its
 * fields (`kubernetes.args.image`): its shape, a brought cluster's kubeconfig, the pipeline, the
 * workloads, a consumed topic missing from `eventStream.topics`, and where alerts go.
 *
 * @param alerts `sns` when the platform has a topic Alertmanager publishes to (AWS); `webhook`
 * when the team must give `monitoring.args.alertWebhookUrl` (GCP, Azure)
 */
export function kubernetesSettingProblems(
  args: DataPlatformArgs,
  alerts: "sns" | "webhook",
  options: { broughtAirflow?: boolean } = {},
): Problem[] {
  const p = new Problems();
  const form = helperChoice(p, "kubernetes", args.kubernetes, ["args", "existing", "skip"]);
  const choice = form === "args" || form === "existing" ? kubernetesChoice(args) : undefined;
  if (!choice) return p.list;
  const at = `kubernetes.${choice.form}`;
  const s = choice.settings;
  if (choice.form === "existing") {
    const q = new Problems();
    const { kubeconfig, context } = choice.settings;
    checkExistingCluster(q, { kubeconfig, ...(context !== undefined ? { context } : {}) }, []);
    p.list.push(...q.list.map((x) => ({ ...x, field: `kubernetes.${x.field}` })));
  }
  const monitoring = s.monitoring ?? { args: {} };
  const installed = typeof monitoring === "object" && monitoring !== null && "args" in monitoring;
  if (alerts === "webhook" && installed && !monitoring.args?.alertWebhookUrl) {
    p.add(
      "SEAWALL_PLATFORM_KUBERNETES_ALERT_WEBHOOK",
      `${at}.monitoring.args.alertWebhookUrl`,
      undefined,
      "required on this cloud: Alertmanager has no receiver for its alert channel; give an https:// URL (a relay that publishes to the platform's alert topic or action group, or your incident tool's), or bring your monitoring with { existing: { namespace } }",
    );
  }
  if (installed && monitoring.args?.alertWebhookUrl !== undefined) {
    const url = monitoring.args.alertWebhookUrl;
    if (typeof url !== "string" || !/^https:\/\/[^\s/]+/.test(url)) {
      p.add(
        "SEAWALL_PLATFORM_KUBERNETES_ALERT_WEBHOOK",
        `${at}.monitoring.args.alertWebhookUrl`,
        "(redacted)",
        "must be an https:// URL: alerts leave the cluster",
      );
    }
  }
  const airflowForm = helperChoice(p, `${at}.airflow`, s.airflow, ["args", "skip"]);
  if (airflowForm === "args" && choice.form === "existing" && !options.broughtAirflow) {
    p.add(
      "SEAWALL_PLATFORM_KUBERNETES_AIRFLOW",
      `${at}.airflow`,
      "{ args }",
      "Airflow's database and its log bucket's identity are bound to a cluster the platform builds; on your cluster compose seawall:kubernetes:Airflow with your own AirflowCloudSupport, or set { skip: true }",
    );
  }
  const topics = args.eventStream?.topics ?? [];
  p.list.push(
    ...problemsUnder(at, () =>
      validatePipelineArgs({
        environment: "dev",
        image: s.image,
        topics,
        ...(s.keda !== undefined ? { keda: s.keda } : {}),
        ...(airflowForm === "args" && s.airflow && "args" in s.airflow
          ? { airflow: { support: {} as AirflowCloudSupport, args: { ...s.airflow.args } } }
          : {}),
        monitoring: installed
          ? { args: { receiver: { webhook: { url: "https://checked.above" } } } }
          : monitoring,
      }),
    ),
  );
  const workloads = pipelineWorkloads(s) ?? [...DEFAULT_PIPELINE_WORKLOADS];
  const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions]));
  const autoscaled = !(s.keda && typeof s.keda === "object" && "skip" in s.keda);
  for (const problem of problemsUnder(at, () =>
    // The image is checked once, with the pipeline above.
    validateStageWorkersConfig({
      image: "seawall/checked-above:1",
      workloads,
      partitions,
      autoscaling: autoscaled,
    }),
  )) {
    if (problem.code !== "SEAWALL_K8S_WORKERS_PARTITIONS") {
      p.list.push(problem);
      continue;
    }
    const topic = /partitions\["(.+)"\]$/.exec(problem.field)?.[1];
    p.list.push({
      ...problem,
      field: "eventStream.topics",
      value: topics.map((t) => t.name),
      fix: `declare the topic "${topic}" with its partitions: a workload on the cluster consumes it and KEDA scales it up to them (or skip KEDA with ${at}.keda = { skip: true })`,
    });
  }
  return p.list;
}

/** What the cloud's platform hands the pipeline besides the cluster. */
export interface PlatformPipelineInputs {
  kafka: pulumi.Input<KafkaConnection>;
  redis: pulumi.Input<RedisConnection>;
  lake: pulumi.Input<ObjectStoreLocation>;
  topics: KafkaTopic[];
  /** Where Alertmanager sends alerts when the team gives no webhook (AWS: the platform's SNS topic). */
  receiver?: MonitoringStackArgs["receiver"];
  /** Where KEDA reads the lag. @defaultValue the pipeline's (`defaultLag`) */
  lag?: StageWorkersAutoscaling["lag"];
  /**
   * Builds Airflow's database, identity and log location on the cloud for the cluster the platform
   * built (called only when the platform runs Airflow, which it does on a built cluster only).
   * @defaultValue none: no Airflow
   */
  airflow?: (cluster: ClusterOutputs) => AirflowCloudSupport;
}

/**
 * Whether the platform runs Airflow: by default on a cluster it builds; on a brought one only where
 * the platform makes Airflow's database and log access there too (`broughtAirflow`: the `kubernetes`
 * target).
 */
export function airflowWanted(choice: NonNullable<KubernetesChoice>, broughtAirflow = false): boolean {
  const a = choice.settings.airflow;
  if (a === undefined) return choice.form === "args" || broughtAirflow;
  return "args" in a;
}

/** The pipeline's arguments from the platform's settings, cluster and outputs. */
export function platformPipelineArgs(
  s: KubernetesPipelineSettings,
  cluster: ClusterOutputs,
  profile: Profile,
  inputs: PlatformPipelineInputs,
  airflow?: AirflowCloudSupport,
): PipelineArgs {
  const monitoring = s.monitoring ?? { args: {} };
  const workloads = pipelineWorkloads(s);
  return {
    cluster,
    environment: profile.environment,
    image: s.image,
    kafka: inputs.kafka,
    redis: inputs.redis,
    lake: inputs.lake,
    topics: inputs.topics.map((t) => ({ name: t.name, partitions: t.partitions })),
    ...(workloads ? { workloads } : {}),
    ...(s.keda ? { keda: s.keda } : {}),
    ...(inputs.lag ? { lag: inputs.lag } : {}),
    ...(airflow
      ? { airflow: { support: airflow, args: s.airflow && "args" in s.airflow ? { ...s.airflow.args } : {} } }
      : {}),
    monitoring:
      "args" in monitoring
        ? {
            args: {
              receiver: monitoring.args.alertWebhookUrl
                ? { webhook: { url: pulumi.secret(monitoring.args.alertWebhookUrl) } }
                : receiverOf(inputs),
            },
          }
        : monitoring,
  };
}

/** The cloud's receiver; `kubernetesSettingProblems` has already required a webhook where there is none. */
function receiverOf(inputs: PlatformPipelineInputs): MonitoringStackArgs["receiver"] {
  if (!inputs.receiver) throw new Error("unreachable: a webhook is required where the cloud has no receiver");
  return inputs.receiver;
}

/** What the platform exports of its Kubernetes layer. */
/**
 * The platform's Kubernetes layer, children of `parent`: the cluster `makeCluster` builds (or
 * brings) for the team's choice, then the pipeline on it; undefined when the platform runs none.
 */
export function buildPlatformKubernetes(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
  makeCluster: (choice: NonNullable<KubernetesChoice>) => ClusterOutputs,
  inputs: PlatformPipelineInputs,
): PlatformKubernetesOutputs | undefined {
  const choice = kubernetesChoice(args);
  if (!choice) return undefined;
  const cluster = makeCluster(choice);
  const airflow = airflowWanted(choice) && inputs.airflow ? inputs.airflow(cluster) : undefined;
  const pipeline = new Pipeline(
    `${name}-pipeline`,
    platformPipelineArgs(choice.settings, cluster, profile, inputs, airflow),
    { parent },
  );
  return {
    provider: cluster.provider,
    kubeconfig: cluster.kubeconfig,
    clusterName: cluster.clusterName,
    namespace: pipeline.namespace,
    monitoringNamespace: pipeline.monitoringNamespace,
    deployments: pipeline.workers.deployments,
    ...(pipeline.airflow
      ? {
          airflow: {
            namespace: pipeline.airflow.namespace,
            apiServerService: pipeline.airflow.apiServerService,
            adminPasswordSecret: pipeline.airflow.adminPasswordSecret,
          },
        }
      : {}),
  };
}

/**
 * The problems a cloud's cluster validation throws for the cluster the platform's settings build,
 * named as those settings: `renames` maps the cluster's fields (`adminPrincipalArns`) onto them
 * (`admins`), and every field goes under `kubernetes.args`.
 */
export function clusterSettingProblems(check: () => void, renames: [RegExp, string][]): Problem[] {
  return problemsUnder("cluster", check).map((p) => {
    const field = p.field.slice("cluster.".length);
    const rename = renames.find(([from]) => from.test(field));
    return { ...p, field: `kubernetes.args.${rename ? field.replace(rename[0], rename[1]) : field}` };
  });
}

/**
 * How a cloud's cluster names what the platform's `kubernetes.args` settings call
 * `kubernetesVersion`, `admins` and `nodes` (its first node pool or group, `nodes` of them).
 */
export interface ClusterSettingNames<A> {
  kubernetesVersion: keyof A & string;
  /** The admins' list. @defaultValue none: the cloud's cluster takes no admins */
  admins?: keyof A & string;
  /** The list of node pools or groups. */
  nodes: keyof A & string;
  /** A pool's machine type: one (`"machineType"`) or, with `instanceTypeList`, a list of one. */
  instanceType: string;
  /** @defaultValue false */
  instanceTypeList?: boolean;
  minCount: string;
  maxCount: string;
}

/** The cluster's arguments the settings' `kubernetesVersion` and `nodes` give, named as the cloud names them. */
export function clusterSettingArgs<A>(
  s: KubernetesClusterSettings,
  names: ClusterSettingNames<A>,
): Partial<A> {
  const n = s.nodes;
  return {
    ...(s.kubernetesVersion ? { [names.kubernetesVersion]: s.kubernetesVersion } : {}),
    ...(n
      ? {
          [names.nodes]: [
            {
              ...(n.instanceType
                ? { [names.instanceType]: names.instanceTypeList ? [n.instanceType] : n.instanceType }
                : {}),
              ...(n.minCount !== undefined ? { [names.minCount]: n.minCount } : {}),
              ...(n.maxCount !== undefined ? { [names.maxCount]: n.maxCount } : {}),
            },
          ],
        }
      : {}),
  } as Partial<A>;
}

/** The renames {@link clusterSettingProblems} takes: the cluster's field names onto the settings'. */
function clusterSettingRenames<A>(names: ClusterSettingNames<A>): [RegExp, string][] {
  const pool = `^${names.nodes}\\[0\\]`;
  return [
    ...(names.admins ? [[new RegExp(`^${names.admins}`), "admins"] as [RegExp, string]] : []),
    ...(names.kubernetesVersion !== "kubernetesVersion"
      ? [[new RegExp(`^${names.kubernetesVersion}$`), "kubernetesVersion"] as [RegExp, string]]
      : []),
    [new RegExp(`${pool}\\.${names.instanceType}$`), "nodes.instanceType"],
    [new RegExp(`${pool}\\.${names.minCount}$`), "nodes.minCount"],
    [new RegExp(`${pool}\\.${names.maxCount}$`), "nodes.maxCount"],
    [new RegExp(`${pool}$`), "nodes"],
  ];
}

/** How a cloud checks the cluster its platform builds from the `kubernetes.args` settings. */
export interface PlatformClusterCheck<A> {
  /** How the cluster's arguments name the settings. */
  names: ClusterSettingNames<A>;
  /** The cluster's arguments from the settings (with placeholders for what the platform builds). */
  build: (s: KubernetesClusterSettings) => A;
  /** The cluster component's validation, which throws every problem. */
  validate: (args: A) => void;
  /**
   * The cloud's own problems with the setting, for either form, after the cloud-neutral ones.
   * @defaultValue none
   */
  more?: (choice: NonNullable<KubernetesChoice>) => Problem[];
}

/**
 * Every problem with the platform's `kubernetes` setting on a cloud: the cloud-neutral ones
 * ({@link kubernetesSettingProblems}), the cloud's own, then for a cluster to build the cluster
 * component's, named as the settings (`kubernetes.args.admins`).
 */
export function platformKubernetesProblems<A>(
  args: DataPlatformArgs,
  alerts: "sns" | "webhook",
  check: PlatformClusterCheck<A>,
): Problem[] {
  const problems = kubernetesSettingProblems(args, alerts);
  const choice = kubernetesChoice(args);
  if (!choice) return problems;
  problems.push(...(check.more?.(choice) ?? []));
  if (choice.form === "args") {
    const cluster = check.build(choice.settings);
    problems.push(
      ...clusterSettingProblems(() => check.validate(cluster), clusterSettingRenames(check.names)),
    );
  }
  return problems;
}

/**
 * The `makeCluster` of {@link buildPlatformKubernetes} for a cloud's cluster component: a
 * `Component` named `${name}-cluster`, a child of `parent`, with the arguments `build` makes of the
 * settings, or the brought cluster's.
 */
export function platformCluster<A>(
  Component: new (
    name: string,
    args: A | { existing: ExistingCluster },
    opts: pulumi.ComponentResourceOptions,
  ) => ClusterOutputs,
  parent: pulumi.Resource,
  name: string,
  build: (s: KubernetesClusterSettings) => A,
): (choice: NonNullable<KubernetesChoice>) => ClusterOutputs {
  return (choice) =>
    new Component(
      `${name}-cluster`,
      choice.form === "args" ? build(choice.settings) : existingClusterArgs(choice.settings),
      { parent },
    );
}

/** A brought cluster's arguments, as every cloud's cluster component takes them. */
export function existingClusterArgs(s: ExistingKubernetesSettings): { existing: ExistingCluster } {
  return { existing: { kubeconfig: s.kubeconfig, ...(s.context ? { context: s.context } : {}) } };
}
