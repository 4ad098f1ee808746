import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, SeawallValidationError } from "../validation";
import {
  backupManagedPolicyArns,
  backupPlanRules,
  backupTrustPolicy,
  DEFAULT_DAILY_SCHEDULE,
  DEFAULT_WEEKLY_SCHEDULE,
  restoreTestingName,
} from "./backupPlan";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";

/**
 * AWS Backup Vault Lock: recovery points cannot be deleted or have their retention shortened
 * outside `[minRetentionDays, maxRetentionDays]`. Without `changeableForDays` the lock is in
 * governance mode (users with the right IAM permissions may remove it); with it, the lock turns
 * into compliance mode once that many days pass, and then nobody, not even the root user, can
 * remove it or delete the vault before its recovery points expire.
 * See https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export interface VaultLockArgs {
  /**
   * Shortest retention a recovery point may have (1 to 36500); jobs asking for less fail.
   * @default - `dailyRetentionDays`
   */
  minRetentionDays?: number;
  /**
   * Longest retention a recovery point may have (1 to 36500); jobs asking for more fail.
   * @default - `weeklyRetentionDays`
   */
  maxRetentionDays?: number;
  /**
   * Days of grace (3 or more) before the lock becomes compliance mode and immutable.
   * @default - governance mode, never immutable
   */
  changeableForDays?: number;
}

/** Copies of every recovery point in a vault in another region. */
export interface BackupCopyArgs {
  /** The copies' region; must differ from the primary region. */
  region: string;
  /**
   * The provider for the copy region.
   * @default - a provider for `region` is created as a child of the component
   */
  provider?: aws.Provider;
  /**
   * The copy vault's customer-managed key, in the copy region.
   * @default - a key is created in the copy region, rotation on
   */
  kmsKey?: KmsKeyOption;
  /** Name of the copy vault. @default - auto-named from the component's name */
  vaultName?: pulumi.Input<string>;
}

/** AWS Backup restore testing: restores recovery points on a schedule to prove they work. */
export interface RestoreTestingArgs {
  /**
   * When restore tests start, as a cron expression in UTC.
   * @default "cron(0 8 ? * MON *)" (Mondays 08:00 UTC)
   */
  schedule?: string;
  /**
   * Recovery points of the last this many days are candidates (1 to 365).
   * @default 7
   */
  selectionWindowDays?: number;
  /**
   * Hours after the scheduled time within which a test must start (1 to 168).
   * @default 24
   */
  startWindowHours?: number;
  /**
   * Hours a restored resource is kept for validation before AWS Backup deletes it (1 to 168).
   * @default 4
   */
  validationWindowHours?: number;
}

