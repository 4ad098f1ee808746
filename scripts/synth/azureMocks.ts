import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/**
 * Realistic Azure (azure-native) provider behaviour for offline synthesis: Azure Resource Manager
 * ids, Key Vault URIs, managed identities' principal ids and endpoints, derived deterministically
 * from the resource's URN and the stack's `azure-native:location` config, so what flows between
 * resources (a key's URI into a storage account's encryption, an identity's principal id into a
 * role assignment) is real data. Add a row to {@link ARM_TYPES} for each azure-native resource a
 * component creates, and a case for any output it reads.
 */

/** The subscription, tenant and location the default azure-native provider uses. */
export interface AzureMockConfig {
  subscriptionId: string;
  tenantId: string;
  location: string;
}

/** The subscription id the mocks use when the stack sets no `azure-native:subscriptionId`. */
export const MOCK_AZURE_SUBSCRIPTION = "00000000-0000-4000-8000-5ea3a1100001";
/** The tenant id the mocks use when the stack sets no `azure-native:tenantId`. */
export const MOCK_AZURE_TENANT = "00000000-0000-4000-8000-5ea3a1100002";
/** The object id of the identity that runs the deployment, as `getClientConfig` reports it. */
export const MOCK_AZURE_OBJECT_ID = "00000000-0000-4000-8000-5ea3a1100003";

export function azureMockConfig(config: Record<string, string> | undefined): AzureMockConfig {
  return {
    subscriptionId: config?.["azure-native:subscriptionId"] ?? MOCK_AZURE_SUBSCRIPTION,
    tenantId: config?.["azure-native:tenantId"] ?? MOCK_AZURE_TENANT,
    location: config?.["azure-native:location"] ?? "westeurope",
  };
}

