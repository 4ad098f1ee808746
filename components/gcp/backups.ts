import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, isKnown, Problems } from "../validation";
import { checkGcpKmsKeyOption, gcpKmsKey, GcpKmsKeyOption } from "./kmsKey";

/**
 * What a restore of each of Seawall's GCP stores uses. Backup and DR protects none of them (see
 * {@link GcpBackups}); each store's own protection is set by the store's component:
 *
 * - **Object store** (`gcp.storage.Bucket`, set by the ObjectStore): object versioning keeps every
 *   overwritten or deleted object as a noncurrent version, restored by copying that generation
 *   back (`gcloud storage cp gs://b/o#<generation> gs://b/o`); soft delete keeps deleted objects
 *   (and deleted buckets) for the retention window, restored with `gcloud storage restore`; a
 *   dual-region bucket with turbo replication keeps a copy in the second region within 15 minutes,
 *   so a regional outage needs no restore at all.
 * - **Feature store**: Memorystore for Valkey's automated backups (`automatedBackupConfig`) and
 *   RDB/AOF persistence, or Memorystore for Redis's RDB persistence, set by the FeatureStore; a
 *   restore imports a backup (or an RDB file exported to Cloud Storage) into a new instance. The
 *   features are also derived data: replaying the lake rebuilds them.
 * - **Event stream** (Managed Service for Apache Kafka): no backup; topics are replicated across
 *   three zones, and the lake sink writes every record to the object store, so a lost topic is
 *   replayed from the lake (`backfill`).
 *
 * Restore drills that exercise these paths run from Airflow (`restore-drill`).
 */
export const GCP_RESTORE_PATHS = {
  objectStore:
    "Object versions (copy a noncurrent generation back) and soft-deleted objects (gcloud storage restore); the dual-region copy covers a regional outage.",
  featureStore:
    "Memorystore backups (Valkey automated backups, Redis RDB export) imported into a new instance; or rebuilt by replaying the lake.",
  eventStream: "Replay from the lake: the lake sink keeps every record in the object store.",
} as const;

/**
 * Resource types Backup and DR backup plans protect in a backup vault, per
 * https://cloud.google.com/backup-disaster-recovery/docs/concepts/backup-plan (supported resource
 * types): Compute Engine instances and disks, Cloud SQL instances, AlloyDB clusters, Filestore
 * instances.
 */
export const BACKUP_DR_RESOURCE_TYPES = [
  "compute.googleapis.com/Instance",
  "compute.googleapis.com/Disk",
  "sqladmin.googleapis.com/Instance",
  "alloydb.googleapis.com/Cluster",
  "file.googleapis.com/Instance",
] as const;

/** Seawall's GCP stores, which Backup and DR does not protect, with what does. */
const UNSUPPORTED: Record<string, string> = {
  "storage.googleapis.com/Bucket":
    "the ObjectStore's versioning, soft delete and turbo replication protect the bucket",
  "managedkafka.googleapis.com/Cluster":
    "Kafka is replayed from the lake; replication across zones covers a zone",
  "memorystore.googleapis.com/Instance": "the FeatureStore's automated backups and persistence protect it",
  "redis.googleapis.com/Instance": "the FeatureStore's RDB persistence protects it",
};

export type BackupVaultAccessRestriction =
  | "WITHIN_PROJECT"
  | "WITHIN_ORGANIZATION"
  | "UNRESTRICTED"
  | "WITHIN_ORG_BUT_UNRESTRICTED_FOR_BA";

/** A Backup and DR backup vault the component creates. */
export interface GcpBackupVaultArgs {
  /**
   * The vault's id: 3-63 lower-case letters, digits and hyphens, starting with a letter.
   * @defaultValue `<name>-vault`
   */
  vaultId?: string;
  /**
   * Days every backup in the vault is kept at least, whatever its plan says (1 to 36159, 99 years):
   * the vault's minimum enforced retention. The profile's `backup.dailyRetentionDays`.
   * @defaultValue 35
   */
  minimumEnforcedRetentionDays?: number;
  /**
   * When the minimum enforced retention locks (RFC 3339 UTC, e.g. `2026-01-01T00:00:00Z`): after it,
   * nobody can shorten it, the vault's equivalent of a compliance-mode lock. A fixed time, not
   * "now", so that a plan does not change on every run.
   * @defaultValue - never locked (the retention can be lowered later)
   */
  lockAfter?: string;
  /**
   * Which workloads may back up into the vault.
   * @defaultValue "WITHIN_PROJECT" (the API's default is WITHIN_ORGANIZATION)
   */
  accessRestriction?: BackupVaultAccessRestriction;
  /**
   * The vault's customer-managed key, in the vault's region.
   * @defaultValue `{ args: {} }`: a key ring and key, rotated every 90 days
   */
  kmsKey?: GcpKmsKeyOption;
  /**
   * The project number, to grant the Backup and DR service agent
   * (`service-<number>@gcp-sa-backupdr.iam.gserviceaccount.com`) the key. Required unless the key is
   * skipped or brought with `grantServiceAgents: false`.
   */
  projectNumber?: pulumi.Input<string>;
}

