/**
 * Every AWS rule's findings carry the input property path that is wrong and the value observed
 * there (undefined when unset): one case per rule at least, compared exactly.
 */
import { ResourceDescriptor } from "../../../policies/lib/evaluate";
import { Finding, SeawallPolicy } from "../../../policies/lib/rule";
import { awsPolicies } from "../../../policies/rules/aws/index";
import { resourceFindings, stackFindings } from "../awsFindings";

const policies = new Map(awsPolicies().map((p) => [p.name, p]));
const rule = (name: string): SeawallPolicy => policies.get(name)!;

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const CLUSTER = "aws:elasticache/cluster:Cluster";
const MSK = "aws:msk/cluster:Cluster";
const RDS = "aws:rds/instance:Instance";

interface ResourceCase {
  rule: string;
  type: string;
  props: Record<string, unknown>;
  config?: Record<string, unknown>;
  provider?: Record<string, unknown>;
  expected: Finding[];
}

const resourceCases: ResourceCase[] = [
  {
    rule: "s3BucketVersioningEnabled",
    type: "aws:s3/bucketVersioning:BucketVersioning",
    props: { versioningConfiguration: { status: "Suspended" } },
    expected: [
      {
        message: 'versioningConfiguration.status is "Suspended", not "Enabled"',
        path: "versioningConfiguration.status",
        value: "Suspended",
      },
    ],
  },
  {
    rule: "s3BucketVersioningEnabled",
    type: BUCKET_V2,
    props: { versionings: [{ enabled: false }] },
    expected: [
      { message: "inline versioning.enabled is false", path: "versionings[0].enabled", value: false },
    ],
  },
  {
    rule: "s3BucketPublicAccessBlocked",
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    props: {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: false,
    },
    expected: [{ message: "not true: restrictPublicBuckets", path: "restrictPublicBuckets", value: false }],
  },
  {
    rule: "s3BucketTlsOnlyPolicy",
    type: "aws:s3/bucketPolicy:BucketPolicy",
    props: { policy: "{not json" },
    expected: [{ message: "the policy is not a JSON policy document", path: "policy", value: "{not json" }],
  },
  {
    rule: "s3BucketNoPublicAcl",
    type: "aws:s3/bucketAclV2:BucketAclV2",
    props: {
      acl: "public-read",
      accessControlPolicy: {
        grants: [
          { grantee: { type: "CanonicalUser", id: "abc" }, permission: "READ" },
          {
            grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
            permission: "READ",
          },
        ],
      },
    },
    expected: [
      { message: 'canned ACL "public-read"', path: "acl", value: "public-read" },
      {
        message: "a grant to http://acs.amazonaws.com/groups/global/AllUsers",
        path: "accessControlPolicy.grants[1].grantee.uri",
        value: "http://acs.amazonaws.com/groups/global/AllUsers",
      },
    ],
  },
  {
    rule: "s3BucketNoPublicAcl",
    type: BUCKET_V2,
    props: {
      grants: [
        {
          type: "Group",
          uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
          permissions: ["READ"],
        },
      ],
    },
    expected: [
      {
        message: "a grant to http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
        path: "grants[0].uri",
        value: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
      },
    ],
  },
  {
    rule: "s3BucketOwnerEnforced",
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    props: { rule: { objectOwnership: "ObjectWriter" } },
    expected: [
      {
        message: 'rule.objectOwnership is "ObjectWriter"',
        path: "rule.objectOwnership",
        value: "ObjectWriter",
      },
    ],
  },
  {
    rule: "s3ReplicationRulesEnabled",
    type: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    props: {
      rules: [
        {
          id: "all",
          status: "Disabled",
          destination: { bucket: "arn:aws:s3:::replica" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        },
      ],
    },
    expected: [
      { message: 'rule all status is "Disabled"', path: "rules[0].status", value: "Disabled" },
      {
        message:
          "rule all replicates KMS-encrypted objects without destination.encryptionConfiguration.replicaKmsKeyId",
        path: "rules[0].destination.encryptionConfiguration.replicaKmsKeyId",
        value: undefined,
      },
    ],
  },
  {
    rule: "s3ReplicationRulesEnabled",
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
              sourceSelectionCriterias: [{ sseKmsEncryptedObjects: [{ enabled: false }] }],
            },
          ],
        },
      ],
    },
    expected: [
      {
        message: "rule v2 skips KMS-encrypted objects (sseKmsEncryptedObjects Disabled)",
        path: "replicationConfigurations[0].rules[0].sourceSelectionCriterias[0].sseKmsEncryptedObjects[0].enabled",
        value: false,
      },
    ],
  },
  {
    rule: "s3ReplicationRulesEnabled",
    type: BUCKET,
    props: { replicationConfiguration: { role: "r", rules: [] } },
    expected: [{ message: "no replication rules", path: "replicationConfiguration.rules", value: [] }],
  },
  {
    rule: "mskEncryptionAtRestCmk",
    type: MSK,
    props: { encryptionInfo: {} },
    expected: [
      {
        message:
          "encryptionInfo.encryptionAtRestKmsKeyArn is not set (the default is the AWS-managed aws/kafka key)",
        path: "encryptionInfo.encryptionAtRestKmsKeyArn",
        value: undefined,
      },
    ],
  },
  {
    rule: "mskTlsInTransit",
    type: MSK,
    props: { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT", inCluster: false } } },
    expected: [
      {
        message: 'encryptionInTransit.clientBroker is "TLS_PLAINTEXT"',
        path: "encryptionInfo.encryptionInTransit.clientBroker",
        value: "TLS_PLAINTEXT",
      },
      {
        message: "encryptionInTransit.inCluster is false",
        path: "encryptionInfo.encryptionInTransit.inCluster",
        value: false,
      },
    ],
  },
  {
    rule: "mskClientAuthentication",
    type: MSK,
    props: { clientAuthentication: { unauthenticated: true } },
    expected: [
      {
        message: "clientAuthentication.unauthenticated is true",
        path: "clientAuthentication.unauthenticated",
        value: true,
      },
    ],
  },
  {
    rule: "mskNoPublicAccess",
    type: MSK,
    props: { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } } } },
    expected: [
      {
        message: 'connectivityInfo.publicAccess.type is "SERVICE_PROVIDED_EIPS"',
        path: "brokerNodeGroupInfo.connectivityInfo.publicAccess.type",
        value: "SERVICE_PROVIDED_EIPS",
      },
    ],
  },
  {
    rule: "mskBrokerLogsEnabled",
    type: MSK,
    props: { loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: false } } } },
    expected: [
      {
        message: "loggingInfo.brokerLogs has no enabled destination",
        path: "loggingInfo.brokerLogs",
        value: { cloudwatchLogs: { enabled: false } },
      },
    ],
  },
  {
    rule: "elasticacheEncryptionAtRest",
    type: GROUP,
    props: { engine: "redis" },
    expected: [
      {
        message: 'atRestEncryptionEnabled is unset and engine "redis" defaults to false',
        path: "atRestEncryptionEnabled",
        value: undefined,
      },
    ],
  },
  {
    rule: "elasticacheEncryptionAtRest",
    type: CLUSTER,
    props: { engine: "redis" },
    expected: [
      {
        message: "a standalone cache cluster cannot encrypt at rest; use a replication group",
        path: "replicationGroupId",
        value: undefined,
      },
    ],
  },
  {
    rule: "elasticacheEncryptionInTransit",
    type: GROUP,
    props: {
      replicationGroupId: "features",
      transitEncryptionEnabled: true,
      transitEncryptionMode: "preferred",
    },
    expected: [
      {
        message: 'transitEncryptionMode is "preferred", which still accepts plaintext clients',
        path: "transitEncryptionMode",
        value: "preferred",
      },
    ],
  },
  {
    rule: "elasticacheAuthRequired",
    type: GROUP,
    props: { authToken: "" },
    expected: [{ message: "neither authToken nor userGroupIds is set", path: "authToken", value: "" }],
  },
  {
    rule: "elasticacheSnapshotRetention",
    type: GROUP,
    props: { snapshotRetentionLimit: 3 },
    config: { minimumRetentionDays: 7 },
    expected: [
      {
        message: "snapshotRetentionLimit is 3 day(s); at least 7 required",
        path: "snapshotRetentionLimit",
        value: 3,
      },
    ],
  },
  {
    rule: "elasticacheMultiAz",
    type: GROUP,
    props: { multiAzEnabled: true, automaticFailoverEnabled: false },
    expected: [
      { message: "automaticFailoverEnabled is not true", path: "automaticFailoverEnabled", value: false },
    ],
  },
  {
    rule: "rdsStorageEncrypted",
    type: RDS,
    props: { storageEncrypted: false },
    expected: [{ message: "storageEncrypted is not true", path: "storageEncrypted", value: false }],
  },
  {
    rule: "rdsEncryptedWithCmk",
    type: RDS,
    props: { storageEncrypted: true },
    expected: [
      {
        message: "kmsKeyId is not set (the default is the AWS-managed aws/rds key)",
        path: "kmsKeyId",
        value: undefined,
      },
    ],
  },
  {
    rule: "rdsBackupRetention",
    type: RDS,
    props: {},
    expected: [
      {
        message: "backupRetentionPeriod is 1 day(s) (the AWS default); at least 7 required",
        path: "backupRetentionPeriod",
        value: undefined,
      },
    ],
  },
  {
    rule: "rdsDeletionProtection",
    type: RDS,
    props: {},
    expected: [{ message: "deletionProtection is not true", path: "deletionProtection", value: undefined }],
  },
  {
    rule: "rdsNotPubliclyAccessible",
    type: RDS,
    props: { publiclyAccessible: true },
    expected: [{ message: "publiclyAccessible is true", path: "publiclyAccessible", value: true }],
  },
  {
    rule: "ebsVolumeEncrypted",
    type: "aws:ebs/volume:Volume",
    props: { size: 10 },
    expected: [{ message: "encrypted is not true", path: "encrypted", value: undefined }],
  },
  {
    rule: "ebsVolumeEncrypted",
    type: "aws:ebs/encryptionByDefault:EncryptionByDefault",
    props: { enabled: false },
    expected: [
      {
        message: "enabled is false: new EBS volumes in this region are not encrypted by default",
        path: "enabled",
        value: false,
      },
    ],
  },
  {
    rule: "kmsKeyRotationEnabled",
    type: "aws:kms/key:Key",
    props: { enableKeyRotation: true, rotationPeriodInDays: 730 },
    expected: [
      {
        message: "rotationPeriodInDays is 730; at most 365 allowed",
        path: "rotationPeriodInDays",
        value: 730,
      },
    ],
  },
  {
    rule: "kmsKeyRotationEnabled",
    type: "aws:kms/key:Key",
    props: {},
    expected: [{ message: "enableKeyRotation is not true", path: "enableKeyRotation", value: undefined }],
  },
  {
    rule: "backupVaultCmk",
    type: "aws:backup/vault:Vault",
    props: { kmsKeyArn: "" },
    expected: [
      {
        message: "kmsKeyArn is not set (the default is the AWS-managed aws/backup key)",
        path: "kmsKeyArn",
        value: "",
      },
    ],
  },
  {
    rule: "snsTopicEncrypted",
    type: "aws:sns/topic:Topic",
    props: {},
    expected: [{ message: "kmsMasterKeyId is not set", path: "kmsMasterKeyId", value: undefined }],
  },
  {
    rule: "sqsQueueEncrypted",
    type: "aws:sqs/queue:Queue",
    props: { sqsManagedSseEnabled: false },
    expected: [
      {
        message: "sqsManagedSseEnabled is false and no kmsMasterKeyId is set",
        path: "sqsManagedSseEnabled",
        value: false,
      },
    ],
  },
  {
    rule: "logGroupEncrypted",
    type: "aws:cloudwatch/logGroup:LogGroup",
    props: { kmsKeyId: "" },
    expected: [{ message: "kmsKeyId is not set", path: "kmsKeyId", value: "" }],
  },
  {
    rule: "logGroupRetention",
    type: "aws:cloudwatch/logGroup:LogGroup",
    props: { retentionInDays: 7 },
    expected: [{ message: "retentionInDays is 7; at least 30 required", path: "retentionInDays", value: 7 }],
  },
  {
    rule: "awsAllowedRegions",
    type: "aws:s3/bucket:Bucket",
    props: {},
    provider: { region: "eu-west-1" },
    config: { allowedRegions: ["us-east-1"] },
    expected: [
      { message: 'region "eu-west-1" is not one of us-east-1', path: "provider.region", value: "eu-west-1" },
    ],
  },
  {
    rule: "awsAllowedRegions",
    type: "aws:s3/bucket:Bucket",
    props: { region: "ap-south-1" },
    provider: { region: "us-east-1" },
    config: { allowedRegions: ["us-east-1"] },
    expected: [
      { message: 'region "ap-south-1" is not one of us-east-1', path: "region", value: "ap-south-1" },
    ],
  },
  {
    rule: "awsRequiredTags",
    type: "aws:sqs/queue:Queue",
    props: { tags: { owner: "data" } },
    config: { requiredTags: ["owner", "seawall:environment"] },
    expected: [
      {
        message: "missing tag(s): seawall:environment",
        path: 'tags["seawall:environment"]',
        value: undefined,
      },
    ],
  },
];

