import {
  GcpBackups,
  GcpBackupsArgs,
  GCP_RESTORE_PATHS,
  validateGcpBackupsArgs,
} from "../../components/gcp/backups";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:gcp:Backups",
  vault: "gcp:backupdisasterrecovery/backupVault:BackupVault",
  plan: "gcp:backupdisasterrecovery/backupPlan:BackupPlan",
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
};

async function backups(args: GcpBackupsArgs, name = "bk"): Promise<Plan> {
  return plan(
    () => {
      const b = new GcpBackups(name, args);
      return { vault: b.vaultName, key: b.kmsKeyId };
    },
    { "gcp:project": "seawall-prod", "gcp:region": "europe-west1" },
  );
}

const labels = { "seawall-environment": "prod", "seawall-component": "backups" };

describe("GCP Backups by default", () => {
  it("makes no vault: Backup and DR protects none of Seawall's stores", async () => {
    const s = await backups({});
    expect(s.counts()).toEqual({ [T.component]: 1 });
  });

  it("says what a restore of each store uses", () => {
    expect(Object.keys(GCP_RESTORE_PATHS)).toEqual(["objectStore", "featureStore", "eventStream"]);
    expect(GCP_RESTORE_PATHS.eventStream).toMatch(/lake/);
  });
});

describe("GCP Backups with a vault and a plan", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await backups({
      vault: {
        args: {
          projectNumber: "123456789012",
          minimumEnforcedRetentionDays: 35,
          lockAfter: "2026-01-01T00:00:00Z",
        },
      },
      plans: [{ resourceType: "compute.googleapis.com/Disk", weeklyRetentionDays: 400 }],
      labels: { "seawall-environment": "prod" },
    });
  });

  it("creates a key, its grant to the Backup and DR agent, the vault and the plan, all protected", () => {
    expect(s.counts()).toEqual({
      [T.component]: 1,
      [T.ring]: 1,
      [T.key]: 1,
      [T.grant]: 1,
      [T.vault]: 1,
      [T.plan]: 1,
    });
    for (const type of [T.ring, T.key, T.vault, T.plan]) expect(s.ofType(type)[0].protect).toBe(true);
  });

  it("encrypts the vault with the key once the Backup and DR service agent may use it", () => {
    const grant = s.one(T.grant, "bk-key-backupdr-grant");
    expect(grant.inputs).toMatchObject({
      role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
      member: "serviceAccount:service-123456789012@gcp-sa-backupdr.iam.gserviceaccount.com",
    });
    const vault = s.one(T.vault, "bk-vault");
    expect(vault.inputs).toEqual({
      backupVaultId: "bk-vault",
      location: "europe-west1",
      description: "Seawall backups (bk): minimum enforced retention 35 days",
      backupMinimumEnforcedRetentionDuration: "3024000s",
      backupRetentionInheritance: "INHERIT_VAULT_RETENTION",
      effectiveTime: "2026-01-01T00:00:00Z",
      accessRestriction: "WITHIN_PROJECT",
      encryptionConfig: { kmsKeyName: s.output("key") },
      ignoreInactiveDatasources: false,
      ignoreBackupPlanReferences: false,
      deletionPolicy: "PREVENT",
      labels,
    });
    expect(vault.dependsOn).toContain(grant.urn);
  });

  it("backs up daily (kept the vault's minimum) and weekly on Sundays into the vault, in a six-hour window", () => {
    expect(s.one(T.plan, "bk-compute-plan").inputs).toEqual({
      backupPlanId: "bk-compute",
      location: "europe-west1",
      resourceType: "compute.googleapis.com/Disk",
      backupVault: s.output("vault"),
      description: "Seawall backups (bk) of compute.googleapis.com/Disk",
      backupRules: [
        {
          ruleId: "daily",
          backupRetentionDays: 35,
          standardSchedule: {
            recurrenceType: "DAILY",
            timeZone: "UTC",
            backupWindow: { startHourOfDay: 2, endHourOfDay: 8 },
          },
        },
        {
          ruleId: "weekly",
          backupRetentionDays: 400,
          standardSchedule: {
            recurrenceType: "WEEKLY",
            daysOfWeeks: ["SUNDAY"],
            timeZone: "UTC",
            backupWindow: { startHourOfDay: 2, endHourOfDay: 8 },
          },
        },
      ],
      deletionPolicy: "PREVENT",
    });
  });
});

