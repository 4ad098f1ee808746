import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { RedisConnection } from "../contracts";
import { isKnown, Problems } from "../validation";
import { LOCATION, PRINCIPAL_ID } from "./eventStreamConfig";
import { AzurePrivateEndpointArgs, checkPrivateEndpoint, privateEndpoint } from "./privateEndpoint";
import {
  AOF_FREQUENCIES,
  CLUSTER_NAME,
  DEFAULT_PERSISTENCE,
  EVICTION_POLICIES,
  EvictionPolicy,
  MANAGED_REDIS_PORT,
  MANAGED_REDIS_SKU,
  Persistence,
  persistenceArgs,
  PRIVATE_LINK_GROUP,
  RDB_FREQUENCIES,
  RETIRING_SKU,
} from "./featureStoreConfig";
import { azureKeyVaultKey, AzureKeyVaultKeyOption, checkAzureKeyVaultKeyOption } from "./keyVaultKey";

export interface FeatureStoreArgs {
  /** The resource group of the cluster, its endpoint and key. */
  resourceGroupName: pulumi.Input<string>;
  /** The Azure region. @defaultValue - the provider's location (`azure-native:location`) */
  location?: string;
  /**
   * The cluster's name, the first label of `<name>.<region>.redis.azure.net`.
   * @defaultValue - auto-named from the component's name
   */
  clusterName?: string;
  /**
   * An Azure Managed Redis SKU: `Balanced_B*`, `MemoryOptimized_M*`, `ComputeOptimized_X*` or
   * `FlashOptimized_A*`. The Enterprise SKUs of Azure Cache for Redis are being retired and are refused.
   * See https://learn.microsoft.com/azure/redis/overview#choosing-the-right-tier
   * @defaultValue "Balanced_B5"
   */
  sku?: string;
  /**
   * Replicate the data set to a second node (across zones where the region has them). Off only as
   * an explicit opt-out for throwaway environments: without it a node failure loses data.
   * @defaultValue true
   */
  highAvailability?: boolean;
  /** What the database evicts when memory is full. @defaultValue "VolatileLRU" (keys with a TTL, which features and dedup markers carry) */
  evictionPolicy?: EvictionPolicy;
  /** Persistence: AOF (`1s` or `always`) or RDB (`1h`, `6h`, `12h`). Off is not offered. @defaultValue { mode: "AOF", frequency: "1s" } */
  persistence?: Persistence;
  /**
   * Principal (object) ids of the workloads' identities, each given the database's `default`
   * access policy (an access policy assignment): access keys are disabled, so Entra ID is the only
   * way in. @defaultValue []
   */
  clientPrincipalIds?: pulumi.Input<string>[];
  /** The private endpoint clients connect through: public network access is disabled. */
  privateEndpoint: AzurePrivateEndpointArgs;
  /**
   * The customer-managed key of the cluster's persisted data (disk encryption), reached through a
   * user-assigned identity granted it. `skip` encrypts with a Microsoft-managed key.
   * @defaultValue - a Key Vault and key with a user-assigned identity granted it
   */
  customerManagedKey?: AzureKeyVaultKeyOption;
  /** Protect the cluster, database and key from deletion (`protect`). @defaultValue true */
  protect?: boolean;
  /** Tags on every resource. @defaultValue {} */
  tags?: Record<string, string>;
}

const DEFAULTS = { sku: "Balanced_B5", evictionPolicy: "VolatileLRU" as EvictionPolicy };

/**
 * Checks a {@link FeatureStoreArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider. `location` is the resolved location.
 */
