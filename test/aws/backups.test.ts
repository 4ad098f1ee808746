import * as fc from "fast-check";
import { Backups, BackupsArgs, validateBackupsArgs } from "../../components/aws/backups";
import { SeawallValidationError } from "../../components/validation";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:aws:Backups",
  key: "aws:kms/key:Key",
  vault: "aws:backup/vault:Vault",
  lock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  plan: "aws:backup/plan:Plan",
  selection: "aws:backup/selection:Selection",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  provider: "pulumi:providers:aws",
  rtPlan: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
  rtSelection: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
};

const ACCOUNT = "123456789012";
const vaultArn = (region: string, name: string) => `arn:aws:backup:${region}:${ACCOUNT}:backup-vault:${name}`;

async function backups(args: BackupsArgs = {}, name = "bk"): Promise<Plan> {
  return plan(() => {
    const b = new Backups(name, args);
    return {
      vaultName: b.vaultName,
      vaultArn: b.vaultArn,
      copyVaultArn: b.copyVault?.arn,
      roleArn: b.role.arn,
    };
  });
}

const prodArgs: BackupsArgs = {
  dailyRetentionDays: 35,
  weeklyRetentionDays: 365,
  vaultLock: {},
  copy: { region: "us-west-2" },
  restoreTesting: {},
  tags: { "seawall:environment": "prod" },
};

describe("Backups defaults", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await backups();
  });

  it("creates a key, a vault, a plan, a role with four policies and a selection, and nothing else", () => {
    expect(s.counts()).toEqual({
      [T.component]: 1,
      [T.key]: 1,
      [T.vault]: 1,
      [T.plan]: 1,
      [T.role]: 1,
      [T.attachment]: 4,
      [T.selection]: 1,
    });
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = s.one(T.component, "bk");
    for (const r of s.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("bk-")).toBe(true);
    }
  });

  it("encrypts the vault with its own customer-managed key, rotation on", () => {
    const key = s.one(T.key, "bk-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(s.one(T.vault, "bk-vault").propertyDependencies.kmsKeyArn).toEqual([key.urn]);
    expect(s.one(T.vault, "bk-vault").inputs).toMatchObject({
      forceDestroy: false,
      tags: { "seawall:component": "Backups" },
    });
    expect((s.one(T.vault, "bk-vault").inputs.kmsKeyArn as string).startsWith("arn:aws:kms:us-east-1:")).toBe(
      true,
    );
  });

  it("protects the vault and the key, not the plan", () => {
    expect(s.one(T.vault, "bk-vault").protect).toBe(true);
    expect(s.one(T.key, "bk-key").protect).toBe(true);
    expect(s.one(T.plan, "bk-plan").protect).toBe(false);
  });

  it("backs up daily for 35 days and weekly for 365 days into the vault, without copies", () => {
    const plan = s.one(T.plan, "bk-plan");
    const vaultName = s.output("vaultName") as string;
    expect(plan.inputs.rules).toEqual([
      {
        ruleName: "daily",
        targetVaultName: vaultName,
        schedule: "cron(0 5 * * ? *)",
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: 60,
        completionWindow: 1440,
        lifecycle: { deleteAfter: 35 },
        recoveryPointTags: { "seawall:component": "Backups", "seawall:backup-frequency": "daily" },
      },
      {
        ruleName: "weekly",
        targetVaultName: vaultName,
        schedule: "cron(0 6 ? * SUN *)",
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: 60,
        completionWindow: 1440,
        lifecycle: { deleteAfter: 365 },
        recoveryPointTags: { "seawall:component": "Backups", "seawall:backup-frequency": "weekly" },
      },
    ]);
    expect(plan.propertyDependencies.rules).toEqual([s.one(T.vault, "bk-vault").urn]);
  });

  it("gives AWS Backup a role with the backup, restore and S3 managed policies", () => {
    const role = s.one(T.role, "bk-role");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).toEqual([
      {
        Sid: "AwsBackupAssumesRole",
        Effect: "Allow",
        Principal: { Service: "backup.amazonaws.com" },
        Action: "sts:AssumeRole",
      },
    ]);
    const attached = s.resources
      .filter((r) => r.type === T.attachment)
      .map((r) => [r.name, r.inputs.policyArn, r.propertyDependencies.role]);
    expect(attached).toEqual([
      [
        "bk-role-backup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        [role.urn],
      ],
      [
        "bk-role-restores",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        [role.urn],
      ],
      ["bk-role-s3-backup", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup", [role.urn]],
      ["bk-role-s3-restore", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore", [role.urn]],
    ]);
  });

  it("selects every resource tagged seawall:backup=true, once the role holds its policies", () => {
    const selection = s.one(T.selection, "bk-selection");
    expect(selection.inputs).toMatchObject({
      selectionTags: [{ type: "STRINGEQUALS", key: "seawall:backup", value: "true" }],
      iamRoleArn: s.output("roleArn"),
    });
    expect(selection.propertyDependencies.planId).toEqual([s.one(T.plan, "bk-plan").urn]);
    expect(selection.propertyDependencies.iamRoleArn).toEqual([s.one(T.role, "bk-role").urn]);
    const attachmentUrns = s.resources.filter((r) => r.type === T.attachment).map((r) => r.urn);
    expect(selection.dependsOn).toEqual(expect.arrayContaining(attachmentUrns));
  });

  it("logs no warnings (no deprecated resources or properties)", () => {
    expect(s.result.warnings).toEqual([]);
  });
});

