/**
 * The `kubernetes` target (`cloud: "kubernetes"`): the whole platform on a cluster the team brings
 * (`kubernetes.existing`: kind, k3s, on-premises), from maintained operators and charts, behind the
 * same contracts as the clouds' so the workers run unchanged:
 * - the event stream: Kafka from Strimzi (`EventStream`), a KafkaUser per workload;
 * - the feature store: Valkey with Sentinel (`FeatureStore`), TLS from cert-manager (`CertManager`);
 * - the lake: SeaweedFS's S3 gateway (`ObjectStore`) or the team's S3-compatible endpoint;
 * - backups: Velero to the object store, the feature store by Airflow's `seawall_backup_features`
 *   DAG, Kafka by its replication and the lake; Airflow's database on CloudNativePG;
 * - monitoring: kube-prometheus-stack with the pipeline's, Strimzi's and Valkey's rules, alerts to the
 *   team's webhook; then the pipeline (workers, KEDA, Airflow) as on every cloud.
 */
import * as pulumi from "@pulumi/pulumi";
import type { KafkaTopic, RedisConnection } from "../contracts";
import type { ExistingKubernetesSettings, DataPlatformArgs, KubernetesTargetSettings } from "../platformArgs";
import type { PlatformOutputs } from "../platform";
import type { Profile } from "../profiles";
import { type Problem, problemsUnder } from "../validation";
import {
  AIRFLOW_LOGS_PREFIX,
  AIRFLOW_SERVICE_ACCOUNT,
  AIRFLOW_STORE_CA_FILE,
  type AirflowCloudSupport,
  DEFAULT_AIRFLOW_NAMESPACE,
} from "./airflowContract";
import { AirflowDatabase, validateAirflowDatabaseArgs } from "./airflowDatabase";
import { CertManager, validateCertManagerArgs } from "./certManager";
import { type ClusterOutputs, DEFAULT_WORKLOAD_NAMESPACE } from "./clusterContract";
import { existingClusterOutputs } from "./clusterProvider";
import { EventStream, kafkaUsersForWorkloads, validateEventStreamArgs } from "./eventStream";
import { childrenDependOn } from "./kubeResources";
import { MonitoringStack } from "./monitoringStack";
import { ObjectStore, type ObjectStoreArgs, validateObjectStoreArgs } from "./objectStore";
import { DEFAULT_PIPELINE_WORKLOADS, Pipeline } from "./pipeline";
import {
  airflowWanted,
  kubernetesChoice,
  kubernetesSettingProblems,
  pipelineWorkloads,
  platformPipelineArgs,
} from "./platformPipeline";
import type { StageWorkload } from "./stageWorkersConfig";
import { FeatureStore, validateFeatureStoreArgs } from "./valkey";
import { Velero, validateVeleroArgs } from "./velero";

/** Stands in for the issuer cert-manager makes, when checking the store's arguments. */
const PLACEHOLDER_ISSUER = { name: "seawall-ca-issuer", kind: "ClusterIssuer" as const };

/** The settings of the brought cluster the target runs on, when the platform's args give one. */
function broughtCluster(args: DataPlatformArgs): ExistingKubernetesSettings | undefined {
  const choice = kubernetesChoice(args);
  return choice?.form === "existing" ? choice.settings : undefined;
}

/** The workloads with their own Kafka user: `KAFKA_USERNAME` and the KafkaUser Secret's password. */
export function workloadsWithKafkaUsers(workloads: readonly StageWorkload[]): StageWorkload[] {
  return workloads.map((w) => {
    const user = kafkaUsersForWorkloads([w])[0];
    if (!user) return { ...w };
    return {
      ...w,
      env: { ...w.env, KAFKA_USERNAME: user.name },
      secretEnv: { ...w.secretEnv, KAFKA_PASSWORD: { name: user.name, key: "password" } },
    };
  });
}