export function validateFeatureStoreArgs(
  args: FeatureStoreArgs,
  location: string | undefined = args.location,
): void {
  const p = new Problems();
  if (location === undefined || !LOCATION.test(location)) {
    p.add(
      "SEAWALL_AZURE_FEATURESTORE_LOCATION",
      "location",
      location,
      'set location (or the azure-native:location config) to an Azure region name such as "westeurope"',
    );
  }
  if (args.clusterName !== undefined && !CLUSTER_NAME.test(args.clusterName)) {
    p.add(
      "SEAWALL_AZURE_FEATURESTORE_CLUSTER_NAME",
      "clusterName",
      args.clusterName,
      "must be 1-60 letters, digits and single hyphens, not starting or ending with a hyphen",
    );
  }
  if (args.sku !== undefined && !MANAGED_REDIS_SKU.test(args.sku)) {
    p.add(
      "SEAWALL_AZURE_FEATURESTORE_SKU",
      "sku",
      args.sku,
      RETIRING_SKU.test(args.sku)
        ? "is an Azure Cache for Redis Enterprise SKU, which is being retired: use an Azure Managed Redis SKU such as Balanced_B5"
        : "must be an Azure Managed Redis SKU: Balanced_B*, MemoryOptimized_M*, ComputeOptimized_X* or FlashOptimized_A*",
    );
  }
  if (
    args.evictionPolicy !== undefined &&
    !(EVICTION_POLICIES as readonly string[]).includes(args.evictionPolicy)
  ) {
    p.add(
      "SEAWALL_AZURE_FEATURESTORE_EVICTION_POLICY",
      "evictionPolicy",
      args.evictionPolicy,
      `must be one of ${EVICTION_POLICIES.join(", ")}`,
    );
  }
  const persistence = args.persistence as Record<string, unknown> | undefined;
  if (persistence !== undefined) {
    const frequencies: readonly unknown[] | undefined =
      persistence.mode === "AOF" ? AOF_FREQUENCIES : persistence.mode === "RDB" ? RDB_FREQUENCIES : undefined;
    if (!frequencies) {
      p.add(
        "SEAWALL_AZURE_FEATURESTORE_PERSISTENCE",
        "persistence.mode",
        persistence.mode,
        'must be "AOF" (append-only file) or "RDB" (snapshots); running without persistence is not offered',
      );
    } else if (persistence.frequency !== undefined && !frequencies.includes(persistence.frequency)) {
      p.add(
        "SEAWALL_AZURE_FEATURESTORE_PERSISTENCE",
        "persistence.frequency",
        persistence.frequency,
        `for ${String(persistence.mode)} must be one of ${frequencies.join(", ")}`,
      );
    }
  }
  (args.clientPrincipalIds ?? []).forEach((id, i) => {
    if (isKnown(id) && (typeof id !== "string" || !PRINCIPAL_ID.test(id))) {
      p.add(
        "SEAWALL_AZURE_FEATURESTORE_PRINCIPAL_ID",
        `clientPrincipalIds[${i}]`,
        id,
        "must be an Entra ID object id (a GUID): the workload identity's principal id",
      );
    }
  });
  checkPrivateEndpoint(
    p,
    "SEAWALL_AZURE_FEATURESTORE_PRIVATE_ENDPOINT",
    "privateEndpoint",
    args.privateEndpoint,
  );
  checkAzureKeyVaultKeyOption(p, "customerManagedKey", args.customerManagedKey);
  p.throwIfAny("seawall:azure:FeatureStore: invalid arguments");
}

/**
 * A feature store on Azure Managed Redis (`redisenterprise`; Azure Cache for Redis is being
 * retired): a cluster of an Azure Managed Redis SKU with high availability, TLS 1.2 or later,
 * public network access disabled with a private endpoint, a customer-managed key for persisted
 * data; and its one database, `default`, on port 10000: TLS-encrypted client protocol, access keys
 * disabled so clients authenticate with Entra ID (a token as the password) through access policy
 * assignments, the eviction policy asked for and AOF or RDB persistence.
 *
 * Clustering policy `EnterpriseCluster`: the cluster's proxy presents one endpoint and routes every
 * command to its shard, so the runtime's single-node node-redis client (`createClient`, no cluster
 * client) works unchanged. `OSSCluster` (the API's default) hands clients the shards' addresses and
 * needs a cluster-aware client; `NoCluster` caps the size and is not offered on Flash Optimized.
 * What it costs: multi-key commands must keep their keys in one hash slot (the runtime's are single-key).
 */
