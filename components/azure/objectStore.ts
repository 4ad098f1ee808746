import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStoreLocation } from "../contracts";
import { helperChoice, Problems } from "../validation";
import {
  AzureKeyVaultKey,
  azureKeyVaultKey,
  AzureKeyVaultKeyOption,
  checkAzureKeyVaultKeyOption,
} from "./keyVaultKey";
import {
  AzureLifecycleArgs,
  LIFECYCLE_DEFAULTS,
  lifecycleRules,
  skuHasArchive,
} from "./objectStoreLifecycle";
import { checkPrivateEndpoint, privateEndpoint } from "./privateEndpoint";

export type { AzureLifecycleArgs } from "./objectStoreLifecycle";

/** Storage account redundancies Seawall accepts (Standard, general-purpose v2). */
export type AzureStorageSku =
  | "Standard_RAGZRS"
  | "Standard_GZRS"
  | "Standard_ZRS"
  | "Standard_RAGRS"
  | "Standard_GRS"
  | "Standard_LRS";

const SKUS: AzureStorageSku[] = [
  "Standard_RAGZRS",
  "Standard_GZRS",
  "Standard_ZRS",
  "Standard_RAGRS",
  "Standard_GRS",
  "Standard_LRS",
];

/** Where the account's private endpoints go: the Network's subnet and DNS zones. */
export interface AzureObjectStoreEndpoints {
  /** The private endpoints subnet (the Network's `privateEndpointsSubnetId`). */
  subnetId: pulumi.Input<string>;
  /**
   * The private DNS zones of Blob and Data Lake (the Network's `privateDnsZoneIds.blob` / `.dfs`).
   * @defaultValue - none: the endpoints register no DNS records
   */
  privateDnsZoneIds?: { blob?: pulumi.Input<string>; dfs?: pulumi.Input<string> };
}

/** A second account in another region that every object is replicated to (object replication). */
export interface AzureReplicaArgs {
  /** The replica's region, the primary's paired region (e.g. `northeurope` for `westeurope`). */
  location: string;
  /** The replica account's name. @defaultValue auto-named `<name>replica…` */
  accountName?: string;
  /**
   * The replica's redundancy.
   * @defaultValue the primary's
   */
  sku?: AzureStorageSku;
  /**
   * Private endpoints for the replica, from a subnet in its region (for reads there and after a
   * failover).
   * @defaultValue - none: the replica has no endpoint until one is made
   */
  privateEndpoints?: AzureObjectStoreEndpoints;
}

/** Version-level immutability (WORM): versions cannot be changed or deleted while retained. */
export interface AzureImmutabilityArgs {
  /** Days each version is retained from its creation, 1 to 146000. */
  days: number;
  /**
   * Lock the account's policy: it can then only be extended, never shortened or removed.
   * @defaultValue false (Unlocked: testable, and removable by an administrator)
   */
  locked?: boolean;
  /**
   * Let append blobs receive new blocks while retained.
   * @defaultValue false
   */
  allowProtectedAppendWrites?: boolean;
}

export interface AzureObjectStoreArgs {
  /** The resource group (the Network's `resourceGroupName`). */
  resourceGroupName: pulumi.Input<string>;
  /** The Azure region. @defaultValue the provider's `azure-native:location` */
  location?: string;
  /** The account's name: 3-24 lower-case letters and digits, unique across Azure. @defaultValue auto-named */
  accountName?: string;
  /**
   * The container the pipeline writes to: 3-63 lower-case letters, digits and single hyphens.
   * @defaultValue "lake"
   */
  containerName?: string;
  /** Key prefix under which the pipeline writes, without a leading slash. @defaultValue "" */
  prefix?: string;
  /**
   * The account's redundancy.
   * @defaultValue "Standard_RAGZRS" with a replica (`prod`), "Standard_ZRS" otherwise
   */
  sku?: AzureStorageSku;
  /**
   * The account's private endpoints (Blob and Data Lake); public network access is always disabled.
   */
  privateEndpoints: AzureObjectStoreEndpoints;
  /**
   * The customer-managed key (Key Vault) the account, and a replica, encrypt with, through a
   * user-assigned identity. `skip` is refused: the lake's objects are always under a customer key.
   * @defaultValue { args: {} } (a vault and key per account's region)
   */
  key?: AzureKeyVaultKeyOption;
  /**
   * Object replication to a second account (`prod`): both keep versions, the source a change feed.
   * @defaultValue { skip: true }
   */
  replication?: { args: AzureReplicaArgs } | { skip: true };
  /** Tiering and version expiry. @defaultValue Cool at 30 days, Cold at 90, old versions deleted at 90 */
  lifecycle?: AzureLifecycleArgs;
  /**
   * Days deleted blobs can be restored (blob soft delete), 1 to 365.
   * @defaultValue 30
   */
  softDeleteDays?: number;
  /**
   * Days deleted containers can be restored (container soft delete), 1 to 365.
   * @defaultValue 30
   */
  containerSoftDeleteDays?: number;
  /**
   * Days back to which the account's block blobs can be restored (point-in-time restore), fewer
   * than `softDeleteDays`.
   * @defaultValue softDeleteDays - 1
   */
  pointInTimeRestoreDays?: number;
  /**
   * Days the change feed is kept, more than `pointInTimeRestoreDays`.
   * @defaultValue 90
   */
  changeFeedRetentionDays?: number;
  /** Version-level immutability (WORM) on the account. @defaultValue - off */
  immutability?: AzureImmutabilityArgs;
  /** Protect the accounts and containers (`protect`). @defaultValue true */
  protect?: boolean;
  /** Tags on every resource. */
  tags?: Record<string, string>;
}

