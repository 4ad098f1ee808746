import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AIRFLOW_DATABASE_NAME,
  AIRFLOW_DATABASE_USER,
  type AirflowDatabase,
} from "../kubernetes/airflowContract";
import {
  type AirflowDatabaseEntraAdmin,
  type AirflowDatabaseNetwork,
  DEFAULT_POSTGRES_VERSION,
  geoBackupRegion,
  type PostgresTier,
  type PostgresVersion,
  privateDnsZoneName,
  validateAirflowDatabaseArgs,
  virtualNetworkParts,
} from "./airflowDatabaseConfig";
import { azureKeyVaultKey, type AzureKeyVaultKeyOption } from "./keyVaultKey";
import { DENY_ALL_INBOUND } from "./network";
import { AZURE_POSTGRES_ROOT_CAS } from "./postgresRootCa";

export interface AzureAirflowDatabaseArgs {
  /** The resource group of the server, its subnet's security group, DNS zone and keys. */
  resourceGroupName: pulumi.Input<string>;
  /** The Azure region. @defaultValue the provider's location (`azure-native:location`) */
  location?: string;
  /**
   * The server's name, the first label of `<name>.postgres.database.azure.com` (unique across Azure).
   * @defaultValue auto-named from the component's name
   */
  serverName?: string;
  /** The PostgreSQL major version. @defaultValue "17" */
  version?: PostgresVersion;
  /**
   * The compute: a size and its tier. See
   * https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-compute
   * @defaultValue { name: "Standard_D4ds_v5", tier: "GeneralPurpose" }
   */
  sku?: { name: string; tier: PostgresTier };
  /** Premium SSD size, GiB (32, 64, 128, ... 32767); storage autogrow raises it. @defaultValue 128 */
  storageSizeGB?: number;
  /**
   * A standby in another availability zone, promoted on failure (ZoneRedundant HA). Off only as an
   * explicit opt-out (and on Burstable, which has no HA).
   * @defaultValue true
   */
  highAvailability?: boolean;
  /** Days of point-in-time backups, 7 to 35. @defaultValue 35 */
  backupRetentionDays?: number;
  /**
   * Copy the backups to the region's pair, so a regional disaster does not take them with the server.
   * Azure takes it only at creation.
   * @defaultValue true
   */
  geoRedundantBackup?: boolean;
  /**
   * The paired region the geo-backups go to, where their customer-managed key must be.
   * @defaultValue the location's Azure pair (westeurope: northeurope, eastus: westus, ...)
   */
  geoBackupLocation?: string;
  /** Private access only: the delegated subnet and the private DNS zone. */
  network: AirflowDatabaseNetwork;
  /**
   * The customer-managed key of the server's data, reached through a user-assigned identity granted
   * it. `skip` encrypts with a Microsoft-managed key (an explicit opt-out).
   * @defaultValue a Key Vault and key in the server's region with a user-assigned identity granted it
   */
  customerManagedKey?: AzureKeyVaultKeyOption;
  /**
   * The customer-managed key of the geo-redundant backups, in the paired region (Azure requires the
   * key and its identity there). Used only with a customer-managed key and geo-redundant backup.
   * @defaultValue a Key Vault, key and user-assigned identity in `geoBackupLocation`
   */
  geoBackupKey?: AzureKeyVaultKeyOption;
  /**
   * An Entra ID administrator beside the password role `airflow` (Microsoft Entra authentication on).
   * @defaultValue none: password authentication only
   */
  entraAdmin?: AirflowDatabaseEntraAdmin;
  /** Protect the server, its database and keys from deletion (`protect`). @defaultValue true */
  protect?: boolean;
  /** Tags on every resource. @defaultValue {} */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" as PostgresTier },
  storageSizeGB: 128,
  backupRetentionDays: 35,
};

/** The port PostgreSQL listens on. */
export const POSTGRES_PORT = 5432;

/** The configurations (server parameters) Airflow's database is set with: TLS only, 1.2 or later. */
export const AIRFLOW_DATABASE_CONFIGURATIONS: { name: string; value: string }[] = [
  { name: "require_secure_transport", value: "on" },
  { name: "ssl_min_protocol_version", value: "TLSv1.2" },
];

/**
 * Airflow's metadata database: an Azure Database for PostgreSQL flexible server with private access
 * only (a delegated subnet behind a network security group admitting the clients on 5432, a private
 * DNS zone linked to the virtual network, public network access disabled), data encrypted with a
 * customer-managed key through a user-assigned identity (and the geo-backups with a key in the
 * paired region), TLS 1.2 or later required, point-in-time backups kept as long as asked and
 * geo-redundant, a zone-redundant standby; the database `airflow`, owned by the password role
 * `airflow` (a generated password, a Pulumi secret), optionally an Entra ID administrator.
 */
