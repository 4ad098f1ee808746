import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { AzureAirflowDatabase } from "../../components/azure/airflowDatabase";
import {
  AIRFLOW_DATABASE_SIZES,
  AZURE_PAIRED_REGIONS,
  validateAirflowDatabaseArgs,
} from "../../components/azure/airflowDatabaseConfig";
import { blobPrefixCondition, wasbConnection } from "../../components/azure/airflowLogging";
import {
  AzureAirflowSupportArgs,
  buildAzureAirflowSupport,
  defaultAirflowDatabaseSubnet,
  validateAzureAirflowSupportArgs,
} from "../../components/azure/airflowSupport";
import { AZURE_POSTGRES_ROOT_CAS } from "../../components/azure/postgresRootCa";
import { PROFILES, resolveProfile, type Profile } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  server: "azure-native:dbforpostgresql:Server",
  configuration: "azure-native:dbforpostgresql:Configuration",
  database: "azure-native:dbforpostgresql:Database",
  entraAdmin: "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  zone: "azure-native:privatedns:PrivateZone",
  link: "azure-native:privatedns:VirtualNetworkLink",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  federated: "azure-native:managedidentity:FederatedIdentityCredential",
  role: "azure-native:authorization:RoleAssignment",
  password: "random:index/randomPassword:RandomPassword",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZ = { "azure-native:location": "westeurope", "azure-native:subscriptionId": SUB };
const VNET = `/subscriptions/${SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet`;
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/lake`;
const ISSUER = `https://westeurope.oic.prod-aks.azure.com/${SUB}/issuer/`;
const ARGS: AzureAirflowSupportArgs = {
  resourceGroupName: "data",
  location: "westeurope",
  network: { vnetId: VNET, subnetIds: [`${VNET}/subnets/workloads`, `${VNET}/subnets/endpoints`] },
  databaseSubnet: defaultAirflowDatabaseSubnet()!,
  lake: { accountId: ACCOUNT, accountName: "lake", containerName: "lake" },
  oidcIssuerUrl: ISSUER,
};
const NAME = "seawall-airflow-db";
const unwrap = (v: unknown) => (v instanceof Secret ? v.value : v);

async function support(profile: Profile, args: Partial<AzureAirflowSupportArgs> = {}): Promise<Plan> {
  return plan(() => {
    const parent = new pulumi.ComponentResource("test:index:Platform", "seawall");
    const s = buildAzureAirflowSupport(parent, "seawall", { ...ARGS, ...args }, profile, {
      "seawall:environment": profile.environment,
    });
    return {
      database: s.database,
      password: s.database.password,
      annotations: s.identity.serviceAccountAnnotations,
      identity: { ...s.identity, serviceAccountAnnotations: undefined },
      baseLogFolder: s.logging.baseLogFolder,
      connectionId: s.logging.connectionId,
      connection: s.logging.connection,
      environment: s.logging.environment,
    };
  }, AZ);
}

