/**
 * What the GCP layer gives `seawall:kubernetes:Airflow` (`AirflowCloudSupport`): the metadata
 * database on Cloud SQL for PostgreSQL, the Workload Identity of Airflow's service account (a Google
 * service account that may use the lake bucket's `logs/` prefix and nothing else), and remote task
 * logging to that prefix.
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  AIRFLOW_LOGS_PREFIX,
  AIRFLOW_SERVICE_ACCOUNT,
  type AirflowCloudSupport,
  type AirflowRemoteLogging,
  DEFAULT_AIRFLOW_NAMESPACE,
} from "../kubernetes/airflowContract";
import { annotatedWorkloadIdentity } from "../kubernetes/clusterProvider";
import type { WorkloadIdentity } from "../kubernetes/clusterContract";
import type { Profile } from "../profiles";
import { type Problem, problemsUnder } from "../validation";
import { AirflowDatabase } from "./airflowDatabase";
import {
  AIRFLOW_DATABASE_SIZES,
  type AirflowDatabaseArgs,
  type AirflowPostgresVersion,
  type AvailabilityType,
  type ExistingPrivateServiceAccess,
  serviceAccountId,
  validateAirflowDatabaseArgs,
} from "./airflowDatabaseConfig";
import { WORKLOAD_IDENTITY_USER } from "./cluster";
import { platformKmsKey } from "./platformServices";

/** The role Airflow's service account holds on the lake bucket, limited to {@link AIRFLOW_LOGS_PREFIX}. */
export const AIRFLOW_LOGS_ROLE = "roles/storage.objectUser";

/** Settings of the metadata database that override the profile's. */
export interface GcpAirflowDatabaseSettings {
  /** The PostgreSQL major. @defaultValue "POSTGRES_17" */
  databaseVersion?: AirflowPostgresVersion;
  /** The Cloud SQL tier. @defaultValue the profile's: db-custom-1-3840 in dev, db-custom-2-7680 in staging and prod */
  tier?: string;
  /** A standby in another zone. @defaultValue the profile's: "ZONAL" in dev, "REGIONAL" in staging and prod */
  availabilityType?: AvailabilityType;
}

/** What the GCP platform built that Airflow's database, identity and logs use. */
export interface GcpAirflowSupportArgs {
  /** The platform's VPC network (`gcpNetwork.networkId`): the database's private IP is in it. */
  networkId: pulumi.Input<string>;
  /**
   * The network's private service access, when it has one (the Network component's
   * `privateServiceAccess` and `privateServiceAccessRange`, made when the feature store's
   * connectivity is `redis`; or a brought network's). A network has only one: when it has none, the
   * database creates it (a /20 at 10.10.48.0).
   * @defaultValue none: the database creates the range and the connection
   */
  privateServiceAccess?: ExistingPrivateServiceAccess;
  /**
   * The GKE cluster Airflow runs on (`GkeCluster.cluster`): the Workload Identity binding waits for
   * it, since the project's workload pool exists only once a cluster enables it.
   * @defaultValue none: the pool is assumed to exist
   */
  cluster?: pulumi.Resource;
  /** The lake bucket's name (`ObjectStore.bucketName`): Airflow writes its task logs under `logs/` there. */
  lakeBucket: pulumi.Input<string>;
  /** The platform's region: the database and its key are there. */
  region: string;
  /** The project. @defaultValue the provider's project (`gcp:project`) */
  project?: string;
  /** Overrides of the database's size. @defaultValue the profile's */
  database?: GcpAirflowDatabaseSettings;
}

/** The database's arguments: the profile's size, backups and protection, then the team's settings. */
export function airflowDatabaseArgs(
  args: GcpAirflowSupportArgs,
  profile: Profile,
  labels: Record<string, string>,
): AirflowDatabaseArgs {
  return {
    network: args.networkId,
    privateServiceAccess: args.privateServiceAccess ? { existing: args.privateServiceAccess } : { args: {} },
    region: args.region,
    project: args.project,
    ...AIRFLOW_DATABASE_SIZES[profile.environment],
    ...Object.fromEntries(Object.entries(args.database ?? {}).filter(([, v]) => v !== undefined)),
    // One automated backup a day, kept as long as the profile keeps daily backups.
    retainedBackups: profile.backup.dailyRetentionDays,
    kmsKey: platformKmsKey(profile),
    protect: profile.deletionProtection,
    labels,
  };
}

/**
 * Every problem with the database the platform would build, named under `airflow.database`
 * (`airflow.database.tier`). The network's id is a placeholder here.
 */
export function validateGcpAirflowSupportArgs(
  args: Pick<GcpAirflowSupportArgs, "region" | "project" | "database">,
  profile: Profile,
): Problem[] {
  const placeholder: GcpAirflowSupportArgs = {
    ...args,
    networkId: "projects/placeholder/global/networks/placeholder",
    lakeBucket: "placeholder",
  };
  return problemsUnder("airflow.database", () =>
    validateAirflowDatabaseArgs(airflowDatabaseArgs(placeholder, profile, {})),
  );
}

