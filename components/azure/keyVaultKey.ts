import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, HelperForm, isKnown, Problems } from "../validation";

/**
 * The one customer-managed key (CMK) helper of every Azure component (Storage, Event Hubs Premium,
 * Azure Managed Redis, the Data Protection backup vault): create a Key Vault (purge protection,
 * soft delete, RBAC authorization, no public network access) and an RSA key with a rotation
 * policy, or bring a key; give the service a user-assigned managed identity granted "Key Vault
 * Crypto Service Encryption User" on the key; and hand back the grants, which the consumer
 * `dependsOn` so that it is created only once its identity can use the key.
 */

/**
 * The built-in role "Key Vault Crypto Service Encryption User": read a key and wrap / unwrap with
 * it, what a service needs for customer-managed keys.
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-crypto-service-encryption-user
 */
export const CRYPTO_SERVICE_ENCRYPTION_USER_ROLE = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

/** Settings for a Key Vault and key that a component creates. */
export interface AzureKeyVaultKeyArgs {
  /**
   * The vault's name: 3-24 letters, digits and hyphens, starting with a letter, ending with a
   * letter or digit, no two hyphens in a row; unique across Azure.
   * @defaultValue auto-named from the component's name
   */
  vaultName?: string;
  /**
   * The RSA key's size in bits: 3072 or 4096.
   * @defaultValue 3072
   */
  keySize?: 3072 | 4096;
  /**
   * Days after a key version is created before Key Vault rotates it (a new version; services that
   * follow the versionless key pick it up). A whole number from 7 to 365. Each version expires at
   * twice this, and Key Vault notifies 30 days before expiry.
   * @defaultValue 90
   */
  rotationDays?: number;
  /**
   * Days a deleted vault or key can be recovered (soft delete), 7 to 90. Purge protection is always
   * on: nothing can purge the key while it is soft-deleted.
   * @defaultValue 90
   */
  softDeleteRetentionDays?: number;
  /**
   * Keep the key in a hardware security module (a `premium` vault, key type `RSA-HSM`).
   * @defaultValue false
   */
  hsm?: boolean;
}

/** A key brought by the team. */
export interface AzureExistingKeyVaultKey {
  /**
   * The versionless key id, `https://<vault>.vault.azure.net/keys/<key>`, so services follow the
   * key's rotations.
   */
  keyId: pulumi.Input<string>;
  /**
   * The vault's Azure Resource Manager id,
   * `/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>`;
   * the grants are scoped to the key under it. The vault must use RBAC authorization.
   */
  vaultId: pulumi.Input<string>;
  /**
   * Grant the identities "Key Vault Crypto Service Encryption User" on the key. Turn off when the
   * vault's role assignments are managed elsewhere and already grant them.
   * @defaultValue true
   */
  grantIdentities?: boolean;
}

/**
 * A customer-managed key: create a vault and key (`{ args }`), bring a key (`{ existing }`), or
 * encrypt with a Microsoft-managed key (`{ skip: true }`, an explicit opt-out; a component may
 * refuse it). Unset means `{ args: {} }`.
 */
export type AzureKeyVaultKeyOption =
  | { existing: AzureExistingKeyVaultKey }
  | { args: AzureKeyVaultKeyArgs }
  | { skip: true };

/** A user-assigned identity the consumer already has, to use instead of creating one. */
export interface AzureIdentityRef {
  /** Its resource id, for a resource's `identity.userAssignedIdentities`. */
  id: pulumi.Input<string>;
  /** Its principal (object) id, for the role assignment. */
  principalId: pulumi.Input<string>;
}

