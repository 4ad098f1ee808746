import { missingAttachments, S3 } from "../../../lib/aws";
import { stackRule } from "../../../lib/rule";

/** Every bucket has a bucket-policy resource (or a legacy inline policy). */
export const s3BucketPolicyAttached = () =>
  stackRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.policy],
    summary: "An S3 bucket has no bucket policy, so nothing denies plain-HTTP access to it.",
    description:
      "An S3 bucket has no aws.s3.BucketPolicy tied to it and no legacy inline policy. Without a policy nothing denies requests made without TLS (aws:SecureTransport false), so objects and signed requests can cross the network in clear; s3BucketTlsOnlyPolicy then judges the policy's content.",
    remediation:
      "For each aws.s3.Bucket create an aws.s3.BucketPolicy with bucket: bucket.id (pass the Output so the dependency is recorded) whose statements deny s3:* when aws:SecureTransport is false.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) =>
      missingAttachments(resources, {
        label: "bucket policy (aws.s3.BucketPolicy)",
        tokens: S3.policy,
        inline: "policy",
      }),
  });
