import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const eventHubsLocalAuthDisabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.eventHubNamespace],
    summary: "An Event Hubs namespace accepts SAS keys, which are shared secrets not tied to an identity.",
    description:
      "The Event Hubs namespace does not set disableLocalAuth: true (SAS authentication is on by default). " +
      "Connection strings with SAS keys grant access without an identity, leak into configs and logs, and " +
      "stay valid until rotated.",
    remediation:
      "Set disableLocalAuth: true and authorize producers and consumers with Microsoft Entra ID (managed identities).",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) =>
      props.disableLocalAuth === true
        ? undefined
        : {
            message: "disableLocalAuth is not true",
            path: "disableLocalAuth",
            value: props.disableLocalAuth as unknown,
          },
  });
