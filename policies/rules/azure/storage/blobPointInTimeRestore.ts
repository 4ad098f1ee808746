import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const blobPointInTimeRestore = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.blobService],
    summary:
      "Azure blob point-in-time restore is off, so a bad batch job cannot be rolled back across the account.",
    description:
      "The blob service does not enable restorePolicy (point-in-time restore, off by default, which also needs " +
      "versioning, change feed and soft delete). A pipeline bug that rewrites or deletes many blobs then has to " +
      "be undone blob by blob. Advisory by default; the prod config makes it mandatory.",
    remediation:
      "Set restorePolicy: { enabled: true, days: N } with changeFeed.enabled, isVersioningEnabled and a " +
      "deleteRetentionPolicy longer than N days.",
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props) => {
      if (props.restorePolicy?.enabled !== true) {
        return {
          message: "restorePolicy is not enabled",
          path: "restorePolicy.enabled",
          value: props.restorePolicy?.enabled as unknown,
        };
      }
      if (props.changeFeed?.enabled !== true) {
        return {
          message: "restorePolicy needs changeFeed.enabled",
          path: "changeFeed.enabled",
          value: props.changeFeed?.enabled as unknown,
        };
      }
      return undefined;
    },
  });
