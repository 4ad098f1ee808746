import { resourceRule } from "../../../lib/rule";

export const sqsQueueEncrypted = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:sqs/queue:Queue"],
    summary: "An SQS queue stores messages unencrypted at rest.",
    description:
      "The SQS queue turns server-side encryption off: sqsManagedSseEnabled is false and no kmsMasterKeyId is " +
      "set (new queues default to SSE-SQS). Queued messages, often records in flight or dead letters, are " +
      "then stored in clear.",
    remediation:
      "Set kmsMasterKeyId to a customer-managed key, or leave sqsManagedSseEnabled at its default (true).",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) => {
      if (props.kmsMasterKeyId) return undefined;
      return props.sqsManagedSseEnabled === false
        ? {
            message: "sqsManagedSseEnabled is false and no kmsMasterKeyId is set",
            path: "sqsManagedSseEnabled",
            value: false,
          }
        : undefined;
    },
  });