const urn = (type: string, name: string) => `urn:pulumi:test::p::${type}::${name}`;
const res = (
  type: string,
  name: string,
  props: Record<string, unknown> = {},
  deps: Record<string, string[]> = {},
): ResourceDescriptor => ({ type, name, urn: urn(type, name), props, propertyDependencies: deps });
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const data = res(BUCKET, "data");

interface StackCase {
  rule: string;
  resources: ResourceDescriptor[];
  expected: { urn: string; message: string; path?: string; value?: unknown }[];
}

const stackCases: StackCase[] = [
  {
    rule: "s3BucketEncryptedWithCmk",
    resources: [
      data,
      res(
        SSE,
        "data-sse",
        { bucket: "d", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
        { bucket: [data.urn!] },
      ),
      res(BUCKET_V2, "v2", {
        serverSideEncryptionConfigurations: [
          {
            rules: [
              {
                applyServerSideEncryptionByDefaults: [
                  { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" },
                ],
              },
            ],
          },
        ],
      }),
      res(BUCKET, "bare"),
    ],
    expected: [
      {
        urn: urn(SSE, "data-sse"),
        message:
          "bucket data is encrypted with SSE-KMS without kmsMasterKeyId (the AWS-managed aws/s3 key), not a customer-managed KMS key",
        path: "rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId",
        value: undefined,
      },
      {
        urn: urn(BUCKET_V2, "v2"),
        message:
          "bucket v2 is encrypted with the AWS-managed key alias/aws/s3, not a customer-managed KMS key",
        path: "serverSideEncryptionConfigurations[0].rules[0].applyServerSideEncryptionByDefaults[0].kmsMasterKeyId",
        value: "alias/aws/s3",
      },
      {
        urn: urn(BUCKET, "bare"),
        message:
          "bucket bare has no default-encryption configuration, so S3 uses SSE-S3 with an AWS-owned key",
        path: "serverSideEncryptionConfiguration",
        value: undefined,
      },
    ],
  },
  ...(
    [
      ["s3BucketVersioningAttached", "versioning (aws.s3.BucketVersioning)", "versioning"],
      [
        "s3BucketEncryptionAttached",
        "default encryption (aws.s3.BucketServerSideEncryptionConfiguration)",
        "serverSideEncryptionConfiguration",
      ],
      [
        "s3BucketPublicAccessBlockAttached",
        "public access block (aws.s3.BucketPublicAccessBlock)",
        undefined,
      ],
      ["s3BucketPolicyAttached", "bucket policy (aws.s3.BucketPolicy)", "policy"],
    ] as const
  ).map(([name, label, path]) => ({
    rule: name,
    resources: [data],
    expected: [{ urn: data.urn!, message: `bucket data is missing: ${label}`, path, value: undefined }],
  })),
  {
    rule: "s3BucketReplicatesInProduction",
    resources: [data],
    expected: [
      {
        urn: data.urn!,
        message: "bucket data has no replication configuration",
        path: "replicationConfiguration",
        value: undefined,
      },
    ],
  },
  {
    rule: "awsBackupCoversStatefulResources",
    resources: [res("aws:dynamodb/table:Table", "t", { tags: { team: "data" } })],
    expected: [
      {
        urn: urn("aws:dynamodb/table:Table", "t"),
        message: "Table t is not selected by any AWS Backup selection",
        path: "tags",
        value: { team: "data" },
      },
    ],
  },
];

describe("AWS rules' structured findings", () => {
  it.each(resourceCases.map((c) => [`${c.rule} on ${c.type}`, c] as const))("%s", (_name, c) => {
    expect(resourceFindings(rule(c.rule), c.type, c.props, c.config, c.provider)).toEqual(c.expected);
  });

  it.each(stackCases.map((c) => [c.rule, c] as const))("%s", (_name, c) => {
    expect(stackFindings(rule(c.rule), c.resources)).toEqual(c.expected);
  });

  it("has a case for every AWS rule", () => {
    const covered = new Set([...resourceCases, ...stackCases].map((c) => c.rule));
    expect([...policies.keys()].filter((name) => !covered.has(name))).toEqual([]);
  });

  it("reports the key of the first missing tag as a dotted path when it is an identifier", () => {
    expect(
      resourceFindings(rule("awsRequiredTags"), "aws:sqs/queue:Queue", {}, { requiredTags: ["owner"] }),
    ).toEqual([{ message: "missing tag(s): owner", path: "tags.owner", value: undefined }]);
  });
});
