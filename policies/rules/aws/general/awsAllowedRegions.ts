import { resourceRule } from "../../../lib/rule";

interface Config {
  allowedRegions: string[];
}

export const awsAllowedRegions = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["pulumi:providers:aws", "aws:*"],
    summary: "An AWS provider or resource targets a region outside the allowed list (data residency).",
    description:
      "An AWS provider, or a resource with its own `region`, targets a region outside the configured " +
      "allowedRegions. Data stored there may break data-residency commitments and escapes the region's " +
      "guardrails (SCPs, monitoring, backups). Not applicable until allowedRegions is configured.",
    remediation:
      "Use a provider for an allowed region, or add the region to allowedRegions in the pack config.",
    enforcementLevel: "mandatory",
    severity: "high",
    config: {
      allowedRegions: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          'AWS region codes resources may be created in, e.g. ["us-east-1", "us-west-2"]; empty: any.',
      },
    },
    check: (props, { type, config, args }) => {
      if (config.allowedRegions.length === 0) args.notApplicable("no allowedRegions configured");
      const own = props.region;
      const region = own ?? (type.startsWith("aws:") ? args.provider?.props.region : undefined);
      if (typeof region !== "string") return undefined;
      return config.allowedRegions.includes(region)
        ? undefined
        : {
            message: `region "${region}" is not one of ${config.allowedRegions.join(", ")}`,
            // A region inherited from the resource's provider is fixed there.
            path: own === undefined ? "provider.region" : "region",
            value: region,
          };
    },
  });