/** Every problem with a `kubernetes` platform's arguments, named as the platform's fields. */
export function validateKubernetesPlatformArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const problems: Problem[] = [];
  const s = broughtCluster(args);
  if (!s) {
    problems.push({
      code: "SEAWALL_PLATFORM_KUBERNETES_TARGET",
      field: "kubernetes",
      value: args.kubernetes,
      fix: "the kubernetes target runs on your cluster: give kubernetes: { existing: { kubeconfig, image, monitoring: { args: { alertWebhookUrl } } } }",
    });
    return problems;
  }
  problems.push(...kubernetesSettingProblems(args, "webhook", { broughtAirflow: true }));
  const auth = args.eventStream?.clientAuthentication;
  if (auth !== undefined && auth !== "scram") {
    problems.push({
      code: "SEAWALL_PLATFORM_KUBERNETES_TARGET",
      field: "eventStream.clientAuthentication",
      value: auth,
      fix: 'Strimzi authenticates the workers with SCRAM-SHA-512 users (a KafkaUser each); set it to "scram" or leave it unset',
    });
  }
  const t = args.kubernetesTarget ?? {};
  const environment = profile.environment;
  const workloads = pipelineWorkloads(s) ?? [...DEFAULT_PIPELINE_WORKLOADS];
  const topics = args.eventStream?.topics ?? [];
  problems.push(
    ...problemsUnder("eventStream", () =>
      validateEventStreamArgs({
        environment,
        topics,
        users: kafkaUsersForWorkloads(workloads),
        ...(t.storageClassName ? { storageClassName: t.storageClassName } : {}),
      }),
    ),
    ...problemsUnder("kubernetesTarget", () =>
      validateCertManagerArgs({ environment, ...(t.issuerRef ? { issuerRef: t.issuerRef } : {}) }),
    ),
    ...problemsUnder("featureStore", () => validateFeatureStoreArgs({ environment })),
    ...problemsUnder("kubernetesTarget", () =>
      validateObjectStoreArgs({ ...objectStoreSettings(args, profile), issuerRef: PLACEHOLDER_ISSUER }),
    ),
    ...problemsUnder("kubernetesTarget", () =>
      validateVeleroArgs({
        environment,
        ...(t.csiSnapshotClass ? { csiSnapshotClass: t.csiSnapshotClass } : {}),
      }),
    ),
    ...(airflowWanted({ form: "existing", settings: s }, true)
      ? problemsUnder("kubernetes.existing.airflow", () => validateAirflowDatabaseArgs({ environment }))
      : []),
  );
  return problems;
}

/** The object store's arguments from the platform's settings (the provider and issuer aside). */
function objectStoreSettings(args: DataPlatformArgs, profile: Profile): Omit<ObjectStoreArgs, "provider"> {
  const t: KubernetesTargetSettings = args.kubernetesTarget ?? {};
  const replication = args.objectStore?.replication ?? profile.objectStore.replication;
  const existing = t.objectStore?.existing;
  return {
    environment: profile.environment,
    ...(existing ? { existing } : {}),
    prefix: args.objectStore?.prefix ?? "",
    workersNamespace: DEFAULT_WORKLOAD_NAMESPACE,
    ...(t.storageClassName ? { storageClass: t.storageClassName } : {}),
    // With replication on and no replica, the store's validation says what SeaweedFS offers.
    ...(t.replica ? { replica: t.replica } : replication ? {} : { replica: false as const }),
    ...(args.objectStore?.replicationTimeControl !== undefined
      ? { replicationTimeControl: args.objectStore.replicationTimeControl }
      : {}),
  };
}

/**
 * Builds the `kubernetes` target's platform on the brought cluster, children of `parent`. The
 * monitoring stack comes first (the stores' PodMonitors and rules need its CRDs), cert-manager
 * next (the stores' certificates), then the stores in the workers' namespace (Strimzi's event
 * stream makes it), then the pipeline on their contracts.
 */
