import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import {
  AzureKeyVaultKeyOption,
  AzureKeyVaultKeySettings,
  azureKeyVaultKey,
  checkAzureKeyVaultKeyOption,
  CRYPTO_SERVICE_ENCRYPTION_USER_ROLE,
  parseKeyUri,
} from "../../components/azure/keyVaultKey";
import { Problems } from "../../components/validation";
import { MOCK_AZURE_TENANT } from "../../scripts/synth/azureMocks";
import { acceptedForms, plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
  account: "azure-native:storage:StorageAccount",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZURE = { "azure-native:subscriptionId": SUB, "azure-native:location": "westeurope" };
const ROLE = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`;
const RG = `/subscriptions/${SUB}/resourceGroups/data`;

class Holder extends pulumi.ComponentResource {
  constructor(name: string) {
    super("seawall:test:Holder", name);
  }
}

/** Runs the helper under a component, and a storage account that depends on its grants, as a consumer does. */
async function key(
  option: AzureKeyVaultKeyOption | undefined,
  settings: Partial<AzureKeyVaultKeySettings> = {},
): Promise<Plan> {
  return plan(() => {
    const holder = new Holder("store");
    const made = azureKeyVaultKey(holder, "store-key", option, {
      resourceGroupName: "data",
      location: "westeurope",
      ...settings,
    });
    new azure.storage.StorageAccount(
      "store",
      {
        resourceGroupName: "data",
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        encryption: made.keyName
          ? {
              keySource: "Microsoft.Keyvault",
              keyVaultProperties: { keyName: made.keyName, keyVaultUri: made.vaultUri },
              encryptionIdentity: { encryptionUserAssignedIdentity: made.identityId },
            }
          : undefined,
      },
      { parent: holder, dependsOn: made.grants },
    );
    return {
      keyUri: made.keyUri,
      keyName: made.keyName,
      vaultUri: made.vaultUri,
      vaultId: made.vaultId,
      identityId: made.identityId,
      grants: made.grants.length,
      vaultName: made.vault?.name,
      keyArmId: made.key?.id,
      principalId: made.identityPrincipalId,
    };
  }, AZURE);
}

const check =
  (option: unknown, options: Parameters<typeof checkAzureKeyVaultKeyOption>[3] = {}) =>
  () => {
    const p = new Problems();
    checkAzureKeyVaultKeyOption(p, "key", option, options);
    p.throwIfAny("test");
  };

describe("azureKeyVaultKey: a created vault and key", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await key(undefined, { tags: { team: "data" } });
  });

  it("creates a vault with purge protection, soft delete, RBAC authorization and no public network access", () => {
    expect(p.one(T.vault, "store-key-vault").inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      properties: {
        tenantId: MOCK_AZURE_TENANT,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        // The SDK's defaults (vaultPropertiesArgsProvideDefaults): no VM, disk or template access.
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        publicNetworkAccess: "Disabled",
        networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
      },
      tags: { team: "data" },
    });
  });

  it("creates an RSA 3072 wrap/unwrap key in the vault, rotated every 90 days", () => {
    const vaultName = p.output("vaultName") as string;
    expect(p.one(T.key, "store-key").inputs).toEqual({
      resourceGroupName: "data",
      vaultName,
      properties: {
        kty: "RSA",
        keySize: 3072,
        keyOps: ["wrapKey", "unwrapKey"],
        rotationPolicy: {
          attributes: { expiryTime: "P180D" },
          lifetimeActions: [
            { trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } },
            { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
          ],
        },
      },
      tags: { team: "data" },
    });
    expect(p.one(T.key, "store-key").propertyDependencies.vaultName).toEqual([
      p.one(T.vault, "store-key-vault").urn,
    ]);
  });

  it("protects the vault and key, not the identity", () => {
    expect(p.one(T.vault, "store-key-vault").protect).toBe(true);
    expect(p.one(T.key, "store-key").protect).toBe(true);
    expect(p.one(T.identity, "store-key-identity").protect).toBe(false);
  });

  it("creates a user-assigned identity and grants it Key Vault Crypto Service Encryption User on the key", () => {
    expect(p.one(T.identity, "store-key-identity").inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      tags: { team: "data" },
    });
    const keyId = p.output("keyArmId") as string;
    expect(keyId).toMatch(new RegExp(`^${RG}/providers/Microsoft.KeyVault/vaults/[^/]+/keys/[^/]+$`));
    expect(p.one(T.grant, "store-key-grant").inputs).toEqual({
      scope: keyId,
      roleDefinitionId: ROLE,
      principalId: p.output("principalId"),
      principalType: "ServicePrincipal",
    });
    expect(ROLE.endsWith(CRYPTO_SERVICE_ENCRYPTION_USER_ROLE)).toBe(true);
  });

  it("exposes the versionless key URI, key name, vault URI and identity for the consumer's encryption", () => {
    const vaultName = p.output("vaultName") as string;
    const keyName = p.output("keyName") as string;
    expect(p.output("keyUri")).toBe(`https://${vaultName}.vault.azure.net/keys/${keyName}`);
    expect(p.output("keyName")).toBe(keyName);
    expect(p.output("vaultUri")).toBe(`https://${vaultName}.vault.azure.net/`);
    expect(p.output("vaultId")).toBe(`${RG}/providers/Microsoft.KeyVault/vaults/${vaultName}`);
    expect(p.output("identityId")).toMatch(
      new RegExp(
        `^${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/store-key-identity[0-9a-f]{8}$`,
      ),
    );
    expect(p.one(T.account, "store").inputs.encryption).toEqual({
      keySource: "Microsoft.Keyvault",
      keyVaultProperties: { keyName, keyVaultUri: `https://${vaultName}.vault.azure.net/` },
      encryptionIdentity: { encryptionUserAssignedIdentity: p.output("identityId") },
    });
  });

  it("makes the consumer wait for the grant", () => {
    expect(p.one(T.account, "store").dependsOn).toEqual(
      expect.arrayContaining([p.one(T.grant, "store-key-grant").urn]),
    );
  });

  it("parents every child to the consumer, named from the given name", () => {
    const holder = p.one("seawall:test:Holder", "store");
    for (const r of p.resources.filter((x) => x !== holder)) {
      expect(r.parent).toBe(holder.urn);
      expect(r.name.startsWith("store")).toBe(true);
    }
  });
});

