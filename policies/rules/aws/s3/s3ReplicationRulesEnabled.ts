import { inline, joinPath, replicationRules, S3 } from "../../../lib/aws";
import { Finding, resourceRule } from "../../../lib/rule";

/** A replication configuration must have enabled rules, and replicate KMS-encrypted objects encrypted. */
export const s3ReplicationRulesEnabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.replication, ...S3.bucket],
    summary:
      "S3 replication is configured but disabled, or skips KMS-encrypted objects, so the replica is incomplete.",
    description:
      "An S3 replication configuration has no enabled rule, or a rule that does not replicate KMS-encrypted " +
      "objects with a replica key. The data then exists in one region only, and a regional outage or a " +
      "deleted bucket loses it although the program looks replicated.",
    remediation:
      'Set every rule\'s status to "Enabled"; set sourceSelectionCriteria.sseKmsEncryptedObjects.status "Enabled" ' +
      "and destination.encryptionConfiguration.replicaKmsKeyId to a key in the replica region.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      // A bucket's inline configurations (Bucket's one, BucketV2's list), or the split resource itself.
      const configs = S3.bucket.includes(type as (typeof S3.bucket)[number])
        ? inline(props, "replication")
        : [{ value: props, path: "" }];
      const problems: Finding[] = [];
      for (const config of configs) {
        const rules = replicationRules(config.value, config.path);
        if (rules.length === 0) {
          problems.push({
            message: "no replication rules",
            path: joinPath(config.path, "rules"),
            value: config.value.rules,
          });
        }
        rules.forEach(({ value: rule, path }, i) => {
          const id = rule.id ?? `#${i}`;
          if (rule.status !== "Enabled") {
            problems.push({
              message: `rule ${id} status is ${JSON.stringify(rule.status)}`,
              path: `${path}.status`,
              value: rule.status,
            });
          }
          if (rule.sseKms.value === false) {
            problems.push({
              message: `rule ${id} skips KMS-encrypted objects (sseKmsEncryptedObjects Disabled)`,
              path: rule.sseKms.path,
              value: rule.sseKms.observed,
            });
          }
          if (rule.sseKms.value === true && !rule.replicaKmsKeyId.value) {
            problems.push({
              message: `rule ${id} replicates KMS-encrypted objects without destination.encryptionConfiguration.replicaKmsKeyId`,
              path: rule.replicaKmsKeyId.path,
              value: rule.replicaKmsKeyId.value,
            });
          }
        });
      }
      return problems;
    },
  });