export interface BackupsArgs {
  /**
   * The vault's customer-managed KMS key.
   * @default - a key is created, rotation on
   */
  kmsKey?: KmsKeyOption;
  /**
   * Days a scheduled deletion of a key this component creates waits (7 to 30).
   * @default 30
   */
  keyDeletionWindowInDays?: number;
  /**
   * The vault's name: 2-50 letters, digits, hyphens and underscores.
   * @default - auto-named from the component's name
   */
  vaultName?: pulumi.Input<string>;
  /** Days a daily recovery point is kept (1 to 36500). @default 35 */
  dailyRetentionDays?: number;
  /** Days a weekly recovery point is kept (1 to 36500), at least `dailyRetentionDays`. @default 365 */
  weeklyRetentionDays?: number;
  /** When the daily backup starts, AWS Backup cron, UTC. @default "cron(0 5 * * ? *)" (05:00 UTC) */
  dailySchedule?: string;
  /** When the weekly backup starts, AWS Backup cron, UTC. @default "cron(0 6 ? * SUN *)" (Sundays 06:00 UTC) */
  weeklySchedule?: string;
  /**
   * Minutes within which a scheduled job must start (60 to 10080).
   * @default 60
   */
  startWindowMinutes?: number;
  /**
   * Minutes within which a started job must finish (at least `startWindowMinutes` + 60).
   * @default 1440 (a day)
   */
  completionWindowMinutes?: number;
  /**
   * The tag that selects what is backed up: every supported resource in the region carrying it.
   * @default { key: "seawall:backup", value: "true" } (what `DataPlatform` tags everything with)
   */
  selectionTag?: { key: string; value: string };
  /** Vault Lock on the vault (and on the copy vault). @default - no lock (the `prod` profile turns it on) */
  vaultLock?: VaultLockArgs;
  /** Cross-region copies. @default - no copies (the `prod` profile turns them on) */
  copy?: BackupCopyArgs;
  /** Scheduled restore tests of the S3 recovery points. @default - none (the `prod` profile turns them on) */
  restoreTesting?: RestoreTestingArgs;
  /**
   * Protect the vaults and keys from deletion (`protect`); `pulumi destroy` refuses until it is off.
   * @default true
   */
  protect?: boolean;
  /**
   * Let `pulumi destroy` delete vaults that still hold recovery points. For throwaway environments.
   * @default false
   */
  forceDestroy?: boolean;
  /** Tags for every resource. @default {} */
  tags?: Record<string, string>;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const VAULT_NAME = /^[A-Za-z0-9_-]{2,50}$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
const DEFAULT_RESTORE_TEST_SCHEDULE = "cron(0 8 ? * MON *)";
const MAX_DAYS = 36500;

function checkCron(p: Problems, field: string, value: string | undefined): void {
  if (value !== undefined && (typeof value !== "string" || !CRON.test(value))) {
    p.add(
      "SEAWALL_BACKUPS_CRON",
      field,
      value,
      'must be an AWS cron expression with six fields, such as "cron(0 5 * * ? *)" (05:00 UTC daily)',
    );
  }
}

function checkVaultName(p: Problems, field: string, value: pulumi.Input<string> | undefined): void {
  if (typeof value === "string" && !VAULT_NAME.test(value)) {
    p.add(
      "SEAWALL_BACKUPS_VAULT_NAME",
      field,
      value,
      "must be 2-50 letters, digits, hyphens and underscores",
    );
  }
}

/**
 * Checks a {@link BackupsArgs} and throws one error listing every problem. Values that are Outputs
 * are not known yet and are left to the provider.
 */
export function validateBackupsArgs(args: BackupsArgs): void {
  const p = new Problems();
  const daily = args.dailyRetentionDays ?? 35;
  const weekly = args.weeklyRetentionDays ?? 365;
  p.wholeNumber(
    "SEAWALL_BACKUPS_RETENTION_RANGE",
    "dailyRetentionDays",
    args.dailyRetentionDays,
    1,
    MAX_DAYS,
  );
  p.wholeNumber(
    "SEAWALL_BACKUPS_RETENTION_RANGE",
    "weeklyRetentionDays",
    args.weeklyRetentionDays,
    1,
    MAX_DAYS,
  );
  if (Number.isInteger(daily) && Number.isInteger(weekly) && weekly < daily) {
    p.add(
      "SEAWALL_BACKUPS_RETENTION_ORDER",
      "weeklyRetentionDays",
      weekly,
      `must be at least dailyRetentionDays (${daily}): a weekly recovery point that expires before the ` +
        `daily ones adds nothing; set it to ${daily} or more`,
    );
  }
  checkCron(p, "dailySchedule", args.dailySchedule);
  checkCron(p, "weeklySchedule", args.weeklySchedule);
  p.wholeNumber(
    "SEAWALL_BACKUPS_WINDOW_RANGE",
    "startWindowMinutes",
    args.startWindowMinutes,
    60,
    10080,
    "AWS Backup needs at least an hour",
  );
  const start = args.startWindowMinutes ?? 60;
  const completion = args.completionWindowMinutes ?? 1440;
  p.wholeNumber(
    "SEAWALL_BACKUPS_WINDOW_RANGE",
    "completionWindowMinutes",
    args.completionWindowMinutes,
    120,
    5256000,
  );
  if (Number.isInteger(start) && Number.isInteger(completion) && completion < start + 60) {
    p.add(
      "SEAWALL_BACKUPS_WINDOW_ORDER",
      "completionWindowMinutes",
      completion,
      `must be at least 60 minutes longer than startWindowMinutes (${start}); set it to ${start + 60} or more`,
    );
  }
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  checkKmsKeyOption(p, "kmsKey", args.kmsKey);
  checkVaultName(p, "vaultName", args.vaultName);
  const tag = args.selectionTag;
  if (tag && (!tag.key || typeof tag.value !== "string" || tag.value === "")) {
    p.add(
      "SEAWALL_BACKUPS_SELECTION_TAG",
      "selectionTag",
      tag,
      "give a non-empty `key` and `value`; resources carrying that tag are backed up",
    );
  }

  const lock = args.vaultLock;
  if (lock) {
    p.wholeNumber(
      "SEAWALL_BACKUPS_LOCK_RANGE",
      "vaultLock.minRetentionDays",
      lock.minRetentionDays,
      1,
      MAX_DAYS,
    );
    p.wholeNumber(
      "SEAWALL_BACKUPS_LOCK_RANGE",
      "vaultLock.maxRetentionDays",
      lock.maxRetentionDays,
      1,
      MAX_DAYS,
    );
    p.wholeNumber(
      "SEAWALL_BACKUPS_LOCK_RANGE",
      "vaultLock.changeableForDays",
      lock.changeableForDays,
      3,
      MAX_DAYS,
      "AWS Backup needs a grace period of at least 3 days before the lock becomes immutable",
    );
    const min = lock.minRetentionDays ?? daily;
    const max = lock.maxRetentionDays ?? weekly;
    if (min > max) {
      p.add(
        "SEAWALL_BACKUPS_LOCK_MIN_OVER_MAX",
        "vaultLock.minRetentionDays",
        min,
        `must not exceed vaultLock.maxRetentionDays (${max}); lower the minimum or raise the maximum`,
      );
    }
    if (min > daily) {
      p.add(
        "SEAWALL_BACKUPS_LOCK_MIN_OVER_DAILY",
        "vaultLock.minRetentionDays",
        min,
        `must not exceed dailyRetentionDays (${daily}), or the vault lock rejects every daily backup job`,
      );
    }
    if (max < weekly) {
      p.add(
        "SEAWALL_BACKUPS_LOCK_MAX_UNDER_WEEKLY",
        "vaultLock.maxRetentionDays",
        max,
        `must be at least weeklyRetentionDays (${weekly}), or the vault lock rejects every weekly backup job`,
      );
    }
  }

  const copy = args.copy;
  if (copy) {
    if (typeof copy.region !== "string" || !REGION.test(copy.region)) {
      p.add(
        "SEAWALL_BACKUPS_COPY_REGION",
        "copy.region",
        copy.region,
        'cross-region copies need the replica region: an AWS region code such as "us-west-2", other than the primary',
      );
    }
    checkKmsKeyOption(p, "copy.kmsKey", copy.kmsKey);
    checkVaultName(p, "copy.vaultName", copy.vaultName);
  }

  const rt = args.restoreTesting;
  if (rt) {
    checkCron(p, "restoreTesting.schedule", rt.schedule);
    p.wholeNumber(
      "SEAWALL_BACKUPS_RESTORE_TEST_WINDOW",
      "restoreTesting.selectionWindowDays",
      rt.selectionWindowDays,
      1,
      365,
    );
    p.wholeNumber(
      "SEAWALL_BACKUPS_RESTORE_TEST_WINDOW",
      "restoreTesting.startWindowHours",
      rt.startWindowHours,
      1,
      168,
    );
    p.wholeNumber(
      "SEAWALL_BACKUPS_RESTORE_TEST_WINDOW",
      "restoreTesting.validationWindowHours",
      rt.validationWindowHours,
      1,
      168,
    );
  }
  p.throwIfAny("seawall:aws:Backups: invalid arguments");
}

/**
 * Backups with AWS Backup: a vault encrypted with a customer-managed key, a plan with a daily and
 * a weekly rule, and a selection of every resource carrying the backup tag; optionally Vault Lock,
 * copies to a vault in another region (its own key) and scheduled restore tests.
 *
 * What it covers: every resource type AWS Backup supports that carries the tag. Of what the
 * Seawall platform makes, that is the S3 buckets (versioned, as AWS Backup requires). Amazon MSK
 * and ElastiCache are not supported by AWS Backup: Kafka's durability comes from replication
 * across zones and the lake sink's copy of every record in S3, and the feature store's own daily
 * snapshots (`snapshotRetentionLimit`, a final snapshot on deletion) cover ElastiCache.
 *
 * S3 backups need the account's region settings to opt S3 in (`aws.backup.RegionSettings`, an
 * account-wide setting this component does not own).
 */
export class Backups extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly plan: aws.backup.Plan;
  readonly role: aws.iam.Role;
  readonly selection: aws.backup.Selection;
  readonly copyVault?: aws.backup.Vault;
  readonly copyKmsKeyArn?: pulumi.Output<string>;
  readonly restoreTestingPlan?: aws.backup.RestoreTestingPlan;

