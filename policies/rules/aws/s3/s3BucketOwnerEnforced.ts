import { S3 } from "../../../lib/aws";
import { resourceRule } from "../../../lib/rule";

/** Object ownership must be BucketOwnerEnforced, which turns ACLs off. */
export const s3BucketOwnerEnforced = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.ownership],
    summary:
      "S3 object ownership allows ACLs, so objects written by others escape the bucket owner's control.",
    description:
      "S3 object ownership is not BucketOwnerEnforced. ACLs stay active, objects uploaded by other accounts " +
      "can be owned by the uploader (outside the bucket policy's control), and an object ACL can make data " +
      "public. (Buckets created since April 2023 default to BucketOwnerEnforced; this rule judges explicit settings.)",
    remediation: 'Set rule.objectOwnership to "BucketOwnerEnforced".',
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props) => {
      const ownership = props.rule?.objectOwnership;
      if (ownership !== "BucketOwnerEnforced") {
        return {
          message: `rule.objectOwnership is ${JSON.stringify(ownership)}`,
          path: "rule.objectOwnership",
          value: ownership,
        };
      }
      return undefined;
    },
  });
