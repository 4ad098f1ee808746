/**
 * `seawall:kubernetes:Airflow`: Airflow 3 from the official chart on any cluster, its metadata
 * database and task-log bucket from the cloud's layer (an {@link AirflowCloudSupport}), running
 * Seawall's maintenance DAGs (restore drill, compaction, feature backups, backfills) as pods of the
 * runtime image in the stage workers' namespace.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { EnvironmentName } from "../profiles";
import { isKnown, Problems } from "../validation";
import {
  AIRFLOW_SERVICE_ACCOUNT,
  type AirflowCloudSupport,
  DEFAULT_AIRFLOW_NAMESPACE,
  type MaintenancePods,
} from "./airflowContract";
import { readDagFiles } from "./airflowDags";
import {
  brokerUrl,
  fernetKey,
  metadataConnection,
  pgbouncerIni,
  pgbouncerStatsConnection,
  pgbouncerUsers,
  renderAirflowNamespace,
  renderAirflowNetworkPolicies,
  renderAirflowServiceAccount,
  renderAirflowServiceMonitors,
  renderDagsConfigMap,
} from "./airflowRender";
import { renderAirflowPrometheusRule } from "./airflowRules";
import {
  AIRFLOW_CHART_REPO,
  AIRFLOW_CHART_VERSION,
  AIRFLOW_EXECUTORS,
  AIRFLOW_RELEASE,
  AIRFLOW_SECRETS,
  AIRFLOW_VERSION,
  type AirflowExecutor,
  airflowValues,
} from "./airflowValues";
import { checkKubernetesName } from "./clusterProvider";
import type { KubeObject } from "./stageWorkersRender";
import { childOptions, customResource, k8sArgs } from "./kubeResources";
import { renderTrustCertificate } from "./objectStoreValues";

export interface AirflowArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** Sizes replicas and resources (`AIRFLOW_PROFILES`). */
  environment: EnvironmentName;
  /** The metadata database, the identity and the task-log location, from the cloud's layer. */
  support: AirflowCloudSupport;
  /** Where the DAGs run the runtime image (the stage workers' `maintenancePods`). */
  maintenance: pulumi.Input<MaintenancePods>;
  /** The namespace Prometheus runs in: it scrapes the exporters and loads the alert rules. */
  monitoringNamespace: string;
  /**
   * Airflow's namespace; the cloud bound {@link AIRFLOW_SERVICE_ACCOUNT} there to the identity.
   * @defaultValue the identity's namespace ({@link DEFAULT_AIRFLOW_NAMESPACE})
   */
  namespace?: string;
  /**
   * `KubernetesExecutor` (a pod per task, nothing idle) or `CeleryExecutor` (standing workers that
   * KEDA scales on the queued tasks in the metadata database; needs KEDA on the cluster).
   * @defaultValue "KubernetesExecutor"
   */
  executor?: AirflowExecutor;
  /** KEDA's namespace, for the Celery workers' scaler to reach the database. @defaultValue "keda" */
  kedaNamespace?: string;
  /** The official image's tag. @defaultValue {@link AIRFLOW_VERSION}, the chart's appVersion */
  airflowTag?: string;
  /**
   * NetworkPolicy peers allowed to open Airflow's API server and UI (an ingress controller's
   * namespace). @defaultValue none: reach it with `kubectl port-forward` (see the README)
   */
  apiServerClients?: kubernetes.types.input.networking.v1.NetworkPolicyPeer[];
  /** The StorageClass of Celery's Redis volume. @defaultValue the cluster's default */
  storageClassName?: string;
}

/** Checks {@link AirflowArgs} and throws one error listing every problem. */
export function validateAirflowArgs(
  args: Pick<AirflowArgs, "executor" | "namespace" | "airflowTag" | "kedaNamespace"> & {
    identity?: { namespace: string; serviceAccountName: string };
  },
): void {
  const p = new Problems();
  if (args.executor !== undefined && !(AIRFLOW_EXECUTORS as readonly string[]).includes(args.executor)) {
    p.add(
      "SEAWALL_K8S_AIRFLOW_EXECUTOR",
      "executor",
      args.executor,
      `use one of ${AIRFLOW_EXECUTORS.join(", ")}`,
    );
  }
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  if (args.kedaNamespace !== undefined) checkKubernetesName(p, "kedaNamespace", args.kedaNamespace);
  const identity = args.identity;
  if (identity && args.namespace !== undefined && identity.namespace !== args.namespace) {
    p.add(
      "SEAWALL_K8S_AIRFLOW_IDENTITY",
      "namespace",
      args.namespace,
      `the cloud bound Airflow's identity to ${identity.namespace}/${identity.serviceAccountName}; run Airflow in ${identity.namespace}`,
    );
  }
  if (identity && identity.serviceAccountName !== AIRFLOW_SERVICE_ACCOUNT) {
    p.add(
      "SEAWALL_K8S_AIRFLOW_IDENTITY",
      "support.identity.serviceAccountName",
      identity.serviceAccountName,
      `every Airflow component runs as ${AIRFLOW_SERVICE_ACCOUNT}; bind that service account`,
    );
  }
  if (
    args.airflowTag !== undefined &&
    isKnown(args.airflowTag) &&
    !/^3\.\d+\.\d+(-[\w.]+)?$/.test(args.airflowTag)
  ) {
    p.add(
      "SEAWALL_K8S_AIRFLOW_TAG",
      "airflowTag",
      args.airflowTag,
      `use an Airflow 3 release tag of the official image (e.g. ${AIRFLOW_VERSION}); the chart's values are written for Airflow 3`,
    );
  }
  p.throwIfAny("seawall:kubernetes:Airflow");
}

