import { missingAttachments, S3 } from "../../../lib/aws";
import { stackRule } from "../../../lib/rule";

/** Every bucket has a public-access-block resource. */
export const s3BucketPublicAccessBlockAttached = () =>
  stackRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.publicAccessBlock],
    summary: "An S3 bucket has no public-access block, so one ACL or bucket policy can make it public.",
    description:
      "An S3 bucket has no aws.s3.BucketPublicAccessBlock tied to it. Without one, a single public ACL or bucket policy, written by mistake or by an attacker, exposes the data: the most common cause of S3 data leaks. (An account-level block set outside the program cannot be seen.)",
    remediation:
      "For each aws.s3.Bucket create an aws.s3.BucketPublicAccessBlock with bucket: bucket.id (pass the Output so the dependency is recorded) and all four flags true.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) =>
      missingAttachments(resources, {
        label: "public access block (aws.s3.BucketPublicAccessBlock)",
        tokens: S3.publicAccessBlock,
      }),
  });
