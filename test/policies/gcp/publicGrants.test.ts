import { evaluatePolicies, loadEnvironmentConfig } from "../../../policies/lib/evaluate";
import { allPolicies } from "../../../policies/policies";
import { gcsNoPublicIamGrant } from "../../../policies/rules/gcp/storage/gcsNoPublicIamGrant";
import { resourceFindings } from "../findingHelpers";
import { describeRule, unknown } from "../helpers";

const MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
const BINDING = "gcp:storage/bucketIAMBinding:BucketIAMBinding";
const POLICY = "gcp:storage/bucketIAMPolicy:BucketIAMPolicy";
const FOLDER_MEMBER = "gcp:storage/managedFolderIamMember:ManagedFolderIamMember";
const BUCKET_AC = "gcp:storage/bucketAccessControl:BucketAccessControl";
const DEFAULT_OBJECT_AC = "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl";
const OBJECT_AC = "gcp:storage/objectAccessControl:ObjectAccessControl";
const BUCKET_ACL = "gcp:storage/bucketACL:BucketACL";
const OBJECT_ACL = "gcp:storage/objectACL:ObjectACL";
const DEFAULT_OBJECT_ACL = "gcp:storage/defaultObjectACL:DefaultObjectACL";
const VIEWER = "roles/storage.objectViewer";
const policyData = (members: string[]) => JSON.stringify({ bindings: [{ role: VIEWER, members }] });

describeRule(gcsNoPublicIamGrant, {
  type: MEMBER,
  compliant: [
    {
      name: "passes a member that is a group",
      props: { bucket: "b", role: VIEWER, member: "group:data@example.com" },
    },
    {
      name: "passes a binding of named principals",
      type: BINDING,
      props: {
        bucket: "b",
        role: VIEWER,
        members: ["user:a@example.com", "serviceAccount:x@p.iam.gserviceaccount.com"],
      },
    },
    {
      name: "passes a policy without public members",
      type: POLICY,
      props: { bucket: "b", policyData: policyData(["group:g@example.com"]) },
    },
    {
      name: "passes a private ACL entry",
      type: BUCKET_AC,
      props: { bucket: "b", entity: "group-data@example.com", role: "READER" },
    },
    {
      name: "passes a private canned ACL and role entities",
      type: BUCKET_ACL,
      props: { bucket: "b", predefinedAcl: "projectPrivate", roleEntities: ["OWNER:project-owners-123"] },
    },
  ],
  violating: [
    {
      name: "fails an IAM member allUsers",
      props: { bucket: "b", role: VIEWER, member: "allUsers" },
      message: 'member "allUsers" is public (role roles/storage.objectViewer)',
    },
    {
      name: "fails an IAM member allAuthenticatedUsers",
      props: { bucket: "b", role: VIEWER, member: "allAuthenticatedUsers" },
    },
    {
      name: "fails a public managed-folder IAM member",
      type: FOLDER_MEMBER,
      props: { bucket: "b", managedFolder: "f/", role: VIEWER, member: "allUsers" },
    },
    {
      name: "fails a binding that includes allUsers",
      type: BINDING,
      props: { bucket: "b", role: VIEWER, members: ["group:g@example.com", "allUsers"] },
      message: 'members[1] "allUsers" is public',
    },
    {
      name: "fails a binding with a public member beside one unknown until deploy",
      type: BINDING,
      props: { bucket: "b", role: VIEWER, members: [unknown.string, "allAuthenticatedUsers"] },
    },
    {
      name: "fails a policy that grants allUsers",
      type: POLICY,
      props: { bucket: "b", policyData: policyData(["allUsers"]) },
      message: 'policyData grants roles/storage.objectViewer to "allUsers"',
    },
    {
      name: "fails a bucket ACL entry for allUsers",
      type: BUCKET_AC,
      props: { bucket: "b", entity: "allUsers", role: "READER" },
      message: 'entity is "allUsers"',
    },
    {
      name: "fails a default object ACL entry for allAuthenticatedUsers",
      type: DEFAULT_OBJECT_AC,
      props: { bucket: "b", entity: "allAuthenticatedUsers", role: "READER" },
    },
    {
      name: "fails an object ACL entry for allUsers",
      type: OBJECT_AC,
      props: { bucket: "b", object: "o", entity: "allUsers", role: "READER" },
    },
    {
      name: "fails a bucket ACL with a public canned ACL",
      type: BUCKET_ACL,
      props: { bucket: "b", predefinedAcl: "publicRead" },
      message: 'predefinedAcl is "publicRead"',
    },
    {
      name: "fails a bucket ACL whose default object ACL is public",
      type: BUCKET_ACL,
      props: { bucket: "b", defaultAcl: "authenticatedRead" },
    },
    {
      name: "fails an object ACL role entity for allUsers",
      type: OBJECT_ACL,
      props: { bucket: "b", object: "o", roleEntities: ["READER:allUsers"] },
      message: 'roleEntities[0] "READER:allUsers" is public',
    },
    {
      name: "fails a default object ACL role entity for allAuthenticatedUsers",
      type: DEFAULT_OBJECT_ACL,
      props: { bucket: "b", roleEntities: ["OWNER:user-a@example.com", "READER:allAuthenticatedUsers"] },
    },
  ],
  notApplicable: [
    { name: "does not judge a bucket", type: "gcp:storage/bucket:Bucket", props: {} },
    {
      name: "does not judge a project IAM member",
      type: "gcp:projects/iAMMember:IAMMember",
      props: { member: "allUsers" },
    },
    {
      name: "does not judge a policy whose JSON the provider would reject",
      type: POLICY,
      props: { bucket: "b", policyData: "{" },
    },
  ],
  unknown: [
    { name: "skips an unknown member", props: { bucket: "b", role: VIEWER, member: unknown.string } },
    {
      name: "skips a binding whose only other member is unknown",
      type: BINDING,
      props: { bucket: "b", role: VIEWER, members: ["group:g@example.com", unknown.string] },
    },
    { name: "skips an unknown policy", type: POLICY, props: { bucket: "b", policyData: unknown.string } },
  ],
});

