import { missingAttachments, S3 } from "../../../lib/aws";
import { stackRule } from "../../../lib/rule";

/** Every bucket has a versioning resource (or legacy inline versioning). */
export const s3BucketVersioningAttached = () =>
  stackRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.versioning],
    summary:
      "An S3 bucket has no versioning resource, so it runs unversioned and an overwrite or delete loses data.",
    description:
      "An S3 bucket has no aws.s3.BucketVersioning tied to it and no legacy inline versioning. Since provider v4 versioning is a separate resource; a bucket without it is unversioned: an overwrite or delete destroys the only copy of an object, and replication cannot run.",
    remediation:
      'For each aws.s3.Bucket create an aws.s3.BucketVersioning with bucket: bucket.id (pass the Output so the dependency is recorded) and versioningConfiguration.status "Enabled".',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (resources) =>
      missingAttachments(resources, {
        label: "versioning (aws.s3.BucketVersioning)",
        tokens: S3.versioning,
        inline: "versioning",
      }),
  });