describe("Backups in production (lock, copies, restore tests)", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await backups(prodArgs);
  });

  it("locks the vault in governance mode between the daily and weekly retention", () => {
    const lock = s.one(T.lock, "bk-vault-lock");
    expect(lock.inputs).toEqual({
      backupVaultName: s.output("vaultName"),
      minRetentionDays: 35,
      maxRetentionDays: 365,
    });
    expect(lock.propertyDependencies.backupVaultName).toEqual([s.one(T.vault, "bk-vault").urn]);
    expect(lock.protect).toBe(true);
  });

  it("copies to a vault in the replica region, encrypted with a key of that region", () => {
    const provider = s.one(T.provider, "bk-copy-provider");
    expect(provider.inputs.region).toBe("us-west-2");
    const copyKey = s.one(T.key, "bk-copy-key");
    const copyVault = s.one(T.vault, "bk-copy-vault");
    expect(copyKey.provider).toBe(provider.urn);
    expect(copyVault.provider).toBe(provider.urn);
    expect(copyVault.protect).toBe(true);
    expect((copyVault.inputs.kmsKeyArn as string).startsWith("arn:aws:kms:us-west-2:")).toBe(true);
    expect(copyVault.propertyDependencies.kmsKeyArn).toEqual([copyKey.urn]);
    const copyArn = s.output("copyVaultArn") as string;
    expect(copyArn.startsWith("arn:aws:backup:us-west-2:")).toBe(true);
    const rules = s.one(T.plan, "bk-plan").inputs.rules as { copyActions: unknown }[];
    expect(rules.map((r) => r.copyActions)).toEqual([
      [{ destinationVaultArn: copyArn, lifecycle: { deleteAfter: 35 } }],
      [{ destinationVaultArn: copyArn, lifecycle: { deleteAfter: 365 } }],
    ]);
  });

  it("locks the copy vault the same way", () => {
    const lock = s.one(T.lock, "bk-copy-vault-lock");
    expect(lock.provider).toBe(s.one(T.provider, "bk-copy-provider").urn);
    expect(lock.inputs).toMatchObject({ minRetentionDays: 35, maxRetentionDays: 365 });
    expect(lock.propertyDependencies.backupVaultName).toEqual([s.one(T.vault, "bk-copy-vault").urn]);
  });

  it("restore-tests the latest S3 recovery point of the vault every week", () => {
    const rt = s.one(T.rtPlan, "bk-restore-testing");
    expect(rt.inputs).toEqual({
      name: "bk_restore_testing",
      scheduleExpression: "cron(0 8 ? * MON *)",
      scheduleExpressionTimezone: "Etc/UTC",
      startWindowHours: 24,
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: [s.output("vaultArn")],
        recoveryPointTypes: ["SNAPSHOT"],
        selectionWindowDays: 7,
      },
      tags: { "seawall:environment": "prod", "seawall:component": "Backups" },
    });
    const sel = s.one(T.rtSelection, "bk-restore-testing-s3");
    expect(sel.inputs).toMatchObject({
      name: "bk_s3",
      restoreTestingPlanName: "bk_restore_testing",
      protectedResourceType: "S3",
      protectedResourceConditions: {
        stringEquals: [{ key: "aws:ResourceTag/seawall:backup", value: "true" }],
      },
      validationWindowHours: 4,
    });
    expect(sel.inputs.iamRoleArn).toBe(s.output("roleArn"));
    expect(sel.propertyDependencies.iamRoleArn).toEqual([s.one(T.role, "bk-role").urn]);
  });

  it("honours explicit lock bounds and a compliance-mode grace period", async () => {
    const c = await backups({
      ...prodArgs,
      vaultLock: { minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 3 },
    });
    expect(c.one(T.lock, "bk-vault-lock").inputs).toMatchObject({
      minRetentionDays: 7,
      maxRetentionDays: 400,
      changeableForDays: 3,
    });
  });
});

