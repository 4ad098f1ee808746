import { PolicyResource } from "@pulumi/policy";
import { AZURE } from "../../../lib/azure";
import { known, matchesType, stackRule, StackFinding, UNKNOWN } from "../../../lib/rule";

/**
 * A blob service's account: through propertyDependencies.accountName, else a literal name match;
 * UNKNOWN when the name is unknown during a preview and no dependency says which account it is.
 */
function accountsOf(service: PolicyResource, accounts: PolicyResource[]): PolicyResource[] | typeof UNKNOWN {
  const deps = (service.propertyDependencies.accountName ?? []).filter((r) =>
    matchesType(AZURE.storageAccount, r.type),
  );
  if (deps.length > 0) return deps;
  const name = known(() => service.props.accountName as unknown, UNKNOWN);
  if (name === UNKNOWN) return UNKNOWN;
  if (typeof name !== "string") return [];
  return accounts.filter((a) => known(() => a.props.accountName as unknown, undefined) === name);
}

/** Every storage account has BlobServiceProperties, where versioning and soft delete are set. */
export const storageAccountBlobServiceAttached = () =>
  stackRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount, AZURE.blobService],
    summary:
      "An Azure storage account has no blob service properties, so it runs without versioning or soft delete.",
    description:
      "A storage account has no azure-native storage BlobServiceProperties tied to it. Blob versioning, soft " +
      "delete and point-in-time restore are set on that separate resource; without it the account keeps the " +
      "defaults, none of which protect data from overwrite or deletion.",
    remediation:
      "Create an azure-native.storage.BlobServiceProperties with accountName: account.name (pass the Output so " +
      'the dependency is recorded), blobServicesName "default", versioning and soft delete on.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) => {
      const accounts = resources.filter((r) => matchesType(AZURE.storageAccount, r.type));
      const links = resources
        .filter((r) => matchesType(AZURE.blobService, r.type))
        .map((s) => accountsOf(s, accounts));
      // A blob service whose account cannot be known yet may be any account's: report nothing.
      if (links.includes(UNKNOWN)) return [];
      const covered = new Set(links.flatMap((l) => (l === UNKNOWN ? [] : l.map((a) => a.urn))));
      const findings: StackFinding[] = [];
      for (const account of accounts) {
        if (!covered.has(account.urn)) {
          findings.push({
            urn: account.urn,
            message: `storage account ${account.name} has no BlobServiceProperties`,
          });
        }
      }
      return findings;
    },
  });
