/**
 * Pure logic of Airflow's metadata database on Azure Database for PostgreSQL flexible server: the
 * compute per environment, the geo-backup region, and the validation of the component's arguments.
 * No resources here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { checkPrivateCidr } from "../cidr";
import type { EnvironmentName } from "../profiles";
import { isKnown, Problems } from "../validation";
import { LOCATION, PRINCIPAL_ID, SUBNET_ID } from "./eventStreamConfig";
import { type AzureKeyVaultKeyOption, checkAzureKeyVaultKeyOption } from "./keyVaultKey";

/** The PostgreSQL major versions offered: the ones the 2025-08-01 API takes that are in community support past 2027. */
export const POSTGRES_VERSIONS = ["16", "17", "18"] as const;
export type PostgresVersion = (typeof POSTGRES_VERSIONS)[number];

/** The major version a new server starts on (Airflow 3 supports PostgreSQL 13 to 17). */
export const DEFAULT_POSTGRES_VERSION: PostgresVersion = "17";

/** Compute tiers of a flexible server; HA is not offered on Burstable. */
export const POSTGRES_TIERS = ["Burstable", "GeneralPurpose", "MemoryOptimized"] as const;
export type PostgresTier = (typeof POSTGRES_TIERS)[number];

/** The storage sizes (GiB) a flexible server's Premium SSD takes. */
export const POSTGRES_STORAGE_SIZES = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767] as const;

/** What a flexible server runs on. */
export interface AirflowDatabaseSize {
  /** The compute size, e.g. `Standard_D4ds_v5`. */
  skuName: string;
  tier: PostgresTier;
  /** Premium SSD size, GiB; storage autogrow raises it. */
  storageSizeGB: number;
  /** A standby in another availability zone (ZoneRedundant HA). */
  highAvailability: boolean;
}

/**
 * Airflow's metadata database per environment: a burstable server in `dev` (Airflow's scheduler
 * and API server keep it busy but small), General Purpose from `staging`, and a zone-redundant
 * standby in `prod`. See https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute
 */
export const AIRFLOW_DATABASE_SIZES: Record<EnvironmentName, AirflowDatabaseSize> = {
  dev: { skuName: "Standard_B2s", tier: "Burstable", storageSizeGB: 32, highAvailability: false },
  staging: {
    skuName: "Standard_D2ds_v5",
    tier: "GeneralPurpose",
    storageSizeGB: 64,
    highAvailability: false,
  },
  prod: { skuName: "Standard_D4ds_v5", tier: "GeneralPurpose", storageSizeGB: 128, highAvailability: true },
};

/**
 * Azure's region pairs (https://learn.microsoft.com/azure/reliability/cross-region-replication-azure):
 * a flexible server's geo-redundant backups go to its region's pair, so a customer-managed key for
 * them must live there. Regions not listed here take `geoBackupLocation` explicitly.
 */
export const AZURE_PAIRED_REGIONS: Readonly<Record<string, string>> = {
  westeurope: "northeurope",
  northeurope: "westeurope",
  eastus: "westus",
  westus: "eastus",
  eastus2: "centralus",
  centralus: "eastus2",
  northcentralus: "southcentralus",
  southcentralus: "northcentralus",
  westus2: "westcentralus",
  westcentralus: "westus2",
  westus3: "eastus",
  canadacentral: "canadaeast",
  canadaeast: "canadacentral",
  uksouth: "ukwest",
  ukwest: "uksouth",
  francecentral: "francesouth",
  francesouth: "francecentral",
  germanywestcentral: "germanynorth",
  germanynorth: "germanywestcentral",
  switzerlandnorth: "switzerlandwest",
  switzerlandwest: "switzerlandnorth",
  norwayeast: "norwaywest",
  norwaywest: "norwayeast",
  swedencentral: "swedensouth",
  swedensouth: "swedencentral",
  southeastasia: "eastasia",
  eastasia: "southeastasia",
  australiaeast: "australiasoutheast",
  australiasoutheast: "australiaeast",
  japaneast: "japanwest",
  japanwest: "japaneast",
  koreacentral: "koreasouth",
  koreasouth: "koreacentral",
  centralindia: "southindia",
  southindia: "centralindia",
};

/** Server names: 3 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen. */
export const SERVER_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$/;

const VNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+$/i;
const DNS_ZONE_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+\.postgres\.database\.azure\.com$/i;