const DEFAULTS = { containerName: "lake", softDeleteDays: 30, changeFeedRetentionDays: 90 };
const LOCATION = /^[a-z]+[a-z0-9]*$/;
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const CONTAINER_NAME = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
function checkEndpoints(p: Problems, field: string, value: AzureObjectStoreEndpoints | undefined): void {
  checkPrivateEndpoint(p, "SEAWALL_AZURE_OBJECTSTORE_PRIVATE_ENDPOINT", field, value);
}

/**
 * Checks {@link AzureObjectStoreArgs} and throws one error listing every problem.
 * @param providerLocation the provider's `azure-native:location`, used when `args.location` is unset
 */
export function validateAzureObjectStoreArgs(args: AzureObjectStoreArgs, providerLocation?: string): void {
  const p = new Problems();
  const location = args.location ?? providerLocation;
  if (location === undefined || !LOCATION.test(location)) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_LOCATION",
      "location",
      location,
      "must be an Azure region name such as westeurope; set location or azure-native:location",
    );
  }
  const name = (field: string, value: unknown) => {
    if (value !== undefined && (typeof value !== "string" || !ACCOUNT_NAME.test(value))) {
      p.add(
        "SEAWALL_AZURE_OBJECTSTORE_ACCOUNT_NAME",
        field,
        value,
        "must be 3-24 lower-case letters and digits",
      );
    }
  };
  name("accountName", args.accountName);
  if (args.containerName !== undefined && !CONTAINER_NAME.test(args.containerName)) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_CONTAINER_NAME",
      "containerName",
      args.containerName,
      "must be 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit, with no two hyphens in a row",
    );
  }
  if (args.prefix !== undefined && (typeof args.prefix !== "string" || args.prefix.startsWith("/"))) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_PREFIX",
      "prefix",
      args.prefix,
      "must be a key prefix without a leading slash",
    );
  }
  const replica = helperChoice(p, "replication", args.replication, ["args", "skip"], {
    why: "a replica account is created by the component; bring-your-own replication is set up on your accounts",
  });
  const sku = args.sku ?? (replica === "args" ? "Standard_RAGZRS" : "Standard_ZRS");
  const checkSku = (field: string, value: unknown) => {
    if (value !== undefined && !SKUS.includes(value as AzureStorageSku)) {
      p.add("SEAWALL_AZURE_OBJECTSTORE_SKU", field, value, `must be one of ${SKUS.join(", ")}`);
    }
  };
  checkSku("sku", args.sku);
  checkEndpoints(p, "privateEndpoints", args.privateEndpoints);
  checkAzureKeyVaultKeyOption(p, "key", args.key, { allowSkip: false, why: "the lake's objects" });
  if (replica === "args") {
    const r = (args.replication as { args: AzureReplicaArgs }).args;
    if (typeof r.location !== "string" || !LOCATION.test(r.location) || r.location === location) {
      p.add(
        "SEAWALL_AZURE_OBJECTSTORE_REPLICA_LOCATION",
        "replication.args.location",
        r.location,
        `must be an Azure region other than the account's (${location}), usually its paired region`,
      );
    }
    name("replication.args.accountName", r.accountName);
    checkSku("replication.args.sku", r.sku);
    if (r.privateEndpoints !== undefined)
      checkEndpoints(p, "replication.args.privateEndpoints", r.privateEndpoints);
  }
  const l = args.lifecycle ?? {};
  const day = (field: keyof AzureLifecycleArgs) =>
    p.wholeNumber("SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_DAYS", `lifecycle.${field}`, l[field], 0, 36500);
  day("infrequentAccessAfterDays");
  day("coldAfterDays");
  day("archiveAfterDays");
  day("expireNoncurrentAfterDays");
  const cool = l.infrequentAccessAfterDays ?? LIFECYCLE_DEFAULTS.infrequentAccessAfterDays;
  const cold = l.coldAfterDays ?? LIFECYCLE_DEFAULTS.coldAfterDays;
  const archive = l.archiveAfterDays ?? LIFECYCLE_DEFAULTS.archiveAfterDays;
  if (cold <= cool) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_ORDER",
      "lifecycle.coldAfterDays",
      cold,
      `must be later than the Cool move (${cool} days)`,
    );
  }
  if (skuHasArchive(sku) && archive <= cold) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_ORDER",
      "lifecycle.archiveAfterDays",
      archive,
      `must be later than the Cold move (${cold} days)`,
    );
  }
  if (l.archiveAfterDays !== undefined && !skuHasArchive(sku)) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_ARCHIVE_REDUNDANCY",
      "lifecycle.archiveAfterDays",
      l.archiveAfterDays,
      `Azure offers the Archive tier only on LRS, GRS and RA-GRS accounts, not on ${sku}; remove it (blobs stay in Cold) or choose such a sku`,
    );
  }
  if (l.abortIncompleteMultipartAfterDays !== undefined) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_UNSUPPORTED",
      "lifecycle.abortIncompleteMultipartAfterDays",
      l.abortIncompleteMultipartAfterDays,
      "Azure has no multipart uploads to abort: Blob Storage discards uncommitted blocks after 7 days by itself; remove it",
    );
  }
  const range = (
    code: "SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE" | "SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS",
    field: string,
    value: unknown,
    min: number,
    max: number,
    fix: string,
  ) => p.wholeNumber(code, field, value, min, max, fix);
  range(
    "SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE",
    "softDeleteDays",
    args.softDeleteDays,
    2,
    365,
    "Blob Storage keeps deleted blobs 1 to 365 days, and point-in-time restore needs at least 2",
  );
  range(
    "SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE",
    "containerSoftDeleteDays",
    args.containerSoftDeleteDays,
    1,
    365,
    "Blob Storage keeps deleted containers 1 to 365 days",
  );
  const softDelete = args.softDeleteDays ?? DEFAULTS.softDeleteDays;
  const restore = args.pointInTimeRestoreDays;
  if (
    restore !== undefined &&
    (typeof restore !== "number" || !Number.isInteger(restore) || restore < 1 || restore >= softDelete)
  ) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS",
      "pointInTimeRestoreDays",
      restore,
      `must be a whole number from 1 to ${softDelete - 1}, fewer than softDeleteDays (${softDelete})`,
    );
  }
  const feed = args.changeFeedRetentionDays;
  const restoreDays = restore ?? softDelete - 1;
  if (
    feed !== undefined &&
    (typeof feed !== "number" || !Number.isInteger(feed) || feed <= restoreDays || feed > 146000)
  ) {
    p.add(
      "SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS",
      "changeFeedRetentionDays",
      feed,
      `must be a whole number of days above pointInTimeRestoreDays (${restoreDays}) and at most 146000: point-in-time restore replays the change feed`,
    );
  }
  if (args.immutability !== undefined) {
    p.wholeNumber(
      "SEAWALL_AZURE_OBJECTSTORE_IMMUTABILITY",
      "immutability.days",
      args.immutability.days ?? 0,
      1,
      146000,
      "retention of each version, in days",
    );
  }
  p.throwIfAny("ObjectStore");
}