describe("Azure Airflow support (prod)", () => {
  let p: Plan;
  const tags = { "seawall:environment": "prod", "seawall-component": "airflow-database" };
  beforeAll(async () => {
    p = await support(PROFILES.prod);
  });

  it("makes a flexible server: PostgreSQL 17, General Purpose, zone-redundant, 35 days of geo-redundant backups, private only, keys through their identities, protected", () => {
    const server = p.one(T.server, NAME);
    const keyIdentity = p.one(T.identity, `${NAME}-key-identity`);
    const geoIdentity = p.one(T.identity, `${NAME}-geo-key-identity`);
    const inputs = {
      ...server.inputs,
      administratorLoginPassword: unwrap(server.inputs.administratorLoginPassword),
    };
    expect(inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      version: "17",
      sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 128, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
      highAvailability: { mode: "ZoneRedundant", standbyAvailabilityZone: "" },
      availabilityZone: "",
      network: {
        delegatedSubnetResourceId: expect.stringMatching(
          /^\/subscriptions\/.+\/resourceGroups\/net\/providers\/Microsoft\.Network\/virtualNetworks\/vnet\/subnets\/seawall-airflow-db-subnet/,
        ),
        privateDnsZoneArmResourceId: expect.stringMatching(
          /\/privateDnsZones\/seawall-airflow-db\.private\.postgres\.database\.azure\.com$/,
        ),
        publicNetworkAccess: "Disabled",
      },
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled", tenantId: "" },
      administratorLogin: "airflow",
      administratorLoginPassword: expect.stringMatching(/^[A-Za-z0-9]{40}$/),
      identity: { type: "UserAssigned", userAssignedIdentities: expect.any(Object) },
      dataEncryption: {
        type: "AzureKeyVault",
        primaryKeyURI: expect.stringMatching(
          /^https:\/\/seawall-airflow-db-key-vault\w+\.vault\.azure\.net\/keys\//,
        ),
        primaryUserAssignedIdentityId: expect.stringContaining(
          "/userAssignedIdentities/seawall-airflow-db-key-identity",
        ),
        geoBackupKeyURI: expect.stringMatching(
          /^https:\/\/seawall-airflow-db-geo-key-vault\w+\.vault\.azure\.net\/keys\//,
        ),
        geoBackupUserAssignedIdentityId: expect.stringContaining(
          "/userAssignedIdentities/seawall-airflow-db-geo-key-identity",
        ),
      },
      tags,
    });
    const identities = Object.keys(
      (server.inputs.identity as { userAssignedIdentities: object }).userAssignedIdentities,
    );
    expect(
      identities.map((id) => id.replace(/^.*\/userAssignedIdentities\//, "").replace(/\w{8}$/, "")).sort(),
    ).toEqual([`${NAME}-geo-key-identity`, `${NAME}-key-identity`]);
    const encryption = server.inputs.dataEncryption as Record<string, string>;
    expect(identities).toContain(encryption.primaryUserAssignedIdentityId);
    expect(identities).toContain(encryption.geoBackupUserAssignedIdentityId);
    expect(server.propertyDependencies.identity.sort()).toEqual([keyIdentity.urn, geoIdentity.urn].sort());
    expect(server.dependsOn).toEqual(
      expect.arrayContaining([
        p.one(T.role, `${NAME}-key-grant`).urn,
        p.one(T.role, `${NAME}-geo-key-grant`).urn,
        p.one(T.link, `${NAME}-subnet`).urn,
      ]),
    );
    expect(server.protect).toBe(true);
  });

  it("sends the geo-backups' key and identity to the paired region (northeurope), the primary's stay in westeurope", () => {
    expect(p.one(T.vault, `${NAME}-key-vault`).inputs.location).toBe("westeurope");
    expect(p.one(T.identity, `${NAME}-key-identity`).inputs.location).toBe("westeurope");
    expect(p.one(T.vault, `${NAME}-geo-key-vault`).inputs.location).toBe("northeurope");
    expect(p.one(T.identity, `${NAME}-geo-key-identity`).inputs.location).toBe("northeurope");
    for (const key of [`${NAME}-key`, `${NAME}-geo-key`]) expect(p.one(T.key, key).protect).toBe(true);
  });

  it("requires TLS 1.2 or later through server parameters, one after the other, then makes the airflow database", () => {
    const secure = p.one(T.configuration, `${NAME}-require-secure-transport`);
    const tls = p.one(T.configuration, `${NAME}-ssl-min-protocol-version`);
    // The server's auto-name, the first label of its FQDN.
    const serverName = (p.output("database") as { host: string }).host.split(".")[0];
    expect(secure.inputs).toEqual({
      resourceGroupName: "data",
      serverName,
      configurationName: "require_secure_transport",
      value: "on",
      source: "user-override",
    });
    expect(tls.inputs).toEqual({
      resourceGroupName: "data",
      serverName,
      configurationName: "ssl_min_protocol_version",
      value: "TLSv1.2",
      source: "user-override",
    });
    expect(tls.dependsOn).toContain(secure.urn);
    const db = p.one(T.database, NAME);
    expect(db.inputs).toEqual({
      resourceGroupName: "data",
      serverName,
      databaseName: "airflow",
      charset: "UTF8",
      collation: "en_US.utf8",
    });
    expect(db.dependsOn).toContain(tls.urn);
    expect(db.protect).toBe(true);
    expect(p.ofType(T.entraAdmin)).toEqual([]);
  });

  it("delegates a subnet after the network's own, behind a group admitting the workloads on 5432 only, and a private DNS zone linked to the network", () => {
    const nsg = p.one(T.nsg, `${NAME}-subnet`);
    expect(nsg.inputs.securityRules).toEqual([
      {
        name: "allow-clients-postgres",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefixes: ["10.20.0.0/20"],
        sourcePortRange: "*",
        destinationAddressPrefix: "10.20.17.0/24",
        destinationPortRange: "5432",
      },
      {
        name: "allow-subnet-inbound",
        priority: 110,
        direction: "Inbound",
        access: "Allow",
        protocol: "*",
        sourceAddressPrefix: "10.20.17.0/24",
        sourcePortRange: "*",
        destinationAddressPrefix: "10.20.17.0/24",
        destinationPortRange: "*",
      },
      {
        name: "deny-all-inbound",
        priority: 4096,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    ]);
    expect(p.one(T.subnet, `${NAME}-subnet`).inputs).toEqual({
      resourceGroupName: "net",
      virtualNetworkName: "vnet",
      addressPrefix: "10.20.17.0/24",
      delegations: [{ name: "postgres-flexible", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
      networkSecurityGroup: {
        id: expect.stringContaining("/networkSecurityGroups/seawall-airflow-db-subnet"),
      },
      privateEndpointNetworkPolicies: "Disabled",
      privateLinkServiceNetworkPolicies: "Enabled",
    });
    expect(p.one(T.zone, `${NAME}-subnet`).inputs).toEqual({
      resourceGroupName: "data",
      privateZoneName: "seawall-airflow-db.private.postgres.database.azure.com",
      location: "global",
      tags,
    });
    expect(p.one(T.link, `${NAME}-subnet`).inputs).toEqual({
      resourceGroupName: "data",
      privateZoneName: "seawall-airflow-db.private.postgres.database.azure.com",
      location: "global",
      virtualNetwork: { id: VNET },
      registrationEnabled: false,
      tags,
    });
  });

  it("generates a 40-character password of letters and digits of each kind, a secret in the input and the output", () => {
    expect(p.one(T.password, `${NAME}-password`).inputs).toEqual({
      length: 40,
      special: false,
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    });
    expect(p.one(T.server, NAME).inputs.administratorLoginPassword).toBeInstanceOf(Secret);
    expect(p.result.outputs.password.secret).toBe(true);
    expect(p.output("password")).toBe(unwrap(p.one(T.server, NAME).inputs.administratorLoginPassword));
  });

  it("outputs the database: the server's FQDN, 5432, airflow/airflow, verify-full against Azure's root CAs", () => {
    expect(p.output("database")).toEqual({
      host: expect.stringMatching(/^seawall-airflow-db\w+\.postgres\.database\.azure\.com$/),
      port: 5432,
      database: "airflow",
      username: "airflow",
      password: expect.stringMatching(/^[A-Za-z0-9]{40}$/),
      sslMode: "verify-full",
      caCert: AZURE_POSTGRES_ROOT_CAS,
    });
  });

  it("federates Airflow's own identity with system:serviceaccount:airflow:airflow on the cluster's issuer, and annotates the service account with its client id", () => {
    const identity = p.one(T.identity, "seawall-airflow");
    expect(identity.inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      tags: { "seawall:environment": "prod" },
    });
    expect(p.one(T.federated, "seawall-airflow").inputs).toEqual({
      resourceGroupName: "data",
      resourceName: expect.stringMatching(/^seawall-airflow\w+$/),
      federatedIdentityCredentialResourceName: "airflow-airflow",
      issuer: ISSUER,
      subject: "system:serviceaccount:airflow:airflow",
      audiences: ["api://AzureADTokenExchange"],
    });
    const clientId = (p.output("annotations") as Record<string, string>)["azure.workload.identity/client-id"];
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.output("identity")).toEqual({
      kind: "azure-workload-identity",
      namespace: "airflow",
      serviceAccountName: "airflow",
      cloudIdentity: clientId,
      podLabels: { "azure.workload.identity/use": "true" },
    });
  });

  it("grants Storage Blob Data Contributor on the lake's container only under logs/, and the wasb connection holds no key", () => {
    const identity = p.one(T.identity, "seawall-airflow");
    const role = p.one(T.role, "seawall-airflow-logs");
    expect(role.inputs).toEqual({
      scope: `${ACCOUNT}/blobServices/default/containers/lake`,
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
      principalId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      principalType: "ServicePrincipal",
      description: "Airflow's task logs: blobs under logs/ only",
      condition: blobPrefixCondition("logs/"),
      conditionVersion: "2.0",
    });
    expect(role.propertyDependencies.principalId).toEqual([identity.urn]);
    const clientId = (p.output("annotations") as Record<string, string>)["azure.workload.identity/client-id"];
    expect(p.output("baseLogFolder")).toBe("wasb://logs");
    expect(p.output("connectionId")).toBe("wasb_default");
    expect(JSON.parse(p.output("connection") as string)).toEqual({
      conn_type: "wasb",
      host: "https://lake.blob.core.windows.net/",
      extra: {
        managed_identity_client_id: clientId,
        workload_identity_tenant_id: "00000000-0000-4000-8000-5ea3a1100002",
      },
    });
    expect(p.output("environment")).toEqual({
      AIRFLOW__AZURE_REMOTE_LOGGING__REMOTE_WASB_LOG_CONTAINER: "lake",
    });
  });

  it("passes every mandatory rule of the prod policy config, and the geo-backup rule catches a server without it", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
    const local = p.resources.map((r) =>
      r.type === T.server
        ? {
            ...r,
            inputs: { ...r.inputs, backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" } },
          }
        : r,
    );
    const failing = await evaluateResources(local, { environment: "prod" });
    expect(
      failing
        .filter((v) => v.level === "mandatory")
        .map((v) => v.rule)
        .sort(),
    ).toEqual(["postgresBackupRetention", "postgresGeoRedundantBackup"]);
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("Azure Airflow support (dev)", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await support(PROFILES.dev);
  });

  it("runs a burstable server without a standby or geo-backups, 7 days of backups, unprotected, still private and encrypted", async () => {
    const server = p.one(T.server, NAME);
    expect(server.inputs).toMatchObject({
      sku: { name: "Standard_B2s", tier: "Burstable" },
      storage: { storageSizeGB: 32, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "Disabled" },
      network: { publicNetworkAccess: "Disabled" },
      dataEncryption: { type: "AzureKeyVault" },
    });
    expect(server.inputs.dataEncryption).not.toHaveProperty("geoBackupKeyURI");
    expect(p.ofType(T.vault).map((v) => v.name)).toEqual([`${NAME}-key-vault`]);
    expect(server.protect).toBe(false);
    expect(p.one(T.database, NAME).protect).toBe(false);
    const verdicts = await evaluateResources(p.resources, { environment: "dev" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("AzureAirflowDatabase options", () => {
  it("takes a brought delegated subnet and DNS zone, a Microsoft-managed key as an opt-out, and an Entra ID administrator", async () => {
    const subnetId = `${VNET}/subnets/postgres`;
    const zoneId = `/subscriptions/${SUB}/resourceGroups/hub/providers/Microsoft.Network/privateDnsZones/airflow.private.postgres.database.azure.com`;
    const p = await plan(() => {
      const db = new AzureAirflowDatabase("db", {
        resourceGroupName: "data",
        network: { virtualNetworkId: VNET, subnet: { existing: { subnetId } }, privateDnsZoneId: zoneId },
        customerManagedKey: { skip: true },
        entraAdmin: { objectId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", principalName: "dba" },
      });
      return { host: db.connection.host };
    }, AZ);
    const server = p.one(T.server, "db");
    expect(server.inputs.network).toEqual({
      delegatedSubnetResourceId: subnetId,
      privateDnsZoneArmResourceId: zoneId,
      publicNetworkAccess: "Disabled",
    });
    expect(server.inputs).not.toHaveProperty("dataEncryption");
    expect(server.inputs).not.toHaveProperty("identity");
    expect(server.inputs.authConfig).toEqual({
      passwordAuth: "Enabled",
      activeDirectoryAuth: "Enabled",
      tenantId: "00000000-0000-4000-8000-5ea3a1100002",
    });
    expect(p.ofType(T.subnet).concat(p.ofType(T.nsg), p.ofType(T.zone), p.ofType(T.vault))).toEqual([]);
    expect(p.one(T.entraAdmin, "db-entra-admin").inputs).toEqual({
      resourceGroupName: "data",
      serverName: expect.stringMatching(/^db\w+$/),
      objectId: "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
      principalName: "dba",
      principalType: "group",
      tenantId: "00000000-0000-4000-8000-5ea3a1100002",
    });
    expect(server.protect).toBe(true);
  });
});

describe("Azure Airflow database validation", () => {
  const network = {
    virtualNetworkId: VNET,
    subnet: { args: { addressPrefix: "10.20.17.0/24", clientAddressPrefixes: ["10.20.0.0/20"] } },
  };

  it("lists every problem with its code, field and value", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowDatabaseArgs(
          {
            serverName: "Airflow",
            version: "13",
            sku: { name: "Standard_B2s", tier: "Burstable" },
            storageSizeGB: 100,
            backupRetentionDays: 90,
            geoBackupLocation: "westus",
            network: {
              virtualNetworkId: "vnet",
              subnet: { args: { addressPrefix: "8.8.8.0/24", clientAddressPrefixes: [] } },
            },
            entraAdmin: { objectId: "dba", principalName: "" },
          },
          "West Europe",
        ),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_AIRFLOW_DB_LOCATION", field: "location", value: "West Europe" },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_SERVER_NAME", field: "serverName", value: "Airflow" },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_VERSION", field: "version", value: "13" },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_SKU", field: "highAvailability", value: true },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_STORAGE", field: "storageSizeGB", value: 100 },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_BACKUP_RETENTION", field: "backupRetentionDays", value: 90 },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_NETWORK", field: "network.virtualNetworkId", value: "vnet" },
      {
        code: "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
        field: "network.subnet.args.addressPrefix",
        value: "8.8.8.0/24",
      },
      {
        code: "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
        field: "network.subnet.args.clientAddressPrefixes",
        value: [],
      },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_ENTRA_ADMIN", field: "entraAdmin.objectId", value: "dba" },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_ENTRA_ADMIN", field: "entraAdmin.principalName", value: "" },
    ]);
  });

  it("needs the paired region for a customer-managed geo-backup key: unknown, the same region, or not the pair", () => {
    const geo = (location: string, geoBackupLocation?: string) =>
      problemsThrownBy(() => validateAirflowDatabaseArgs({ network, geoBackupLocation }, location));
    expect(geo("italynorth")).toEqual([
      { code: "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP", field: "geoBackupLocation", value: undefined },
    ]);
    expect(geo("westeurope", "westeurope")).toEqual([
      { code: "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP", field: "geoBackupLocation", value: "westeurope" },
    ]);
    expect(geo("westeurope", "eastus")).toEqual([
      { code: "SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP", field: "geoBackupLocation", value: "eastus" },
    ]);
    expect(() =>
      validateAirflowDatabaseArgs({ network, geoBackupLocation: "italynorth" }, "westeurope"),
    ).toThrow(
      "Azure keeps westeurope's geo-backups in its pair, northeurope: the geo-backup key must be there",
    );
    // Known pairs, a given pair, and no key to place all pass.
    expect(() => validateAirflowDatabaseArgs({ network }, "westeurope")).not.toThrow();
    expect(() =>
      validateAirflowDatabaseArgs({ network, geoBackupLocation: "italynorth" }, "polandcentral"),
    ).not.toThrow();
    expect(() =>
      validateAirflowDatabaseArgs({ network, customerManagedKey: { skip: true } }, "italynorth"),
    ).not.toThrow();
    expect(AZURE_PAIRED_REGIONS.northeurope).toBe("westeurope");
  });

  it("refuses skipping the geo-backup key while the server has a customer-managed one, and a brought subnet that is not a subnet", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowDatabaseArgs(
          {
            network: {
              virtualNetworkId: VNET,
              subnet: { existing: { subnetId: "postgres" } },
              privateDnsZoneId: "zone",
            },
            geoBackupKey: { skip: true },
          },
          "westeurope",
        ),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_AIRFLOW_DB_NETWORK", field: "network.privateDnsZoneId", value: "zone" },
      {
        code: "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
        field: "network.subnet.existing.subnetId",
        value: "postgres",
      },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "geoBackupKey", value: "{ skip: true }" },
    ]);
  });

  it("names the platform's problems as its own fields: the issuer, the service account, a profile's retention", () => {
    const profile = resolveProfile("prod", { backup: { dailyRetentionDays: 90 } });
    expect(
      validateAzureAirflowSupportArgs(
        { ...ARGS, oidcIssuerUrl: "http://issuer", namespace: "Airflow" },
        profile,
      ).map(({ code, field, value }) => ({ code, field, value })),
    ).toEqual([
      { code: "SEAWALL_AZURE_AIRFLOW_OIDC_ISSUER", field: "oidcIssuerUrl", value: "http://issuer" },
      { code: "SEAWALL_K8S_NAME", field: "airflow.namespace", value: "Airflow" },
      { code: "SEAWALL_AZURE_AIRFLOW_DB_BACKUP_RETENTION", field: "database.backupRetentionDays", value: 90 },
    ]);
    for (const env of ["dev", "staging", "prod"] as const) {
      expect(validateAzureAirflowSupportArgs(ARGS, PROFILES[env])).toEqual([]);
    }
  });
});

