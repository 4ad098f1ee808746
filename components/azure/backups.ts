import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { Profile } from "../profiles";
import { isKnown, Problems } from "../validation";

/**
 * What a restore of each of Seawall's Azure stores uses:
 *
 * - **Object store** (the storage account of the ObjectStore): three layers. Blob versioning, blob
 *   and container soft delete and blob point-in-time restore (set by the ObjectStore) undo an
 *   overwrite or a delete in place. The backup vault's *operational backup* of the account (this
 *   component) manages the same point-in-time restore with a delete lock on the account, and
 *   restores the account (or a list of containers / prefixes) to any moment within its retention
 *   (`az dataprotection backup-instance restore initialize-for-data-recovery --point-in-time`).
 *   The *vaulted backup* (when containers are listed) copies the containers into the vault daily,
 *   off the account: a restore of a recovery point into the same or another account survives the
 *   loss of the account itself, and across regions with cross-region restore in `prod`.
 * - **Feature store** (Azure Managed Redis): RDB/AOF persistence, set by the FeatureStore, survives
 *   a node restart; a lost cache is restored by *import* of an RDB file previously *exported* to a
 *   blob container (`az redisenterprise database import`). The features are derived data: replaying
 *   the lake rebuilds them. The Data Protection vault does not protect Azure Managed Redis.
 * - **Event stream** (Event Hubs): no backup exists; geo-disaster-recovery (or geo-replication on
 *   Premium) covers a region, and the lake sink keeps every record in the object store, so a lost
 *   event hub is replayed from the lake (`backfill`).
 *
 * Restore drills that exercise these paths run from Airflow (`restore-drill`).
 */
export const AZURE_RESTORE_PATHS = {
  objectStore:
    "Blob versions, soft delete and point-in-time restore in place; the vault's operational backup restores the account to a point in time; its vaulted backup restores containers from the vault (cross-region in prod).",
  featureStore:
    "Azure Managed Redis import of an RDB export from blob storage, or a rebuild by replaying the lake; persistence covers restarts.",
  eventStream: "Replay from the lake: the lake sink keeps every record in the object store.",
} as const;

/**
 * The built-in role "Storage Account Backup Contributor": what a Data Protection backup vault's
 * identity needs on a storage account to back it up and restore it.
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-account-backup-contributor
 */
export const STORAGE_ACCOUNT_BACKUP_CONTRIBUTOR_ROLE = "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1";

/** The data source type of a storage account's blobs in a backup policy and instance. */
export const BLOB_DATASOURCE_TYPE = "Microsoft.Storage/storageAccounts/blobServices";

export type AzureBackupStorageRedundancy = "GeoRedundant" | "ZoneRedundant" | "LocallyRedundant";
export type AzureBackupImmutability = "Disabled" | "Unlocked" | "Locked";

/** The storage account whose blobs the vault protects. */
export interface AzureBackedUpAccount {
  /** The account's ARM id, `/subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Storage/storageAccounts/<a>`. */
  id: pulumi.Input<string>;
  /** The account's location. @defaultValue - the vault's location */
  location?: pulumi.Input<string>;
  /**
   * Whether the account has a hierarchical namespace (Data Lake Storage). Azure Backup protects
   * neither operationally nor in the vault an account with one, so `true` is refused
   * (`SEAWALL_AZURE_BACKUPS_HNS_UNSUPPORTED`).
   * @defaultValue false
   */
  hierarchicalNamespace?: boolean;
}

/** Vaulted backup: a daily copy of listed containers into the vault. */
export interface AzureVaultedBlobBackup {
  /** The containers copied (1 to 100; Azure Backup does not pick up new ones by itself). */
  containers: string[];
  /** Days each daily recovery point is kept in the vault (1 to 3650). @defaultValue 30 */
  retentionDays?: number;
  /** The hour (UTC, 0 to 23) the daily backup starts. @defaultValue 2 */
  startHourUtc?: number;
}