/** What one account is made with. */
interface AccountSettings {
  location: string;
  accountName?: string;
  sku: string;
  key: AzureKeyVaultKey;
  immutability?: AzureImmutabilityArgs;
}

/**
 * The platform's object store on Azure: a StorageV2 account (`Standard_RAGZRS` with a replica,
 * `Standard_ZRS` otherwise) with HTTPS only, TLS 1.2, no public blob access, no shared keys,
 * public network access disabled and private endpoints for Blob and Data Lake, infrastructure
 * encryption and a customer-managed key through a user-assigned identity; versioning, change feed,
 * blob and container soft delete and point-in-time restore; a lifecycle policy (Cool, Cold, Archive
 * where the redundancy offers it; old versions deleted); object replication to a second account in
 * the paired region; optional version-level immutability.
 *
 * Hierarchical namespace stays off: point-in-time restore and object replication are not offered on
 * Data Lake Storage Gen2 accounts. Clients still use the `abfss` scheme on the `dfs` endpoint.
 * Azure does not offer customer-managed failover on accounts in an object replication policy; the
 * replica account is the failover target. With `{ args }` each account gets a vault and key in its
 * own region; a brought key (`{ existing }`) serves both accounts.
 */
export class ObjectStore extends pulumi.ComponentResource {
  /** The account's resource id. */
  readonly accountId: pulumi.Output<string>;
  /** The account's name. */
  readonly accountName: pulumi.Output<string>;
  /** The container's name. */
  readonly containerName: pulumi.Output<string>;
  /** The replica account's id, when replicating. */
  readonly replicaAccountId?: pulumi.Output<string>;
  /** The user-assigned identity the account reaches its key with. */
  readonly identityId?: pulumi.Output<string>;
  /** Where the pipeline's data lives: `abfss`, `<container>@<account>.dfs.core.windows.net`. */
  readonly location: pulumi.Output<ObjectStoreLocation>;