function digest(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A GUID derived from `text`, as Azure's principal ids, client ids and role assignment names. */
export function mockGuid(text: string): string {
  const h = digest(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * How each azure-native resource is addressed: the input holding its name, the ARM path under its
 * parent (`{parent}` is the id of the resource named by `parentName`), or under its resource group.
 */
interface ArmType {
  /** The input that names the resource (auto-named by the provider when unset). */
  nameKey: string;
  /** The ARM path segment(s) before the name, e.g. `Microsoft.KeyVault/vaults`. */
  path: string;
  /** For a child resource: the input naming the parent, and the parent's type. */
  parent?: [input: string, type: string];
  /** Names allowed only lower-case letters and digits (storage accounts). */
  compact?: boolean;
  /** A name the provider fixes (`default` for a storage account's blob service). */
  fixedName?: string;
}

const ARM_TYPES: Record<string, ArmType> = {
  "azure-native:containerservice:ManagedCluster": {
    nameKey: "resourceName",
    path: "Microsoft.ContainerService/managedClusters",
  },
  "azure-native:managedidentity:FederatedIdentityCredential": {
    nameKey: "federatedIdentityCredentialResourceName",
    path: "federatedIdentityCredentials",
    parent: ["resourceName", "azure-native:managedidentity:UserAssignedIdentity"],
  },
  "azure-native:keyvault:Vault": { nameKey: "vaultName", path: "Microsoft.KeyVault/vaults" },
  "azure-native:keyvault:Key": {
    nameKey: "keyName",
    path: "keys",
    parent: ["vaultName", "azure-native:keyvault:Vault"],
  },
  "azure-native:managedidentity:UserAssignedIdentity": {
    nameKey: "resourceName",
    path: "Microsoft.ManagedIdentity/userAssignedIdentities",
  },
  "azure-native:network:VirtualNetwork": {
    nameKey: "virtualNetworkName",
    path: "Microsoft.Network/virtualNetworks",
  },
  "azure-native:network:Subnet": {
    nameKey: "subnetName",
    path: "subnets",
    parent: ["virtualNetworkName", "azure-native:network:VirtualNetwork"],
  },
  "azure-native:network:NetworkSecurityGroup": {
    nameKey: "networkSecurityGroupName",
    path: "Microsoft.Network/networkSecurityGroups",
  },
  "azure-native:network:NetworkWatcher": {
    nameKey: "networkWatcherName",
    path: "Microsoft.Network/networkWatchers",
  },
  "azure-native:network:FlowLog": {
    nameKey: "flowLogName",
    path: "flowLogs",
    parent: ["networkWatcherName", "azure-native:network:NetworkWatcher"],
  },
  "azure-native:network:PrivateEndpoint": {
    nameKey: "privateEndpointName",
    path: "Microsoft.Network/privateEndpoints",
  },
  "azure-native:network:PrivateDnsZoneGroup": {
    nameKey: "privateDnsZoneGroupName",
    path: "privateDnsZoneGroups",
    parent: ["privateEndpointName", "azure-native:network:PrivateEndpoint"],
  },
  "azure-native:privatedns:PrivateZone": {
    nameKey: "privateZoneName",
    path: "Microsoft.Network/privateDnsZones",
  },
  "azure-native:privatedns:VirtualNetworkLink": {
    nameKey: "virtualNetworkLinkName",
    path: "virtualNetworkLinks",
    parent: ["privateZoneName", "azure-native:privatedns:PrivateZone"],
  },
  "azure-native:storage:StorageAccount": {
    nameKey: "accountName",
    path: "Microsoft.Storage/storageAccounts",
    compact: true,
  },
  "azure-native:storage:BlobServiceProperties": {
    nameKey: "blobServicesName",
    path: "blobServices",
    parent: ["accountName", "azure-native:storage:StorageAccount"],
    fixedName: "default",
  },
  "azure-native:storage:ManagementPolicy": {
    nameKey: "managementPolicyName",
    path: "managementPolicies",
    parent: ["accountName", "azure-native:storage:StorageAccount"],
    fixedName: "default",
  },
  "azure-native:storage:ObjectReplicationPolicy": {
    nameKey: "objectReplicationPolicyId",
    path: "objectReplicationPolicies",
    parent: ["accountName", "azure-native:storage:StorageAccount"],
  },
  "azure-native:storage:BlobContainer": {
    nameKey: "containerName",
    path: "blobServices/default/containers",
    parent: ["accountName", "azure-native:storage:StorageAccount"],
  },
  // Backups and Monitoring (components/azure/backups.ts, monitoring.ts).
  "azure-native:dataprotection:BackupVault": {
    nameKey: "vaultName",
    path: "Microsoft.DataProtection/backupVaults",
  },
  "azure-native:dataprotection:BackupPolicy": {
    nameKey: "backupPolicyName",
    path: "backupPolicies",
    parent: ["vaultName", "azure-native:dataprotection:BackupVault"],
  },
  "azure-native:dataprotection:BackupInstance": {
    nameKey: "backupInstanceName",
    path: "backupInstances",
    parent: ["vaultName", "azure-native:dataprotection:BackupVault"],
  },
  "azure-native:operationalinsights:Workspace": {
    nameKey: "workspaceName",
    path: "Microsoft.OperationalInsights/workspaces",
  },
  "azure-native:monitor:ActionGroup": { nameKey: "actionGroupName", path: "Microsoft.Insights/actionGroups" },
  "azure-native:monitor:MetricAlert": { nameKey: "ruleName", path: "Microsoft.Insights/metricAlerts" },
  "azure-native:portal:Dashboard": { nameKey: "dashboardName", path: "Microsoft.Portal/dashboards" },
  "azure-native:eventhub:Namespace": { nameKey: "namespaceName", path: "Microsoft.EventHub/namespaces" },
  "azure-native:eventhub:EventHub": {
    nameKey: "eventHubName",
    path: "eventhubs",
    parent: ["namespaceName", "azure-native:eventhub:Namespace"],
  },
  "azure-native:eventhub:ConsumerGroup": {
    nameKey: "consumerGroupName",
    path: "consumergroups",
    parent: ["eventHubName", "azure-native:eventhub:EventHub"],
  },
  "azure-native:eventhub:DisasterRecoveryConfig": {
    nameKey: "alias",
    path: "disasterRecoveryConfigs",
    parent: ["namespaceName", "azure-native:eventhub:Namespace"],
  },
  "azure-native:redisenterprise:RedisEnterprise": {
    nameKey: "clusterName",
    path: "Microsoft.Cache/redisEnterprise",
  },
  "azure-native:redisenterprise:Database": {
    nameKey: "databaseName",
    path: "databases",
    parent: ["clusterName", "azure-native:redisenterprise:RedisEnterprise"],
  },
  // Airflow's metadata database (components/azure/airflowDatabase.ts).
  "azure-native:dbforpostgresql:Server": {
    nameKey: "serverName",
    path: "Microsoft.DBforPostgreSQL/flexibleServers",
  },
  "azure-native:dbforpostgresql:Configuration": {
    nameKey: "configurationName",
    path: "configurations",
    parent: ["serverName", "azure-native:dbforpostgresql:Server"],
  },
  "azure-native:dbforpostgresql:Database": {
    nameKey: "databaseName",
    path: "databases",
    parent: ["serverName", "azure-native:dbforpostgresql:Server"],
  },
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
    nameKey: "objectId",
    path: "administrators",
    parent: ["serverName", "azure-native:dbforpostgresql:Server"],
  },
};

/** Pulumi's auto-name: the logical name and a random-looking suffix (compact: letters and digits only). */
function autoName(logical: string, seed: string, compact = false): string {
  if (!compact) return `${logical}${digest(seed, 8)}`;
  return `${logical
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 16)}${digest(seed, 8)}`;
}

function groupId(config: AzureMockConfig, group: unknown): string {
  return `/subscriptions/${config.subscriptionId}/resourceGroups/${String(group ?? "rg")}`;
}

function armId(config: AzureMockConfig, type: string, inputs: Record<string, unknown>, name: string): string {
  const t = ARM_TYPES[type];
  if (t.parent) {
    const [input, parentType] = t.parent;
    const parent = armId(config, parentType, inputs, String(inputs[input]));
    return `${parent}/${t.path}/${name}`;
  }
  return `${groupId(config, inputs.resourceGroupName)}/providers/${t.path}/${name}`;
}

/** The state an Azure resource reports: its ARM id, name and the outputs components read. */
export function azureResource(
  args: pulumi.runtime.MockResourceArgs,
  config: AzureMockConfig,
): { id: string; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, unknown>;
  const seed = `${args.type}::${args.name}`;
  const location = (inputs.location as string | undefined) ?? config.location;
  if (args.type === "azure-native:resources:ResourceGroup") {
    const name = (inputs.resourceGroupName as string | undefined) ?? autoName(args.name, seed);
    return {
      id: groupId(config, name),
      state: { ...inputs, location, name, resourceGroupName: name },
    };
  }
  if (args.type === "azure-native:authorization:RoleAssignment") {
    const name = (inputs.roleAssignmentName as string | undefined) ?? mockGuid(seed);
    return {
      id: `${inputs.scope as string}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      state: { ...inputs, name, roleAssignmentName: name, principalType: inputs.principalType ?? "User" },
    };
  }
  if (args.type === "azure-native:monitor:DiagnosticSetting") {
    // An extension resource: its id is under the resource it is set on.
    const name = (inputs.name as string | undefined) ?? autoName(args.name, seed);
    return {
      id: `${inputs.resourceUri as string}/providers/Microsoft.Insights/diagnosticSettings/${name}`,
      state: { ...inputs, name },
    };
  }
  const t = ARM_TYPES[args.type];
  if (!t) {
    const name = autoName(args.name, seed);
    const id = `${groupId(config, inputs.resourceGroupName)}/providers/Mock.Unmocked/${args.type.split(":")[2]}/${name}`;
    return { id, state: { ...inputs, name } };
  }
  let name = (inputs[t.nameKey] as string | undefined) ?? t.fixedName ?? autoName(args.name, seed, t.compact);
  // Object replication: the destination's policy is created as "default" and Azure assigns its id.
  if (args.type === "azure-native:storage:ObjectReplicationPolicy" && name === "default")
    name = mockGuid(seed);
  const id = armId(config, args.type, inputs, name);
  const state: Record<string, unknown> = {
    ...inputs,
    [t.nameKey]: name,
    name,
    ...(t.parent ? {} : { location }),
  };
  switch (args.type) {
    case "azure-native:keyvault:Vault":
      state.properties = {
        ...(inputs.properties as Record<string, unknown>),
        vaultUri: `https://${name}.vault.azure.net/`,
      };
      break;
    case "azure-native:keyvault:Key": {
      const keyUri = `https://${inputs.vaultName as string}.vault.azure.net/keys/${name}`;
      state.keyUri = keyUri;
      state.keyUriWithVersion = `${keyUri}/${digest(`${seed}::version`, 32)}`;
      break;
    }
    case "azure-native:managedidentity:UserAssignedIdentity":
      state.principalId = mockGuid(`${seed}::principal`);
      state.clientId = mockGuid(`${seed}::client`);
      state.tenantId = config.tenantId;
      break;
    case "azure-native:storage:StorageAccount":
      state.primaryEndpoints = {
        blob: `https://${name}.blob.core.windows.net/`,
        dfs: `https://${name}.dfs.core.windows.net/`,
        queue: `https://${name}.queue.core.windows.net/`,
        table: `https://${name}.table.core.windows.net/`,
        file: `https://${name}.file.core.windows.net/`,
        web: `https://${name}.z6.web.core.windows.net/`,
      };
      state.primaryLocation = location;
      break;
    case "azure-native:dataprotection:BackupVault":
      state.identity = {
        ...(inputs.identity as Record<string, unknown>),
        principalId: mockGuid(`${seed}::principal`),
        tenantId: config.tenantId,
      };
      break;
    case "azure-native:eventhub:Namespace":
      state.serviceBusEndpoint = `https://${name}.servicebus.windows.net:443/`;
      break;
    case "azure-native:redisenterprise:RedisEnterprise":
      state.hostName = `${name}.${location}.redis.azure.net`;
      break;
    case "azure-native:dbforpostgresql:Server":
      state.fullyQualifiedDomainName = `${name}.postgres.database.azure.com`;
      break;
    case "azure-native:containerservice:ManagedCluster":
      // The OIDC issuer and the private API server's name AKS reports.
      state.oidcIssuerProfile = {
        ...(inputs.oidcIssuerProfile as Record<string, unknown>),
        issuerURL: `https://${location}.oic.prod-aks.azure.com/${config.tenantId}/${mockGuid(`${seed}::issuer`)}/`,
      };
      state.privateFQDN = `${name}-${digest(seed, 8)}.${mockGuid(`${seed}::zone`)}.privatelink.${location}.azmk8s.io`;
      break;
    case "azure-native:operationalinsights:Workspace":
      state.customerId = mockGuid(`${seed}::customer`);
      break;
    case "azure-native:storage:ObjectReplicationPolicy":
      state.policyId = name;
      state.rules = ((inputs.rules as Record<string, unknown>[] | undefined) ?? []).map((r, i) => ({
        ...r,
        ruleId: r.ruleId ?? mockGuid(`${seed}::rule${i}`),
      }));
      break;
    default:
      break;
  }
  return { id, state };
}

/** The azure-native provider functions the components call; `undefined` for one not mocked here. */
export function azureCall(
  args: pulumi.runtime.MockCallArgs,
  config: AzureMockConfig,
): Record<string, unknown> | undefined {
  switch (args.token) {
    case "azure-native:authorization:getClientConfig":
      return {
        clientId: mockGuid("client"),
        objectId: MOCK_AZURE_OBJECT_ID,
        subscriptionId: config.subscriptionId,
        tenantId: config.tenantId,
      };
    case "azure-native:containerservice:listManagedClusterUserCredentials": {
      // The user kubeconfig AKS returns (base64 YAML): the private server and the cluster CA.
      const inputs = args.inputs as Record<string, string>;
      const seed = `${inputs.resourceGroupName}/${inputs.resourceName}`;
      const ca = Buffer.from(`-----BEGIN CERTIFICATE-----\n${digest(seed, 64)}\n-----END CERTIFICATE-----\n`);
      const server = `https://${inputs.resourceName}-${digest(seed, 8)}.privatelink.${config.location}.azmk8s.io:443`;
      const yaml = [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: ${inputs.resourceName}`,
        "  cluster:",
        `    certificate-authority-data: ${ca.toString("base64")}`,
        `    server: ${server}`,
        "contexts: []",
        "users: []",
        "",
      ].join("\n");
      return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(yaml).toString("base64") }] };
    }
    default:
      return undefined;
  }
}
