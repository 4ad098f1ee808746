import * as fc from "fast-check";
import {
  backupManagedPolicyArns,
  backupPlanRules,
  backupTrustPolicy,
  DEFAULT_DAILY_SCHEDULE,
  DEFAULT_WEEKLY_SCHEDULE,
  restoreTestingName,
} from "../../components/aws/backupPlan";

const spec = {
  vaultName: "vault-1",
  daily: { schedule: DEFAULT_DAILY_SCHEDULE, retentionDays: 35 },
  weekly: { schedule: DEFAULT_WEEKLY_SCHEDULE, retentionDays: 365 },
  startWindowMinutes: 60,
  completionWindowMinutes: 1440,
  recoveryPointTags: { "seawall:environment": "prod" },
};

describe("backupPlanRules", () => {
  it("renders a daily and a weekly rule with their own schedule and retention", () => {
    expect(backupPlanRules(spec)).toEqual([
      {
        ruleName: "daily",
        targetVaultName: "vault-1",
        schedule: "cron(0 5 * * ? *)",
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: 60,
        completionWindow: 1440,
        lifecycle: { deleteAfter: 35 },
        recoveryPointTags: { "seawall:environment": "prod", "seawall:backup-frequency": "daily" },
      },
      {
        ruleName: "weekly",
        targetVaultName: "vault-1",
        schedule: "cron(0 6 ? * SUN *)",
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: 60,
        completionWindow: 1440,
        lifecycle: { deleteAfter: 365 },
        recoveryPointTags: { "seawall:environment": "prod", "seawall:backup-frequency": "weekly" },
      },
    ]);
  });

  it("copies each rule's recovery points to the copy vault, kept as long as the originals", () => {
    const rules = backupPlanRules({ ...spec, copyVaultArn: "arn:aws:backup:us-west-2:1:backup-vault:copy" });
    expect(rules.map((r) => r.copyActions)).toEqual([
      [
        {
          destinationVaultArn: "arn:aws:backup:us-west-2:1:backup-vault:copy",
          lifecycle: { deleteAfter: 35 },
        },
      ],
      [
        {
          destinationVaultArn: "arn:aws:backup:us-west-2:1:backup-vault:copy",
          lifecycle: { deleteAfter: 365 },
        },
      ],
    ]);
  });

  it("has no copy action when no copy vault is given", () => {
    expect(backupPlanRules(spec).every((r) => !("copyActions" in r))).toBe(true);
  });
});

describe("backup role documents", () => {
  it("lets only AWS Backup assume the role", () => {
    expect(backupTrustPolicy()).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AwsBackupAssumesRole",
          Effect: "Allow",
          Principal: { Service: "backup.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    });
  });

  it("names the backup, restore and S3 managed policies in the caller's partition", () => {
    expect(backupManagedPolicyArns("aws-us-gov")).toEqual({
      backup: "arn:aws-us-gov:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      restores: "arn:aws-us-gov:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      "s3-backup": "arn:aws-us-gov:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "s3-restore": "arn:aws-us-gov:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
    });
  });
});

describe("restoreTestingName", () => {
  it("replaces characters restore testing rejects with underscores", () => {
    expect(restoreTestingName("seawall-prod-backups", "_s3")).toBe("seawall_prod_backups_s3");
  });

  it("always yields 1 to 50 letters, digits and underscores", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.string({ maxLength: 20 }),
        (name, suffix) => {
          expect(restoreTestingName(name, suffix)).toMatch(/^[A-Za-z0-9_]{1,50}$/);
        },
      ),
    );
  });
});