  constructor(name: string, args: AzureObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("seawall:azure:ObjectStore", name, {}, opts);
    const providerLocation = new pulumi.Config("azure-native").get("location");
    validateAzureObjectStoreArgs(args, providerLocation);
    const location = (args.location ?? providerLocation) as string;
    const protect = args.protect ?? true;
    const tags = args.tags;
    const rg = args.resourceGroupName;
    const replica = args.replication && "args" in args.replication ? args.replication.args : undefined;
    const sku = args.sku ?? (replica ? "Standard_RAGZRS" : "Standard_ZRS");
    const prefix = args.prefix ?? "";
    const softDeleteDays = args.softDeleteDays ?? DEFAULTS.softDeleteDays;

    const key = azureKeyVaultKey(this, `${name}-key`, args.key, {
      resourceGroupName: rg,
      location,
      protect,
      tags,
    });
    const primary = this.account(name, args, {
      location,
      accountName: args.accountName,
      sku,
      key,
      immutability: args.immutability,
    });
    this.accountId = primary.account.id;
    this.accountName = primary.account.name;
    this.containerName = primary.container.name;
    this.identityId = key.identityId;
    for (const [groupId, zone] of [
      ["blob", args.privateEndpoints.privateDnsZoneIds?.blob],
      ["dfs", args.privateEndpoints.privateDnsZoneIds?.dfs],
    ] as const) {
      privateEndpoint(
        this,
        `${name}-${groupId}`,
        { subnetId: args.privateEndpoints.subnetId, privateDnsZoneId: zone },
        { resourceGroupName: rg, location, serviceId: primary.account.id, groupId, tags },
      );
    }

    let replicaName: pulumi.Output<string> | undefined;
    if (replica) {
      const replicaKey = azureKeyVaultKey(this, `${name}-replica-key`, args.key, {
        resourceGroupName: rg,
        location: replica.location,
        protect,
        tags,
      });
      const copy = this.account(`${name}-replica`, args, {
        location: replica.location,
        accountName: replica.accountName,
        sku: replica.sku ?? sku,
        key: replicaKey,
        immutability: args.immutability,
      });
      this.replicaAccountId = copy.account.id;
      replicaName = copy.account.name;
      if (replica.privateEndpoints) {
        for (const [groupId, zone] of [
          ["blob", replica.privateEndpoints.privateDnsZoneIds?.blob],
          ["dfs", replica.privateEndpoints.privateDnsZoneIds?.dfs],
        ] as const) {
          privateEndpoint(
            this,
            `${name}-replica-${groupId}`,
            { subnetId: replica.privateEndpoints.subnetId, privateDnsZoneId: zone },
            { resourceGroupName: rg, location: replica.location, serviceId: copy.account.id, groupId, tags },
          );
        }
      }
      // Object replication: the policy is made on the destination first, which assigns its id and
      // rule ids; the source's policy then repeats them.
      const rules = [{ sourceContainer: primary.container.name, destinationContainer: copy.container.name }];
      const destination = new azure.storage.ObjectReplicationPolicy(
        `${name}-replica`,
        {
          resourceGroupName: rg,
          accountName: copy.account.name,
          objectReplicationPolicyId: "default",
          sourceAccount: primary.account.id,
          destinationAccount: copy.account.id,
          rules,
        },
        { parent: this, dependsOn: [primary.blobService, copy.blobService] },
      );
      new azure.storage.ObjectReplicationPolicy(
        name,
        {
          resourceGroupName: rg,
          accountName: primary.account.name,
          objectReplicationPolicyId: destination.policyId,
          sourceAccount: primary.account.id,
          destinationAccount: copy.account.id,
          rules: destination.rules.apply((made) =>
            (made ?? []).map((r) => ({
              ruleId: r.ruleId,
              sourceContainer: r.sourceContainer,
              destinationContainer: r.destinationContainer,
            })),
          ),
        },
        { parent: this, dependsOn: [primary.blobService, copy.blobService] },
      );
    }

    const replicaLocation = replica?.location;
    this.location = pulumi
      .all([this.accountName, this.containerName, replicaName ?? pulumi.output(undefined)])
      .apply(([account, container, replicaAccount]) => ({
        scheme: "abfss" as const,
        bucket: `${container}@${account}.dfs.core.windows.net`,
        prefix,
        region: location,
        ...(replicaAccount && replicaLocation
          ? {
              replica: {
                bucket: `${container}@${replicaAccount}.dfs.core.windows.net`,
                region: replicaLocation,
              },
            }
          : {}),
      }));
    this.registerOutputs({
      accountId: this.accountId,
      accountName: this.accountName,
      containerName: this.containerName,
      replicaAccountId: this.replicaAccountId,
      location: this.location,
      softDeleteDays,
    });
  }

