import { s3BucketNoPublicAcl } from "../../../policies/rules/aws/s3/s3BucketNoPublicAcl";
import { s3BucketOwnerEnforced } from "../../../policies/rules/aws/s3/s3BucketOwnerEnforced";
import { s3BucketPublicAccessBlocked } from "../../../policies/rules/aws/s3/s3BucketPublicAccessBlocked";
import { s3BucketTlsOnlyPolicy } from "../../../policies/rules/aws/s3/s3BucketTlsOnlyPolicy";
import { s3BucketVersioningEnabled } from "../../../policies/rules/aws/s3/s3BucketVersioningEnabled";
import { s3ReplicationRulesEnabled } from "../../../policies/rules/aws/s3/s3ReplicationRulesEnabled";
import { describeRule, unknown } from "../helpers";

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";

describeRule(s3BucketVersioningEnabled, {
  type: "aws:s3/bucketVersioning:BucketVersioning",
  compliant: [
    {
      name: "passes when status is Enabled",
      props: { bucket: "b", versioningConfiguration: { status: "Enabled" } },
    },
    {
      name: "passes on the aliased BucketVersioningV2 token",
      type: "aws:s3/bucketVersioningV2:BucketVersioningV2",
      props: { bucket: "b", versioningConfiguration: { status: "Enabled" } },
    },
    { name: "leaves a bucket without inline versioning to the stack rule", type: BUCKET, props: {} },
    {
      name: "passes a legacy bucket with inline versioning enabled",
      type: BUCKET_V2,
      props: { versioning: { enabled: true } },
    },
    {
      name: "passes a BucketV2 with its versionings list enabled",
      type: BUCKET_V2,
      props: { versionings: [{ enabled: true }] },
    },
  ],
  violating: [
    {
      name: "fails if versioning is Suspended",
      props: { versioningConfiguration: { status: "Suspended" } },
      message: '"Suspended"',
    },
    {
      name: "fails if versioning is Disabled",
      props: { versioningConfiguration: { status: "Disabled" } },
      message: "Disabled",
    },
    {
      name: "fails on the aliased token when suspended",
      type: "aws:s3/bucketVersioningV2:BucketVersioningV2",
      props: { versioningConfiguration: { status: "Suspended" } },
    },
    { name: "fails if the status is missing", props: { versioningConfiguration: {} }, message: "undefined" },
    {
      name: "fails on a bucket with inline versioning.enabled false",
      type: BUCKET,
      props: { versioning: { enabled: false } },
    },
    {
      name: "fails on a BucketV2 whose versionings list disables versioning",
      type: BUCKET_V2,
      props: { versionings: [{ enabled: false }] },
      message: "inline versioning.enabled is false",
    },
  ],
  unknown: [
    {
      name: "skips when the status is unknown",
      props: { versioningConfiguration: { status: unknown.string } },
    },
    {
      name: "skips when the whole configuration is unknown",
      props: { versioningConfiguration: unknown.object },
    },
  ],
});