/**
 * Airflow from the official chart (`kubernetes:helm.sh/v3:Release`, pinned to
 * {@link AIRFLOW_CHART_VERSION}) in its own `restricted` namespace: the API server, schedulers, DAG
 * processors and triggerers (two each outside dev, with PDBs), PgBouncer to the cloud's database,
 * remote task logs, statsd metrics with Seawall's alert rules, and the maintenance DAGs.
 *
 * No user exists after install: the generated admin password is in the Secret
 * `seawall-airflow-admin` (output `adminPasswordSecret`); the README says how to create the user
 * with it and open the UI. The fernet key, API secret key and JWT secret are generated once as
 * Pulumi secrets, so `pulumi up` never rotates them.
 */
export class Airflow extends pulumi.ComponentResource {
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;
  /** The Secret (in {@link namespace}) holding the generated admin password under `password`. */
  readonly adminPasswordSecret: string;
  /** The API server's Service, `<name>.<namespace>:8080`. */
  readonly apiServerService: string;

  constructor(name: string, args: AirflowArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:Airflow", name, {}, opts);
    const identity = args.support.identity;
    validateAirflowArgs({ ...args, identity });
    const namespace = args.namespace ?? identity.namespace ?? DEFAULT_AIRFLOW_NAMESPACE;
    const executor = args.executor ?? "KubernetesExecutor";
    const provider = args.provider;
    this.namespace = namespace;
    this.adminPasswordSecret = AIRFLOW_SECRETS.admin.name;
    this.apiServerService = `${AIRFLOW_RELEASE}-api-server.${namespace}`;
    const child = childOptions(this, provider);

    const ns = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      k8sArgs(renderAirflowNamespace(namespace), []),
      child(),
    );
    const account = new kubernetes.core.v1.ServiceAccount(
      `${name}-service-account`,
      k8sArgs(
        identity.serviceAccountAnnotations.apply((a) =>
          renderAirflowServiceAccount(namespace, AIRFLOW_SERVICE_ACCOUNT, a),
        ),
        ["automountServiceAccountToken"],
      ),
      child([ns]),
    );

    // Generated once and kept in the stack's state: an upgrade never rotates them.
    const generated = (id: string, length: number) =>
      new random.RandomPassword(`${name}-${id}`, { length, special: false }, { parent: this }).result;
    const fernet = new random.RandomBytes(
      `${name}-fernet-key`,
      { length: 32 },
      { parent: this },
    ).base64.apply(fernetKey);
    const secret = (
      id: string,
      secretName: string,
      data: pulumi.Input<Record<string, pulumi.Input<string>>>,
    ) =>
      new kubernetes.core.v1.Secret(
        `${name}-${id}`,
        {
          metadata: {
            name: secretName,
            namespace,
            labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
          },
          type: "Opaque",
          stringData: pulumi.secret(pulumi.output(data)),
        },
        child([ns]),
      );
    const db = args.support.database;
    const celery = executor === "CeleryExecutor";
    const secrets = [
      secret("fernet-key", AIRFLOW_SECRETS.fernetKey.name, { [AIRFLOW_SECRETS.fernetKey.key]: fernet }),
      secret("api-secret-key", AIRFLOW_SECRETS.apiSecretKey.name, {
        [AIRFLOW_SECRETS.apiSecretKey.key]: generated("api-secret-key", 64),
      }),
      secret("jwt-secret", AIRFLOW_SECRETS.jwtSecret.name, {
        [AIRFLOW_SECRETS.jwtSecret.key]: generated("jwt-secret", 64),
      }),
      secret("admin", AIRFLOW_SECRETS.admin.name, {
        username: "admin",
        [AIRFLOW_SECRETS.admin.key]: generated("admin-password", 32),
      }),
      secret("metadata", AIRFLOW_SECRETS.metadata.name, {
        [AIRFLOW_SECRETS.metadata.key]: db.password.apply((pw) => metadataConnection(db, pw, namespace)),
      }),
      secret("pgbouncer-config", AIRFLOW_SECRETS.pgbouncerConfig.name, {
        [AIRFLOW_SECRETS.pgbouncerConfig.key]: db.host.apply((host) =>
          pgbouncerIni({ ...db, host, hasCa: db.caCert !== undefined }, executor),
        ),
        "users.txt": db.password.apply((pw) => pgbouncerUsers(db.username, pw)),
      }),
      secret("pgbouncer-stats", AIRFLOW_SECRETS.pgbouncerStats.name, {
        [AIRFLOW_SECRETS.pgbouncerStats.key]: db.password.apply((pw) => pgbouncerStatsConnection(db, pw)),
      }),
    ];
    if (celery) {
      const redisPassword = generated("redis-password", 32);
      secrets.push(
        secret("redis-password", AIRFLOW_SECRETS.redisPassword.name, {
          [AIRFLOW_SECRETS.redisPassword.key]: redisPassword,
        }),
        secret("broker-url", AIRFLOW_SECRETS.brokerUrl.name, {
          [AIRFLOW_SECRETS.brokerUrl.key]: redisPassword.apply((pw) => brokerUrl(pw, namespace)),
        }),
        secret("result-backend", AIRFLOW_SECRETS.resultBackend.name, {
          [AIRFLOW_SECRETS.resultBackend.key]: db.password.apply((pw) =>
            metadataConnection(db, pw, namespace, "db+postgresql"),
          ),
        }),
      );
    }