export class AzureAirflowDatabase extends pulumi.ComponentResource {
  /** How Airflow connects: the server's FQDN, 5432, `airflow`/`airflow`, `verify-full` against Azure's root CAs. */
  readonly connection: AirflowDatabase;
  readonly server: azure.dbforpostgresql.Server;
  readonly database: azure.dbforpostgresql.Database;
  /** The server's ARM id. */
  readonly serverId: pulumi.Output<string>;

  constructor(name: string, args: AzureAirflowDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:azure:AirflowDatabase", name, {}, opts);
    const location = args.location ?? azure.config.location;
    validateAirflowDatabaseArgs(args, location);
    const protect = args.protect ?? true;
    const tags = { ...args.tags, "seawall-component": "airflow-database" };
    const rg = args.resourceGroupName;
    const sku = args.sku ?? DEFAULTS.sku;
    const geoRedundant = args.geoRedundantBackup ?? true;

    const subnetId = this.delegatedSubnet(name, args.network, rg, location as string, tags);
    const zoneId = args.network.privateDnsZoneId ?? this.privateDnsZone(name, args.network, rg, tags);

    const key = azureKeyVaultKey(this, `${name}-key`, args.customerManagedKey, {
      resourceGroupName: rg,
      location: location as string,
      protect,
      tags,
    });
    const geoKey =
      key.keyUri && geoRedundant
        ? azureKeyVaultKey(this, `${name}-geo-key`, args.geoBackupKey, {
            resourceGroupName: rg,
            location: geoBackupRegion(location, args.geoBackupLocation) as string,
            protect,
            tags,
          })
        : undefined;
    const identityIds = [key.identityId, geoKey?.identityId].filter(
      (id): id is pulumi.Output<string> => id !== undefined,
    );

    const password = new random.RandomPassword(
      `${name}-password`,
      // Letters and digits only (no escaping in a connection URL), all three kinds, as Azure requires three.
      { length: 40, special: false, minUpper: 1, minLower: 1, minNumeric: 1 },
      { parent: this },
    );
    const client = args.entraAdmin ? azure.authorization.getClientConfigOutput({ parent: this }) : undefined;

    this.server = new azure.dbforpostgresql.Server(
      name,
      {
        resourceGroupName: rg,
        location,
        ...(args.serverName ? { serverName: args.serverName } : {}),
        version: args.version ?? DEFAULT_POSTGRES_VERSION,
        sku: { name: sku.name, tier: sku.tier },
        storage: { storageSizeGB: args.storageSizeGB ?? DEFAULTS.storageSizeGB, autoGrow: "Enabled" },
        backup: {
          backupRetentionDays: args.backupRetentionDays ?? DEFAULTS.backupRetentionDays,
          geoRedundantBackup: geoRedundant ? "Enabled" : "Disabled",
        },
        highAvailability: { mode: (args.highAvailability ?? true) ? "ZoneRedundant" : "Disabled" },
        network: {
          delegatedSubnetResourceId: subnetId,
          privateDnsZoneArmResourceId: zoneId,
          publicNetworkAccess: "Disabled",
        },
        authConfig: {
          passwordAuth: "Enabled",
          activeDirectoryAuth: client ? "Enabled" : "Disabled",
          ...(client ? { tenantId: client.tenantId } : {}),
        },
        administratorLogin: AIRFLOW_DATABASE_USER,
        administratorLoginPassword: pulumi.secret(password.result),
        ...(key.identityId && key.keyUri
          ? {
              identity: {
                type: "UserAssigned",
                userAssignedIdentities: pulumi
                  .all(identityIds)
                  .apply((ids) => Object.fromEntries(ids.map((id) => [id, {}]))),
              },
              dataEncryption: {
                type: "AzureKeyVault",
                primaryKeyURI: key.keyUri,
                primaryUserAssignedIdentityId: key.identityId,
                ...(geoKey?.keyUri
                  ? {
                      geoBackupKeyURI: geoKey.keyUri,
                      geoBackupUserAssignedIdentityId: geoKey.identityId,
                    }
                  : {}),
              },
            }
          : {}),
        tags,
      },
      // The identities must hold their keys before the server is encrypted with them.
      {
        parent: this,
        protect,
        dependsOn: [...key.grants, ...(geoKey?.grants ?? [])],
      },
    );
    this.serverId = this.server.id;

    // A flexible server applies one change at a time: each step waits for the one before.
    let previous: pulumi.Resource = this.server;
    for (const c of AIRFLOW_DATABASE_CONFIGURATIONS) {
      previous = new azure.dbforpostgresql.Configuration(
        `${name}-${c.name.replace(/_/g, "-")}`,
        {
          resourceGroupName: rg,
          serverName: this.server.name,
          configurationName: c.name,
          value: c.value,
          source: "user-override",
        },
        { parent: this, dependsOn: [previous] },
      );
    }
    this.database = new azure.dbforpostgresql.Database(
      name,
      {
        resourceGroupName: rg,
        serverName: this.server.name,
        databaseName: AIRFLOW_DATABASE_NAME,
        charset: "UTF8",
        collation: "en_US.utf8",
      },
      { parent: this, protect, dependsOn: [previous] },
    );
    if (args.entraAdmin && client) {
      new azure.dbforpostgresql.AdministratorsMicrosoftEntra(
        `${name}-entra-admin`,
        {
          resourceGroupName: rg,
          serverName: this.server.name,
          objectId: args.entraAdmin.objectId,
          principalName: args.entraAdmin.principalName,
          principalType: args.entraAdmin.principalType ?? "group",
          tenantId: client.tenantId,
        },
        { parent: this, dependsOn: [this.database] },
      );
    }

    this.connection = {
      host: this.server.fullyQualifiedDomainName,
      port: POSTGRES_PORT,
      database: AIRFLOW_DATABASE_NAME,
      username: AIRFLOW_DATABASE_USER,
      password: pulumi.secret(password.result),
      sslMode: "verify-full",
      caCert: pulumi.output(AZURE_POSTGRES_ROOT_CAS),
    };
    this.registerOutputs({ serverId: this.serverId, host: this.connection.host });
  }