describeRule(s3BucketPublicAccessBlocked, {
  type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  compliant: [
    {
      name: "passes when all four flags are true",
      props: {
        bucket: "b",
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
    {
      name: "passes an account-level block with all four flags",
      type: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
      props: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
  ],
  violating: [
    {
      name: "fails with the provider defaults (every flag false)",
      props: { bucket: "b" },
      message: "blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets",
    },
    {
      name: "fails if restrictPublicBuckets is false",
      props: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: false,
      },
      message: "not true: restrictPublicBuckets",
    },
    {
      name: "fails if blockPublicPolicy is left out",
      props: { blockPublicAcls: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      message: "not true: blockPublicPolicy",
    },
  ],
  notApplicable: [{ name: "does not judge the bucket itself", type: BUCKET, props: {} }],
  unknown: [
    {
      name: "skips when a flag is unknown",
      props: {
        blockPublicAcls: unknown.boolean,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
  ],
});

const tlsDeny = {
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};
describeRule(s3BucketTlsOnlyPolicy, {
  type: "aws:s3/bucketPolicy:BucketPolicy",
  compliant: [
    {
      name: "passes a JSON string policy that denies insecure transport",
      props: { policy: JSON.stringify({ Statement: [tlsDeny] }) },
    },
    {
      name: "passes an object policy with a boolean condition and an AWS * principal",
      props: {
        policy: {
          Statement: [
            { ...tlsDeny, Principal: { AWS: "*" }, Condition: { Bool: { "aws:SecureTransport": false } } },
          ],
        },
      },
    },
    { name: "leaves a bucket without an inline policy to its BucketPolicy", type: BUCKET, props: {} },
    {
      name: "passes a condition written in other case with a list value",
      props: {
        policy: JSON.stringify({
          Statement: [{ ...tlsDeny, Condition: { bool: { "aws:securetransport": ["false"] } } }],
        }),
      },
    },
  ],
  violating: [
    {
      name: "fails if the policy only allows",
      props: { policy: JSON.stringify({ Statement: [{ ...tlsDeny, Effect: "Allow" }] }) },
    },
    {
      name: "fails if the deny covers only GetObject",
      props: { policy: JSON.stringify({ Statement: [{ ...tlsDeny, Action: "s3:GetObject" }] }) },
    },
    {
      name: "fails if the deny is for one principal",
      props: {
        policy: JSON.stringify({ Statement: [{ ...tlsDeny, Principal: { AWS: "arn:aws:iam::1:root" } }] }),
      },
    },
    {
      name: "fails if the policy is not JSON",
      props: { policy: "{not json" },
      message: "not a JSON policy document",
    },
    {
      name: "fails a deny on SecureTransport true (denies only TLS)",
      props: {
        policy: JSON.stringify({
          Statement: [{ ...tlsDeny, Condition: { Bool: { "aws:SecureTransport": "true" } } }],
        }),
      },
    },
    {
      name: "fails on a bucket whose inline policy lacks the deny",
      type: BUCKET,
      props: { policy: JSON.stringify({ Statement: [] }) },
    },
  ],
  unknown: [{ name: "skips when the policy document is unknown", props: { policy: unknown.string } }],
});

describeRule(s3BucketNoPublicAcl, {
  type: "aws:s3/bucketAcl:BucketAcl",
  compliant: [
    { name: "passes a private ACL", props: { acl: "private" } },
    { name: "passes a bucket with no ACL (provider default: private)", type: BUCKET, props: {} },
    {
      name: "passes a grant to a canonical user",
      type: "aws:s3/bucketAclV2:BucketAclV2",
      props: {
        accessControlPolicy: {
          grants: [{ grantee: { type: "CanonicalUser", id: "abc" }, permission: "READ" }],
        },
      },
    },
  ],
  violating: [
    { name: "fails on public-read", props: { acl: "public-read" }, message: '"public-read"' },
    {
      name: "fails on public-read-write on the V2 alias",
      type: "aws:s3/bucketAclV2:BucketAclV2",
      props: { acl: "public-read-write" },
    },
    {
      name: "fails on authenticated-read inline on a bucket",
      type: BUCKET,
      props: { acl: "authenticated-read" },
    },
    {
      name: "fails on a grant to AllUsers",
      props: {
        accessControlPolicy: {
          grants: [
            {
              grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
              permission: "READ",
            },
          ],
        },
      },
      message: "AllUsers",
    },
    {
      name: "fails on an inline grant to AuthenticatedUsers",
      type: BUCKET,
      props: {
        grants: [
          {
            type: "Group",
            uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
            permissions: ["READ"],
          },
        ],
      },
    },
  ],
  unknown: [{ name: "skips when the ACL is unknown", props: { acl: unknown.string } }],
});

describeRule(s3BucketOwnerEnforced, {
  type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  compliant: [
    { name: "passes BucketOwnerEnforced", props: { rule: { objectOwnership: "BucketOwnerEnforced" } } },
  ],
  violating: [
    {
      name: "fails on ObjectWriter",
      props: { rule: { objectOwnership: "ObjectWriter" } },
      message: "ObjectWriter",
    },
    { name: "fails on BucketOwnerPreferred", props: { rule: { objectOwnership: "BucketOwnerPreferred" } } },
    { name: "fails when the rule is empty", props: { rule: {} } },
  ],
  notApplicable: [
    { name: "does not judge a bucket (S3's default is BucketOwnerEnforced)", type: BUCKET, props: {} },
  ],
  unknown: [
    { name: "skips when ownership is unknown", props: { rule: { objectOwnership: unknown.string } } },
  ],
});

const goodRule = {
  id: "all",
  status: "Enabled",
  destination: {
    bucket: "arn:aws:s3:::replica",
    encryptionConfiguration: { replicaKmsKeyId: "arn:aws:kms:us-west-2:1:key/k" },
  },
  sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
};
describeRule(s3ReplicationRulesEnabled, {
  type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  compliant: [
    {
      name: "passes an enabled rule that replicates KMS objects with a replica key",
      props: { rules: [goodRule] },
    },
    { name: "passes a bucket without inline replication", type: BUCKET, props: {} },
    {
      name: "passes an enabled inline rule",
      type: BUCKET_V2,
      props: { replicationConfiguration: { role: "r", rules: [goodRule] } },
    },
    {
      name: "passes a BucketV2 whose replicationConfigurations rule replicates KMS objects with a replica key",
      type: BUCKET_V2,
      props: {
        replicationConfigurations: [
          {
            role: "r",
            rules: [
              {
                id: "v2",
                status: "Enabled",
                destinations: [
                  { bucket: "arn:aws:s3:::replica", replicaKmsKeyId: "arn:aws:kms:us-west-2:1:key/k" },
                ],
                sourceSelectionCriterias: [{ sseKmsEncryptedObjects: [{ enabled: true }] }],
              },
            ],
          },
        ],
      },
    },
  ],
  violating: [
    {
      name: "fails if the rule is disabled",
      props: { rules: [{ ...goodRule, status: "Disabled" }] },
      message: "rule all status",
    },
    { name: "fails with no rules", props: { rules: [] }, message: "no replication rules" },
    {
      name: "fails if KMS-encrypted objects are skipped",
      props: {
        rules: [{ ...goodRule, sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Disabled" } } }],
      },
      message: "skips KMS-encrypted objects",
    },
    {
      name: "fails if KMS objects replicate without a replica key",
      props: { rules: [{ ...goodRule, destination: { bucket: "arn:aws:s3:::replica" } }] },
      message: "replicaKmsKeyId",
    },
    {
      name: "fails on a disabled inline rule",
      type: BUCKET,
      props: { replicationConfiguration: { role: "r", rules: [{ ...goodRule, status: "Disabled" }] } },
    },
    {
      name: "fails on a BucketV2 whose replicationConfigurations list has a disabled rule",
      type: BUCKET_V2,
      props: { replicationConfigurations: [{ role: "r", rules: [{ id: "v2", status: "Disabled" }] }] },
      message: 'rule v2 status is "Disabled"',
    },
    {
      name: "fails on an inline rule that skips KMS objects (sseKmsEncryptedObjects.enabled false)",
      type: BUCKET,
      props: {
        replicationConfiguration: {
          role: "r",
          rules: [
            {
              id: "legacy",
              status: "Enabled",
              destination: { bucket: "arn:aws:s3:::replica" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { enabled: false } },
            },
          ],
        },
      },
      message: "rule legacy skips KMS-encrypted objects",
    },
    {
      name: "fails on a BucketV2 rule replicating KMS objects without destinations[].replicaKmsKeyId",
      type: BUCKET_V2,
      props: {
        replicationConfigurations: [
          {
            role: "r",
            rules: [
              {
                id: "v2",
                status: "Enabled",
                destinations: [{ bucket: "arn:aws:s3:::replica" }],
                sourceSelectionCriterias: [{ sseKmsEncryptedObjects: [{ enabled: true }] }],
              },
            ],
          },
        ],
      },
      message: "rule v2 replicates KMS-encrypted objects without",
    },
  ],
  unknown: [
    {
      name: "skips when the replica key is unknown",
      props: { rules: [{ ...goodRule, destination: unknown.object }] },
    },
  ],
});