/** A backup plan for a resource type Backup and DR supports, with a daily and a weekly rule. */
export interface GcpBackupPlanArgs {
  /** One of {@link BACKUP_DR_RESOURCE_TYPES}. */
  resourceType: string;
  /** Days a daily backup is kept, at least the vault's minimum. @defaultValue the vault's minimum (35) */
  dailyRetentionDays?: number;
  /** Days a weekly (Sunday) backup is kept, at least `dailyRetentionDays`. @defaultValue 365 */
  weeklyRetentionDays?: number;
  /** The hour (0 to 18, UTC) the six-hour backup window opens. @defaultValue 2 */
  windowStartHour?: number;
}

export interface GcpBackupsArgs {
  /**
   * The region of the vault and plans.
   * @defaultValue - the `gcp:region` configuration
   */
  region?: string;
  /** The project. @defaultValue - the provider's project */
  project?: pulumi.Input<string>;
  /**
   * The Backup and DR vault: create one (`{ args }`), use one (`{ existing: { vaultId } }`, its
   * full name), or none. None of Seawall's own stores can be protected by Backup and DR, so the
   * vault is made only when asked, for resources of {@link BACKUP_DR_RESOURCE_TYPES} that a team
   * adds beside the platform.
   * @defaultValue `{ skip: true }`
   */
  vault?: { args: GcpBackupVaultArgs } | { existing: { vaultId: pulumi.Input<string> } } | { skip: true };
  /** Backup plans into the vault, one per resource type. @defaultValue [] */
  plans?: GcpBackupPlanArgs[];
  /**
   * Protect the vault, plans and key (`protect`, `deletionPolicy: "PREVENT"`).
   * @defaultValue true
   */
  protect?: boolean;
  /**
   * Let `pulumi destroy` delete a vault that still has data sources or plan references. For
   * throwaway environments; backups within their enforced retention still cannot be deleted.
   * @defaultValue false
   */
  forceDestroy?: boolean;
  /** Labels on every resource. @defaultValue {} */
  labels?: Record<string, string>;
}

const REGION = /^[a-z]+-[a-z]+\d+$/;
const VAULT_ID = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const ACCESS: BackupVaultAccessRestriction[] = [
  "WITHIN_PROJECT",
  "WITHIN_ORGANIZATION",
  "UNRESTRICTED",
  "WITHIN_ORG_BUT_UNRESTRICTED_FOR_BA",
];
const MAX_DAYS = 36159;

/**
 * Checks a {@link GcpBackupsArgs} and throws one error listing every problem.
 *
 * @param configuredRegion the `gcp:region` configuration, the default of `region`
 */
