import { allowsBlobPublicAccess, AZURE, storageAccountsByName, storageAccountsOf } from "../../../lib/azure";
import { known, matchesType, stackRule, StackFinding, UNKNOWN } from "../../../lib/rule";

const PUBLIC_LEVELS = ["blob", "container"];

/**
 * A blob container with anonymous public access. Its storage account's `allowBlobPublicAccess`
 * overrides the container's level (Azure then refuses anonymous requests), so a container is
 * compliant only when its account is in the stack and disallows it (false, or unset on an API
 * version from 2023-01-01, whose default is false). An account outside the stack cannot be seen,
 * so the container's own level is judged.
 */
export const blobContainerNoPublicAccess = () =>
  stackRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.blobContainer, AZURE.storageAccount],
    summary: "An Azure blob container allows anonymous public read access, publishing its blobs.",
    description:
      'The blob container sets publicAccess "Blob" (anyone can read a blob by URL) or "Container" (anyone can ' +
      "also list the container), and its storage account is not in the stack with allowBlobPublicAccess false " +
      "(or unset on an API version from 2023-01-01, whose default is false), which is what overrides the " +
      "container's level. The data can then be downloaded without credentials. An account outside the stack " +
      "cannot be seen, so the container's own level is judged.",
    remediation:
      'Set publicAccess: "None" (the default) on the container and allowBlobPublicAccess: false on its storage ' +
      "account; share data with user-delegation SAS or Entra ID roles.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (resources) => {
      const byName = storageAccountsByName(resources);
      const findings: StackFinding[] = [];
      for (const c of resources) {
        if (!matchesType(AZURE.blobContainer, c.type)) continue;
        const level = known(() => c.props.publicAccess as unknown, UNKNOWN);
        if (level === UNKNOWN || !PUBLIC_LEVELS.includes(String(level).toLowerCase())) continue;
        const accounts = storageAccountsOf(c, byName);
        if (accounts === UNKNOWN) continue;
        const allowing = accounts.map((a) => ({
          a,
          allows: known(() => allowsBlobPublicAccess(a.type, a.props), UNKNOWN),
        }));
        // An account whose setting is unknown until deploy may block or allow: judge nothing yet.
        if (allowing.some((x) => x.allows === UNKNOWN)) continue;
        const open = allowing.filter((x) => x.allows === true).map((x) => x.a.name);
        if (accounts.length > 0 && open.length === 0) continue;
        const why =
          accounts.length === 0
            ? "its storage account is not in the stack to block anonymous access"
            : `storage account ${open.join(", ")} allows anonymous blob access`;
        findings.push({
          urn: c.urn,
          message: `container ${c.name} has publicAccess "${String(level)}" and ${why}`,
          path: "publicAccess",
          value: level,
        });
      }
      return findings;
    },
  });
