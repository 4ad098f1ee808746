/**
 * What the Azure layer gives `seawall:kubernetes:Airflow` (the {@link AirflowCloudSupport} contract):
 * its metadata database (an {@link AzureAirflowDatabase}), the user-assigned identity every Airflow
 * service account acts as (federated with the AKS cluster's OIDC issuer, granted the lake's
 * container under `logs/` only), and the remote logging settings that send task logs there.
 */
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr, subnetCidrs } from "../cidr";
import {
  AIRFLOW_LOGS_PREFIX,
  AIRFLOW_SERVICE_ACCOUNT,
  type AirflowCloudSupport,
  type AirflowRemoteLogging,
  DEFAULT_AIRFLOW_NAMESPACE,
} from "../kubernetes/airflowContract";
import {
  annotatedWorkloadIdentity,
  checkServiceAccountArgs,
  serviceAccountOf,
} from "../kubernetes/clusterProvider";
import type { Profile } from "../profiles";
import { isKnown, type Problem, Problems, problemsUnder } from "../validation";
import { AzureAirflowDatabase, type AzureAirflowDatabaseArgs } from "./airflowDatabase";
import {
  AIRFLOW_DATABASE_SIZES,
  type AirflowDatabaseEntraAdmin,
  validateAirflowDatabaseArgs,
} from "./airflowDatabaseConfig";
import {
  blobPrefixCondition,
  WASB_BASE_LOG_FOLDER,
  WASB_CONNECTION_ID,
  WASB_LOG_CONTAINER_ENV,
  wasbConnection,
} from "./airflowLogging";
import { type AksNetwork, identityParts, WORKLOAD_IDENTITY_AUDIENCE } from "./cluster";
import { roleDefinitionId } from "./eventStreamConfig";
import type { AzureKeyVaultKeyOption } from "./keyVaultKey";
import { STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE } from "./platform";

/** What the Azure platform built that Airflow's cloud support uses. */
export interface AzureAirflowSupportArgs {
  /** The platform's resource group (the Network's `resourceGroupName`). */
  resourceGroupName: pulumi.Input<string>;
  /** The platform's region (`DataPlatformArgs.region`). */
  location: string;
  /**
   * The region of the database's geo-redundant backups and their key: the region's Azure pair.
   * @defaultValue the location's pair (see `AZURE_PAIRED_REGIONS`); give the platform's `replicaRegion` only when it is the pair
   */
  geoBackupLocation?: string;
  /**
   * The platform's `azureNetwork` output (`{ vnetId, subnetIds }`). The database's subnet is added to
   * `vnetId` only once `subnetIds` exist (Azure changes one subnet of a network at a time) and its
   * private DNS zone is linked to it.
   */
  network: pulumi.Input<AksNetwork>;
  /**
   * The database's subnet, delegated to `Microsoft.DBforPostgreSQL/flexibleServers`: a free range of
   * the virtual network and the ranges Airflow connects from (see {@link defaultAirflowDatabaseSubnet}),
   * or a delegated subnet the team made.
   */
  databaseSubnet:
    | { addressPrefix: string; clientAddressPrefixes: string[] }
    | { subnetId: pulumi.Input<string> };
  /** The lake: its storage account's ARM id and name, and the container the logs go in (under `logs/`). */
  lake: {
    accountId: pulumi.Input<string>;
    accountName: pulumi.Input<string>;
    containerName: pulumi.Input<string>;
  };
  /** The AKS cluster's OIDC issuer URL (`AksCluster.oidcIssuerUrl`), which the identity trusts. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Airflow's namespace. @defaultValue {@link DEFAULT_AIRFLOW_NAMESPACE} */
  namespace?: string;
  /** The service account every Airflow component runs as. @defaultValue {@link AIRFLOW_SERVICE_ACCOUNT} */
  serviceAccountName?: string;
  /**
   * The database's customer-managed key.
   * @defaultValue a Key Vault and key of its own, with a user-assigned identity granted it
   */
  customerManagedKey?: AzureKeyVaultKeyOption;
  /**
   * An Entra ID administrator of the database.
   * @defaultValue none: password authentication only
   */
  databaseEntraAdmin?: AirflowDatabaseEntraAdmin;
}

