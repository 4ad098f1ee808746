import { PolicyResource } from "@pulumi/policy";
import { byBucket, hasInline, isOf, S3 } from "../../../lib/aws";
import { known, stackRule, StackFinding } from "../../../lib/rule";

/** Every bucket has its versioning, default-encryption, public-access-block and bucket-policy resources. */
export const s3BucketProtectionsAttached = () =>
  stackRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.versioning, ...S3.encryption, ...S3.publicAccessBlock, ...S3.policy],
    summary:
      "An S3 bucket lacks its versioning, encryption, public-access-block or bucket-policy resource, so it runs on insecure defaults.",
    description:
      "An S3 bucket has no versioning, default-encryption, public-access-block or bucket-policy resource tied " +
      "to it. Since provider v4 these protections are separate resources; a bucket without them is " +
      "unversioned, SSE-S3 encrypted, one ACL away from public, and reachable over plain HTTP.",
    remediation:
      "For each aws.s3.Bucket create aws.s3.BucketVersioning, aws.s3.BucketServerSideEncryptionConfiguration, " +
      "aws.s3.BucketPublicAccessBlock and aws.s3.BucketPolicy with bucket: bucket.id (pass the Output so the " +
      "dependency is recorded).",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) => {
      const findings: StackFinding[] = [];
      const kinds: [string, readonly string[], (b: PolicyResource) => boolean][] = [
        [
          "versioning (aws.s3.BucketVersioning)",
          S3.versioning,
          (b) => known(() => hasInline(b.props, "versioning"), true),
        ],
        [
          "default encryption (aws.s3.BucketServerSideEncryptionConfiguration)",
          S3.encryption,
          (b) => known(() => hasInline(b.props, "encryption"), true),
        ],
        ["public access block (aws.s3.BucketPublicAccessBlock)", S3.publicAccessBlock, () => false],
        [
          "bucket policy (aws.s3.BucketPolicy)",
          S3.policy,
          (b) => known(() => b.props.policy !== undefined, true),
        ],
      ];
      const linked = kinds.map(([, tokens]) => byBucket(resources, tokens));
      for (const bucket of resources.filter(isOf(S3.bucket))) {
        const missing = kinds
          .filter(([, , inline], i) => !linked[i].has(bucket.urn) && !inline(bucket))
          .map(([label]) => label);
        if (missing.length > 0) {
          findings.push({
            urn: bucket.urn,
            message: `bucket ${bucket.name} is missing: ${missing.join(", ")}`,
          });
        }
      }
      return findings;
    },
  });
