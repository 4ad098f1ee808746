/**
 * Pure rendering for AWS Backup: the plan's rules, the service role's trust policy and managed
 * policies, names AWS Backup accepts. Plain values in, plain objects out; the value type `S` is a
 * string in tests and a `pulumi.Input<string>` in the component, so both share one definition.
 */
import { serviceTrustPolicy, type PolicyDocument } from "./iamDocuments";

/** The rule a recovery point is made by, and how long it is kept. */
export interface BackupRuleSchedule {
  /** AWS Backup cron expression, UTC: `cron(minutes hours day-of-month month day-of-week year)`. */
  schedule: string;
  /** Days a recovery point is kept, in the vault and in its cross-region copy. */
  retentionDays: number;
}

export interface BackupPlanRuleSpec<S> {
  vaultName: S;
  daily: BackupRuleSchedule;
  weekly: BackupRuleSchedule;
  /** Minutes after the scheduled time within which a job must start, or it is cancelled. */
  startWindowMinutes: number;
  /** Minutes after the start within which a job must finish, or it is cancelled. */
  completionWindowMinutes: number;
  /** The replica region's vault; every recovery point is copied there when set. */
  copyVaultArn?: S;
  /** Tags every recovery point carries. */
  recoveryPointTags: Record<string, string>;
}

export interface BackupPlanRule<S> {
  ruleName: string;
  targetVaultName: S;
  schedule: string;
  scheduleExpressionTimezone: "Etc/UTC";
  startWindow: number;
  completionWindow: number;
  lifecycle: { deleteAfter: number };
  copyActions?: { destinationVaultArn: S; lifecycle: { deleteAfter: number } }[];
  recoveryPointTags: Record<string, string>;
}

/** 05:00 UTC every day. */
export const DEFAULT_DAILY_SCHEDULE = "cron(0 5 * * ? *)";
/** 06:00 UTC every Sunday, after the daily job of the same day has had its start window. */
export const DEFAULT_WEEKLY_SCHEDULE = "cron(0 6 ? * SUN *)";

/** The plan's two rules: daily and weekly, each copied to the replica region's vault when asked. */
export function backupPlanRules<S>(spec: BackupPlanRuleSpec<S>): BackupPlanRule<S>[] {
  const rule = (ruleName: string, r: BackupRuleSchedule, frequency: string): BackupPlanRule<S> => ({
    ruleName,
    targetVaultName: spec.vaultName,
    schedule: r.schedule,
    scheduleExpressionTimezone: "Etc/UTC",
    startWindow: spec.startWindowMinutes,
    completionWindow: spec.completionWindowMinutes,
    lifecycle: { deleteAfter: r.retentionDays },
    ...(spec.copyVaultArn !== undefined
      ? {
          copyActions: [
            { destinationVaultArn: spec.copyVaultArn, lifecycle: { deleteAfter: r.retentionDays } },
          ],
        }
      : {}),
    recoveryPointTags: { ...spec.recoveryPointTags, "seawall:backup-frequency": frequency },
  });
  return [rule("daily", spec.daily, "daily"), rule("weekly", spec.weekly, "weekly")];
}

/** Lets AWS Backup (backups, copies, restores and restore tests) assume the role. */
export function backupTrustPolicy(): PolicyDocument {
  return serviceTrustPolicy("AwsBackupAssumesRole", "backup.amazonaws.com");
}

/**
 * The AWS managed policies the backup role needs, by a short name used in the attachments' names:
 * the service-role policies for backups and restores, and S3's own pair (S3 is not covered by
 * the service-role policies).
 */
export function backupManagedPolicyArns(partition: string): Record<string, string> {
  return {
    backup: `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup`,
    restores: `arn:${partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores`,
    "s3-backup": `arn:${partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup`,
    "s3-restore": `arn:${partition}:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore`,
  };
}

/**
 * A name for restore-testing plans and selections, which accept only letters, digits and
 * underscores (at most 50): `seawall-prod-backups` becomes `seawall_prod_backups`.
 */
export function restoreTestingName(name: string, suffix = ""): string {
  const clean = `${name}${suffix}`.replace(/[^A-Za-z0-9_]/g, "_");
  return clean.length <= 50 ? clean : clean.slice(0, 50);
}
