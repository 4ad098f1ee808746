import { AZURE } from "../../../lib/azure";
import { Finding, minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

export const blobSoftDeleteEnabled = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.blobService],
    summary: "Azure blob or container soft delete is off or too short, so deletions cannot be undone.",
    description:
      "The blob service does not keep deleted blobs and containers for the required days " +
      "(deleteRetentionPolicy and containerDeleteRetentionPolicy, both off unless set). A deleted blob or " +
      "container, by mistake or by an attacker, is then gone at once.",
    remediation:
      "Set deleteRetentionPolicy and containerDeleteRetentionPolicy to { enabled: true, days: N } with N at least the configured minimum.",
    enforcementLevel: "mandatory",
    severity: "high",
    config: minimumDaysSetting("Fewest days deleted blobs and containers must stay restorable.", {
      minimum: 1,
      maximum: 365,
      default: 7,
    }),
    check: (props, { config }) => {
      const problems: Finding[] = [];
      for (const field of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]) {
        const policy = props[field];
        if (policy?.enabled !== true) {
          problems.push({
            message: `${field} is not enabled`,
            path: `${field}.enabled`,
            value: policy?.enabled as unknown,
          });
        } else if (typeof policy.days !== "number" || policy.days < config.minimumRetentionDays) {
          problems.push({
            message: `${field}.days is ${policy.days}; at least ${config.minimumRetentionDays} required`,
            path: `${field}.days`,
            value: policy.days as unknown,
          });
        }
      }
      return problems;
    },
  });