    const logging = args.support.logging;
    if (logging.connectionHasCredentials) {
      secrets.push(
        secret("log-connection", AIRFLOW_SECRETS.logConnection.name, {
          [AIRFLOW_SECRETS.logConnection.key]: logging.connection,
        }),
      );
    }
    // A private CA for the log store: a certificate of its issuer here carries it (ca.crt).
    const storeCaSecret = logging.caIssuer ? "seawall-airflow-store-ca" : undefined;
    const trust: pulumi.Resource[] = [];
    if (logging.caIssuer && storeCaSecret) {
      const cert = renderTrustCertificate(namespace, storeCaSecret, logging.caIssuer);
      trust.push(
        customResource(
          `${name}-store-ca`,
          { apiVersion: cert.apiVersion, kind: cert.kind },
          pulumi.output(undefined).apply((): KubeObject => cert),
          child([ns]),
        ),
      );
    }
    const dagsConfigMap = "seawall-airflow-dags";
    const dags = new kubernetes.core.v1.ConfigMap(
      `${name}-dags`,
      k8sArgs(renderDagsConfigMap(namespace, dagsConfigMap, readDagFiles()), ["data"]),
      child([ns]),
    );
    for (const [i, obj] of renderAirflowNetworkPolicies(namespace, executor, {
      monitoringNamespace: args.monitoringNamespace,
      kedaNamespace: args.kedaNamespace ?? "keda",
      apiServerClients: (args.apiServerClients ?? []) as Record<string, unknown>[],
    }).entries()) {
      new kubernetes.networking.v1.NetworkPolicy(
        `${name}-${obj.metadata.name.replace(/^seawall-airflow-/, "") || String(i)}`,
        k8sArgs(obj, ["spec"]),
        child([ns]),
      );
    }

    // The values hold no secret: every credential is in the Secrets above, referenced by name.
    const values = pulumi
      .all([
        pulumi.unsecret(pulumi.output(args.maintenance)),
        args.support.logging.baseLogFolder,
        logging.connectionHasCredentials ? pulumi.output(undefined) : pulumi.unsecret(logging.connection),
        db.caCert ?? pulumi.output(undefined),
        pulumi.output(args.support.logging.environment ?? {}),
      ])
      .apply(([maintenance, baseLogFolder, connection, ca, environment]) =>
        airflowValues({
          environment: args.environment,
          executor,
          airflowTag: args.airflowTag ?? AIRFLOW_VERSION,
          serviceAccountName: AIRFLOW_SERVICE_ACCOUNT,
          podLabels: identity.podLabels,
          logging: {
            baseLogFolder,
            connectionId: logging.connectionId,
            ...(connection !== undefined ? { connection } : {}),
            environment,
          },
          dagsConfigMap,
          maintenance,
          ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
          ...(ca ? { databaseCa: ca } : {}),
          ...(storeCaSecret ? { storeCaSecret } : {}),
        }),
      );
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: AIRFLOW_RELEASE,
        chart: "airflow",
        version: AIRFLOW_CHART_VERSION,
        repositoryOpts: { repo: AIRFLOW_CHART_REPO },
        namespace,
        values,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
        // The database migration runs as a Helm hook; first installs take minutes.
        timeout: 1200,
      },
      child([ns, account, dags, ...secrets, ...trust]),
    );
    // The custom resources need the prometheus-operator CRDs: they take the maintenance pods'
    // dependencies (the workers, which wait for the monitoring chart) through their Output.
    const afterWorkers = <T>(obj: T) => pulumi.output(args.maintenance).apply(() => obj);
    const monitoring = [
      ...renderAirflowServiceMonitors(namespace),
      renderAirflowPrometheusRule("seawall-airflow", namespace),
    ];
    for (const obj of monitoring) {
      customResource(
        `${name}-${obj.kind === "PrometheusRule" ? "rules" : obj.metadata.name.replace(/^seawall-airflow-/, "")}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        afterWorkers(obj),
        child([ns]),
      );
    }
    this.registerOutputs({
      namespace,
      release: this.release.status,
      adminPasswordSecret: this.adminPasswordSecret,
      apiServerService: this.apiServerService,
    });
  }
}
