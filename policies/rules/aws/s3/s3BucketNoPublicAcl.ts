import { At, blocks, S3 } from "../../../lib/aws";
import { Finding, Props, resourceRule } from "../../../lib/rule";

const PUBLIC_CANNED = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = [
  "http://acs.amazonaws.com/groups/global/AllUsers",
  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/** The grants to a public group, each with the path of its grantee's URI. */
function publicGrants(grants: At[]): At<string>[] {
  return grants.flatMap((g) => {
    const grantee =
      g.value.grantee === undefined ? g : { value: g.value.grantee as Props, path: `${g.path}.grantee` };
    const key = grantee.value.uri !== undefined ? "uri" : "URI";
    const uri = grantee.value[key] as string | undefined;
    return uri !== undefined && PUBLIC_GROUPS.includes(uri)
      ? [{ value: uri, path: `${grantee.path}.${key}` }]
      : [];
  });
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
      const problems: Finding[] = [];
      if (typeof props.acl === "string" && PUBLIC_CANNED.includes(props.acl))
        problems.push({ message: `canned ACL "${props.acl}"`, path: "acl", value: props.acl });
      const grants = [
        ...blocks(props, "", "grants"),
        ...blocks(props, "", "accessControlPolicy").flatMap((p) => blocks(p.value, p.path, "grants")),
      ];
      for (const uri of publicGrants(grants))
        problems.push({ message: `a grant to ${uri.value}`, path: uri.path, value: uri.value });
      return problems;
    },
  });
