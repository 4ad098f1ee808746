import { S3 } from "../../../lib/aws";
import { resourceRule } from "../../../lib/rule";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** All four public-access-block flags must be true; each defaults to false in the provider. */
export const s3BucketPublicAccessBlocked = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.publicAccessBlock, ...S3.accountPublicAccessBlock],
    summary: "An S3 public-access block leaves a flag off, so one ACL or policy can expose the data.",
    description:
      "An S3 public access block does not set all four flags (blockPublicAcls, blockPublicPolicy, " +
      "ignorePublicAcls, restrictPublicBuckets). Each flag that is off lets a single ACL or bucket policy " +
      "make the data public, the most common cause of S3 data leaks.",
    remediation:
      "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) => {
      // The provider defaults every flag to false.
      const off = FLAGS.filter((f) => props[f] !== true);
      // One finding, as one message names every flag; its path is the first flag that is off.
      return off.length > 0
        ? { message: `not true: ${off.join(", ")}`, path: off[0], value: props[off[0]] }
        : undefined;
    },
  });
