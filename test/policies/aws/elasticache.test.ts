import { elasticacheAuthRequired } from "../../../policies/rules/aws/elasticache/elasticacheAuthRequired";
import { elasticacheEncryptionAtRest } from "../../../policies/rules/aws/elasticache/elasticacheEncryptionAtRest";
import { elasticacheEncryptionInTransit } from "../../../policies/rules/aws/elasticache/elasticacheEncryptionInTransit";
import { elasticacheMultiAz } from "../../../policies/rules/aws/elasticache/elasticacheMultiAz";
import { elasticacheSnapshotRetention } from "../../../policies/rules/aws/elasticache/elasticacheSnapshotRetention";
import { describeRule, unknown } from "../helpers";

const type = "aws:elasticache/replicationGroup:ReplicationGroup";
const CLUSTER = "aws:elasticache/cluster:Cluster";

describeRule(elasticacheEncryptionAtRest, {
  type,
  compliant: [
    {
      name: "passes redis with at-rest encryption on",
      props: { engine: "redis", atRestEncryptionEnabled: true },
    },
    { name: "passes valkey by the provider default (true for valkey)", props: { engine: "valkey" } },
  ],
  violating: [
    {
      name: "fails redis by the provider default (false for redis)",
      props: { engine: "redis" },
      message: 'engine "redis" defaults to false',
    },
    { name: "fails with no engine (redis is the default engine)", props: {}, message: "defaults to false" },
    {
      name: "fails valkey with at-rest encryption turned off",
      props: { engine: "valkey", atRestEncryptionEnabled: false },
      message: "is false",
    },
    {
      name: "fails a standalone cache cluster",
      type: CLUSTER,
      props: { engine: "redis" },
      message: "standalone",
    },
    {
      name: "fails a replication group with its own replicationGroupId and encryption off",
      props: { replicationGroupId: "features", atRestEncryptionEnabled: false },
      message: "atRestEncryptionEnabled is false",
    },
  ],
  notApplicable: [
    {
      name: "defers a group member cluster to its group",
      type: CLUSTER,
      props: { replicationGroupId: "rg" },
    },
  ],
  unknown: [
    {
      name: "skips when the flag is unknown",
      props: { engine: "redis", atRestEncryptionEnabled: unknown.boolean },
    },
    { name: "skips when the engine is unknown and the flag unset", props: { engine: unknown.string } },
  ],
});

describeRule(elasticacheEncryptionInTransit, {
  type,
  compliant: [
    {
      name: "passes with transit encryption required",
      props: { transitEncryptionEnabled: true, transitEncryptionMode: "required" },
    },
    { name: "passes valkey by the provider default", props: { engine: "valkey" } },
  ],
  violating: [
    { name: "fails redis by the provider default", props: { engine: "redis" }, message: "defaults to false" },
    { name: "fails when off", props: { transitEncryptionEnabled: false }, message: "is false" },
    {
      name: 'fails in "preferred" mode',
      props: { transitEncryptionEnabled: true, transitEncryptionMode: "preferred" },
      message: "preferred",
    },
    {
      name: "fails a standalone memcached cluster without TLS",
      type: CLUSTER,
      props: { engine: "memcached" },
    },
    {
      name: "fails a replication group that names itself with replicationGroupId (its id, not membership)",
      props: { replicationGroupId: "features", engine: "redis", transitEncryptionEnabled: false },
      message: "transitEncryptionEnabled is false",
    },
  ],
  notApplicable: [
    { name: "defers a group member to its group", type: CLUSTER, props: { replicationGroupId: "rg" } },
  ],
  unknown: [{ name: "skips when the flag is unknown", props: { transitEncryptionEnabled: unknown.boolean } }],
});

describeRule(elasticacheAuthRequired, {
  type,
  compliant: [
    { name: "passes with an auth token", props: { authToken: "s3cr3t-token-of-length" } },
    { name: "passes with RBAC user groups", props: { userGroupIds: ["ug"] } },
  ],
  violating: [
    { name: "fails with neither (the default)", props: {}, message: "neither authToken nor userGroupIds" },
    { name: "fails with an empty token and no groups", props: { authToken: "", userGroupIds: [] } },
    {
      name: "fails a replication group with its own replicationGroupId and no auth",
      props: { replicationGroupId: "features" },
      message: "neither authToken nor userGroupIds",
    },
    {
      name: "fails a standalone redis cluster",
      type: CLUSTER,
      props: { engine: "redis" },
      message: "standalone",
    },
  ],
  notApplicable: [
    { name: "does not judge memcached clusters", type: CLUSTER, props: { engine: "memcached" } },
    { name: "defers a group member to its group", type: CLUSTER, props: { replicationGroupId: "rg" } },
  ],
  unknown: [{ name: "skips when the token is unknown", props: { authToken: unknown.string } }],
});

describeRule(elasticacheSnapshotRetention, {
  type,
  compliant: [
    { name: "passes with the minimum (1 day by default)", props: { snapshotRetentionLimit: 1 } },
    {
      name: "passes a configured 7-day minimum with 7 days",
      props: { snapshotRetentionLimit: 7 },
      config: { minimumRetentionDays: 7 },
    },
  ],
  violating: [
    { name: "fails with the provider default (0: no snapshots)", props: {}, message: "0 day(s)" },
    {
      name: "fails below the configured minimum",
      props: { snapshotRetentionLimit: 3 },
      config: { minimumRetentionDays: 7 },
      message: "at least 7",
    },
    { name: "fails a standalone redis cluster without snapshots", type: CLUSTER, props: { engine: "redis" } },
    {
      name: "fails a replication group with its own replicationGroupId and no snapshots",
      props: { replicationGroupId: "features" },
      message: "0 day(s)",
    },
  ],
  notApplicable: [{ name: "does not judge memcached", type: CLUSTER, props: { engine: "memcached" } }],
  unknown: [{ name: "skips when the limit is unknown", props: { snapshotRetentionLimit: unknown.number } }],
});

describeRule(elasticacheMultiAz, {
  type,
  compliant: [
    {
      name: "passes with Multi-AZ and automatic failover",
      props: { multiAzEnabled: true, automaticFailoverEnabled: true },
    },
  ],
  violating: [
    {
      name: "fails with the provider defaults (both false)",
      props: {},
      message: "multiAzEnabled is not true",
    },
    {
      name: "fails without automatic failover",
      props: { multiAzEnabled: true },
      message: "automaticFailoverEnabled",
    },
  ],
  notApplicable: [{ name: "does not judge standalone clusters", type: CLUSTER, props: {} }],
  unknown: [{ name: "skips when Multi-AZ is unknown", props: { multiAzEnabled: unknown.boolean } }],
});