/** A customer-managed key for the vault, brought (see `keyVaultKey.ts`). */
export interface AzureBackupVaultKey {
  /** The versionless key URI, `https://<vault>.vault.azure.net/keys/<key>`. */
  keyUri: pulumi.Input<string>;
  /** The ARM id of a user-assigned identity granted "Key Vault Crypto Service Encryption User" on the key. */
  identityId: pulumi.Input<string>;
}

export interface AzureBackupsArgs {
  /** The resource group of the vault. */
  resourceGroupName: pulumi.Input<string>;
  /** The vault's location. @defaultValue - the resource group's location */
  location?: pulumi.Input<string>;
  /**
   * The vault's name: 2-50 letters, digits and hyphens, starting with a letter.
   * @defaultValue - auto-named from the component's name
   */
  vaultName?: string;
  /**
   * Where the vault keeps recovery points: `GeoRedundant` (a copy in the paired region, needed
   * for cross-region restore), `ZoneRedundant` or `LocallyRedundant`. Fixed once the vault
   * protects anything.
   * @defaultValue "GeoRedundant"
   */
  storageRedundancy?: AzureBackupStorageRedundancy;
  /**
   * Cross-region restore: restore vaulted recovery points in the paired region. Needs
   * `GeoRedundant` storage. Once on, Azure does not let it be turned off.
   * @defaultValue true when `storageRedundancy` is GeoRedundant
   */
  crossRegionRestore?: boolean;
  /**
   * Vault immutability: `Unlocked` refuses any operation that would lose a recovery point before
   * it expires but can still be turned off by an administrator; `Locked` can never be undone (not
   * even to fix a wrong retention, or to delete the vault before every point has expired), so it
   * is an explicit choice and never a default.
   * @defaultValue "Unlocked"
   */
  immutability?: AzureBackupImmutability;
  /**
   * Days a deleted backup instance and its recovery points stay recoverable (soft delete, state
   * `On`; 14 to 180). `AlwaysOn`, which cannot be turned off, is not used.
   * @defaultValue 14
   */
  softDeleteRetentionDays?: number;
  /** The storage account to back up. @defaultValue - none (a vault and policy only) */
  storageAccount?: AzureBackedUpAccount;
  /**
   * Days the operational backup keeps the account restorable to any point in time (1 to 360). It
   * takes over the account's point-in-time restore: keep the ObjectStore's restore days equal.
   * @defaultValue 30
   */
  operationalRetentionDays?: number;
  /**
   * Vaulted backup of the account's listed containers, or `false` for operational backup only.
   * @defaultValue false (vaulted backup needs the containers named)
   */
  vaulted?: AzureVaultedBlobBackup | false;
  /** A customer-managed key for the vault. @defaultValue - a Microsoft-managed key */
  encryptionKey?: AzureBackupVaultKey;
  /** Protect the vault and policy (`protect`). @defaultValue true */
  protect?: boolean;
  /** Tags on the vault and instance. @defaultValue {} */
  tags?: Record<string, string>;
}

const REDUNDANCY: AzureBackupStorageRedundancy[] = ["GeoRedundant", "ZoneRedundant", "LocallyRedundant"];
const IMMUTABILITY: AzureBackupImmutability[] = ["Disabled", "Unlocked", "Locked"];
const VAULT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,49}$/;
const CONTAINER = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const ACCOUNT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[a-z0-9]{3,24}$/i;

/** The backup settings a profile implies: geo-redundant, cross-region, immutable vaults where it copies and locks. */
export function azureBackupsProfileArgs(profile: Profile): Pick<
  AzureBackupsArgs,
  "storageRedundancy" | "crossRegionRestore" | "immutability" | "operationalRetentionDays" | "protect"
> & {
  vaultedRetentionDays: number;
} {
  const b = profile.backup;
  return {
    storageRedundancy: b.crossRegionCopy ? "GeoRedundant" : "ZoneRedundant",
    crossRegionRestore: b.crossRegionCopy,
    immutability: b.vaultLock ? "Unlocked" : "Disabled",
    operationalRetentionDays: Math.min(b.dailyRetentionDays, 360),
    vaultedRetentionDays: Math.min(b.weeklyRetentionDays, 3650),
    protect: profile.deletionProtection,
  };
}