/** The private DNS zone a server's network takes: `<name>.private.postgres.database.azure.com`. */
export function privateDnsZoneName(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}.private.postgres.database.azure.com`;
}

/** The virtual network's resource group and name, from its resource id. */
export function virtualNetworkParts(id: string): { resourceGroupName: string; virtualNetworkName: string } {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i.exec(id);
  if (!m) throw new Error(`not a virtual network id: ${id}`);
  return { resourceGroupName: m[1], virtualNetworkName: m[2] };
}

/** Where the server lives in the network: a subnet delegated to flexible servers, and its private DNS zone. */
export interface AirflowDatabaseNetwork {
  /** The virtual network the clients (the AKS nodes) are in; the private DNS zone is linked to it. */
  virtualNetworkId: pulumi.Input<string>;
  /**
   * The subnet delegated to `Microsoft.DBforPostgreSQL/flexibleServers` (the server takes it whole):
   * created in the virtual network (`args`) behind a network security group that admits only
   * `clientAddressPrefixes` on 5432 and the subnet itself (HA replication), or brought (`existing`,
   * already delegated).
   */
  subnet:
    | { existing: { subnetId: pulumi.Input<string> } }
    | {
        args: {
          /** The subnet's range, inside the virtual network and free: a /28 or larger. */
          addressPrefix: string;
          /** The ranges the clients connect from (the AKS nodes' subnet: pods leave through their node's address). */
          clientAddressPrefixes: string[];
        };
      };
  /**
   * The private DNS zone the server registers its address in, a `*.postgres.database.azure.com`
   * zone linked to the virtual network.
   * @defaultValue a zone `<name>.private.postgres.database.azure.com`, created and linked
   */
  privateDnsZoneId?: pulumi.Input<string>;
}

/** An Entra ID administrator of the server, beside the password-authenticated `airflow` role. */
export interface AirflowDatabaseEntraAdmin {
  /** The principal's object id. */
  objectId: string;
  /** The principal's name, as it logs in (a group's or identity's display name, a user's UPN). */
  principalName: string;
  /** @defaultValue "group" */
  principalType?: "user" | "group" | "servicePrincipal";
}

/** The settings {@link validateAirflowDatabaseArgs} checks (a subset of the component's arguments). */
export interface AirflowDatabaseSettings {
  serverName?: string;
  version?: string;
  sku?: { name: string; tier: string };
  storageSizeGB?: number;
  highAvailability?: boolean;
  backupRetentionDays?: number;
  geoRedundantBackup?: boolean;
  geoBackupLocation?: string;
  network: AirflowDatabaseNetwork;
  customerManagedKey?: AzureKeyVaultKeyOption;
  geoBackupKey?: AzureKeyVaultKeyOption;
  entraAdmin?: AirflowDatabaseEntraAdmin;
}

/** The region geo-redundant backups go to: the one given, else the region's pair; undefined when unknown. */
export function geoBackupRegion(location: string | undefined, given?: string): string | undefined {
  return given ?? (location === undefined ? undefined : AZURE_PAIRED_REGIONS[location]);
}

/**
 * Checks an AirflowDatabase's settings and throws one error listing every problem. `location` is the
 * resolved region. Values unknown before deployment are left to Azure.
 */
export function validateAirflowDatabaseArgs(
  args: AirflowDatabaseSettings,
  location: string | undefined,
): void {
  const p = new Problems();
  if (location === undefined || !LOCATION.test(location)) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_LOCATION",
      "location",
      location,
      'set location (or the azure-native:location config) to an Azure region name such as "westeurope"',
    );
  }
  if (args.serverName !== undefined && !SERVER_NAME.test(args.serverName)) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_SERVER_NAME",
      "serverName",
      args.serverName,
      "must be 3 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen",
    );
  }
  if (args.version !== undefined && !(POSTGRES_VERSIONS as readonly string[]).includes(args.version)) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_VERSION",
      "version",
      args.version,
      `must be one of ${POSTGRES_VERSIONS.join(", ")} (older majors leave community support before 2028)`,
    );
  }
  const tier = args.sku?.tier;
  if (args.sku !== undefined) {
    if (!(POSTGRES_TIERS as readonly string[]).includes(args.sku.tier)) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_SKU",
        "sku.tier",
        args.sku.tier,
        `must be one of ${POSTGRES_TIERS.join(", ")}`,
      );
    } else if (
      !/^Standard_[A-Z][A-Za-z0-9_]+$/.test(args.sku.name) ||
      (tier === "Burstable") !== /^Standard_B/.test(args.sku.name)
    ) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_SKU",
        "sku.name",
        args.sku.name,
        `must be a flexible server compute size of the ${tier} tier (Standard_B* for Burstable, e.g. Standard_D4ds_v5 otherwise)`,
      );
    }
  }
  if ((args.highAvailability ?? true) && tier === "Burstable") {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_SKU",
      "highAvailability",
      args.highAvailability ?? true,
      "zone-redundant high availability needs the GeneralPurpose or MemoryOptimized tier: choose one, or set highAvailability: false",
    );
  }
  if (
    args.storageSizeGB !== undefined &&
    !(POSTGRES_STORAGE_SIZES as readonly number[]).includes(args.storageSizeGB)
  ) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_STORAGE",
      "storageSizeGB",
      args.storageSizeGB,
      `must be one of ${POSTGRES_STORAGE_SIZES.join(", ")} GiB (Premium SSD sizes)`,
    );
  }
  p.wholeNumber(
    "SEAWALL_AZURE_AIRFLOW_DB_BACKUP_RETENTION",
    "backupRetentionDays",
    args.backupRetentionDays,
    7,
    35,
    "flexible servers keep point-in-time backups 7 to 35 days",
  );
  const geo = geoBackupRegion(location, args.geoBackupLocation);
  if (args.geoRedundantBackup ?? true) {
    if (args.geoBackupLocation !== undefined && !LOCATION.test(args.geoBackupLocation)) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP",
        "geoBackupLocation",
        args.geoBackupLocation,
        'must be an Azure region name such as "northeurope"',
      );
    } else if (geo === undefined && !(args.customerManagedKey && "skip" in args.customerManagedKey)) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP",
        "geoBackupLocation",
        args.geoBackupLocation,
        `the geo-backups of ${location ?? "this region"} are encrypted with a key in its paired region, which Seawall does not know: set geoBackupLocation to the region's pair`,
      );
    } else if (geo !== undefined && location !== undefined && geo === location) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP",
        "geoBackupLocation",
        geo,
        `must be another region than the server's (${location}): its paired region`,
      );
    } else if (
      args.geoBackupLocation !== undefined &&
      location !== undefined &&
      AZURE_PAIRED_REGIONS[location] !== undefined &&
      AZURE_PAIRED_REGIONS[location] !== args.geoBackupLocation
    ) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP",
        "geoBackupLocation",
        args.geoBackupLocation,
        `Azure keeps ${location}'s geo-backups in its pair, ${AZURE_PAIRED_REGIONS[location]}: the geo-backup key must be there`,
      );
    }
  }
  checkNetwork(p, args.network);
  checkAzureKeyVaultKeyOption(p, "customerManagedKey", args.customerManagedKey);
  // The geo-backup key goes with a customer-managed key of the server (ignored without one).
  if (!(args.customerManagedKey && "skip" in args.customerManagedKey)) {
    checkAzureKeyVaultKeyOption(p, "geoBackupKey", args.geoBackupKey, {
      allowSkip: false,
      why: "geo-redundant backups of a server encrypted with a customer-managed key need a key in the paired region",
    });
  }
  const admin = args.entraAdmin;
  if (admin !== undefined) {
    if (!isKnown(admin.objectId) || !PRINCIPAL_ID.test(String(admin.objectId))) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_ENTRA_ADMIN",
        "entraAdmin.objectId",
        admin.objectId,
        "must be the Entra ID object id (a GUID) of the group, user or identity that administers the server",
      );
    }
    if (typeof admin.principalName !== "string" || admin.principalName.trim() === "") {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_ENTRA_ADMIN",
        "entraAdmin.principalName",
        admin.principalName,
        "must be the principal's name as it logs in (a group's display name, a user's UPN)",
      );
    }
  }
  p.throwIfAny("seawall:azure:AirflowDatabase: invalid arguments");
}

