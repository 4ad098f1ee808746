import { AZURE, storageAccountsByName, storageAccountsOf } from "../../../lib/azure";
import { known, matchesType, stackRule, StackFinding, UNKNOWN } from "../../../lib/rule";

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
      "defaults, none of which protect data from overwrite or deletion. FileStorage accounts (premium file " +
      "shares) have no blob service and are exempt.",
    remediation:
      "Create an azure-native.storage.BlobServiceProperties with accountName: account.name (pass the Output so " +
      'the dependency is recorded), blobServicesName "default", versioning and soft delete on.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) => {
      const accounts = resources.filter((r) => matchesType(AZURE.storageAccount, r.type));
      const byName = storageAccountsByName(resources);
      const links = resources
        .filter((r) => matchesType(AZURE.blobService, r.type))
        .map((s) => storageAccountsOf(s, byName));
      // A blob service whose account cannot be known yet may be any account's: report nothing.
      if (links.includes(UNKNOWN)) return [];
      const covered = new Set(links.flatMap((l) => (l === UNKNOWN ? [] : l.map((a) => a.urn))));
      const findings: StackFinding[] = [];
      for (const account of accounts) {
        // Premium file-share accounts have no blob service to configure; an unknown kind may be one.
        const kind = known(() => account.props.kind as unknown, UNKNOWN);
        if (kind === UNKNOWN || String(kind).toLowerCase() === "filestorage") continue;
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