  constructor(name: string, args: BackupsArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:Backups", name, {}, opts);
    validateBackupsArgs(args);
    // The primary region is known here only when it comes from config rather than a provider.
    const configuredRegion = opts.provider ? undefined : new pulumi.Config("aws").get("region");
    if (args.copy && args.copy.region === configuredRegion) {
      throw new SeawallValidationError(`seawall:aws:Backups ${name}`, [
        {
          code: "SEAWALL_BACKUPS_COPY_SAME_REGION",
          field: "copy.region",
          value: args.copy.region,
          fix: "is the primary region (aws:region); choose another region, or the copies survive no regional outage",
        },
      ]);
    }

    const tags = { ...args.tags, "seawall:component": "Backups" };
    const protect = args.protect ?? true;
    const forceDestroy = args.forceDestroy ?? false;
    const keyWindow = args.keyDeletionWindowInDays ?? 30;
    const daily = args.dailyRetentionDays ?? 35;
    const weekly = args.weeklyRetentionDays ?? 365;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const key = resolveKmsKey(
      `${name}-key`,
      args.kmsKey,
      { description: `Seawall backups ${name}: vault encryption`, deletionWindowInDays: keyWindow, tags },
      { parent: this, protect },
    );
    this.kmsKeyArn = key.arn;
    this.vault = new aws.backup.Vault(
      `${name}-vault`,
      { name: args.vaultName, kmsKeyArn: key.arn, forceDestroy, tags },
      { parent: this, protect },
    );
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;
    const lock = args.vaultLock;
    const lockArgs = lock && {
      minRetentionDays: lock.minRetentionDays ?? daily,
      maxRetentionDays: lock.maxRetentionDays ?? weekly,
      changeableForDays: lock.changeableForDays,
    };
    if (lockArgs) {
      new aws.backup.VaultLockConfiguration(
        `${name}-vault-lock`,
        { backupVaultName: this.vault.name, ...lockArgs },
        { parent: this, protect },
      );
    }

    const copy = args.copy;
    if (copy) {
      const provider =
        copy.provider ??
        new aws.Provider(`${name}-copy-provider`, { region: copy.region as aws.Region }, { parent: this });
      const copyKey = resolveKmsKey(
        `${name}-copy-key`,
        copy.kmsKey,
        {
          description: `Seawall backups ${name}: encryption of the copy vault in ${copy.region}`,
          deletionWindowInDays: keyWindow,
          tags,
        },
        { parent: this, provider, protect },
      );
      this.copyKmsKeyArn = copyKey.arn;
      this.copyVault = new aws.backup.Vault(
        `${name}-copy-vault`,
        { name: copy.vaultName, kmsKeyArn: copyKey.arn, forceDestroy, tags },
        { parent: this, provider, protect },
      );
      if (lockArgs) {
        new aws.backup.VaultLockConfiguration(
          `${name}-copy-vault-lock`,
          { backupVaultName: this.copyVault.name, ...lockArgs },
          { parent: this, provider, protect },
        );
      }
    }

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `AWS Backup service role of Seawall backups ${name}`,
        assumeRolePolicy: JSON.stringify(backupTrustPolicy()),
        maxSessionDuration: 3600,
        tags,
      },
      { parent: this },
    );
    const attachments = Object.keys(backupManagedPolicyArns("aws")).map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-role-${policy}`,
          {
            role: this.role.name,
            policyArn: partition.apply((part) => backupManagedPolicyArns(part)[policy]),
          },
          { parent: this },
        ),
    );

    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        rules: backupPlanRules<pulumi.Input<string>>({
          vaultName: this.vault.name,
          daily: { schedule: args.dailySchedule ?? DEFAULT_DAILY_SCHEDULE, retentionDays: daily },
          weekly: { schedule: args.weeklySchedule ?? DEFAULT_WEEKLY_SCHEDULE, retentionDays: weekly },
          startWindowMinutes: args.startWindowMinutes ?? 60,
          completionWindowMinutes: args.completionWindowMinutes ?? 1440,
          copyVaultArn: this.copyVault?.arn,
          recoveryPointTags: tags,
        }),
        tags,
      },
      { parent: this },
    );

    const selectionTag = args.selectionTag ?? { key: "seawall:backup", value: "true" };
    this.selection = new aws.backup.Selection(
      `${name}-selection`,
      {
        planId: this.plan.id,
        iamRoleArn: this.role.arn,
        selectionTags: [{ type: "STRINGEQUALS", key: selectionTag.key, value: selectionTag.value }],
      },
      // The role must hold its policies before the first job runs under it.
      { parent: this, dependsOn: attachments },
    );

    const rt = args.restoreTesting;
    if (rt) {
      this.restoreTestingPlan = new aws.backup.RestoreTestingPlan(
        `${name}-restore-testing`,
        {
          name: restoreTestingName(name, "_restore_testing"),
          scheduleExpression: rt.schedule ?? DEFAULT_RESTORE_TEST_SCHEDULE,
          scheduleExpressionTimezone: "Etc/UTC",
          startWindowHours: rt.startWindowHours ?? 24,
          recoveryPointSelection: {
            algorithm: "LATEST_WITHIN_WINDOW",
            includeVaults: [this.vault.arn],
            recoveryPointTypes: ["SNAPSHOT"],
            selectionWindowDays: rt.selectionWindowDays ?? 7,
          },
          tags,
        },
        { parent: this },
      );
      new aws.backup.RestoreTestingSelection(
        `${name}-restore-testing-s3`,
        {
          name: restoreTestingName(name, "_s3"),
          restoreTestingPlanName: this.restoreTestingPlan.name,
          protectedResourceType: "S3",
          iamRoleArn: this.role.arn,
          protectedResourceConditions: {
            stringEquals: [{ key: `aws:ResourceTag/${selectionTag.key}`, value: selectionTag.value }],
          },
          validationWindowHours: rt.validationWindowHours ?? 4,
        },
        { parent: this, dependsOn: attachments },
      );
    }

    this.registerOutputs({
      vaultName: this.vaultName,
      vaultArn: this.vaultArn,
      kmsKeyArn: this.kmsKeyArn,
      planId: this.plan.id,
      copyVaultArn: this.copyVault?.arn,
      copyKmsKeyArn: this.copyKmsKeyArn,
    });
  }
}