describe("azureKeyVaultKey: settings and forms", () => {
  it("takes the vault name, size, rotation, soft delete and HSM from args, and lets a non-prod key go", async () => {
    const p = await key(
      {
        args: {
          vaultName: "lake-keys",
          keySize: 4096,
          rotationDays: 30,
          softDeleteRetentionDays: 7,
          hsm: true,
        },
      },
      { protect: false },
    );
    expect(p.one(T.vault, "store-key-vault").inputs).toMatchObject({
      vaultName: "lake-keys",
      properties: { sku: { family: "A", name: "premium" }, softDeleteRetentionInDays: 7 },
    });
    expect(p.one(T.key, "store-key").inputs).toMatchObject({
      vaultName: "lake-keys",
      properties: {
        kty: "RSA-HSM",
        keySize: 4096,
        rotationPolicy: {
          attributes: { expiryTime: "P60D" },
          lifetimeActions: [
            { trigger: { timeAfterCreate: "P30D" }, action: { type: "rotate" } },
            { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
          ],
        },
      },
    });
    expect(p.one(T.vault, "store-key-vault").protect).toBe(false);
    expect(p.one(T.key, "store-key").protect).toBe(false);
  });

  it("grants a brought key (scoped to the key under the brought vault) to a new identity and other principals", async () => {
    const vaultId = `${RG}/providers/Microsoft.KeyVault/vaults/lake-keys`;
    const p = await key(
      { existing: { keyId: "https://lake-keys.vault.azure.net/keys/lake", vaultId } },
      { principals: [{ name: "backup", principalId: "99999999-0000-4000-8000-000000000001" }] },
    );
    expect(p.ofType(T.vault)).toEqual([]);
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.grant, "store-key-grant").inputs).toEqual({
      scope: `${vaultId}/keys/lake`,
      roleDefinitionId: ROLE,
      principalId: p.output("principalId"),
      principalType: "ServicePrincipal",
    });
    expect(p.one(T.grant, "store-key-backup-grant").inputs).toEqual({
      scope: `${vaultId}/keys/lake`,
      roleDefinitionId: ROLE,
      principalId: "99999999-0000-4000-8000-000000000001",
      principalType: "ServicePrincipal",
    });
    expect(p.output("keyUri")).toBe("https://lake-keys.vault.azure.net/keys/lake");
    expect(p.output("vaultUri")).toBe("https://lake-keys.vault.azure.net/");
    expect(p.output("keyName")).toBe("lake");
    expect(p.output("vaultId")).toBe(vaultId);
  });

  it("uses a given identity instead of creating one, and does not grant when told the vault's roles are managed elsewhere", async () => {
    const identity = {
      id: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/lake`,
      principalId: "99999999-0000-4000-8000-000000000002",
    };
    const p = await key(
      {
        existing: {
          keyId: "https://lake-keys.vault.azure.net/keys/lake",
          vaultId: `${RG}/providers/Microsoft.KeyVault/vaults/lake-keys`,
          grantIdentities: false,
        },
      },
      { identity },
    );
    expect(p.ofType(T.identity)).toEqual([]);
    expect(p.ofType(T.grant)).toEqual([]);
    expect(p.output("identityId")).toBe(identity.id);
  });

  it("on skip creates nothing and returns no key", async () => {
    const p = await key({ skip: true });
    expect(p.ofType(T.vault).length + p.ofType(T.key).length + p.ofType(T.grant).length).toBe(0);
    expect(p.ofType(T.identity)).toEqual([]);
    expect(p.output("keyUri")).toBeUndefined();
    expect(p.one(T.account, "store").inputs.encryption).toBeUndefined();
  });
});

describe("checkAzureKeyVaultKeyOption", () => {
  const vaultId = `${RG}/providers/Microsoft.KeyVault/vaults/lake-keys`;

  it("accepts the defaults, a versionless key id with its vault, and skip", () => {
    expect(() => check(undefined)()).not.toThrow();
    expect(() =>
      check({ args: { rotationDays: 7, softDeleteRetentionDays: 90, keySize: 4096 } })(),
    ).not.toThrow();
    expect(() =>
      check({ existing: { keyId: "https://lake-keys.vault.azure.net/keys/lake", vaultId } })(),
    ).not.toThrow();
    expect(() => check({ skip: true })()).not.toThrow();
  });

  it("lists every bad setting of args with its code", () => {
    expect(
      problemsThrownBy(
        check({ args: { rotationDays: 400, softDeleteRetentionDays: 3, keySize: 2048, vaultName: "a--b" } }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_KEYVAULT_ROTATION", field: "key.args.rotationDays", value: 400 },
      { code: "SEAWALL_AZURE_KEYVAULT_SOFT_DELETE", field: "key.args.softDeleteRetentionDays", value: 3 },
      { code: "SEAWALL_AZURE_KEYVAULT_KEY_SIZE", field: "key.args.keySize", value: 2048 },
      { code: "SEAWALL_AZURE_KEYVAULT_NAME", field: "key.args.vaultName", value: "a--b" },
    ]);
    expect(problemsThrownBy(check({ args: { vaultName: "9keys" } }))).toEqual([
      { code: "SEAWALL_AZURE_KEYVAULT_NAME", field: "key.args.vaultName", value: "9keys" },
    ]);
  });

  it("refuses a versioned or malformed key id and a vault id that is not the key's vault", () => {
    const versioned = "https://lake-keys.vault.azure.net/keys/lake/0123456789abcdef0123456789abcdef";
    expect(problemsThrownBy(check({ existing: { keyId: versioned, vaultId } }))).toEqual([
      { code: "SEAWALL_AZURE_KEYVAULT_KEY_ID", field: "key.existing.keyId", value: versioned },
    ]);
    expect(problemsThrownBy(check({ existing: {} }))).toEqual([
      { code: "SEAWALL_AZURE_KEYVAULT_KEY_ID", field: "key.existing.keyId", value: undefined },
      { code: "SEAWALL_AZURE_KEYVAULT_VAULT_ID", field: "key.existing.vaultId", value: undefined },
    ]);
    const other = `${RG}/providers/Microsoft.KeyVault/vaults/other-keys`;
    expect(() =>
      check({ existing: { keyId: "https://lake-keys.vault.azure.net/keys/lake", vaultId: other } })(),
    ).toThrow(
      `key.existing.vaultId = "${other}": names the vault other-keys but the key is in lake-keys; give the id of the key's vault [SEAWALL_AZURE_KEYVAULT_VAULT_ID]`,
    );
  });

  it("passes ids unknown until deploy", () => {
    expect(() =>
      check({ existing: { keyId: pulumi.output("k"), vaultId: pulumi.output("v") } })(),
    ).not.toThrow();
  });

  it("refuses skip where the consumer requires a customer-managed key, saying why", () => {
    expect(() => check({ skip: true }, { allowSkip: false, why: "the lake's objects" })()).toThrow(
      `key = "{ skip: true }": a customer-managed key is required (the lake's objects); ${acceptedForms(["existing", "args"])} [SEAWALL_HELPER_FORM_UNSUPPORTED]`,
    );
    expect(problemsThrownBy(check({ args: {}, skip: true }))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "key", value: "{ args, skip: true }" },
    ]);
  });

  it("reads the vault and key of a versionless key id", () => {
    expect(parseKeyUri("https://lake-keys.vault.azure.net/keys/lake")).toEqual({
      vault: "lake-keys",
      key: "lake",
    });
    expect(parseKeyUri("https://lake-keys.vault.azure.net/secrets/lake")).toBeUndefined();
  });
});
