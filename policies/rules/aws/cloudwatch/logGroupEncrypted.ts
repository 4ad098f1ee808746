import { resourceRule } from "../../../lib/rule";

export const logGroupEncrypted = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:cloudwatch/logGroup:LogGroup"],
    summary:
      "A CloudWatch log group is not encrypted with a customer-managed key, yet logs often carry records and secrets.",
    description:
      "The CloudWatch log group has no kmsKeyId, so it is encrypted only with a service-owned key. Pipeline " +
      "logs routinely contain record samples, identifiers and occasionally secrets; a customer-managed key " +
      "lets you restrict and audit who reads them.",
    remediation:
      "Set kmsKeyId to a customer-managed key whose policy allows the logs.<region>.amazonaws.com principal.",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) =>
      props.kmsKeyId
        ? undefined
        : { message: "kmsKeyId is not set", path: "kmsKeyId", value: props.kmsKeyId },
  });