  /** The subnet delegated to flexible servers: brought, or made behind a security group admitting only the clients. */
  private delegatedSubnet(
    name: string,
    network: AirflowDatabaseNetwork,
    rg: pulumi.Input<string>,
    location: string,
    tags: Record<string, string>,
  ): pulumi.Input<string> {
    if ("existing" in network.subnet) return network.subnet.existing.subnetId;
    const { addressPrefix, clientAddressPrefixes } = network.subnet.args;
    const nsg = new azure.network.NetworkSecurityGroup(
      `${name}-subnet`,
      {
        resourceGroupName: rg,
        location,
        securityRules: [
          {
            name: "allow-clients-postgres",
            priority: 100,
            direction: "Inbound",
            access: "Allow",
            protocol: "Tcp",
            sourceAddressPrefixes: clientAddressPrefixes,
            sourcePortRange: "*",
            destinationAddressPrefix: addressPrefix,
            destinationPortRange: String(POSTGRES_PORT),
          },
          {
            // The primary and its standby replicate inside the subnet.
            name: "allow-subnet-inbound",
            priority: 110,
            direction: "Inbound",
            access: "Allow",
            protocol: "*",
            sourceAddressPrefix: addressPrefix,
            sourcePortRange: "*",
            destinationAddressPrefix: addressPrefix,
            destinationPortRange: "*",
          },
          DENY_ALL_INBOUND,
        ],
        tags,
      },
      { parent: this },
    );
    const vnet = pulumi.output(network.virtualNetworkId).apply(virtualNetworkParts);
    const subnet = new azure.network.Subnet(
      `${name}-subnet`,
      {
        resourceGroupName: vnet.resourceGroupName,
        virtualNetworkName: vnet.virtualNetworkName,
        addressPrefix,
        delegations: [
          { name: "postgres-flexible", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" },
        ],
        networkSecurityGroup: { id: nsg.id },
      },
      { parent: this },
    );
    return subnet.id;
  }

  /** A private DNS zone `<name>.private.postgres.database.azure.com`, linked to the clients' network. */
  private privateDnsZone(
    name: string,
    network: AirflowDatabaseNetwork,
    rg: pulumi.Input<string>,
    tags: Record<string, string>,
  ): pulumi.Output<string> {
    const zone = new azure.privatedns.PrivateZone(
      `${name}-subnet`,
      { resourceGroupName: rg, privateZoneName: privateDnsZoneName(name), location: "global", tags },
      { parent: this },
    );
    const link = new azure.privatedns.VirtualNetworkLink(
      `${name}-subnet`,
      {
        resourceGroupName: rg,
        privateZoneName: zone.name,
        location: "global",
        virtualNetwork: { id: network.virtualNetworkId },
        registrationEnabled: false,
        tags,
      },
      { parent: this },
    );
    // The server registers its record once the zone resolves in the network: wait for the link.
    return pulumi.all([zone.id, link.id]).apply(([id]) => id);
  }
}