/**
 * Builds Airflow's database, identity and remote logging on GCP, children of `parent`, named after
 * `name`: `<name>-airflow-db` (`seawall:gcp:AirflowDatabase`), `<name>-airflow` (the Google service
 * account), `<name>-airflow-workload-identity` and `<name>-airflow-logs` (its grants).
 */
export function buildGcpAirflowSupport(
  parent: pulumi.Resource,
  name: string,
  args: GcpAirflowSupportArgs,
  profile: Profile,
  labels: Record<string, string>,
): AirflowCloudSupport {
  const database = new AirflowDatabase(`${name}-airflow-db`, airflowDatabaseArgs(args, profile, labels), {
    parent,
  });
  const project =
    args.project ??
    gcp.config.project ??
    gcp.organizations.getProjectOutput({}, { parent }).apply((p) => p.projectId ?? "");
  return {
    database: database.connection,
    identity: airflowIdentity(parent, name, args, profile, project),
    logging: gcsRemoteLogging(args.lakeBucket, project),
  };
}

/**
 * The IAM condition that limits a bucket grant to the objects under `prefix`, and to listings that
 * ask for that prefix (`storage.objects.list` is checked on the bucket, with the request's prefix
 * in the `objectListPrefix` API attribute; a listing without it is refused).
 */
export function prefixCondition(bucket: string, prefix: string): string {
  return (
    `resource.name.startsWith("projects/_/buckets/${bucket}/objects/${prefix}") || ` +
    `(resource.type == "storage.googleapis.com/Bucket" && ` +
    `api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("${prefix}"))`
  );
}

/**
 * Airflow's Workload Identity: a Google service account that only `airflow/airflow` in the cluster's
 * workload pool may act as, holding `roles/storage.objectUser` on the lake bucket under a condition
 * that limits it to `logs/`. No key grant: Cloud Storage's service agent uses the bucket's key on
 * the caller's behalf.
 */
function airflowIdentity(
  parent: pulumi.Resource,
  name: string,
  args: GcpAirflowSupportArgs,
  profile: Profile,
  project: pulumi.Input<string>,
): WorkloadIdentity {
  const namespace = DEFAULT_AIRFLOW_NAMESPACE;
  const account = new gcp.serviceaccount.Account(
    `${name}-airflow`,
    {
      accountId: serviceAccountId(name, "airflow"),
      displayName: `Seawall ${profile.environment} Airflow`,
      description: `Workload Identity of ${namespace}/${AIRFLOW_SERVICE_ACCOUNT}: Airflow's task logs under ${AIRFLOW_LOGS_PREFIX} in the lake.`,
      project: args.project,
    },
    { parent },
  );
  new gcp.serviceaccount.IAMMember(
    `${name}-airflow-workload-identity`,
    {
      serviceAccountId: account.name,
      role: WORKLOAD_IDENTITY_USER,
      member: pulumi.interpolate`serviceAccount:${project}.svc.id.goog[${namespace}/${AIRFLOW_SERVICE_ACCOUNT}]`,
    },
    { parent, dependsOn: args.cluster ? [args.cluster] : [] },
  );
  new gcp.storage.BucketIAMMember(
    `${name}-airflow-logs`,
    {
      bucket: args.lakeBucket,
      role: AIRFLOW_LOGS_ROLE,
      member: account.member,
      condition: {
        title: "airflow-task-logs",
        description: `Airflow's task logs: objects under ${AIRFLOW_LOGS_PREFIX}, and listings of that prefix`,
        expression: pulumi.output(args.lakeBucket).apply((b) => prefixCondition(b, AIRFLOW_LOGS_PREFIX)),
      },
    },
    { parent },
  );
  return annotatedWorkloadIdentity(
    "gcp-workload-identity",
    { namespace, serviceAccountName: AIRFLOW_SERVICE_ACCOUNT },
    account.email,
    "iam.gke.io/gcp-service-account",
  );
}

/**
 * Remote task logs in `gs://<bucket>/logs` through the `google_cloud_default` connection, which
 * names only the project: the Google provider's hook finds the pod's Workload Identity through
 * Application Default Credentials.
 */
export function gcsRemoteLogging(
  bucket: pulumi.Input<string>,
  project: pulumi.Input<string>,
): AirflowRemoteLogging {
  return {
    baseLogFolder: pulumi.interpolate`gs://${bucket}/${AIRFLOW_LOGS_PREFIX.replace(/\/$/, "")}`,
    connectionId: "google_cloud_default",
    connection: pulumi
      .output(project)
      .apply((p) => JSON.stringify({ conn_type: "google_cloud_platform", extra: { project: p } })),
  };
}
