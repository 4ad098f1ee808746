/**
 * Pure logic of Airflow's metadata database on Cloud SQL for PostgreSQL: the versions Airflow 3
 * supports, the machine tiers, the per-environment sizes, the database flags the CIS benchmark asks
 * for, the backup settings and the checks of the component's arguments. No Pulumi resources here,
 * so it is tested directly.
 * See https://cloud.google.com/sql/docs/postgres/admin-api/rest/v1/instances
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkPrivateCidr } from "../cidr";
import type { EnvironmentName } from "../profiles";
import { helperChoice, isKnown, Problems } from "../validation";
import { REGION } from "./eventStreamConfig";
import { NETWORK_ID } from "./featureStoreConfig";
import { checkGcpKmsKeyOption, type GcpKmsKeyOption } from "./kmsKey";

/** The PostgreSQL majors Airflow 3 supports that Cloud SQL offers (13 left community support in 2025). */
export const AIRFLOW_POSTGRES_VERSIONS = [
  "POSTGRES_14",
  "POSTGRES_15",
  "POSTGRES_16",
  "POSTGRES_17",
] as const;
export type AirflowPostgresVersion = (typeof AIRFLOW_POSTGRES_VERSIONS)[number];

/** The PostgreSQL major new instances get. */
export const DEFAULT_AIRFLOW_POSTGRES_VERSION: AirflowPostgresVersion = "POSTGRES_17";

/** `REGIONAL`: a standby in another zone of the region, synchronous, failed over to automatically. */
export const AVAILABILITY_TYPES = ["REGIONAL", "ZONAL"] as const;
export type AvailabilityType = (typeof AVAILABILITY_TYPES)[number];

/** What each environment runs unless told otherwise. */
export interface AirflowDatabaseSize {
  /** The Cloud SQL machine tier (Enterprise edition). */
  tier: string;
  availabilityType: AvailabilityType;
}

/**
 * The sizes per environment: one vCPU in a single zone for `dev`; two vCPUs with a standby in
 * another zone for `staging` and `prod`. Airflow's metadata database is small (task instances,
 * DAG runs, serialized DAGs) and reached through PgBouncer, so it needs few connections.
 */
export const AIRFLOW_DATABASE_SIZES: Record<EnvironmentName, AirflowDatabaseSize> = {
  dev: { tier: "db-custom-1-3840", availabilityType: "ZONAL" },
  staging: { tier: "db-custom-2-7680", availabilityType: "REGIONAL" },
  prod: { tier: "db-custom-2-7680", availabilityType: "REGIONAL" },
};

/**
 * Enterprise-edition tiers: shared core (`db-f1-micro`, `db-g1-small`), predefined
 * (`db-n1-standard-N`, `db-n1-highmem-N`) and custom (`db-custom-<vCPUs>-<MiB>`). Enterprise Plus
 * (`db-perf-optimized-N-*`) is not offered: the component sets `edition: "ENTERPRISE"`.
 */
const TIER = /^db-(f1-micro|g1-small|n1-(standard|highmem)-(1|2|4|8|16|32|64|96)|custom-(\d+)-(\d+))$/;

/**
 * Why a tier is refused, or `undefined` for a good one. A custom tier has 1 or an even number of
 * vCPUs up to 96, and 0.9 to 6.5 GiB of memory per vCPU in multiples of 256 MiB, 3840 MiB or more.
 * See https://cloud.google.com/sql/docs/postgres/instance-settings
 */
export function tierProblem(tier: string): string | undefined {
  const m = TIER.exec(tier);
  if (!m) {
    return 'must be an Enterprise-edition tier: "db-custom-<vCPUs>-<memory MiB>" (e.g. "db-custom-2-7680"), "db-n1-standard-N", "db-n1-highmem-N", "db-g1-small" or "db-f1-micro"';
  }
  if (m[4] === undefined) return undefined;
  const [vcpus, mib] = [Number(m[4]), Number(m[5])];
  if (vcpus < 1 || vcpus > 96 || (vcpus !== 1 && vcpus % 2 !== 0)) {
    return `a custom tier has 1 or an even number of vCPUs up to 96, not ${vcpus}`;
  }
  if (mib % 256 !== 0 || mib < 3840 || mib < 0.9 * 1024 * vcpus || mib > 6.5 * 1024 * vcpus) {
    return `a custom tier's memory is a multiple of 256 MiB, at least 3840 MiB and 0.9 to 6.5 GiB per vCPU (${Math.ceil((0.9 * 1024 * vcpus) / 256) * 256} to ${Math.floor((6.5 * 1024 * vcpus) / 256) * 256} MiB for ${vcpus}), not ${mib}`;
  }
  return undefined;
}