/** Checks an {@link AzureBackupsArgs} and throws one error listing every problem. */
export function validateAzureBackupsArgs(args: AzureBackupsArgs): void {
  const p = new Problems();
  if (args.vaultName !== undefined && !VAULT_NAME.test(args.vaultName)) {
    p.add(
      "SEAWALL_AZURE_BACKUPS_VAULT_NAME",
      "vaultName",
      args.vaultName,
      "must be 2-50 letters, digits and hyphens, starting with a letter",
    );
  }
  const redundancy = args.storageRedundancy ?? "GeoRedundant";
  if (!REDUNDANCY.includes(redundancy)) {
    p.add(
      "SEAWALL_AZURE_BACKUPS_REDUNDANCY",
      "storageRedundancy",
      redundancy,
      `must be one of ${REDUNDANCY.join(", ")}`,
    );
  }
  if (args.crossRegionRestore === true && redundancy !== "GeoRedundant") {
    p.add(
      "SEAWALL_AZURE_BACKUPS_CROSS_REGION_RESTORE",
      "crossRegionRestore",
      true,
      `cross-region restore needs storageRedundancy "GeoRedundant" (is ${JSON.stringify(redundancy)})`,
    );
  }
  if (args.immutability !== undefined && !IMMUTABILITY.includes(args.immutability)) {
    p.add(
      "SEAWALL_AZURE_BACKUPS_IMMUTABILITY",
      "immutability",
      args.immutability,
      `must be one of ${IMMUTABILITY.join(", ")}`,
    );
  }
  p.wholeNumber(
    "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE",
    "softDeleteRetentionDays",
    args.softDeleteRetentionDays,
    14,
    180,
    "a backup vault keeps soft-deleted items 14 to 180 days",
  );
  p.wholeNumber(
    "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE",
    "operationalRetentionDays",
    args.operationalRetentionDays,
    1,
    360,
    "operational backup of blobs keeps 1 to 360 days",
  );
  const account = args.storageAccount;
  if (account) {
    if (isKnown(account.id) && (typeof account.id !== "string" || !ACCOUNT_ID.test(account.id))) {
      p.add(
        "SEAWALL_AZURE_BACKUPS_ACCOUNT_ID",
        "storageAccount.id",
        account.id,
        "must be a storage account's ARM id, /subscriptions/<s>/resourceGroups/<g>/providers/Microsoft.Storage/storageAccounts/<name>",
      );
    }
    if (account.hierarchicalNamespace === true) {
      p.add(
        "SEAWALL_AZURE_BACKUPS_HNS_UNSUPPORTED",
        "storageAccount.hierarchicalNamespace",
        true,
        "Azure Backup protects no account with a hierarchical namespace (Data Lake Storage), operationally or in a vault; rely on the account's versioning, soft delete and object replication, or use an account without one",
      );
    }
  }
  const vaulted = args.vaulted;
  if (vaulted) {
    if (!account) {
      p.add(
        "SEAWALL_AZURE_BACKUPS_NEEDS_ACCOUNT",
        "vaulted",
        vaulted.containers,
        "vaulted backup copies a storage account's containers: set storageAccount",
      );
    }
    const containers = vaulted.containers;
    if (!Array.isArray(containers) || containers.length < 1 || containers.length > 100) {
      p.add(
        "SEAWALL_AZURE_BACKUPS_CONTAINERS",
        "vaulted.containers",
        containers,
        "list 1 to 100 containers: vaulted backup copies only the containers named",
      );
    } else {
      containers.forEach((c, i) => {
        if (typeof c !== "string" || !CONTAINER.test(c)) {
          p.add(
            "SEAWALL_AZURE_BACKUPS_CONTAINERS",
            `vaulted.containers[${i}]`,
            c,
            "must be a container name: 3-63 lower-case letters, digits and single hyphens",
          );
        }
      });
    }
    p.wholeNumber(
      "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE",
      "vaulted.retentionDays",
      vaulted.retentionDays,
      1,
      3650,
      "vaulted backup keeps a recovery point 1 day to 10 years",
    );
    p.wholeNumber("SEAWALL_AZURE_BACKUPS_START_HOUR", "vaulted.startHourUtc", vaulted.startHourUtc, 0, 23);
  }
  p.throwIfAny("seawall:azure:Backups: invalid arguments");
}

