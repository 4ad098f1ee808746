import { resourceRule } from "../../../lib/rule";

export const snsTopicEncrypted = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:sns/topic:Topic"],
    summary: "An SNS topic stores messages unencrypted at rest.",
    description:
      "The SNS topic has no kmsMasterKeyId, so messages (alerts, pipeline events) are stored unencrypted at " +
      "rest while SNS delivers them.",
    remediation:
      "Set kmsMasterKeyId to a customer-managed key whose policy lets the publishing services use it.",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) =>
      props.kmsMasterKeyId
        ? undefined
        : { message: "kmsMasterKeyId is not set", path: "kmsMasterKeyId", value: props.kmsMasterKeyId },
  });
