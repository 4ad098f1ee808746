import { minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

export const logGroupRetention = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:cloudwatch/logGroup:LogGroup"],
    summary: "A CloudWatch log group keeps logs for ever or for too short a time to investigate incidents.",
    description:
      "The CloudWatch log group's retentionInDays is unset or 0 (the default: never expire, so cost and " +
      "personal data grow without bound) or below the configured minimum (too short to investigate an incident).",
    remediation: "Set retentionInDays to a supported value at least the configured minimum (default 30).",
    enforcementLevel: "mandatory",
    severity: "low",
    config: minimumDaysSetting("Fewest days logs must be kept.", { minimum: 1, default: 30 }),
    check: (props, { config }) => {
      const value = props.retentionInDays;
      const days = value ?? 0;
      const at = { path: "retentionInDays", value };
      if (days === 0) return { message: "retentionInDays is unset or 0: logs never expire", ...at };
      if (typeof days === "number" && days < config.minimumRetentionDays) {
        return {
          message: `retentionInDays is ${days}; at least ${config.minimumRetentionDays} required`,
          ...at,
        };
      }
      return undefined;
    },
  });