export function validateGcpBackupsArgs(args: GcpBackupsArgs, configuredRegion?: string): void {
  const p = new Problems();
  const region = args.region ?? configuredRegion;
  const form = helperChoice(p, "vault", args.vault, ["existing", "args", "skip"]);
  const vaultForm = args.vault === undefined ? "skip" : form;
  const plans = args.plans ?? [];
  if ((vaultForm === "args" || plans.length > 0) && (typeof region !== "string" || !REGION.test(region))) {
    p.add(
      "SEAWALL_GCP_BACKUPS_REGION",
      "region",
      region,
      'the vault and plans are regional: set region (or gcp:region) to a region such as "europe-west1"',
    );
  }
  let minimum = 35;
  if (vaultForm === "args") {
    const v = (args.vault as { args: GcpBackupVaultArgs }).args;
    if (v.vaultId !== undefined && !VAULT_ID.test(v.vaultId)) {
      p.add(
        "SEAWALL_GCP_BACKUPS_VAULT_ID",
        "vault.args.vaultId",
        v.vaultId,
        "must be 3-63 lower-case letters, digits and hyphens, starting with a letter",
      );
    }
    p.wholeNumber(
      "SEAWALL_GCP_BACKUPS_RETENTION_RANGE",
      "vault.args.minimumEnforcedRetentionDays",
      v.minimumEnforcedRetentionDays,
      1,
      MAX_DAYS,
      "Backup and DR enforces 1 day to 99 years",
    );
    minimum = v.minimumEnforcedRetentionDays ?? 35;
    if (v.lockAfter !== undefined && (typeof v.lockAfter !== "string" || !RFC3339_UTC.test(v.lockAfter))) {
      p.add(
        "SEAWALL_GCP_BACKUPS_LOCK_TIME",
        "vault.args.lockAfter",
        v.lockAfter,
        'must be an RFC 3339 UTC time such as "2026-01-01T00:00:00Z"',
      );
    }
    if (v.accessRestriction !== undefined && !ACCESS.includes(v.accessRestriction)) {
      p.add(
        "SEAWALL_GCP_BACKUPS_ACCESS_RESTRICTION",
        "vault.args.accessRestriction",
        v.accessRestriction,
        `must be one of ${ACCESS.join(", ")}`,
      );
    }
    checkGcpKmsKeyOption(p, "vault.args.kmsKey", v.kmsKey, { location: region, why: "the vault's backups" });
    const grants =
      v.kmsKey === undefined ||
      "args" in v.kmsKey ||
      ("existing" in v.kmsKey && v.kmsKey.existing.grantServiceAgents !== false);
    if (grants && v.projectNumber === undefined) {
      p.add(
        "SEAWALL_GCP_BACKUPS_PROJECT_NUMBER",
        "vault.args.projectNumber",
        undefined,
        "set the project number so the Backup and DR service agent can be granted the vault's key, or bring a key with grantServiceAgents: false",
      );
    } else if (
      v.projectNumber !== undefined &&
      isKnown(v.projectNumber) &&
      !/^\d{6,20}$/.test(String(v.projectNumber))
    ) {
      p.add(
        "SEAWALL_GCP_BACKUPS_PROJECT_NUMBER",
        "vault.args.projectNumber",
        v.projectNumber,
        "must be the project's number (digits)",
      );
    }
  }
  if (plans.length > 0 && vaultForm === "skip") {
    p.add(
      "SEAWALL_GCP_BACKUPS_PLAN_NEEDS_VAULT",
      "plans",
      plans.map((x) => x.resourceType),
      "backup plans store into a vault: give vault { args } or { existing }",
    );
  }
  plans.forEach((plan, i) => {
    const field = `plans[${i}]`;
    if (!(BACKUP_DR_RESOURCE_TYPES as readonly string[]).includes(plan.resourceType)) {
      const why = UNSUPPORTED[plan.resourceType];
      p.add(
        "SEAWALL_GCP_BACKUPS_RESOURCE_UNSUPPORTED",
        `${field}.resourceType`,
        plan.resourceType,
        `Backup and DR protects only ${BACKUP_DR_RESOURCE_TYPES.join(", ")}${why ? `; ${why}` : ""}`,
      );
    }
    p.wholeNumber(
      "SEAWALL_GCP_BACKUPS_RETENTION_RANGE",
      `${field}.dailyRetentionDays`,
      plan.dailyRetentionDays,
      1,
      MAX_DAYS,
    );
    p.wholeNumber(
      "SEAWALL_GCP_BACKUPS_RETENTION_RANGE",
      `${field}.weeklyRetentionDays`,
      plan.weeklyRetentionDays,
      1,
      MAX_DAYS,
    );
    const daily = plan.dailyRetentionDays ?? minimum;
    const weekly = plan.weeklyRetentionDays ?? 365;
    if (vaultForm === "args" && Number.isInteger(daily) && daily < minimum) {
      p.add(
        "SEAWALL_GCP_BACKUPS_RETENTION_ORDER",
        `${field}.dailyRetentionDays`,
        daily,
        `must be at least the vault's minimum enforced retention (${minimum} days), or Backup and DR rejects the plan`,
      );
    }
    if (Number.isInteger(daily) && Number.isInteger(weekly) && weekly < daily) {
      p.add(
        "SEAWALL_GCP_BACKUPS_RETENTION_ORDER",
        `${field}.weeklyRetentionDays`,
        weekly,
        `must be at least dailyRetentionDays (${daily})`,
      );
    }
    p.wholeNumber(
      "SEAWALL_GCP_BACKUPS_WINDOW",
      `${field}.windowStartHour`,
      plan.windowStartHour,
      0,
      18,
      "a backup window lasts at least six hours and ends by 24:00",
    );
  });
  p.throwIfAny("seawall:gcp:Backups: invalid arguments");
}

/** A backup rule: daily or weekly (Sundays), in a six-hour UTC window. */
function rule(ruleId: string, days: number, startHour: number, weekly: boolean) {
  return {
    ruleId,
    backupRetentionDays: days,
    standardSchedule: {
      recurrenceType: weekly ? "WEEKLY" : "DAILY",
      ...(weekly ? { daysOfWeeks: ["SUNDAY"] } : {}),
      timeZone: "UTC",
      backupWindow: { startHourOfDay: startHour, endHourOfDay: startHour + 6 },
    },
  };
}