export function buildKubernetesPlatform(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
): PlatformOutputs {
  const s = broughtCluster(args)!;
  const t = args.kubernetesTarget ?? {};
  const environment = profile.environment;
  const storage = t.storageClassName ? { storageClassName: t.storageClassName } : {};
  const cluster = existingClusterOutputs(
    `${name}-cluster`,
    { kubeconfig: s.kubeconfig, ...(s.context ? { context: s.context } : {}) },
    parent,
  );
  const provider = cluster.provider;
  const topics: KafkaTopic[] = args.eventStream?.topics ?? [];
  const workloads = workloadsWithKafkaUsers(pipelineWorkloads(s) ?? [...DEFAULT_PIPELINE_WORKLOADS]);

  const monitoringSettings = s.monitoring ?? { args: {} };
  const monitoring =
    "args" in monitoringSettings
      ? new MonitoringStack(
          `${name}-monitoring`,
          {
            provider,
            environment,
            receiver: { webhook: { url: pulumi.secret(monitoringSettings.args.alertWebhookUrl ?? "") } },
            controlPlane: "self-managed",
            ...storage,
          },
          { parent },
        )
      : undefined;
  const monitoringNamespace =
    monitoring?.namespace ??
    ("existing" in monitoringSettings ? monitoringSettings.existing.namespace : "monitoring");
  const afterMonitoring = monitoring ? [monitoring] : [];

  const certManager = new CertManager(
    `${name}-cert-manager`,
    { provider, environment, ...(t.issuerRef ? { issuerRef: t.issuerRef } : {}) },
    { parent, ...childrenDependOn(afterMonitoring) },
  );
  const events = new EventStream(
    `${name}-events`,
    {
      provider,
      environment,
      topics,
      users: kafkaUsersForWorkloads(workloads),
      namespace: DEFAULT_WORKLOAD_NAMESPACE,
      ...storage,
      monitoringDependsOn: monitoring ? [monitoring.release] : [],
    },
    { parent },
  );
  // The workers' namespace is the event stream's: everything else in it waits for it.
  const inWorkers = [events, certManager, ...afterMonitoring];
  const features = new FeatureStore(
    `${name}-features`,
    { provider, environment, issuerRef: certManager.issuerRef, monitoringNamespace, ...storage },
    { parent, ...childrenDependOn(inWorkers) },
  );
  const store = new ObjectStore(
    `${name}-lake`,
    {
      provider,
      ...objectStoreSettings(args, profile),
      issuerRef: certManager.issuerRef,
    },
    { parent, ...childrenDependOn(inWorkers) },
  );
  if (store.backupStore) {
    new Velero(
      `${name}-velero`,
      {
        provider,
        environment,
        store: store.backupStore,
        ...(t.csiSnapshotClass ? { csiSnapshotClass: t.csiSnapshotClass } : {}),
      },
      { parent, ...childrenDependOn([store, ...afterMonitoring]) },
    );
  }

  // What the workers read from the stores' Secrets, in their namespace.
  const secretEnv = {
    KAFKA_CA_CERT: events.caSecret,
    ...features.workerSecretEnv,
    ...(store.credentialsSecret
      ? {
          AWS_ACCESS_KEY_ID: { name: store.credentialsSecret.name, key: "AWS_ACCESS_KEY_ID" },
          AWS_SECRET_ACCESS_KEY: { name: store.credentialsSecret.name, key: "AWS_SECRET_ACCESS_KEY" },
        }
      : {}),
    ...(store.caSecret ? { LAKE_CA_CERT: { name: store.caSecret.name, key: store.caSecret.key } } : {}),
  };
  // The password is read from the Valkey Secret (secretEnv), not copied into the workers' own.
  const redis: RedisConnection = { ...features.connection, authSecret: undefined };

  const choice = { form: "existing" as const, settings: s };
  const airflow = airflowWanted(choice, true)
    ? kubernetesAirflowSupport(parent, name, provider, profile, store, afterMonitoring)
    : undefined;
  const pipelineArgs = platformPipelineArgs(
    { ...s, workloads: workloads as never },
    cluster,
    profile,
    { kafka: events.connection, redis, lake: store.location, topics },
    airflow,
  );
  const pipeline = new Pipeline(
    `${name}-pipeline`,
    {
      ...pipelineArgs,
      workloads,
      secretEnv,
      createNamespace: false,
      monitoring: { existing: { namespace: monitoringNamespace } },
    },
    { parent, ...childrenDependOn([events, features, store, ...afterMonitoring]) },
  );

  // The replica's bucket and site, as the clouds' locations name theirs.
  const location = pulumi.output({
    ...store.location,
    ...(t.replica && args.replicaRegion
      ? { replica: { bucket: t.replica.bucket, region: args.replicaRegion } }
      : {}),
  });
  return {
    objectStore: location,
    bucketUri: location.apply((l) => `s3://${l.bucket}/${l.prefix}`),
    kafka: pulumi.output(events.connection),
    redis: pulumi.output(features.connection),
    kmsKeys: {},
    kubernetes: {
      provider,
      kubeconfig: cluster.kubeconfig,
      clusterName: cluster.clusterName,
      namespace: pipeline.namespace,
      monitoringNamespace,
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
    },
  };
}

/**
 * Airflow's support on the `kubernetes` target: its database on CloudNativePG, no cloud identity
 * (the cluster has none), and task logs to the object store's `logs/` with its S3 keys (a
 * connection holding credentials: Airflow keeps it in a Secret).
 */
function kubernetesAirflowSupport(
  parent: pulumi.Resource,
  name: string,
  provider: ClusterOutputs["provider"],
  profile: Profile,
  store: ObjectStore,
  after: pulumi.Resource[],
): AirflowCloudSupport {
  const backupStore = store.backupStore!;
  const database = new AirflowDatabase(
    `${name}-airflow-db`,
    { provider, environment: profile.environment, backupStore },
    { parent, ...childrenDependOn([store, ...after]) },
  );
  const location = store.location;
  return {
    database: database.database,
    identity: {
      kind: "none",
      namespace: DEFAULT_AIRFLOW_NAMESPACE,
      serviceAccountName: AIRFLOW_SERVICE_ACCOUNT,
      cloudIdentity: pulumi.output(""),
      serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
      podLabels: {},
    },
    logging: {
      baseLogFolder: pulumi.output(`s3://${location.bucket}/${AIRFLOW_LOGS_PREFIX.replace(/\/$/, "")}`),
      connectionId: "aws_default",
      connection: pulumi.all([backupStore.accessKeyId, backupStore.secretAccessKey]).apply(([id, key]) =>
        JSON.stringify({
          conn_type: "aws",
          login: id,
          password: key,
          extra: {
            endpoint_url: location.endpoint,
            region_name: location.region,
            ...(backupStore.issuerRef ? { verify: AIRFLOW_STORE_CA_FILE } : {}),
          },
        }),
      ),
      connectionHasCredentials: true,
      ...(backupStore.issuerRef ? { caIssuer: backupStore.issuerRef } : {}),
    },
  };
}