describe("Backups options", () => {
  it("adopts an existing key instead of creating one", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const s = await backups({ kmsKey: { existing: { arn } } });
    expect(s.ofType(T.key).length).toBe(0);
    expect(s.one(T.vault, "bk-vault").inputs.kmsKeyArn).toBe(arn);
  });

  it("passes protect=false and forceDestroy=true for throwaway environments", async () => {
    const s = await backups({ protect: false, forceDestroy: true });
    expect(s.one(T.vault, "bk-vault").protect).toBe(false);
    expect(s.one(T.key, "bk-key").protect).toBe(false);
    expect(s.one(T.vault, "bk-vault").inputs.forceDestroy).toBe(true);
  });

  it("selects by a custom tag and names the vault as asked", async () => {
    const s = await backups({ selectionTag: { key: "backup", value: "daily" }, vaultName: "lake-vault" });
    expect(s.one(T.selection, "bk-selection").inputs.selectionTags).toEqual([
      { type: "STRINGEQUALS", key: "backup", value: "daily" },
    ]);
    expect(s.one(T.vault, "bk-vault").inputs.name).toBe("lake-vault");
    expect(s.output("vaultArn")).toBe(vaultArn("us-east-1", "lake-vault"));
  });

  it("fails when the copy region is the primary region", async () => {
    await expect(backups({ copy: { region: "us-east-1" } })).rejects.toThrow(
      /copy.region = "us-east-1": is the primary region/,
    );
  });
});

