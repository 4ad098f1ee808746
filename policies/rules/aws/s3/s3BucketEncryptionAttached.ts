import { missingAttachments, S3 } from "../../../lib/aws";
import { stackRule } from "../../../lib/rule";

/** Every bucket has a default-encryption resource (or legacy inline encryption). */
export const s3BucketEncryptionAttached = () =>
  stackRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.encryption],
    summary: "An S3 bucket has no default-encryption resource, so S3 encrypts it only with an AWS-owned key.",
    description:
      "An S3 bucket has no aws.s3.BucketServerSideEncryptionConfiguration tied to it and no legacy inline encryption. Since provider v4 default encryption is a separate resource; a bucket without it gets SSE-S3 with an AWS-owned key, which no key policy of yours controls.",
    remediation:
      'For each aws.s3.Bucket create an aws.s3.BucketServerSideEncryptionConfiguration with bucket: bucket.id (pass the Output so the dependency is recorded) and a rule with sseAlgorithm "aws:kms" and your key.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) =>
      missingAttachments(resources, {
        label: "default encryption (aws.s3.BucketServerSideEncryptionConfiguration)",
        tokens: S3.encryption,
        inline: "encryption",
      }),
  });
