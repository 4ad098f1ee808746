import type { LifecycleArgs } from "../contracts";

/**
 * The lifecycle management policy of an Azure storage account, from the cloud-neutral
 * {@link LifecycleArgs}: block blobs move to Cool, then Cold, then Archive (where the account's
 * redundancy offers it), and versions that stopped being current are deleted. No Pulumi here.
 */

/** Lifecycle settings on Azure: the cloud-neutral ones and the Cold tier between Cool and Archive. */
export interface AzureLifecycleArgs extends LifecycleArgs {
  /**
   * Days after the last modification before blobs move to the Cool tier (`infrequentAccess`).
   * @defaultValue 30
   */
  infrequentAccessAfterDays?: number;
  /**
   * Days after the last modification before blobs move to the Cold tier; after the Cool move.
   * @defaultValue 90
   */
  coldAfterDays?: number;
  /**
   * Days after the last modification before blobs move to the Archive tier; after the Cold move.
   * Azure offers Archive only on LRS, GRS and RA-GRS accounts, not on zone-redundant ones (ZRS,
   * GZRS, RA-GZRS, Seawall's defaults), so it is left out there, and setting it is an error.
   * @defaultValue 180 on LRS, GRS and RA-GRS accounts; none on zone-redundant ones
   */
  archiveAfterDays?: number;
  /**
   * Days a version stays after it stops being current, before it is deleted.
   * @defaultValue 90
   */
  expireNoncurrentAfterDays?: number;
  /**
   * Not offered on Azure: Blob Storage discards uncommitted blocks after 7 days by itself.
   * Setting it is an error.
   */
  abortIncompleteMultipartAfterDays?: number;
}

export const LIFECYCLE_DEFAULTS = {
  infrequentAccessAfterDays: 30,
  coldAfterDays: 90,
  archiveAfterDays: 180,
  expireNoncurrentAfterDays: 90,
};

/** Storage redundancies whose accounts offer the Archive tier. */
export const ARCHIVE_SKUS = ["Standard_LRS", "Standard_GRS", "Standard_RAGRS"];

/** True when accounts of `sku` offer the Archive tier. */
export function skuHasArchive(sku: string): boolean {
  return ARCHIVE_SKUS.includes(sku);
}

/** One management policy rule, in the shape of `storage.ManagementPolicy`'s `policy.rules`. */
export interface LifecycleRule {
  name: string;
  enabled: boolean;
  type: "Lifecycle";
  definition: {
    filters: { blobTypes: string[]; prefixMatch?: string[] };
    actions: {
      baseBlob?: Record<string, { daysAfterModificationGreaterThan: number }>;
      version?: Record<string, { daysAfterCreationGreaterThan: number }>;
    };
  };
}

/**
 * The rules of the lifecycle policy: `tiering` (Cool, Cold, Archive where `sku` offers it) and
 * `expire-old-versions`, limited to `prefixMatch` (`<container>/<prefix>`) when given.
 */
export function lifecycleRules(args: AzureLifecycleArgs, sku: string, prefixMatch?: string): LifecycleRule[] {
  const days = { ...LIFECYCLE_DEFAULTS, ...args };
  const filters = { blobTypes: ["blockBlob"], ...(prefixMatch ? { prefixMatch: [prefixMatch] } : {}) };
  const baseBlob: Record<string, { daysAfterModificationGreaterThan: number }> = {
    tierToCool: { daysAfterModificationGreaterThan: days.infrequentAccessAfterDays },
    tierToCold: { daysAfterModificationGreaterThan: days.coldAfterDays },
  };
  if (skuHasArchive(sku))
    baseBlob.tierToArchive = { daysAfterModificationGreaterThan: days.archiveAfterDays };
  return [
    { name: "tiering", enabled: true, type: "Lifecycle", definition: { filters, actions: { baseBlob } } },
    {
      name: "expire-old-versions",
      enabled: true,
      type: "Lifecycle",
      definition: {
        filters,
        actions: { version: { delete: { daysAfterCreationGreaterThan: days.expireNoncurrentAfterDays } } },
      },
    },
  ];
}
