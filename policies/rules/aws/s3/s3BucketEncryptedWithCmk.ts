import { PolicyResource } from "@pulumi/policy";
import {
  accessLogTargets,
  byBucket,
  EncryptionDefault,
  encryptionDefaults,
  inline,
  isOf,
  S3,
} from "../../../lib/aws";
import { known, stackRule, StackFinding, UNKNOWN } from "../../../lib/rule";

interface Config {
  allowSseS3ForAccessLogBuckets: boolean;
}

function defaultsOf(bucket: PolicyResource, configs: PolicyResource[]): EncryptionDefault[] | typeof UNKNOWN {
  return known(() => {
    const fromSplit = configs.flatMap((c) => encryptionDefaults(c.props, ""));
    const fromInline = inline(bucket.props, "encryption").flatMap((b) => encryptionDefaults(b.value, b.path));
    return [...fromSplit, ...fromInline].map((d) => d.value);
  }, UNKNOWN);
}

const AWS_MANAGED = /(^|\/|:)alias\/aws\/s3$/;

/** Every bucket's default encryption is SSE-KMS with a customer-managed key. */
export const s3BucketEncryptedWithCmk = () =>
  stackRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...S3.bucket, ...S3.encryption],
    summary:
      "An S3 bucket is not encrypted with a customer-managed KMS key, so you cannot control or audit access to its data.",
    description:
      "An S3 bucket's default encryption is not SSE-KMS with a customer-managed key (it is missing, SSE-S3, or " +
      "the AWS-managed aws/s3 key). Without your own key you cannot restrict decryption with a key policy, " +
      "audit every decrypt in CloudTrail, or crypto-shred the data by disabling the key. Buckets that receive " +
      "server access logs may use SSE-S3, the only encryption S3 log delivery supports.",
    remediation:
      'Attach an aws.s3.BucketServerSideEncryptionConfiguration whose rule sets sseAlgorithm "aws:kms" and ' +
      "kmsMasterKeyId to the ARN of your aws.kms.Key (bucketKeyEnabled: true keeps KMS costs down).",
    enforcementLevel: "mandatory",
    severity: "high",
    config: {
      allowSseS3ForAccessLogBuckets: {
        type: "boolean",
        default: true,
        description: "Accept SSE-S3 on buckets that are the target of server access logging.",
      },
    },
    check: (resources, config) => {
      const findings: StackFinding[] = [];
      const encryption = byBucket(resources, S3.encryption);
      const logTargets = accessLogTargets(resources);
      for (const bucket of resources.filter(isOf(S3.bucket))) {
        const defaults = defaultsOf(bucket, encryption.get(bucket.urn) ?? []);
        if (defaults === UNKNOWN) continue;
        if (defaults.length === 0) {
          findings.push({
            urn: bucket.urn,
            message: `bucket ${bucket.name} has no default-encryption configuration, so S3 uses SSE-S3 with an AWS-owned key`,
          });
          continue;
        }
        for (const d of defaults) {
          const kms = d.sseAlgorithm === "aws:kms" || d.sseAlgorithm === "aws:kms:dsse";
          if (kms && d.kmsMasterKeyId && !AWS_MANAGED.test(d.kmsMasterKeyId)) continue;
          if (
            d.sseAlgorithm === "AES256" &&
            config.allowSseS3ForAccessLogBuckets &&
            logTargets.has(bucket.urn)
          )
            continue;
          const what = kms
            ? d.kmsMasterKeyId
              ? `the AWS-managed key ${d.kmsMasterKeyId}`
              : "SSE-KMS without kmsMasterKeyId (the AWS-managed aws/s3 key)"
            : `sseAlgorithm ${JSON.stringify(d.sseAlgorithm)}`;
          findings.push({
            urn: bucket.urn,
            message: `bucket ${bucket.name} is encrypted with ${what}, not a customer-managed KMS key`,
          });
        }
      }
      return findings;
    },
  });
