import { accessLogTargets, byBucket, hasInline, isOf, replicationDestinations, S3 } from "../../../lib/aws";
import { known, stackRule, StackFinding } from "../../../lib/rule";

interface Config {
  exemptAccessLogBuckets: boolean;
}

/** In production every bucket (other than replicas and log buckets) replicates to another region. */
export const s3BucketReplicatesInProduction = () =>
  stackRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.replication],
    summary:
      "A production S3 bucket is not replicated, so a regional outage or a deleted bucket loses its data.",
    description:
      "An S3 bucket is not the source of an enabled replication configuration. Its data lives in one region: " +
      "a regional outage makes it unavailable, and a deleted bucket or key loses it. Replica buckets and " +
      "server-access-log buckets are exempt. Advisory by default; the prod config makes it mandatory.",
    remediation:
      "Add an aws.s3.BucketReplicationConfig with bucket: bucket.id and an enabled rule to a versioned, " +
      "KMS-encrypted bucket in another region (the Seawall ObjectStore does this with `replication`).",
    enforcementLevel: "advisory",
    severity: "high",
    config: {
      exemptAccessLogBuckets: {
        type: "boolean",
        default: true,
        description: "Do not require replication of buckets that only receive server access logs.",
      },
    },
    check: (resources, config) => {
      const findings: StackFinding[] = [];
      const replication = byBucket(resources, S3.replication);
      const destinations = replicationDestinations(resources);
      const logTargets = accessLogTargets(resources);
      for (const bucket of resources.filter(isOf(S3.bucket))) {
        if (destinations.has(bucket.urn)) continue;
        if (config.exemptAccessLogBuckets && logTargets.has(bucket.urn)) continue;
        const inlined = known(() => hasInline(bucket.props, "replication"), true);
        if (!replication.has(bucket.urn) && !inlined) {
          findings.push({
            urn: bucket.urn,
            message: `bucket ${bucket.name} has no replication configuration`,
            path: "replicationConfiguration",
            value: undefined,
          });
        }
      }
      return findings;
    },
  });