export class FeatureStore extends pulumi.ComponentResource {
  /** How clients connect: the cluster's host name, port 10000, TLS, `authMode: "azure-entra"`. */
  readonly connection: pulumi.Output<RedisConnection>;
  readonly cluster: azure.redisenterprise.RedisEnterprise;
  readonly database: azure.redisenterprise.Database;
  /** The cluster's ARM id. */
  readonly clusterId: pulumi.Output<string>;

  constructor(name: string, args: FeatureStoreArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:azure:FeatureStore", name, {}, opts);
    const location = args.location ?? azure.config.location;
    validateFeatureStoreArgs(args, location);
    const protect = args.protect ?? true;
    const tags = { ...args.tags, "seawall-component": "feature-store" };
    const rg = args.resourceGroupName;

    const key = azureKeyVaultKey(this, `${name}-key`, args.customerManagedKey, {
      resourceGroupName: rg,
      location: location as string,
      protect,
      tags,
    });

    this.cluster = new azure.redisenterprise.RedisEnterprise(
      name,
      {
        resourceGroupName: rg,
        location,
        ...(args.clusterName ? { clusterName: args.clusterName } : {}),
        sku: { name: args.sku ?? DEFAULTS.sku },
        highAvailability: args.highAvailability === false ? "Disabled" : "Enabled",
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        ...(key.identityId && key.keyUri
          ? {
              identity: { type: "UserAssigned", userAssignedIdentities: [key.identityId] },
              encryption: {
                customerManagedKeyEncryption: {
                  keyEncryptionKeyUrl: key.keyUri,
                  keyEncryptionKeyIdentity: {
                    identityType: "userAssignedIdentity",
                    userAssignedIdentityResourceId: key.identityId,
                  },
                },
              },
            }
          : {}),
        tags,
      },
      // The identity must hold the key before the cluster is encrypted with it.
      { parent: this, protect, dependsOn: key.grants },
    );
    this.clusterId = this.cluster.id;

    this.database = new azure.redisenterprise.Database(
      name,
      {
        resourceGroupName: rg,
        clusterName: this.cluster.name,
        // Azure Managed Redis has one database per cluster, named "default".
        databaseName: "default",
        port: MANAGED_REDIS_PORT,
        clientProtocol: "Encrypted",
        clusteringPolicy: "EnterpriseCluster",
        evictionPolicy: args.evictionPolicy ?? DEFAULTS.evictionPolicy,
        persistence: persistenceArgs(args.persistence ?? DEFAULT_PERSISTENCE),
        accessKeysAuthentication: "Disabled",
      },
      { parent: this, protect },
    );

    privateEndpoint(this, name, args.privateEndpoint, {
      resourceGroupName: rg,
      location,
      serviceId: this.cluster.id,
      groupId: PRIVATE_LINK_GROUP,
      tags,
    });

    (args.clientPrincipalIds ?? []).forEach((objectId, i) => {
      new azure.redisenterprise.AccessPolicyAssignment(
        `${name}-client-${i}`,
        {
          resourceGroupName: rg,
          clusterName: this.cluster.name,
          databaseName: this.database.name,
          accessPolicyAssignmentName: `client${i}`,
          accessPolicyName: "default",
          user: { objectId },
        },
        { parent: this },
      );
    });

    this.connection = this.cluster.hostName.apply((host) => ({
      host: host ?? "",
      port: MANAGED_REDIS_PORT,
      tls: true,
      authMode: "azure-entra" as const,
    }));

    this.registerOutputs({ connection: this.connection, clusterId: this.clusterId });
  }
}
