import { AZURE } from "../../../lib/azure";
import { matchesAny, resourceRule } from "../../../lib/rule";

export const azureRedisNoPublicNetwork = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [...AZURE.redis, ...AZURE.managedRedis],
    summary: "An Azure Redis cache is reachable over its public endpoint.",
    description:
      'The cache allows public network access (Azure Cache for Redis publicNetworkAccess defaults to "Enabled", ' +
      "unless the cache is injected into a virtual network with subnetId, which leaves it no public address; " +
      "Azure Managed Redis is judged when publicNetworkAccess is set). Anyone on the internet can reach the " +
      "endpoint and try its access keys.",
    remediation: 'Set publicNetworkAccess: "Disabled" and connect through a private endpoint.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      const value: unknown = props.publicNetworkAccess;
      const at = (message: string) => ({ message, path: "publicNetworkAccess", value });
      if (matchesAny(AZURE.redis, type)) {
        // A cache injected into a virtual network (Premium, subnetId) has no public address.
        if (props.subnetId) return undefined;
        return value === "Disabled"
          ? undefined
          : at(`publicNetworkAccess is ${JSON.stringify(value ?? "Enabled")}`);
      }
      return value === "Enabled" ? at('publicNetworkAccess is "Enabled"') : undefined;
    },
  });