/** What {@link buildAzureAirflowSupport} gives: the contract, and the Blob settings Airflow needs beside it. */
export interface AzureAirflowSupport extends AirflowCloudSupport {
  logging: AirflowRemoteLogging & {
    /**
     * Airflow settings the Blob log handler needs beside `remote_base_log_folder` (which holds no
     * container): `AIRFLOW__AZURE_REMOTE_LOGGING__REMOTE_WASB_LOG_CONTAINER` = the lake's container.
     */
    environment: Record<string, pulumi.Output<string>>;
  };
  /** The database component. */
  databaseServer: AzureAirflowDatabase;
}

/**
 * The database subnet of a virtual network the platform made from `cidrBlock` (its `network.cidrBlock`,
 * default 10.20.0.0/16): the /24 after the private endpoints' (10.20.17.0/24 by default), with the
 * workloads subnet (10.20.0.0/20) as its clients. Undefined for a block smaller than /19, which the
 * workloads and private endpoints fill.
 */
export function defaultAirflowDatabaseSubnet(
  cidrBlock = "10.20.0.0/16",
): { addressPrefix: string; clientAddressPrefixes: string[] } | undefined {
  const block = parseCidr(cidrBlock);
  if (!block || block.prefixLength > 19) return undefined;
  return {
    addressPrefix: subnetCidrs(cidrBlock, 18, 24)[17],
    clientAddressPrefixes: [subnetCidrs(cidrBlock, 1, 20)[0]],
  };
}

/** The database component's arguments from the profile and what the platform built. */
export function airflowDatabaseArgs(
  args: AzureAirflowSupportArgs,
  profile: Profile,
  tags: Record<string, string>,
): AzureAirflowDatabaseArgs {
  const size = AIRFLOW_DATABASE_SIZES[profile.environment];
  const s = args.databaseSubnet;
  return {
    resourceGroupName: args.resourceGroupName,
    location: args.location,
    sku: { name: size.skuName, tier: size.tier },
    storageSizeGB: size.storageSizeGB,
    highAvailability: size.highAvailability,
    backupRetentionDays: profile.backup.dailyRetentionDays,
    geoRedundantBackup: profile.backup.crossRegionCopy,
    ...(args.geoBackupLocation ? { geoBackupLocation: args.geoBackupLocation } : {}),
    network: {
      // Known only once the network's subnets exist, so the new subnet waits for them.
      virtualNetworkId: pulumi.output(args.network).apply((n) => n.vnetId),
      subnet:
        "subnetId" in s
          ? { existing: { subnetId: s.subnetId } }
          : { args: { addressPrefix: s.addressPrefix, clientAddressPrefixes: s.clientAddressPrefixes } },
    },
    ...(args.customerManagedKey ? { customerManagedKey: args.customerManagedKey } : {}),
    ...(args.databaseEntraAdmin ? { entraAdmin: args.databaseEntraAdmin } : {}),
    protect: profile.deletionProtection,
    tags,
  };
}

const PLACEHOLDER_VNET =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/placeholder/providers/Microsoft.Network/virtualNetworks/placeholder";

/**
 * Every problem with Airflow's cloud support on Azure before anything is registered: the database's
 * settings (named `database.<field>`), the OIDC issuer, and the namespace and service account.
 * Values unknown before deployment are left to Azure.
 */
