import { asList, parsePolicyDocument, S3, statements } from "../../../lib/aws";
import { resourceRule } from "../../../lib/rule";

function deniesInsecureTransport(statement: Record<string, unknown>): boolean {
  if (statement.Effect !== "Deny") return false;
  const principal = statement.Principal;
  const everyone =
    principal === "*" ||
    (typeof principal === "object" &&
      principal !== null &&
      asList((principal as { AWS?: unknown }).AWS).includes("*"));
  const actions = asList(statement.Action as string | string[] | undefined);
  const allActions = actions.includes("s3:*") || actions.includes("*");
  // Condition operators and keys are case-insensitive in IAM; values may be a list.
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  const bool = Object.entries(condition).find(([op]) => op.toLowerCase() === "bool")?.[1] ?? {};
  const secure = Object.entries(bool).find(([key]) => key.toLowerCase() === "aws:securetransport")?.[1];
  const values = asList(secure as unknown);
  return everyone && allActions && values.length > 0 && values.every((v) => v === false || v === "false");
}

/** The bucket policy must deny every request made without TLS. */
export const s3BucketTlsOnlyPolicy = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.policy, ...S3.bucket],
    summary:
      "An S3 bucket policy does not deny plain-HTTP requests, so data and credentials can cross the network in clear.",
    description:
      "The S3 bucket policy has no statement denying requests where aws:SecureTransport is false. S3 " +
      "still accepts plain HTTP, so without it objects and signed requests can travel unencrypted and be read " +
      "or altered on the network.",
    remediation:
      'Add a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, bucketArn/*], ' +
      'Condition: { Bool: { "aws:SecureTransport": "false" } } } to the bucket policy.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      const onBucket = S3.bucket.includes(type as (typeof S3.bucket)[number]);
      // A bucket without an inline policy is judged through its aws.s3.BucketPolicy instead.
      if (onBucket && props.policy === undefined) return undefined;
      const doc = parsePolicyDocument(props.policy);
      const at = { path: "policy", value: props.policy as unknown };
      if (!doc) return { message: "the policy is not a JSON policy document", ...at };
      if (!statements(doc).some(deniesInsecureTransport)) {
        return { message: 'no statement denies s3:* to "*" when aws:SecureTransport is false', ...at };
      }
      return undefined;
    },
  });
