import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageInfrastructureEncryption = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary: "An Azure storage account encrypts data once, with no infrastructure-level second layer.",
    description:
      "The storage account does not set encryption.requireInfrastructureEncryption: true (default false). Data " +
      "is then encrypted once at the service level; a flaw in that one layer or its keys exposes it. The " +
      "setting can only be chosen when the account is created.",
    remediation: "Set encryption.requireInfrastructureEncryption: true when creating the account.",
    enforcementLevel: "mandatory",
    severity: "low",
    check: (props) =>
      props.encryption?.requireInfrastructureEncryption === true
        ? undefined
        : {
            message: "encryption.requireInfrastructureEncryption is not true",
            path: "encryption.requireInfrastructureEncryption",
            value: props.encryption?.requireInfrastructureEncryption as unknown,
          },
  });