export function validateAzureAirflowSupportArgs(args: AzureAirflowSupportArgs, profile: Profile): Problem[] {
  const p = new Problems();
  const issuer = args.oidcIssuerUrl;
  if (
    issuer === undefined ||
    (isKnown(issuer) && (typeof issuer !== "string" || !/^https:\/\/\S+$/.test(issuer)))
  ) {
    p.add(
      "SEAWALL_AZURE_AIRFLOW_OIDC_ISSUER",
      "oidcIssuerUrl",
      issuer,
      "must be the AKS cluster's OIDC issuer URL (https://...; AksCluster.oidcIssuerUrl): the identity trusts tokens it signs",
    );
  }
  checkServiceAccountArgs(p, "airflow", {
    namespace: args.namespace,
    serviceAccountName: args.serviceAccountName,
  });
  const db = airflowDatabaseArgs(args, profile, {});
  return [
    ...p.list,
    ...problemsUnder("database", () =>
      validateAirflowDatabaseArgs(
        { ...db, network: { ...db.network, virtualNetworkId: PLACEHOLDER_VNET } },
        args.location,
      ),
    ),
  ];
}

/**
 * Builds Airflow's cloud support on Azure as children of `parent`: the database (`<name>-airflow-db`),
 * a user-assigned identity (`<name>-airflow`) federated with `system:serviceaccount:<namespace>:<account>`
 * on the cluster's OIDC issuer and granted "Storage Blob Data Contributor" on the lake's container
 * with a condition that keeps it to blobs under `logs/`, and the `wasb_default` connection.
 */
export function buildAzureAirflowSupport(
  parent: pulumi.Resource,
  name: string,
  args: AzureAirflowSupportArgs,
  profile: Profile,
  tags: Record<string, string>,
): AzureAirflowSupport {
  const account = serviceAccountOf(
    { namespace: args.namespace, serviceAccountName: args.serviceAccountName },
    { namespace: DEFAULT_AIRFLOW_NAMESPACE, serviceAccountName: AIRFLOW_SERVICE_ACCOUNT },
  );
  const database = new AzureAirflowDatabase(`${name}-airflow-db`, airflowDatabaseArgs(args, profile, tags), {
    parent,
  });

  const identity = new azure.managedidentity.UserAssignedIdentity(
    `${name}-airflow`,
    { resourceGroupName: args.resourceGroupName, location: args.location, tags },
    { parent },
  );
  const parts = identity.id.apply(identityParts);
  new azure.managedidentity.FederatedIdentityCredential(
    `${name}-airflow`,
    {
      resourceGroupName: parts.resourceGroupName,
      resourceName: parts.resourceName,
      federatedIdentityCredentialResourceName: `${account.namespace}-${account.serviceAccountName}`,
      issuer: args.oidcIssuerUrl,
      subject: `system:serviceaccount:${account.namespace}:${account.serviceAccountName}`,
      audiences: [WORKLOAD_IDENTITY_AUDIENCE],
    },
    { parent },
  );
  const lake = pulumi.output(args.lake);
  new azure.authorization.RoleAssignment(
    `${name}-airflow-logs`,
    {
      scope: pulumi.interpolate`${lake.accountId}/blobServices/default/containers/${lake.containerName}`,
      roleDefinitionId: lake.accountId.apply((id) =>
        roleDefinitionId(id, STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE),
      ),
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
      description: `Airflow's task logs: blobs under ${AIRFLOW_LOGS_PREFIX} only`,
      condition: blobPrefixCondition(AIRFLOW_LOGS_PREFIX),
      conditionVersion: "2.0",
    },
    { parent },
  );

  return {
    database: database.connection,
    identity: annotatedWorkloadIdentity(
      "azure-workload-identity",
      account,
      identity.clientId,
      "azure.workload.identity/client-id",
      { "azure.workload.identity/use": "true" },
    ),
    logging: {
      baseLogFolder: pulumi.output(WASB_BASE_LOG_FOLDER),
      connectionId: WASB_CONNECTION_ID,
      connection: pulumi
        .all([lake.accountName, identity.clientId, identity.tenantId])
        .apply(([accountName, clientId, tenantId]) => wasbConnection(accountName, clientId, tenantId)),
      environment: { [WASB_LOG_CONTAINER_ENV]: lake.containerName },
    },
    databaseServer: database,
  };
}