describe("validateBackupsArgs", () => {
  function problems(args: BackupsArgs): { field: string; value: unknown }[] {
    try {
      validateBackupsArgs(args);
    } catch (e) {
      if (!(e instanceof SeawallValidationError)) throw e;
      return e.problems.map(({ field, value }) => ({ field, value }));
    }
    return [];
  }

  it("accepts the defaults and the production settings", () => {
    expect(problems({})).toEqual([]);
    expect(problems(prodArgs)).toEqual([]);
  });

  it.each([
    ["dailyRetentionDays", { dailyRetentionDays: 0 }, 0],
    ["dailyRetentionDays", { dailyRetentionDays: 1.5 }, 1.5],
    ["weeklyRetentionDays", { weeklyRetentionDays: 36501 }, 36501],
    ["startWindowMinutes", { startWindowMinutes: 30 }, 30],
    ["keyDeletionWindowInDays", { keyDeletionWindowInDays: 3 }, 3],
    ["dailySchedule", { dailySchedule: "rate(1 day)" }, "rate(1 day)"],
    ["weeklySchedule", { weeklySchedule: "cron(0 6 * *)" }, "cron(0 6 * *)"],
    ["vaultName", { vaultName: "has spaces" }, "has spaces"],
    ["restoreTesting.validationWindowHours", { restoreTesting: { validationWindowHours: 0 } }, 0],
    ["restoreTesting.selectionWindowDays", { restoreTesting: { selectionWindowDays: 366 } }, 366],
    ["restoreTesting.schedule", { restoreTesting: { schedule: "weekly" } }, "weekly"],
    ["vaultLock.changeableForDays", { vaultLock: { changeableForDays: 1 } }, 1],
  ] as [string, BackupsArgs, unknown][])("rejects an invalid %s: %j", (field, args, value) => {
    expect(problems(args)).toContainEqual({ field, value });
  });

  it("accepts any retention pair in range exactly when weekly is at least daily", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 36500 }), fc.integer({ min: 1, max: 36500 }), (daily, weekly) => {
        const found = problems({ dailyRetentionDays: daily, weeklyRetentionDays: weekly, vaultLock: {} });
        expect(found).toEqual(
          weekly >= daily
            ? []
            : [
                { field: "weeklyRetentionDays", value: weekly },
                { field: "vaultLock.minRetentionDays", value: daily },
              ],
        );
      }),
    );
  });

  it("rejects weekly retention shorter than daily retention", () => {
    expect(problems({ dailyRetentionDays: 35, weeklyRetentionDays: 14 })).toEqual([
      { field: "weeklyRetentionDays", value: 14 },
    ]);
  });

  it("rejects a completion window that does not outlast the start window by an hour", () => {
    expect(problems({ startWindowMinutes: 120, completionWindowMinutes: 150 })).toEqual([
      { field: "completionWindowMinutes", value: 150 },
    ]);
  });

  it("rejects a copy without a replica region", () => {
    expect(problems({ copy: {} as never })).toEqual([{ field: "copy.region", value: undefined }]);
    expect(problems({ copy: { region: "mars" } })).toEqual([{ field: "copy.region", value: "mars" }]);
  });

  it("rejects a vault lock whose minimum exceeds its maximum", () => {
    expect(
      problems({
        dailyRetentionDays: 35,
        weeklyRetentionDays: 365,
        vaultLock: { minRetentionDays: 30, maxRetentionDays: 20 },
      }),
    ).toContainEqual({ field: "vaultLock.minRetentionDays", value: 30 });
  });

  it("rejects a vault lock that would refuse the plan's own recovery points", () => {
    expect(
      problems({
        dailyRetentionDays: 7,
        weeklyRetentionDays: 35,
        vaultLock: { minRetentionDays: 14, maxRetentionDays: 30 },
      }),
    ).toEqual([
      { field: "vaultLock.minRetentionDays", value: 14 },
      { field: "vaultLock.maxRetentionDays", value: 30 },
    ]);
  });

  it("rejects a key given both ways and a skipped key", () => {
    expect(
      problems({
        kmsKey: { existing: { arn: "arn" }, args: {} } as never,
        copy: { region: "us-west-2", kmsKey: { skip: true } as never },
      }),
    ).toEqual([
      { field: "kmsKey", value: "{ existing, args }" },
      { field: "copy.kmsKey", value: "{ skip: true }" },
    ]);
  });

  it("lists every problem in one error that names the field, the value and the fix", () => {
    expect(() =>
      validateBackupsArgs({ dailyRetentionDays: 0, weeklyRetentionDays: 36501, copy: { region: "" } }),
    ).toThrow(
      new SeawallValidationError("seawall:aws:Backups: invalid arguments", [
        {
          code: "SEAWALL_BACKUPS_RETENTION_RANGE",
          field: "dailyRetentionDays",
          value: 0,
          fix: "must be a whole number from 1 to 36500",
        },
        {
          code: "SEAWALL_BACKUPS_RETENTION_RANGE",
          field: "weeklyRetentionDays",
          value: 36501,
          fix: "must be a whole number from 1 to 36500",
        },
        {
          code: "SEAWALL_BACKUPS_COPY_REGION",
          field: "copy.region",
          value: "",
          fix: 'cross-region copies need the replica region: an AWS region code such as "us-west-2", other than the primary',
        },
      ]),
    );
  });

  it("leaves values unknown until deploy to the provider", () => {
    expect(problems({ vaultName: Promise.resolve("x y") as never })).toEqual([]);
  });
});

describe("Backups option shapes", () => {
  it("lists a key option without existing or args as a problem, not a silently created key", async () => {
    const args = { kmsKey: { arn: "arn:aws:kms:us-east-1:111122223333:key/k" } } as never;
    expect(problemsThrownBy(() => validateBackupsArgs(args))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: "{ arn }" },
    ]);
    await expect(plan(() => new Backups("c", args))).rejects.toBeInstanceOf(SeawallValidationError);
  });
});