/**
 * Backups on GCP: what Google Cloud offers per stateful store, and a Backup and DR backup vault
 * with an enforced minimum retention when asked.
 *
 * Backup and DR backup plans protect Compute Engine instances and disks, Cloud SQL, AlloyDB and
 * Filestore ({@link BACKUP_DR_RESOURCE_TYPES}); none of Seawall's GCP stores is among them. So this
 * component makes no vault by default and refuses a plan for a bucket, Kafka cluster or Memorystore
 * instance (`SEAWALL_GCP_BACKUPS_RESOURCE_UNSUPPORTED`). The stores protect themselves, set by their
 * own components, and restore as {@link GCP_RESTORE_PATHS} says: bucket versioning, soft delete
 * and turbo replication (ObjectStore); Memorystore automated backups and persistence
 * (FeatureStore); Kafka replay from the lake.
 *
 * With `vault: { args }` it creates a vault encrypted with a customer-managed key, restricted to
 * the project's workloads, whose minimum enforced retention (the profile's daily retention) no
 * backup can undercut, lockable from a fixed time; and with `plans`, a backup plan per supported
 * resource type with a daily and a weekly rule. Associate resources to a plan with
 * `gcp.backupdisasterrecovery.BackupPlanAssociation`.
 */
export class GcpBackups extends pulumi.ComponentResource {
  readonly vault?: gcp.backupdisasterrecovery.BackupVault;
  /** The vault's full name, `projects/<p>/locations/<r>/backupVaults/<id>`, when there is one. */
  readonly vaultName?: pulumi.Output<string>;
  readonly kmsKeyId?: pulumi.Output<string>;
  readonly plans: gcp.backupdisasterrecovery.BackupPlan[];
  /** What a restore of each store uses. */
  readonly restorePaths = GCP_RESTORE_PATHS;

  constructor(name: string, args: GcpBackupsArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:Backups", name, {}, opts);
    const configuredRegion = new pulumi.Config("gcp").get("region");
    validateGcpBackupsArgs(args, configuredRegion);
    const region = (args.region ?? configuredRegion) as string;
    const protect = args.protect ?? true;
    const forceDestroy = args.forceDestroy ?? false;
    const labels = { ...args.labels, "seawall-component": "backups" };
    const deletionPolicy = protect ? "PREVENT" : "DELETE";
    const vault = args.vault ?? { skip: true };

    let minimum = 35;
    if ("args" in vault) {
      const v = vault.args;
      minimum = v.minimumEnforcedRetentionDays ?? 35;
      const key = gcpKmsKey(this, `${name}-key`, v.kmsKey, {
        location: region,
        serviceAgents:
          v.projectNumber === undefined
            ? []
            : [
                {
                  name: "backupdr",
                  member: pulumi.interpolate`serviceAccount:service-${v.projectNumber}@gcp-sa-backupdr.iam.gserviceaccount.com`,
                },
              ],
        protect,
        labels,
        project: args.project,
      });
      this.kmsKeyId = key.keyId;
      this.vault = new gcp.backupdisasterrecovery.BackupVault(
        `${name}-vault`,
        {
          backupVaultId: v.vaultId ?? `${name}-vault`,
          location: region,
          project: args.project,
          description: `Seawall backups (${name}): minimum enforced retention ${minimum} days`,
          backupMinimumEnforcedRetentionDuration: `${minimum * 86400}s`,
          backupRetentionInheritance: "INHERIT_VAULT_RETENTION",
          ...(v.lockAfter ? { effectiveTime: v.lockAfter } : {}),
          accessRestriction: v.accessRestriction ?? "WITHIN_PROJECT",
          ...(key.keyId ? { encryptionConfig: { kmsKeyName: key.keyId } } : {}),
          ignoreInactiveDatasources: forceDestroy,
          ignoreBackupPlanReferences: forceDestroy,
          deletionPolicy,
          labels,
        },
        { parent: this, protect, dependsOn: key.grants },
      );
      this.vaultName = this.vault.name;
    } else if ("existing" in vault) {
      this.vaultName = pulumi.output(vault.existing.vaultId);
    }

    this.plans = (args.plans ?? []).map((plan) => {
      const short = plan.resourceType.split(".")[0];
      const daily = plan.dailyRetentionDays ?? minimum;
      const start = plan.windowStartHour ?? 2;
      return new gcp.backupdisasterrecovery.BackupPlan(
        `${name}-${short}-plan`,
        {
          backupPlanId: `${name}-${short}`,
          location: region,
          project: args.project,
          resourceType: plan.resourceType,
          backupVault: this.vaultName as pulumi.Output<string>,
          description: `Seawall backups (${name}) of ${plan.resourceType}`,
          backupRules: [
            rule("daily", daily, start, false),
            rule("weekly", plan.weeklyRetentionDays ?? 365, start, true),
          ],
          deletionPolicy,
        },
        { parent: this, protect },
      );
    });

    this.registerOutputs({ vaultName: this.vaultName, kmsKeyId: this.kmsKeyId });
  }
}