function checkNetwork(p: Problems, network: AirflowDatabaseNetwork | undefined): void {
  const vnet = network?.virtualNetworkId;
  if (vnet === undefined || (isKnown(vnet) && (typeof vnet !== "string" || !VNET_ID.test(vnet)))) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_NETWORK",
      "network.virtualNetworkId",
      vnet,
      "the server has private access only: give the clients' virtual network, /subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>",
    );
  }
  const zone = network?.privateDnsZoneId;
  if (zone !== undefined && isKnown(zone) && (typeof zone !== "string" || !DNS_ZONE_ID.test(zone))) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_NETWORK",
      "network.privateDnsZoneId",
      zone,
      "must be a private DNS zone's id whose name ends in .postgres.database.azure.com (e.g. <name>.private.postgres.database.azure.com)",
    );
  }
  const subnet = network?.subnet as Record<string, Record<string, unknown>> | undefined;
  if (subnet === undefined || typeof subnet !== "object") {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
      "network.subnet",
      subnet,
      "give { existing: { subnetId } } (a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers) or { args: { addressPrefix, clientAddressPrefixes } }",
    );
    return;
  }
  if ("existing" in subnet) {
    const id = subnet.existing?.subnetId;
    if (id === undefined || (isKnown(id) && (typeof id !== "string" || !SUBNET_ID.test(id)))) {
      p.add(
        "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
        "network.subnet.existing.subnetId",
        id,
        "must be a subnet's id delegated to Microsoft.DBforPostgreSQL/flexibleServers, /subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
      );
    }
    return;
  }
  const a = subnet.args ?? {};
  checkPrivateCidr(
    p,
    "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
    "network.subnet.args.addressPrefix",
    a.addressPrefix,
    8,
    28,
  );
  const clients = a.clientAddressPrefixes;
  if (!Array.isArray(clients) || clients.length === 0) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
      "network.subnet.args.clientAddressPrefixes",
      clients,
      "give the ranges Airflow connects from (the AKS nodes' subnet): nothing else reaches port 5432",
    );
  } else {
    clients.forEach((c, i) =>
      checkPrivateCidr(
        p,
        "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
        `network.subnet.args.clientAddressPrefixes[${i}]`,
        c,
        8,
        32,
      ),
    );
  }
}
