import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const blobVersioningEnabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.blobService],
    summary: "Azure blob versioning is off, so an overwritten or deleted blob cannot be restored.",
    description:
      "The blob service does not set isVersioningEnabled: true (default false). An overwrite or delete then " +
      "destroys the previous content, and point-in-time restore cannot be enabled.",
    remediation: "Set isVersioningEnabled: true on the account's BlobServiceProperties.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) =>
      props.isVersioningEnabled === true
        ? undefined
        : {
            message: "isVersioningEnabled is not true",
            path: "isVersioningEnabled",
            value: props.isVersioningEnabled as unknown,
          },
  });