const days = (n: number) => `P${n}D`;
const store = (dataStoreType: "OperationalStore" | "VaultStore") => ({
  dataStoreType,
  objectType: "DataStoreInfoBase",
});

/** A retention rule keeping every recovery point of `dataStoreType` for `n` days. */
function defaultRetention(dataStoreType: "OperationalStore" | "VaultStore", n: number) {
  return {
    name: "Default",
    objectType: "AzureRetentionRule" as const,
    isDefault: true,
    lifecycles: [
      {
        deleteAfter: { duration: days(n), objectType: "AbsoluteDeleteOption" as const },
        sourceDataStore: store(dataStoreType),
        targetDataStoreCopySettings: [],
      },
    ],
  };
}

/**
 * The blob backup policy's rules: operational retention, and for vaulted backup a daily
 * schedule into the vault with its retention (the shape Azure Backup's own blob policies use).
 */
export function blobPolicyRules(
  operationalDays: number,
  vaulted?: { retentionDays: number; startHourUtc: number },
): (
  | azure.types.input.dataprotection.AzureBackupRuleArgs
  | azure.types.input.dataprotection.AzureRetentionRuleArgs
)[] {
  const rules: (
    | azure.types.input.dataprotection.AzureBackupRuleArgs
    | azure.types.input.dataprotection.AzureRetentionRuleArgs
  )[] = [defaultRetention("OperationalStore", operationalDays)];
  if (vaulted) {
    const hour = String(vaulted.startHourUtc).padStart(2, "0");
    rules.push(
      {
        name: "BackupDaily",
        objectType: "AzureBackupRule",
        backupParameters: { backupType: "Discrete", objectType: "AzureBackupParams" },
        dataStore: store("VaultStore"),
        trigger: {
          objectType: "ScheduleBasedTriggerContext",
          schedule: { repeatingTimeIntervals: [`R/2024-01-01T${hour}:00:00+00:00/P1D`], timeZone: "UTC" },
          taggingCriteria: [{ isDefault: true, tagInfo: { tagName: "Default" }, taggingPriority: 99 }],
        },
      },
      defaultRetention("VaultStore", vaulted.retentionDays),
    );
  }
  return rules;
}

/**
 * Backups on Azure: a Data Protection backup vault with soft delete, immutability and (with
 * geo-redundant storage) cross-region restore, Azure Monitor alerts for every failed job; a blob
 * backup policy with operational backup and, for listed containers, a daily vaulted backup; and
 * for the storage account, the "Storage Account Backup Contributor" grant to the vault's
 * system-assigned identity and the backup instance, created only once the grant exists.
 *
 * What a restore of each store uses is in {@link AZURE_RESTORE_PATHS}: Azure Managed Redis and
 * Event Hubs cannot be protected by the vault.
 */
export class AzureBackups extends pulumi.ComponentResource {
  readonly vault: azure.dataprotection.BackupVault;
  readonly vaultId: pulumi.Output<string>;
  /** The vault's system-assigned identity. */
  readonly vaultPrincipalId: pulumi.Output<string>;
  readonly policy: azure.dataprotection.BackupPolicy;
  readonly roleAssignment?: azure.authorization.RoleAssignment;
  readonly instance?: azure.dataprotection.BackupInstance;
  /** What a restore of each store uses. */
  readonly restorePaths = AZURE_RESTORE_PATHS;