  /** One account with its blob service, lifecycle policy and container. */
  private account(
    name: string,
    args: AzureObjectStoreArgs,
    s: AccountSettings,
  ): {
    account: azure.storage.StorageAccount;
    blobService: azure.storage.BlobServiceProperties;
    container: azure.storage.BlobContainer;
  } {
    const rg = args.resourceGroupName;
    const protect = args.protect ?? true;
    const softDeleteDays = args.softDeleteDays ?? DEFAULTS.softDeleteDays;
    const identityId = s.key.identityId as pulumi.Output<string>;
    const account = new azure.storage.StorageAccount(
      name,
      {
        resourceGroupName: rg,
        location: s.location,
        ...(s.accountName ? { accountName: s.accountName } : {}),
        kind: "StorageV2",
        sku: { name: s.sku },
        accessTier: "Hot",
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        publicNetworkAccess: "Disabled",
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
        isHnsEnabled: false,
        isSftpEnabled: false,
        isLocalUserEnabled: false,
        identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
        encryption: {
          keySource: "Microsoft.Keyvault",
          keyVaultProperties: { keyName: s.key.keyName, keyVaultUri: s.key.vaultUri },
          encryptionIdentity: { encryptionUserAssignedIdentity: identityId },
          requireInfrastructureEncryption: true,
          services: {
            blob: { enabled: true, keyType: "Account" },
            file: { enabled: true, keyType: "Account" },
          },
        },
        ...(s.immutability
          ? {
              immutableStorageWithVersioning: {
                enabled: true,
                immutabilityPolicy: {
                  immutabilityPeriodSinceCreationInDays: s.immutability.days,
                  state: s.immutability.locked ? "Locked" : "Unlocked",
                  allowProtectedAppendWrites: s.immutability.allowProtectedAppendWrites ?? false,
                },
              },
            }
          : {}),
        tags: args.tags,
      },
      { parent: this, protect, dependsOn: s.key.grants },
    );
    const restoreDays = args.pointInTimeRestoreDays ?? softDeleteDays - 1;
    const blobService = new azure.storage.BlobServiceProperties(
      name,
      {
        resourceGroupName: rg,
        accountName: account.name,
        blobServicesName: "default",
        isVersioningEnabled: true,
        changeFeed: {
          enabled: true,
          retentionInDays: args.changeFeedRetentionDays ?? DEFAULTS.changeFeedRetentionDays,
        },
        deleteRetentionPolicy: { enabled: true, days: softDeleteDays, allowPermanentDelete: false },
        containerDeleteRetentionPolicy: {
          enabled: true,
          days: args.containerSoftDeleteDays ?? DEFAULTS.softDeleteDays,
        },
        restorePolicy: { enabled: true, days: restoreDays },
      },
      { parent: this },
    );
    new azure.storage.ManagementPolicy(
      name,
      {
        resourceGroupName: rg,
        accountName: account.name,
        managementPolicyName: "default",
        policy: {
          rules: lifecycleRules(
            args.lifecycle ?? {},
            s.sku,
            `${args.containerName ?? DEFAULTS.containerName}/${args.prefix ?? ""}`,
          ),
        },
      },
      { parent: this, dependsOn: [blobService] },
    );
    const container = new azure.storage.BlobContainer(
      name,
      {
        resourceGroupName: rg,
        accountName: account.name,
        containerName: args.containerName ?? DEFAULTS.containerName,
        publicAccess: "None",
      },
      { parent: this, protect, dependsOn: [blobService] },
    );
    return { account, blobService, container };
  }
}
