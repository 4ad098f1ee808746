import {
  AZURE_RESTORE_PATHS,
  AzureBackups,
  AzureBackupsArgs,
  azureBackupsProfileArgs,
  validateAzureBackupsArgs,
} from "../../components/azure/backups";
import { resolveProfile } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:azure:Backups",
  vault: "azure-native:dataprotection:BackupVault",
  policy: "azure-native:dataprotection:BackupPolicy",
  instance: "azure-native:dataprotection:BackupInstance",
  role: "azure-native:authorization:RoleAssignment",
};

const SUB = "00000000-0000-4000-8000-5ea3a1100001";
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/seawalllake`;

async function backups(args: Partial<AzureBackupsArgs>, name = "bk"): Promise<Plan> {
  return plan(
    () => {
      const b = new AzureBackups(name, { resourceGroupName: "data", ...args });
      return { vaultId: b.vaultId, principal: b.vaultPrincipalId };
    },
    { "azure-native:location": "westeurope" },
  );
}

const operational = (days: number) => ({
  name: "Default",
  objectType: "AzureRetentionRule",
  isDefault: true,
  lifecycles: [
    {
      deleteAfter: { duration: `P${days}D`, objectType: "AbsoluteDeleteOption" },
      sourceDataStore: { dataStoreType: "OperationalStore", objectType: "DataStoreInfoBase" },
      targetDataStoreCopySettings: [],
    },
  ],
});

describe("Azure Backups by default (prod)", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await backups({ storageAccount: { id: ACCOUNT } });
  });

  it("makes a vault, a blob policy, the role grant and the backup instance", () => {
    expect(s.counts()).toEqual({
      [T.component]: 1,
      [T.vault]: 1,
      [T.policy]: 1,
      [T.role]: 1,
      [T.instance]: 1,
    });
  });

  it("keeps recovery points geo-redundant with cross-region restore, soft delete on and unlocked immutability", () => {
    const vault = s.one(T.vault, "bk-vault");
    expect(vault.inputs).toEqual({
      resourceGroupName: "data",
      identity: { type: "SystemAssigned" },
      properties: {
        storageSettings: [{ datastoreType: "VaultStore", type: "GeoRedundant" }],
        securitySettings: {
          softDeleteSettings: { state: "On", retentionDurationInDays: 14 },
          immutabilitySettings: { state: "Unlocked" },
        },
        featureSettings: { crossRegionRestoreSettings: { state: "Enabled" } },
        monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: "Enabled" } },
      },
      tags: { "seawall-component": "backups" },
    });
    expect(vault.protect).toBe(true);
  });

  it("keeps 30 days of operational backup of the account's blobs", () => {
    const policy = s.one(T.policy, "bk-blob-policy");
    expect(policy.inputs.properties).toEqual({
      objectType: "BackupPolicy",
      datasourceTypes: ["Microsoft.Storage/storageAccounts/blobServices"],
      policyRules: [operational(30)],
    });
    expect(policy.inputs.vaultName).toMatch(/^bk-vault/);
    expect(policy.protect).toBe(true);
  });

  it("grants the vault's identity Storage Account Backup Contributor on the account", () => {
    const vault = s.one(T.vault, "bk-vault");
    const role = s.one(T.role, "bk-backup-contributor");
    expect(role.inputs).toEqual({
      scope: ACCOUNT,
      principalId: s.output("principal"),
      principalType: "ServicePrincipal",
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1`,
      description: "Seawall backups (bk): the backup vault backs up and restores the storage account",
    });
    expect(s.output("principal")).toMatch(/^[0-9a-f-]{36}$/);
    expect(role.dependsOn).toContain(vault.urn);
  });

  it("protects the account with the policy once the grant exists", () => {
    const role = s.one(T.role, "bk-backup-contributor");
    const instance = s.one(T.instance, "bk-blob");
    expect(instance.dependsOn).toContain(role.urn);
    expect(instance.inputs.properties).toEqual({
      objectType: "BackupInstance",
      friendlyName: "seawalllake",
      dataSourceInfo: {
        objectType: "Datasource",
        datasourceType: "Microsoft.Storage/storageAccounts/blobServices",
        resourceID: ACCOUNT,
        resourceUri: ACCOUNT,
        resourceName: "seawalllake",
        resourceType: "Microsoft.Storage/storageAccounts",
        resourceLocation: "westeurope",
      },
      policyInfo: { policyId: expect.stringMatching(/\/backupVaults\/bk-vault.*\/backupPolicies\//) },
    });
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(s.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("says what a restore of each store uses", () => {
    expect(Object.keys(AZURE_RESTORE_PATHS)).toEqual(["objectStore", "featureStore", "eventStream"]);
    expect(AZURE_RESTORE_PATHS.objectStore).toMatch(/point-in-time/);
    expect(AZURE_RESTORE_PATHS.featureStore).toMatch(/import/);
    expect(AZURE_RESTORE_PATHS.eventStream).toMatch(/lake/);
  });
});

describe("Azure Backups with vaulted backup", () => {
  it("adds a daily backup into the vault with its retention, for the listed containers", async () => {
    const s = await backups({
      storageAccount: { id: ACCOUNT, location: "northeurope" },
      operationalRetentionDays: 35,
      vaulted: { containers: ["lake"], retentionDays: 365, startHourUtc: 3 },
    });
    expect(
      (s.one(T.policy, "bk-blob-policy").inputs.properties as { policyRules: unknown }).policyRules,
    ).toEqual([
      operational(35),
      {
        name: "BackupDaily",
        objectType: "AzureBackupRule",
        backupParameters: { backupType: "Discrete", objectType: "AzureBackupParams" },
        dataStore: { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" },
        trigger: {
          objectType: "ScheduleBasedTriggerContext",
          schedule: { repeatingTimeIntervals: ["R/2024-01-01T03:00:00+00:00/P1D"], timeZone: "UTC" },
          taggingCriteria: [{ isDefault: true, tagInfo: { tagName: "Default" }, taggingPriority: 99 }],
        },
      },
      {
        name: "Default",
        objectType: "AzureRetentionRule",
        isDefault: true,
        lifecycles: [
          {
            deleteAfter: { duration: "P365D", objectType: "AbsoluteDeleteOption" },
            sourceDataStore: { dataStoreType: "VaultStore", objectType: "DataStoreInfoBase" },
            targetDataStoreCopySettings: [],
          },
        ],
      },
    ]);
    const info = s.one(T.instance, "bk-blob").inputs.properties as Record<string, Record<string, unknown>>;
    expect(info.policyInfo.policyParameters).toEqual({
      backupDatasourceParametersList: [
        { objectType: "BlobBackupDatasourceParameters", containersList: ["lake"] },
      ],
    });
    expect(info.dataSourceInfo.resourceLocation).toBe("northeurope");
  });
});

describe("Azure Backups in dev and with a key", () => {
  it("uses zone-redundant storage without cross-region restore or immutability, unprotected, from the dev profile", async () => {
    const p = azureBackupsProfileArgs(resolveProfile("dev"));
    expect(p).toEqual({
      storageRedundancy: "ZoneRedundant",
      crossRegionRestore: false,
      immutability: "Disabled",
      operationalRetentionDays: 7,
      vaultedRetentionDays: 35,
      protect: false,
    });
    const s = await backups({ ...p });
    const vault = s.one(T.vault, "bk-vault");
    expect(vault.inputs.properties).toMatchObject({
      storageSettings: [{ datastoreType: "VaultStore", type: "ZoneRedundant" }],
      securitySettings: { immutabilitySettings: { state: "Disabled" } },
      featureSettings: { crossRegionRestoreSettings: { state: "Disabled" } },
    });
    expect(vault.protect).toBe(false);
    expect(s.ofType(T.instance)).toEqual([]);
    expect(s.ofType(T.role)).toEqual([]);
  });

  it("maps the prod profile to geo-redundant, cross-region, unlocked immutability", () => {
    expect(azureBackupsProfileArgs(resolveProfile("prod"))).toEqual({
      storageRedundancy: "GeoRedundant",
      crossRegionRestore: true,
      immutability: "Unlocked",
      operationalRetentionDays: 35,
      vaultedRetentionDays: 365,
      protect: true,
    });
  });

  it("encrypts the vault with a brought key through its user-assigned identity", async () => {
    const identityId = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backup`;
    const s = await backups({
      encryptionKey: { keyUri: "https://kv.vault.azure.net/keys/backup", identityId },
    });
    const vault = s.one(T.vault, "bk-vault");
    expect(vault.inputs.identity).toEqual({
      type: "SystemAssigned,UserAssigned",
      userAssignedIdentities: [identityId],
    });
    expect((vault.inputs.properties as { securitySettings: unknown }).securitySettings).toEqual({
      softDeleteSettings: { state: "On", retentionDurationInDays: 14 },
      immutabilitySettings: { state: "Unlocked" },
      encryptionSettings: {
        state: "Enabled",
        keyVaultProperties: { keyUri: "https://kv.vault.azure.net/keys/backup" },
        kekIdentity: { identityType: "UserAssigned", identityId },
        infrastructureEncryption: "Enabled",
      },
    });
  });
});

describe("validateAzureBackupsArgs", () => {
  const base = { resourceGroupName: "data" };
  it("passes the defaults and a full valid setting", () => {
    expect(() => validateAzureBackupsArgs(base)).not.toThrow();
    expect(() =>
      validateAzureBackupsArgs({
        ...base,
        vaultName: "seawall-backups",
        storageAccount: { id: ACCOUNT },
        vaulted: { containers: ["lake", "raw-events"], retentionDays: 3650, startHourUtc: 23 },
        immutability: "Locked",
        softDeleteRetentionDays: 180,
        operationalRetentionDays: 360,
      }),
    ).not.toThrow();
  });

  it("lists every problem with its field and code", () => {
    expect(
      problemsThrownBy(() =>
        validateAzureBackupsArgs({
          ...base,
          vaultName: "1vault",
          storageRedundancy: "ZoneRedundant",
          crossRegionRestore: true,
          immutability: "Frozen" as never,
          softDeleteRetentionDays: 7,
          operationalRetentionDays: 361,
          storageAccount: { id: "seawalllake", hierarchicalNamespace: true },
          vaulted: { containers: ["Lake"], retentionDays: 0, startHourUtc: 24 },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_BACKUPS_VAULT_NAME", field: "vaultName", value: "1vault" },
      { code: "SEAWALL_AZURE_BACKUPS_CROSS_REGION_RESTORE", field: "crossRegionRestore", value: true },
      { code: "SEAWALL_AZURE_BACKUPS_IMMUTABILITY", field: "immutability", value: "Frozen" },
      { code: "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE", field: "softDeleteRetentionDays", value: 7 },
      { code: "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE", field: "operationalRetentionDays", value: 361 },
      { code: "SEAWALL_AZURE_BACKUPS_ACCOUNT_ID", field: "storageAccount.id", value: "seawalllake" },
      {
        code: "SEAWALL_AZURE_BACKUPS_HNS_UNSUPPORTED",
        field: "storageAccount.hierarchicalNamespace",
        value: true,
      },
      { code: "SEAWALL_AZURE_BACKUPS_CONTAINERS", field: "vaulted.containers[0]", value: "Lake" },
      { code: "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE", field: "vaulted.retentionDays", value: 0 },
      { code: "SEAWALL_AZURE_BACKUPS_START_HOUR", field: "vaulted.startHourUtc", value: 24 },
    ]);
  });

  it("refuses an unknown redundancy, vaulted backup without an account, and no containers", () => {
    expect(
      problemsThrownBy(() =>
        validateAzureBackupsArgs({
          ...base,
          storageRedundancy: "ReadAccessGeoRedundant" as never,
          vaulted: { containers: [] },
        }),
      ),
    ).toEqual([
      {
        code: "SEAWALL_AZURE_BACKUPS_REDUNDANCY",
        field: "storageRedundancy",
        value: "ReadAccessGeoRedundant",
      },
      { code: "SEAWALL_AZURE_BACKUPS_NEEDS_ACCOUNT", field: "vaulted", value: [] },
      { code: "SEAWALL_AZURE_BACKUPS_CONTAINERS", field: "vaulted.containers", value: [] },
    ]);
  });
});