describe("GCP Backups opt-outs", () => {
  it("lets a throwaway vault be destroyed, with a brought key and no grant", async () => {
    const keyId = "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k";
    const s = await backups({
      vault: { args: { kmsKey: { existing: { keyId, grantServiceAgents: false } } } },
      protect: false,
      forceDestroy: true,
    });
    expect(s.counts()).toEqual({ [T.component]: 1, [T.vault]: 1 });
    const vault = s.one(T.vault, "bk-vault");
    expect(vault.protect).toBe(false);
    expect(vault.inputs).toMatchObject({
      encryptionConfig: { kmsKeyName: keyId },
      ignoreInactiveDatasources: true,
      ignoreBackupPlanReferences: true,
      deletionPolicy: "DELETE",
    });
    expect(vault.inputs.effectiveTime).toBeUndefined();
  });

  it("plans into a brought vault", async () => {
    const vaultId = "projects/p/locations/europe-west1/backupVaults/v";
    const s = await backups({
      vault: { existing: { vaultId } },
      plans: [{ resourceType: "sqladmin.googleapis.com/Instance" }],
    });
    expect(s.counts()).toEqual({ [T.component]: 1, [T.plan]: 1 });
    expect(s.one(T.plan, "bk-sqladmin-plan").inputs.backupVault).toBe(vaultId);
  });
});

describe("validateGcpBackupsArgs", () => {
  it("refuses a plan for Seawall's own stores, saying what protects each", () => {
    expect(() =>
      validateGcpBackupsArgs({
        region: "europe-west1",
        vault: { existing: { vaultId: "v" } },
        plans: [{ resourceType: "managedkafka.googleapis.com/Cluster" }],
      }),
    ).toThrow(
      /plans\[0\]\.resourceType = "managedkafka.googleapis.com\/Cluster": Backup and DR protects only .*; Kafka is replayed from the lake.* \[SEAWALL_GCP_BACKUPS_RESOURCE_UNSUPPORTED\]/,
    );
  });

  it("lists every problem with its code and field", () => {
    expect(
      problemsThrownBy(() =>
        validateGcpBackupsArgs({
          vault: {
            args: {
              vaultId: "V",
              minimumEnforcedRetentionDays: 0,
              lockAfter: "2026-01-01",
              accessRestriction: "OPEN" as never,
            },
          },
          plans: [
            {
              resourceType: "storage.googleapis.com/Bucket",
              dailyRetentionDays: 40,
              weeklyRetentionDays: 30,
              windowStartHour: 20,
            },
          ],
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_BACKUPS_REGION", field: "region", value: undefined },
      { code: "SEAWALL_GCP_BACKUPS_VAULT_ID", field: "vault.args.vaultId", value: "V" },
      {
        code: "SEAWALL_GCP_BACKUPS_RETENTION_RANGE",
        field: "vault.args.minimumEnforcedRetentionDays",
        value: 0,
      },
      { code: "SEAWALL_GCP_BACKUPS_LOCK_TIME", field: "vault.args.lockAfter", value: "2026-01-01" },
      {
        code: "SEAWALL_GCP_BACKUPS_ACCESS_RESTRICTION",
        field: "vault.args.accessRestriction",
        value: "OPEN",
      },
      { code: "SEAWALL_GCP_BACKUPS_PROJECT_NUMBER", field: "vault.args.projectNumber", value: undefined },
      {
        code: "SEAWALL_GCP_BACKUPS_RESOURCE_UNSUPPORTED",
        field: "plans[0].resourceType",
        value: "storage.googleapis.com/Bucket",
      },
      { code: "SEAWALL_GCP_BACKUPS_RETENTION_ORDER", field: "plans[0].weeklyRetentionDays", value: 30 },
      { code: "SEAWALL_GCP_BACKUPS_WINDOW", field: "plans[0].windowStartHour", value: 20 },
    ]);
  });

  it("needs a vault for plans, and the region from gcp:region", () => {
    expect(
      problemsThrownBy(() =>
        validateGcpBackupsArgs({ plans: [{ resourceType: "file.googleapis.com/Instance" }] }, "europe-west1"),
      ),
    ).toEqual([
      {
        code: "SEAWALL_GCP_BACKUPS_PLAN_NEEDS_VAULT",
        field: "plans",
        value: ["file.googleapis.com/Instance"],
      },
    ]);
  });
});
