import { allowsBlobPublicAccess, AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageNoPublicBlobAccess = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary:
      "An Azure storage account lets containers be made public, so one setting exposes the data anonymously.",
    description:
      "The storage account allows anonymous blob access (allowBlobPublicAccess: true, or unset with an API " +
      "version before 2023-01-01, whose default was true). Any container can then be switched to public read " +
      "and its data downloaded without credentials.",
    remediation: "Set allowBlobPublicAccess: false.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props, { type }) => {
      const value: unknown = props.allowBlobPublicAccess;
      if (!allowsBlobPublicAccess(type, props)) return undefined;
      return {
        message:
          value === true
            ? "allowBlobPublicAccess is true"
            : "allowBlobPublicAccess is unset and this API version defaults it to true",
        path: "allowBlobPublicAccess",
        value,
      };
    },
  });
