import { GCS_GRANTS, isPublicPredefinedAcl, isPublicPrincipal } from "../../../lib/gcp";
import { asList, Finding, known, matchesAny, Props, resourceRule, UNKNOWN } from "../../../lib/rule";

/**
 * Reads each item of a list through `known`: a public item is reported even when a sibling is
 * unknown during a preview; when nothing known is public and something is unknown, reading it
 * again raises the SDK's unknown-value error, so the check is skipped rather than passed.
 */
function publicItems<T>(
  items: () => unknown[],
  isPublic: (item: unknown) => boolean,
  report: (item: unknown, i: number) => T,
): T[] {
  const list = items();
  const found: T[] = [];
  let unknownAt = -1;
  // Index by index: Array methods would read an unknown item outside `known`.
  for (let i = 0; i < list.length; i++) {
    const item = known(() => list[i], UNKNOWN);
    if (item === UNKNOWN) unknownAt = i;
    else if (isPublic(item)) found.push(report(item, i));
  }
  if (found.length === 0 && unknownAt >= 0) void list[unknownAt];
  return found;
}

interface PolicyBinding {
  role?: unknown;
  members?: unknown;
}

function policyFindings(policyData: unknown): Finding[] | undefined {
  let doc: unknown;
  try {
    doc = typeof policyData === "string" ? JSON.parse(policyData) : policyData;
  } catch {
    return undefined;
  }
  const bindings = asList((doc as { bindings?: PolicyBinding[] } | null)?.bindings);
  return bindings.flatMap((b, i) =>
    asList(b?.members as unknown[])
      .map((m, j) => ({ m, j }))
      .filter(({ m }) => isPublicPrincipal(m))
      .map(({ m, j }) => ({
        message: `policyData grants ${String(b.role)} to "${String(m)}"`,
        path: `policyData.bindings[${i}].members[${j}]`,
        value: m,
      })),
  );
}

/** The granted role for a message; a role unknown during a preview does not hide a public member. */
const roleOf = (props: Props, field = "role"): string =>
  String(known(() => props[field] as unknown, "(unknown)") ?? "unset");

export const gcsNoPublicIamGrant = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [
      ...GCS_GRANTS.iamMember,
      ...GCS_GRANTS.iamBinding,
      ...GCS_GRANTS.iamPolicy,
      ...GCS_GRANTS.aclEntry,
      ...GCS_GRANTS.acl,
    ],
    summary:
      "A Cloud Storage IAM grant or ACL gives allUsers or allAuthenticatedUsers access, publishing the data.",
    description:
      "A bucket or managed-folder IAM member, binding or policy grants a role to allUsers (anyone on the internet) " +
      "or allAuthenticatedUsers (anyone with a Google account), or a bucket, default-object or object ACL gives " +
      "them an entry or a public predefined ACL (publicRead, publicReadWrite, authenticatedRead). The data is " +
      "then readable, or writable, without your credentials. (With publicAccessPrevention enforced the grant " +
      "fails at apply time instead.)",
    remediation:
      "Remove allUsers and allAuthenticatedUsers from the grant (grant named principals or groups instead), use " +
      "a private predefined ACL, and serve public content through signed URLs or a CDN with its own identity.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props: Props, { type, args }) => {
      if (matchesAny(GCS_GRANTS.iamMember, type)) {
        return isPublicPrincipal(props.member)
          ? {
              message: `member "${String(props.member)}" is public (role ${roleOf(props)})`,
              path: "member",
              value: props.member,
            }
          : undefined;
      }
      if (matchesAny(GCS_GRANTS.iamBinding, type)) {
        return publicItems(
          () => asList(props.members as unknown[]),
          isPublicPrincipal,
          (m, i) => ({
            message: `members[${i}] "${String(m)}" is public (role ${roleOf(props)})`,
            path: `members[${i}]`,
            value: m,
          }),
        );
      }
      if (matchesAny(GCS_GRANTS.iamPolicy, type)) {
        const found = policyFindings(props.policyData);
        if (found === undefined) args.notApplicable("policyData is not JSON (the provider rejects it)");
        return found;
      }
      if (matchesAny(GCS_GRANTS.aclEntry, type)) {
        return isPublicPrincipal(props.entity)
          ? {
              message: `entity is "${String(props.entity)}" (role ${roleOf(props)})`,
              path: "entity",
              value: props.entity,
            }
          : undefined;
      }
      const found: Finding[] = [];
      for (const field of ["predefinedAcl", "defaultAcl"]) {
        if (isPublicPredefinedAcl(props[field])) {
          found.push({ message: `${field} is "${String(props[field])}"`, path: field, value: props[field] });
        }
      }
      const entities = () =>
        publicItems(
          () => asList(props.roleEntities as unknown[]),
          (e) => isPublicPrincipal(String(e).split(":").slice(1).join(":")),
          (e, i) => ({
            message: `roleEntities[${i}] "${String(e)}" is public`,
            path: `roleEntities[${i}]`,
            value: e,
          }),
        );
      // A public canned ACL is reported even while the role entities are unknown until deploy.
      return found.concat(found.length > 0 ? known(entities, []) : entities());
    },
  });
