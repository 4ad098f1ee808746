import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageSharedKeyDisabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary:
      "An Azure storage account accepts its shared account keys, which grant full access and never expire.",
    description:
      "The storage account does not set allowSharedKeyAccess: false (shared key is allowed by default). The " +
      "two account keys grant full control of all data, are not tied to an identity, and stay valid until " +
      "rotated, so a leaked key is a full breach. Advisory by default; the prod config makes it mandatory.",
    remediation:
      "Set allowSharedKeyAccess: false and use Microsoft Entra ID (managed identities, RBAC) for data access.",
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props) =>
      props.allowSharedKeyAccess === false
        ? undefined
        : {
            message: "allowSharedKeyAccess is not false (shared keys are accepted)",
            path: "allowSharedKeyAccess",
            value: props.allowSharedKeyAccess as unknown,
          },
  });
