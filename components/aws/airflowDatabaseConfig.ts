/**
 * Pure logic of Airflow's metadata database on RDS for PostgreSQL (`airflowDatabase.ts`): the
 * engine versions it takes, its parameter group, its size per environment, the names RDS derives
 * from the instance's identifier, and how Airflow is told to verify the server. No Pulumi here.
 */
import type { EnvironmentName, Profile } from "../profiles";
import { RDS_CA_IDENTIFIER, RDS_ROOT_CAS } from "./rdsCaCertificates";

/**
 * The PostgreSQL major versions the database runs: the ones Airflow 3 supports as its metadata
 * database (13 to 17, https://airflow.apache.org/docs/apache-airflow/stable/installation/prerequisites.html)
 * that RDS still keeps in standard support (13 left it in February 2026).
 */
export const POSTGRES_MAJOR_VERSIONS = ["14", "15", "16", "17"] as const;

/** The newest major Airflow 3 supports, on RDS since November 2024. */
export const DEFAULT_POSTGRES_MAJOR_VERSION = "17";

/** The port PostgreSQL listens on. */
export const POSTGRES_PORT = 5432;

/** The parameter group family of a major version: `17` → `postgres17`. */
export function postgresFamily(major: string): string {
  return `postgres${major}`;
}

/**
 * The database's parameters: TLS on every connection (`rds.force_ssl`, on by default from
 * PostgreSQL 15; set here so no version and no later group edit can turn it off unseen).
 */
export function postgresParameters(): { name: string; value: string }[] {
  return [{ name: "rds.force_ssl", value: "1" }];
}

/** The logs RDS for PostgreSQL exports to CloudWatch Logs: the server's log and major-upgrade logs. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** The log group RDS writes an exported log to; made first, it is ours (encrypted, kept a set time). */
export function rdsLogGroupName(identifier: string, log: string): string {
  return `/aws/rds/instance/${identifier}/${log}`;
}

/**
 * An RDS instance identifier: 1 to 63 lower-case letters, digits and hyphens, starting with a
 * letter, without two hyphens in a row or one at the end.
 */
export const RDS_IDENTIFIER = /^(?=.{1,63}$)[a-z](-?[a-z0-9])*$/;

/**
 * An identifier RDS accepts derived from a Pulumi name: lower-cased, every other character a
 * hyphen, hyphens collapsed and trimmed, a letter first, at most 63 characters.
 */
export function rdsIdentifier(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const lettered = /^[a-z]/.test(cleaned) ? cleaned : `db-${cleaned}`.replace(/-+$/, "");
  return lettered.slice(0, 63).replace(/-+$/, "");
}

/** An RDS DB instance class such as `db.m7g.large`. */
export const RDS_INSTANCE_CLASS = /^db\.[a-z0-9]+\.[a-z0-9]+$/;

/** How big and how available the database is in each environment. */
export interface AirflowDatabaseSize {
  instanceClass: string;
  /** Initial gp3 storage, GiB (20 or more). */
  allocatedStorageGiB: number;
  /** Ceiling of storage autoscaling, GiB. */
  maxAllocatedStorageGiB: number;
  /** A synchronous standby in another zone, promoted automatically on failure. */
  multiAz: boolean;
}

/**
 * Sizes per environment. Airflow's metadata is small (task instances, DAG runs, XComs) and
 * pgbouncer pools the connections, so a burstable Graviton instance carries dev and a general
 * purpose one the rest; staging and prod keep a Multi-AZ standby. Performance Insights, on for
 * every instance, needs db.t4g.medium or larger.
 */
export const AIRFLOW_DATABASE_SIZES: Readonly<Record<EnvironmentName, AirflowDatabaseSize>> = {
  dev: {
    instanceClass: "db.t4g.medium",
    allocatedStorageGiB: 20,
    maxAllocatedStorageGiB: 100,
    multiAz: false,
  },
  staging: {
    instanceClass: "db.m7g.large",
    allocatedStorageGiB: 50,
    maxAllocatedStorageGiB: 500,
    multiAz: true,
  },
  prod: {
    instanceClass: "db.m7g.large",
    allocatedStorageGiB: 100,
    maxAllocatedStorageGiB: 1000,
    multiAz: true,
  },
};

/** The most days RDS keeps automated backups. */
export const RDS_MAX_BACKUP_RETENTION_DAYS = 35;

/**
 * Days of automated backups (point-in-time recovery): the profile's daily backup retention, up to
 * the 35 RDS keeps; AWS Backup's daily and weekly recovery points of the instance keep longer.
 */
export function backupRetentionDays(profile: Profile): number {
  return Math.min(profile.backup.dailyRetentionDays, RDS_MAX_BACKUP_RETENTION_DAYS);
}

/**
 * How Airflow connects: `verify-full` against the region's root CA of the instance's pinned
 * certificate authority when Seawall carries it, `require` (encrypted, unverified) otherwise.
 */
export function airflowDatabaseTls(
  region: string | undefined,
): { sslMode: "verify-full"; caCert: string } | { sslMode: "require" } {
  const caCert = region === undefined ? undefined : RDS_ROOT_CAS[region];
  return caCert ? { sslMode: "verify-full", caCert } : { sslMode: "require" };
}

export { RDS_CA_IDENTIFIER };

/** The daily automated-backup window (UTC), before AWS Backup's 05:00 job. */
export const BACKUP_WINDOW = "03:00-04:00";

/** The weekly maintenance window (UTC), apart from the backup window. */
export const MAINTENANCE_WINDOW = "sun:04:00-sun:05:00";