/**
 * The database flags of the instance: what the CIS Google Cloud Foundations Benchmark (section 6.2,
 * Cloud SQL for PostgreSQL) asks for. Connections and disconnections are logged, DDL statements
 * are logged, errors are logged at their default verbosity, and statement durations are not logged
 * (they would put query text, with its literals, in Cloud Logging).
 * `cloudsql.enable_pgaudit` is not set: it audits nothing until an administrator runs
 * `CREATE EXTENSION pgaudit` inside the database, which a deployment cannot do over private IP.
 */
export const AIRFLOW_DATABASE_FLAGS: { name: string; value: string }[] = [
  { name: "log_connections", value: "on" },
  { name: "log_disconnections", value: "on" },
  { name: "log_statement", value: "ddl" },
  { name: "log_error_verbosity", value: "default" },
  { name: "log_min_messages", value: "warning" },
  { name: "log_min_error_statement", value: "error" },
  { name: "log_min_duration_statement", value: "-1" },
  { name: "log_lock_waits", value: "on" },
];

/** The most days of transaction logs an Enterprise-edition instance keeps for point-in-time recovery. */
export const MAX_TRANSACTION_LOG_DAYS = 7;

/** A daily backup's start, `HH:MM` (UTC). */
export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A Cloud SQL instance name: lower-case letters, digits and hyphens, starting with a letter and not
 * ending with a hyphen; at most 63 characters here (Cloud SQL allows 98 with the project id).
 */