describe("Azure Airflow pure logic", () => {
  it("sizes the database per environment: HA only off Burstable", () => {
    expect(AIRFLOW_DATABASE_SIZES.prod).toEqual({
      skuName: "Standard_D4ds_v5",
      tier: "GeneralPurpose",
      storageSizeGB: 128,
      highAvailability: true,
    });
    for (const size of Object.values(AIRFLOW_DATABASE_SIZES)) {
      expect(size.highAvailability && size.tier === "Burstable").toBe(false);
    }
  });

  it("places the database subnet after the private endpoints' in the platform's network, or nowhere in a small one", () => {
    expect(defaultAirflowDatabaseSubnet()).toEqual({
      addressPrefix: "10.20.17.0/24",
      clientAddressPrefixes: ["10.20.0.0/20"],
    });
    expect(defaultAirflowDatabaseSubnet("172.16.32.0/19")).toEqual({
      addressPrefix: "172.16.49.0/24",
      clientAddressPrefixes: ["172.16.32.0/20"],
    });
    expect(defaultAirflowDatabaseSubnet("10.0.0.0/20")).toBeUndefined();
  });

  it("conditions every blob data action of the role on the prefix, and listings on the listed prefix", () => {
    const condition = blobPrefixCondition("logs/");
    for (const action of ["read", "write", "add/action", "delete", "move/action"]) {
      expect(condition).toContain(
        `ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/${action}'}`,
      );
    }
    expect(condition).toContain(
      "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith 'logs/')",
    );
    expect(condition).toContain(
      "(@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] StringStartsWith 'logs/')",
    );
    // Balanced parentheses: Azure rejects a malformed condition at assignment time.
    let depth = 0;
    for (const c of condition) {
      depth += c === "(" ? 1 : c === ")" ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it("writes the wasb connection with the account URL and the workload identity's client and tenant, no secret", () => {
    expect(JSON.parse(wasbConnection("lake", "c", "t"))).toEqual({
      conn_type: "wasb",
      host: "https://lake.blob.core.windows.net/",
      extra: { managed_identity_client_id: "c", workload_identity_tenant_id: "t" },
    });
  });

  it("ships DigiCert Global Root G2 and Microsoft RSA Root CA 2017, by their fingerprints, valid past 2037", () => {
    const pems =
      AZURE_POSTGRES_ROOT_CAS.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
    expect(pems.join("")).toBe(AZURE_POSTGRES_ROOT_CAS);
    const certs = pems.map((pem) => new X509Certificate(pem));
    expect(certs.map((c) => [c.subject.split("\n").pop(), c.fingerprint256, c.ca])).toEqual([
      [
        "CN=DigiCert Global Root G2",
        "CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F",
        true,
      ],
      [
        "CN=Microsoft RSA Root Certificate Authority 2017",
        "C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0",
        true,
      ],
    ]);
    for (const c of certs) expect(new Date(c.validTo).getFullYear()).toBeGreaterThan(2037);
  });
});