  constructor(name: string, args: AzureBackupsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:azure:Backups", name, {}, opts);
    validateAzureBackupsArgs(args);
    const protect = args.protect ?? true;
    const redundancy = args.storageRedundancy ?? "GeoRedundant";
    const crossRegion = args.crossRegionRestore ?? redundancy === "GeoRedundant";
    const tags = { ...args.tags, "seawall-component": "backups" };
    const key = args.encryptionKey;

    this.vault = new azure.dataprotection.BackupVault(
      `${name}-vault`,
      {
        resourceGroupName: args.resourceGroupName,
        ...(args.location !== undefined ? { location: args.location } : {}),
        ...(args.vaultName !== undefined ? { vaultName: args.vaultName } : {}),
        identity: key
          ? { type: "SystemAssigned,UserAssigned", userAssignedIdentities: [key.identityId] }
          : { type: "SystemAssigned" },
        properties: {
          storageSettings: [{ datastoreType: "VaultStore", type: redundancy }],
          securitySettings: {
            softDeleteSettings: { state: "On", retentionDurationInDays: args.softDeleteRetentionDays ?? 14 },
            immutabilitySettings: { state: args.immutability ?? "Unlocked" },
            ...(key
              ? {
                  encryptionSettings: {
                    state: "Enabled",
                    keyVaultProperties: { keyUri: key.keyUri },
                    kekIdentity: { identityType: "UserAssigned", identityId: key.identityId },
                    infrastructureEncryption: "Enabled",
                  },
                }
              : {}),
          },
          featureSettings: { crossRegionRestoreSettings: { state: crossRegion ? "Enabled" : "Disabled" } },
          monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: "Enabled" } },
        },
        tags,
      },
      { parent: this, protect },
    );
    this.vaultId = this.vault.id;
    this.vaultPrincipalId = this.vault.identity.apply((i) => i?.principalId as string);

    const vaulted = args.vaulted
      ? { retentionDays: args.vaulted.retentionDays ?? 30, startHourUtc: args.vaulted.startHourUtc ?? 2 }
      : undefined;
    this.policy = new azure.dataprotection.BackupPolicy(
      `${name}-blob-policy`,
      {
        resourceGroupName: args.resourceGroupName,
        vaultName: this.vault.name,
        properties: {
          objectType: "BackupPolicy",
          datasourceTypes: [BLOB_DATASOURCE_TYPE],
          policyRules: blobPolicyRules(args.operationalRetentionDays ?? 30, vaulted),
        },
      },
      { parent: this, protect },
    );

    const account = args.storageAccount;
    if (account) {
      const accountId = pulumi.output(account.id);
      this.roleAssignment = new azure.authorization.RoleAssignment(
        `${name}-backup-contributor`,
        {
          scope: accountId,
          principalId: this.vaultPrincipalId,
          principalType: "ServicePrincipal",
          roleDefinitionId: accountId.apply(
            (id) =>
              `/subscriptions/${id.split("/")[2]}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_ACCOUNT_BACKUP_CONTRIBUTOR_ROLE}`,
          ),
          description: `Seawall backups (${name}): the backup vault backs up and restores the storage account`,
        },
        { parent: this },
      );
      this.instance = new azure.dataprotection.BackupInstance(
        `${name}-blob`,
        {
          resourceGroupName: args.resourceGroupName,
          vaultName: this.vault.name,
          properties: {
            objectType: "BackupInstance",
            friendlyName: accountId.apply((id) => id.split("/").pop() as string),
            dataSourceInfo: {
              objectType: "Datasource",
              datasourceType: BLOB_DATASOURCE_TYPE,
              resourceID: accountId,
              resourceUri: accountId,
              resourceName: accountId.apply((id) => id.split("/").pop() as string),
              resourceType: "Microsoft.Storage/storageAccounts",
              resourceLocation: account.location ?? this.vault.location,
            },
            policyInfo: {
              policyId: this.policy.id,
              ...(args.vaulted
                ? {
                    policyParameters: {
                      backupDatasourceParametersList: [
                        {
                          objectType: "BlobBackupDatasourceParameters",
                          containersList: args.vaulted.containers,
                        },
                      ],
                    },
                  }
                : {}),
            },
          },
          tags,
        },
        { parent: this, dependsOn: [this.roleAssignment] },
      );
    }

    this.registerOutputs({ vaultId: this.vaultId, vaultPrincipalId: this.vaultPrincipalId });
  }
}