/** Settings the consumer decides (where, who must use the key, protection). */
export interface AzureKeyVaultKeySettings {
  /** The resource group of the vault and the identity. */
  resourceGroupName: pulumi.Input<string>;
  /** The Azure region of the vault and the identity: the region of the resource the key encrypts. */
  location: pulumi.Input<string>;
  /**
   * The user-assigned identity the service uses to reach the key.
   * @defaultValue a new `managedidentity.UserAssignedIdentity` named `<name>-identity`
   */
  identity?: AzureIdentityRef;
  /**
   * Other principals to grant the key (e.g. a backup vault's system-assigned identity), each with a
   * short word for its child's name.
   * @defaultValue none
   */
  principals?: { name: string; principalId: pulumi.Input<string> }[];
  /**
   * Protect the vault and key (`protect`), as for a stateful store in `prod`: losing the key loses
   * the data.
   * @defaultValue true
   */
  protect?: boolean;
  /** Tags on the vault, key and identity. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What {@link azureKeyVaultKey} made or adopted. */
export interface AzureKeyVaultKey {
  /** The versionless key URI, `https://<vault>.vault.azure.net/keys/<key>`; unset on `skip`. */
  keyUri?: pulumi.Output<string>;
  /** The key's name (Storage's `keyVaultProperties.keyName`); unset on `skip`. */
  keyName?: pulumi.Output<string>;
  /** The vault's URI, `https://<vault>.vault.azure.net/` (Storage's `keyVaultProperties.keyVaultUri`). */
  vaultUri?: pulumi.Output<string>;
  /** The vault's resource id. */
  vaultId?: pulumi.Output<string>;
  /** The user-assigned identity's resource id, for `identity.userAssignedIdentities` and the encryption identity. */
  identityId?: pulumi.Output<string>;
  /** The identity's principal id. */
  identityPrincipalId?: pulumi.Output<string>;
  /** The role assignments on the key: `dependsOn` these so the consumer waits for them. */
  grants: pulumi.Resource[];
  /** The children the helper created. */
  vault?: azure.keyvault.Vault;
  key?: azure.keyvault.Key;
  identity?: azure.managedidentity.UserAssignedIdentity;
}

const KEY_URI = /^https:\/\/([a-zA-Z0-9-]{3,24})\.vault\.azure\.net\/keys\/([a-zA-Z0-9-]{1,127})\/?$/;
const VAULT_ID =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/([a-zA-Z0-9-]{3,24})$/i;
const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

/** The vault and key names of a versionless key URI, or `undefined` when it is not one. */
export function parseKeyUri(keyUri: string): { vault: string; key: string } | undefined {
  const m = KEY_URI.exec(keyUri);
  return m ? { vault: m[1], key: m[2] } : undefined;
}

/**
 * Adds a problem for each thing wrong with a key option: its shape (via `helperChoice`), the
 * settings of `args`, a brought key id that is not a versionless Key Vault key URI, or a vault id
 * that is not a vault's resource id or names another vault than the key's.
 *
 * @param options.allowSkip whether `{ skip: true }` is accepted
 * @defaultValue options.allowSkip true
 * @param options.why why skip is refused (e.g. "the lake's objects")
 */
export function checkAzureKeyVaultKeyOption(
  p: Problems,
  field: string,
  value: unknown,
  options: { allowSkip?: boolean; why?: string } = {},
): void {
  const allowed: HelperForm[] =
    options.allowSkip === false ? ["existing", "args"] : ["existing", "args", "skip"];
  const form = helperChoice(p, field, value, allowed, {
    why: options.why ? `a customer-managed key is required (${options.why})` : undefined,
  });
  const option = value as Record<string, Record<string, unknown>>;
  if (form === "args") {
    const a = option.args;
    p.wholeNumber(
      "SEAWALL_AZURE_KEYVAULT_ROTATION",
      `${field}.args.rotationDays`,
      a.rotationDays,
      7,
      365,
      "Key Vault rotates a key at the earliest 7 days after creation",
    );
    p.wholeNumber(
      "SEAWALL_AZURE_KEYVAULT_SOFT_DELETE",
      `${field}.args.softDeleteRetentionDays`,
      a.softDeleteRetentionDays,
      7,
      90,
      "Key Vault keeps a deleted vault 7 to 90 days",
    );
    if (a.keySize !== undefined && isKnown(a.keySize) && a.keySize !== 3072 && a.keySize !== 4096) {
      p.add(
        "SEAWALL_AZURE_KEYVAULT_KEY_SIZE",
        `${field}.args.keySize`,
        a.keySize,
        "must be 3072 or 4096 (RSA bits); 2048-bit keys are below current guidance",
      );
    }
    const vaultName = a.vaultName;
    if (vaultName !== undefined && isKnown(vaultName)) {
      if (typeof vaultName !== "string" || !VAULT_NAME.test(vaultName)) {
        p.add(
          "SEAWALL_AZURE_KEYVAULT_NAME",
          `${field}.args.vaultName`,
          vaultName,
          "must be 3-24 letters, digits and hyphens, start with a letter, end with a letter or digit, with no two hyphens in a row",
        );
      }
    }
  }
  if (form === "existing") {
    const { keyId, vaultId } = option.existing;
    let keyVault: string | undefined;
    if (keyId === undefined || (isKnown(keyId) && (typeof keyId !== "string" || !parseKeyUri(keyId)))) {
      p.add(
        "SEAWALL_AZURE_KEYVAULT_KEY_ID",
        `${field}.existing.keyId`,
        keyId,
        "must be a versionless key id, https://<vault>.vault.azure.net/keys/<key>, so the service follows the key's rotations",
      );
    } else if (typeof keyId === "string") keyVault = parseKeyUri(keyId)?.vault;
    if (
      vaultId === undefined ||
      (isKnown(vaultId) && (typeof vaultId !== "string" || !VAULT_ID.test(vaultId)))
    ) {
      p.add(
        "SEAWALL_AZURE_KEYVAULT_VAULT_ID",
        `${field}.existing.vaultId`,
        vaultId,
        "must be the vault's resource id, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>",
      );
    } else if (typeof vaultId === "string" && keyVault) {
      const vault = VAULT_ID.exec(vaultId)?.[1];
      if (vault && vault.toLowerCase() !== keyVault.toLowerCase()) {
        p.add(
          "SEAWALL_AZURE_KEYVAULT_VAULT_ID",
          `${field}.existing.vaultId`,
          vaultId,
          `names the vault ${vault} but the key is in ${keyVault}; give the id of the key's vault`,
        );
      }
    }
  }
}

/**
 * Creates or adopts the key that `option` names (children of `parent`, named from `name`), gives
 * the service a user-assigned identity (unless `settings.identity` is given) and grants it, and
 * each of `settings.principals`, "Key Vault Crypto Service Encryption User" on the key. Call
 * {@link checkAzureKeyVaultKeyOption} first.
 *
 * Children: `<name>-vault` (`keyvault.Vault`) and `<name>` (`keyvault.Key`) on `args`;
 * `<name>-identity` (`managedidentity.UserAssignedIdentity`); `<name>-grant` and
 * `<name>-<principal>-grant` (`authorization.RoleAssignment`).
 */
export function azureKeyVaultKey(
  parent: pulumi.Resource,
  name: string,
  option: AzureKeyVaultKeyOption | undefined,
  settings: AzureKeyVaultKeySettings,
): AzureKeyVaultKey {
  if (option && "skip" in option) return { grants: [] };
  const protect = settings.protect ?? true;
  const client = azure.authorization.getClientConfigOutput({ parent });
  let keyUri: pulumi.Output<string>;
  let keyName: pulumi.Output<string>;
  let vaultUri: pulumi.Output<string>;
  let vaultId: pulumi.Output<string>;
  let keyScope: pulumi.Output<string>;
  let vault: azure.keyvault.Vault | undefined;
  let key: azure.keyvault.Key | undefined;
  let grant = true;
  if (option && "existing" in option) {
    const e = option.existing;
    const parsed = pulumi.output(e.keyId).apply((id) => {
      const at = parseKeyUri(id);
      if (!at) throw new Error(`${name}: existing.keyId ${id} is not a versionless Key Vault key id`);
      return at;
    });
    keyUri = pulumi.output(e.keyId).apply((id) => id.replace(/\/$/, ""));
    keyName = parsed.key;
    vaultUri = pulumi.interpolate`https://${parsed.vault}.vault.azure.net/`;
    vaultId = pulumi.output(e.vaultId);
    keyScope = pulumi.interpolate`${e.vaultId}/keys/${parsed.key}`;
    grant = e.grantIdentities !== false;
  } else {
    const args = option?.args ?? {};
    const rotationDays = args.rotationDays ?? 90;
    vault = new azure.keyvault.Vault(
      `${name}-vault`,
      {
        resourceGroupName: settings.resourceGroupName,
        location: settings.location,
        ...(args.vaultName ? { vaultName: args.vaultName } : {}),
        properties: {
          tenantId: client.tenantId,
          sku: { family: "A", name: args.hsm ? "premium" : "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionDays ?? 90,
          enablePurgeProtection: true,
          publicNetworkAccess: "Disabled",
          // Services that use the key for encryption at rest reach it as trusted Azure services.
          networkAcls: { bypass: "AzureServices", defaultAction: "Deny" },
        },
        tags: settings.tags,
      },
      { parent, protect },
    );
    key = new azure.keyvault.Key(
      name,
      {
        resourceGroupName: settings.resourceGroupName,
        vaultName: vault.name,
        properties: {
          kty: args.hsm ? "RSA-HSM" : "RSA",
          keySize: args.keySize ?? 3072,
          keyOps: ["wrapKey", "unwrapKey"],
          rotationPolicy: {
            attributes: { expiryTime: `P${rotationDays * 2}D` },
            lifetimeActions: [
              { trigger: { timeAfterCreate: `P${rotationDays}D` }, action: { type: "rotate" } },
              { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "notify" } },
            ],
          },
        },
        tags: settings.tags,
      },
      { parent, protect },
    );
    keyUri = key.keyUri;
    keyName = key.name;
    vaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
    vaultId = vault.id;
    keyScope = key.id;
  }
  let identity: azure.managedidentity.UserAssignedIdentity | undefined;
  let identityRef: AzureIdentityRef;
  if (settings.identity) identityRef = settings.identity;
  else {
    identity = new azure.managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceGroupName: settings.resourceGroupName, location: settings.location, tags: settings.tags },
      { parent },
    );
    identityRef = { id: identity.id, principalId: identity.principalId };
  }
  const roleDefinitionId = pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CRYPTO_SERVICE_ENCRYPTION_USER_ROLE}`;
  const grantTo = (child: string, principalId: pulumi.Input<string>) =>
    new azure.authorization.RoleAssignment(
      child,
      { scope: keyScope, roleDefinitionId, principalId, principalType: "ServicePrincipal" },
      { parent },
    );
  const grants = grant
    ? [
        grantTo(`${name}-grant`, identityRef.principalId),
        ...(settings.principals ?? []).map((x) => grantTo(`${name}-${x.name}-grant`, x.principalId)),
      ]
    : [];
  return {
    keyUri,
    keyName,
    vaultUri,
    vaultId,
    identityId: pulumi.output(identityRef.id),
    identityPrincipalId: pulumi.output(identityRef.principalId),
    grants,
    vault,
    key,
    identity,
  };
}