export const SQL_INSTANCE_NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Days of transaction logs kept unless told otherwise: the most the edition allows, fewer than the
 * backups kept (Cloud SQL refuses as many or more: "backup retention should be > transaction log
 * retention").
 */
export function defaultTransactionLogDays(retainedBackups: number): number {
  return Math.max(1, Math.min(MAX_TRANSACTION_LOG_DAYS, retainedBackups - 1));
}

/** Backups, as `settings.backupConfiguration` takes them. */
export function backupConfiguration(settings: {
  retainedBackups: number;
  transactionLogRetentionDays: number;
  startTime: string;
}): Record<string, unknown> {
  return {
    enabled: true,
    pointInTimeRecoveryEnabled: true,
    startTime: settings.startTime,
    transactionLogRetentionDays: settings.transactionLogRetentionDays,
    backupRetentionSettings: { retainedBackups: settings.retainedBackups, retentionUnit: "COUNT" },
  };
}

/**
 * The CA bundle a client verifies the server with: every certificate the instance trusts (the
 * current server CA, and the next one once a rotation is started), PEM, one after the other. libpq
 * (psycopg2's `sslrootcert`, PgBouncer's `server_tls_ca_file`) reads a bundle, so a CA rotation
 * needs no change on the client once the new CA is in it.
 */
export function caBundle(certs: readonly { cert?: string }[] | undefined): string {
  return (certs ?? [])
    .map((c) => (c.cert ?? "").trim())
    .filter((c) => c !== "")
    .join("\n");
}

/**
 * A Google service account id from `name` and `suffix`: lower-case letters, digits and hyphens,
 * starting with a letter, 6 to 30 characters, not ending in a hyphen (IAM's rules).
 */
export function serviceAccountId(name: string, suffix: string): string {
  let id = `${name}-${suffix}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  if (!/^[a-z]/.test(id)) id = `a${id}`;
  return id.slice(0, 30).replace(/-+$/, "").padEnd(6, "0");
}

/** Private service access the network already has: Cloud SQL takes its private IP from it. */
export interface ExistingPrivateServiceAccess {
  /**
   * The network's `servicenetworking.googleapis.com` connection (e.g. the Network component's
   * `privateServiceAccess`): the instance is created after it.
   * @defaultValue none: the connection is assumed to exist already
   */
  connection?: pulumi.Resource;
  /**
   * The allocated range the instance's address comes from (`allocatedIpRange`), e.g. the Network
   * component's `privateServiceAccessRange`.
   * @defaultValue any range allocated to the connection
   */
  allocatedIpRange?: pulumi.Input<string>;
}

/** Private service access the component creates: an allocated range and the peering connection. */
export interface PrivateServiceAccessArgs {
  /**
   * The range allocated to Google's services, an RFC 1918 network from /16 to /24 that overlaps
   * no subnet of the network (Google recommends /20 or larger).
   * @defaultValue "10.10.48.0/20"
   */
  cidr?: string;
}

/** The range allocated to private service access unless told otherwise: beside the platform's subnets. */
export const DEFAULT_PRIVATE_SERVICE_ACCESS_CIDR = "10.10.48.0/20";

/** A weekly maintenance window: `day` 1 (Monday) to 7 (Sunday), `hour` 0 to 23, UTC. */
export interface SqlMaintenanceWindow {
  day: number;
  hour: number;
}

export interface AirflowDatabaseArgs {
  /**
   * The VPC network Airflow runs in, `projects/PROJECT/global/networks/NETWORK` (the platform's
   * `gcpNetwork.networkId`). The instance gets a private IP in it and no public IP.
   */
  network: pulumi.Input<string>;
  /**
   * How the network reaches Cloud SQL's private IP: private service access (VPC peering with
   * `servicenetworking.googleapis.com`). A network has one such connection: create it here
   * (`args`), or name the one it has (`existing`, e.g. the Network component's when its feature
   * store connectivity is `redis`). No `skip`: without it the instance has no address.
   * @defaultValue { args: {} }: a /20 range at 10.10.48.0 and the connection
   */
  privateServiceAccess?: { existing: ExistingPrivateServiceAccess } | { args: PrivateServiceAccessArgs };
  /** The region of the instance and its key. @defaultValue the provider's region (`gcp:region`) */
  region?: string;
  /** The project of the instance, its key and the service agent. @defaultValue the provider's project */
  project?: string;
  /**
   * The instance's name, 1 to 63 lower-case letters, digits and hyphens, starting with a letter. A
   * deleted instance's name cannot be reused for a week.
   * @defaultValue the component's name with a random suffix
   */
  instanceName?: string;
  /** The PostgreSQL major. @defaultValue "POSTGRES_17" */
  databaseVersion?: AirflowPostgresVersion;
  /**
   * The machine tier, Enterprise edition. See https://cloud.google.com/sql/docs/postgres/instance-settings
   * @defaultValue "db-custom-2-7680" (2 vCPUs, 7.5 GiB)
   */
  tier?: string;
  /**
   * `REGIONAL`: a synchronous standby in another zone, failed over to automatically; `ZONAL`: one zone.
   * @defaultValue "REGIONAL"
   */
  availabilityType?: AvailabilityType;
  /** Automated daily backups kept (2 to 365). Backups cannot be turned off. @defaultValue 14 */
  retainedBackups?: number;
  /**
   * Days of transaction logs kept for point-in-time recovery, 1 to 7 and fewer than
   * `retainedBackups` (Cloud SQL refuses as many or more).
   * @defaultValue 7, or `retainedBackups - 1` when that is fewer
   */
  transactionLogRetentionDays?: number;
  /** When the daily backup starts, `HH:MM` UTC. @defaultValue "02:00" */
  backupStartTime?: string;
  /** The weekly maintenance window. @defaultValue { day: 7, hour: 4 } (Sunday, 04:00 UTC) */
  maintenanceWindow?: SqlMaintenanceWindow;
  /**
   * The customer-managed key of the instance's disks and backups, in the instance's region; the
   * Cloud SQL service agent is granted it before the instance is created. Google-managed encryption
   * (`skip`) is refused: a Cloud SQL instance's key cannot be changed after creation.
   * @defaultValue a key ring and key are created in the region, rotated every 90 days
   */
  kmsKey?: GcpKmsKeyOption;
  /**
   * Protect the instance, its database and its key: Pulumi `protect`, the provider's
   * `deletionProtection`, Cloud SQL's own deletion protection, and backups kept after deletion.
   * @defaultValue true
   */
  protect?: boolean;
  /** Labels of the instance (`userLabels`) and its key. @defaultValue {} */
  labels?: Record<string, string>;
}

/** The component's defaults. */
export const AIRFLOW_DATABASE_DEFAULTS = {
  tier: AIRFLOW_DATABASE_SIZES.prod.tier,
  availabilityType: "REGIONAL" as AvailabilityType,
  retainedBackups: 14,
  backupStartTime: "02:00",
  maintenanceWindow: { day: 7, hour: 4 } as SqlMaintenanceWindow,
};

/**
 * Checks an {@link AirflowDatabaseArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider. `region` is the resolved region.
 */
export function validateAirflowDatabaseArgs(
  args: AirflowDatabaseArgs,
  region: string | undefined = args.region,
): void {
  const p = new Problems();
  if (typeof region !== "string" || !REGION.test(region)) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_REGION",
      "region",
      region,
      'set region (or the gcp:region config) to a region code such as "europe-west1"',
    );
  }
  if (args.network === undefined || (isKnown(args.network) && !NETWORK_ID.test(String(args.network)))) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_NETWORK",
      "network",
      args.network,
      "give Airflow's VPC network as projects/PROJECT/global/networks/NETWORK (the platform's gcpNetwork.networkId)",
    );
  }
  const access = args.privateServiceAccess;
  const form = helperChoice(p, "privateServiceAccess", access, ["existing", "args"], {
    why: "Cloud SQL's private IP is reached through private service access, and a public IP is not offered",
  });
  if (form === "args") {
    const cidr = (access as { args: PrivateServiceAccessArgs }).args.cidr;
    if (cidr !== undefined) {
      checkPrivateCidr(
        p,
        "SEAWALL_GCP_AIRFLOW_DB_PRIVATE_ACCESS",
        "privateServiceAccess.args.cidr",
        cidr,
        16,
        24,
      );
    }
  }
  if (args.instanceName !== undefined && !SQL_INSTANCE_NAME.test(args.instanceName)) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_INSTANCE_NAME",
      "instanceName",
      args.instanceName,
      "must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen",
    );
  }
  if (
    args.databaseVersion !== undefined &&
    !(AIRFLOW_POSTGRES_VERSIONS as readonly string[]).includes(args.databaseVersion)
  ) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_VERSION",
      "databaseVersion",
      args.databaseVersion,
      `must be one of ${AIRFLOW_POSTGRES_VERSIONS.join(", ")}: the PostgreSQL majors Airflow 3 supports`,
    );
  }
  if (args.tier !== undefined) {
    const why = typeof args.tier === "string" ? tierProblem(args.tier) : "must be a string";
    if (why) p.add("SEAWALL_GCP_AIRFLOW_DB_TIER", "tier", args.tier, why);
  }
  if (args.availabilityType !== undefined && !AVAILABILITY_TYPES.includes(args.availabilityType)) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_AVAILABILITY",
      "availabilityType",
      args.availabilityType,
      'must be "REGIONAL" (a standby in another zone) or "ZONAL" (one zone)',
    );
  }
  p.wholeNumber(
    "SEAWALL_GCP_AIRFLOW_DB_BACKUPS",
    "retainedBackups",
    args.retainedBackups,
    2,
    365,
    "Cloud SQL keeps up to 365 automated backups, and more backups than days of transaction logs (at least one day), so at least 2",
  );
  p.wholeNumber(
    "SEAWALL_GCP_AIRFLOW_DB_BACKUPS",
    "transactionLogRetentionDays",
    args.transactionLogRetentionDays,
    1,
    MAX_TRANSACTION_LOG_DAYS,
    "Enterprise-edition instances keep 1 to 7 days of transaction logs",
  );
  const retained = args.retainedBackups ?? AIRFLOW_DATABASE_DEFAULTS.retainedBackups;
  if (
    typeof args.transactionLogRetentionDays === "number" &&
    typeof retained === "number" &&
    args.transactionLogRetentionDays >= retained
  ) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_BACKUPS",
      "transactionLogRetentionDays",
      args.transactionLogRetentionDays,
      `must be fewer than retainedBackups (${retained}): Cloud SQL keeps more backups than days of logs, since a point in time is recovered from the backup before it`,
    );
  }
  if (args.backupStartTime !== undefined && !HH_MM.test(String(args.backupStartTime))) {
    p.add(
      "SEAWALL_GCP_AIRFLOW_DB_WINDOW",
      "backupStartTime",
      args.backupStartTime,
      'must be "HH:MM" in UTC, e.g. "02:00"',
    );
  }
  if (args.maintenanceWindow !== undefined) {
    const w = args.maintenanceWindow as Partial<SqlMaintenanceWindow> | null;
    if (w === null || typeof w !== "object") {
      p.add(
        "SEAWALL_GCP_AIRFLOW_DB_WINDOW",
        "maintenanceWindow",
        w,
        "must be { day: 1-7 (Monday to Sunday), hour: 0-23 } in UTC",
      );
    } else {
      if (w.day === undefined) {
        p.add(
          "SEAWALL_GCP_AIRFLOW_DB_WINDOW",
          "maintenanceWindow.day",
          undefined,
          "set a day, 1 (Monday) to 7 (Sunday)",
        );
      }
      if (w.hour === undefined) {
        p.add(
          "SEAWALL_GCP_AIRFLOW_DB_WINDOW",
          "maintenanceWindow.hour",
          undefined,
          "set an hour, 0 to 23 UTC",
        );
      }
      p.wholeNumber(
        "SEAWALL_GCP_AIRFLOW_DB_WINDOW",
        "maintenanceWindow.day",
        w.day,
        1,
        7,
        "1 is Monday, 7 Sunday",
      );
      p.wholeNumber("SEAWALL_GCP_AIRFLOW_DB_WINDOW", "maintenanceWindow.hour", w.hour, 0, 23, "in UTC");
    }
  }
  checkGcpKmsKeyOption(p, "kmsKey", args.kmsKey, {
    allowSkip: false,
    why: "Cloud SQL encrypts the instance's disks and backups with it, and its key cannot be changed after creation",
    location: region,
  });
  p.throwIfAny("seawall:gcp:AirflowDatabase: invalid arguments");
}
