import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageNetworkRestricted = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary:
      "An Azure storage account is reachable from any network, so a leaked key or SAS works from anywhere.",
    description:
      'The storage account neither disables public network access (publicNetworkAccess "Disabled") nor denies ' +
      'by default (networkRuleSet.defaultAction "Deny"); by default it accepts connections from any network. A ' +
      "leaked key or SAS token can then be used from anywhere on the internet.",
    remediation:
      'Set publicNetworkAccess: "Disabled" and use private endpoints, or networkRuleSet: { defaultAction: "Deny" } ' +
      "with explicit virtual network and IP rules.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      if (props.publicNetworkAccess === "Disabled") return undefined;
      if (props.networkRuleSet?.defaultAction === "Deny") return undefined;
      // Either setting fixes it; the path names the default action, the one that keeps public endpoints usable.
      return {
        message: `publicNetworkAccess is ${JSON.stringify(props.publicNetworkAccess ?? "Enabled")} and networkRuleSet.defaultAction is ${JSON.stringify(props.networkRuleSet?.defaultAction ?? "Allow")}`,
        path: "networkRuleSet.defaultAction",
        value: props.networkRuleSet?.defaultAction as unknown,
      };
    },
  });
