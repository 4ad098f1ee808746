/**
 * The cloud-neutral contract between a cloud's layer and `seawall:kubernetes:Airflow`: the metadata
 * database the cloud built for Airflow (RDS PostgreSQL, Cloud SQL, Azure Database for PostgreSQL
 * flexible server, or CloudNativePG on a plain cluster), the workload identity every Airflow
 * service account runs as, and where Airflow writes its task logs (the platform's object store,
 * under {@link AIRFLOW_LOGS_PREFIX}). Types only: no `@pulumi/kubernetes` here.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadIdentity } from "./clusterContract";

/** The namespace Airflow runs in unless told otherwise. */
export const DEFAULT_AIRFLOW_NAMESPACE = "airflow";

/**
 * The one Kubernetes service account every Airflow component (API server, scheduler, DAG
 * processor, triggerer, workers, pods of the KubernetesExecutor) runs as, so one cloud binding
 * gives them all the log bucket.
 */
export const AIRFLOW_SERVICE_ACCOUNT = "airflow";

/** Where Airflow's remote task logs go in the platform's object store. */
export const AIRFLOW_LOGS_PREFIX = "logs/";

/** Where Airflow's pods find the log store's CA when it comes from an issuer (`AirflowRemoteLogging.caIssuer`). */
export const AIRFLOW_STORE_CA_FILE = "/opt/airflow/seawall-store-ca/ca.crt";

/** The metadata database's name on the server. */
export const AIRFLOW_DATABASE_NAME = "airflow";

/** The role Airflow logs in as. */
export const AIRFLOW_DATABASE_USER = "airflow";

/** Airflow's metadata database, as the cloud built it: private, encrypted, backed up, TLS only. */
export interface AirflowDatabase {
  /** The server's private address (DNS name or IP) inside the cluster's network. */
  host: pulumi.Output<string>;
  /** @defaultValue 5432 */
  port: number;
  /** The database's name. @defaultValue {@link AIRFLOW_DATABASE_NAME} */
  database: string;
  /** The role Airflow logs in as (on Azure, without an `@server` suffix: flexible servers take none). */
  username: string;
  /** The role's password: a Pulumi secret, generated once (`random.RandomPassword`) so updates keep it. */
  password: pulumi.Output<string>;
  /**
   * The libpq `sslmode` the server requires Airflow to connect with: `require` (encrypted; the
   * cloud's CA is not mounted) or `verify-full` with {@link caCert}.
   */
  sslMode: "require" | "verify-ca" | "verify-full";
  /** The server's CA bundle (PEM), for `verify-ca` and `verify-full`. */
  caCert?: pulumi.Output<string>;
}

/**
 * Where Airflow's task logs go and how Airflow reaches them: Airflow's `[logging]`
 * `remote_base_log_folder` and `remote_log_conn_id`, and the connection itself (no key in it: the
 * provider's hook finds the pod's workload identity).
 */
export interface AirflowRemoteLogging {
  /** `s3://<bucket>/logs`, `gs://<bucket>/logs`, or `wasb://<container>@<account>.blob.core.windows.net/logs`. */
  baseLogFolder: pulumi.Output<string>;
  /** The connection id, e.g. `aws_default`, `google_cloud_default`, `wasb_default`. */
  connectionId: string;
  /**
   * The connection as Airflow's JSON form (`{"conn_type": ..., "extra": {...}}`), set as
   * `AIRFLOW_CONN_<ID>`; with workload identity it holds no credential.
   */
  connection: pulumi.Output<string>;
  /**
   * The connection holds a credential (an S3-compatible store's keys, no workload identity): it
   * goes into a Kubernetes Secret the pods read, not into the chart's values. @defaultValue false
   */
  connectionHasCredentials?: boolean;
  /**
   * The log store's certificate comes from this cert-manager issuer (a private CA: SeaweedFS on the
   * `kubernetes` target). Airflow's pods then get its CA at {@link AIRFLOW_STORE_CA_FILE}, which the
   * connection's `verify` must name. @defaultValue none: the public roots
   */
  caIssuer?: { name: string; kind: "Issuer" | "ClusterIssuer"; group: string };
  /**
   * More Airflow settings the provider's log handler reads, as variables for every Airflow
   * container (on Azure, `AIRFLOW__AZURE_REMOTE_LOGGING__REMOTE_WASB_LOG_CONTAINER`: Airflow takes
   * the container from it, not from the folder). None of them a credential. @defaultValue {}
   */
  environment?: Record<string, pulumi.Input<string>>;
}

/** What a cloud's layer gives the Airflow component. */
export interface AirflowCloudSupport {
  database: AirflowDatabase;
  /**
   * The identity {@link AIRFLOW_SERVICE_ACCOUNT} in the Airflow namespace is bound to: it may read
   * and write the object store's {@link AIRFLOW_LOGS_PREFIX}, nothing else.
   */
  identity: WorkloadIdentity;
  logging: AirflowRemoteLogging;
}

/**
 * Where Airflow's maintenance DAGs start the runtime image (`restore-drill`, `compact`, ...): in the
 * stage workers' namespace, as their service account (their cloud identity), with their
 * environment; `StageWorkers` makes these and lets Airflow's service account launch the pods.
 */
export interface MaintenancePods {
  /** The runtime image (the stage workers'). */
  image: string;
  /** The workers' namespace: the pods run there, as the workers' service account. */
  namespace: string;
  serviceAccountName: string;
  /** Labels the pods carry (the workload identity's, e.g. AKS's `azure.workload.identity/use`). */
  podLabels: Record<string, string>;
  /** The ConfigMap with the runtime's environment (LAKE_*, REDIS_*). */
  envConfigMap: string;
  /** The variables the pods read from Secrets (REDIS_AUTH, a CA...), by name: `{ name, key }` of each. */
  secretEnv: Record<string, { name: string; key: string }>;
}