describe("gcsNoPublicIamGrant findings", () => {
  const rule = gcsNoPublicIamGrant();
  it("names the member path and value of a public IAM member", () => {
    expect(resourceFindings(rule, MEMBER, { bucket: "b", role: VIEWER, member: "allUsers" })).toEqual([
      {
        message: 'member "allUsers" is public (role roles/storage.objectViewer)',
        path: "member",
        value: "allUsers",
      },
    ]);
  });
  it("names the binding and member index inside policyData", () => {
    const data = JSON.stringify({
      bindings: [
        { role: "roles/x", members: ["user:a@example.com"] },
        { role: VIEWER, members: ["user:b@example.com", "allAuthenticatedUsers"] },
      ],
    });
    expect(resourceFindings(rule, POLICY, { bucket: "b", policyData: data })).toEqual([
      {
        message: 'policyData grants roles/storage.objectViewer to "allAuthenticatedUsers"',
        path: "policyData.bindings[1].members[1]",
        value: "allAuthenticatedUsers",
      },
    ]);
  });
  it("reports a public canned ACL while the role entities are unknown until deploy", () => {
    expect(
      resourceFindings(rule, BUCKET_ACL, {
        bucket: "b",
        predefinedAcl: "publicRead",
        roleEntities: [unknown.string],
      }),
    ).toEqual([{ message: 'predefinedAcl is "publicRead"', path: "predefinedAcl", value: "publicRead" }]);
  });
  it("names each public ACL setting", () => {
    expect(
      resourceFindings(rule, BUCKET_ACL, {
        bucket: "b",
        predefinedAcl: "publicReadWrite",
        roleEntities: ["READER:allUsers"],
      }),
    ).toEqual([
      { message: 'predefinedAcl is "publicReadWrite"', path: "predefinedAcl", value: "publicReadWrite" },
      {
        message: 'roleEntities[0] "READER:allUsers" is public',
        path: "roleEntities[0]",
        value: "READER:allUsers",
      },
    ]);
  });
});

describe("the pack on a public bucket grant", () => {
  it("reports a mandatory violation in both environments", async () => {
    const resources = [
      { type: MEMBER, name: "public-read", props: { bucket: "b", role: VIEWER, member: "allUsers" } },
    ];
    for (const env of ["dev", "prod"] as const) {
      const { violations } = await evaluatePolicies(allPolicies(), resources, loadEnvironmentConfig(env));
      expect(violations.map((v) => [v.rule, v.level])).toEqual([["gcsNoPublicIamGrant", "mandatory"]]);
    }
  });
});
