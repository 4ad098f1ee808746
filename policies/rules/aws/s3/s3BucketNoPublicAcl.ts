import { asList, S3 } from "../../../lib/aws";
import { Props, resourceRule } from "../../../lib/rule";

const PUBLIC_CANNED = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = [
  "http://acs.amazonaws.com/groups/global/AllUsers",
  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

function publicGrants(grants: Props[]): string[] {
  return grants
    .map((g) => (g.grantee ?? g) as Props)
    .map((grantee) => (grantee.uri ?? grantee.URI) as string | undefined)
    .filter((uri): uri is string => uri !== undefined && PUBLIC_GROUPS.includes(uri));
}

/** No canned ACL or grant may open a bucket to everyone or to every AWS account. */
export const s3BucketNoPublicAcl = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.acl, ...S3.bucket],
    summary: "An S3 ACL grants access to AllUsers or AuthenticatedUsers, i.e. to anyone on the internet.",
    description:
      "An S3 bucket ACL is public (public-read, public-read-write, authenticated-read, or a grant to the " +
      "AllUsers or AuthenticatedUsers group). Anyone on the internet, or any AWS account, can then list or " +
      "read (or write) the data.",
    remediation:
      'Remove the ACL (use BucketOwnerEnforced object ownership, which disables ACLs) or use "private"; grant ' +
      "access through IAM and bucket policies to named principals.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) => {
      const problems: string[] = [];
      if (typeof props.acl === "string" && PUBLIC_CANNED.includes(props.acl))
        problems.push(`canned ACL "${props.acl}"`);
      const policy = props.accessControlPolicy as Props | undefined;
      const grants = [
        ...asList(props.grants as Props[] | undefined),
        ...asList(policy?.grants as Props[] | undefined),
      ];
      for (const uri of publicGrants(grants)) problems.push(`a grant to ${uri}`);
      return problems;
    },
  });
