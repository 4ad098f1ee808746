import { PolicyResource } from "@pulumi/policy";
import {
  accessLogTargetNames,
  accessLogTargets,
  At,
  bucketIndex,
  EncryptionDefault,
  encryptionDefaults,
  inline,
  isOf,
  literalBucketName,
  S3,
} from "../../../lib/aws";
import { known, stackRule, StackFinding, UNKNOWN } from "../../../lib/rule";

interface Config {
  allowSseS3ForAccessLogBuckets: boolean;
}

const AWS_MANAGED = /(^|\/|:)alias\/aws\/s3$/;

/** What is wrong with one encryption default, as a finding on `urn`; undefined when it is a customer-managed key. */
function judge(
  d: At<EncryptionDefault>,
  bucketName: string,
  urn: string,
  sseS3Allowed: boolean,
): StackFinding | undefined {
  const { sseAlgorithm, kmsMasterKeyId } = d.value;
  const kms = sseAlgorithm === "aws:kms" || sseAlgorithm === "aws:kms:dsse";
  if (kms && kmsMasterKeyId && !AWS_MANAGED.test(kmsMasterKeyId)) return undefined;
  if (sseAlgorithm === "AES256" && sseS3Allowed) return undefined;
  const what = kms
    ? kmsMasterKeyId
      ? `the AWS-managed key ${kmsMasterKeyId}`
      : "SSE-KMS without kmsMasterKeyId (the AWS-managed aws/s3 key)"
    : `sseAlgorithm ${JSON.stringify(sseAlgorithm)}`;
  return {
    urn,
    message: `bucket ${bucketName} is encrypted with ${what}, not a customer-managed KMS key`,
    path: kms ? `${d.path}.kmsMasterKeyId` : `${d.path}.sseAlgorithm`,
    value: kms ? kmsMasterKeyId : sseAlgorithm,
  };
}

/**
 * Every bucket's default encryption is SSE-KMS with a customer-managed key. Each split
 * BucketServerSideEncryptionConfiguration is judged itself, whether or not its bucket is in the
 * program, and its findings are reported on it (where the property to fix is); the bucket is
 * reported only for inline encryption or when nothing encrypts it, so nothing is reported twice.
 */
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
      "server access logs may use SSE-S3, the only encryption S3 log delivery supports. A split encryption " +
      "configuration is judged, and reported, on its own, also when its bucket is not in the program; a " +
      "bucket is reported when nothing encrypts it or its inline encryption is wrong.",
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
      const index = bucketIndex(resources);
      const logTargets = accessLogTargets(resources);
      const logTargetNames = accessLogTargetNames(resources);
      const exempt = (isLogTarget: boolean) => config.allowSseS3ForAccessLogBuckets && isLogTarget;

      // Each split configuration, once: on its linked buckets, or on the literal bucket name it gives.
      const splitDefaults = new Map<string, At<EncryptionDefault>[] | typeof UNKNOWN>();
      for (const c of resources.filter(isOf(S3.encryption))) {
        const defaults = known(() => encryptionDefaults(c.props, ""), UNKNOWN);
        splitDefaults.set(c.urn, defaults);
        if (defaults === UNKNOWN) continue;
        const linked = index.linked(c);
        const literal = literalBucketName(c.props);
        const targets: [name: string, logTarget: boolean][] =
          linked.length > 0
            ? linked.map((b) => [b.name, logTargets.has(b.urn)])
            : [[literal ?? `of ${c.name}`, literal !== undefined && logTargetNames.has(literal)]];
        for (const [name, logTarget] of targets) {
          for (const d of defaults) {
            const f = judge(d, name, c.urn, exempt(logTarget));
            if (f) findings.push(f);
          }
        }
      }

      const split = index.byBucket(S3.encryption);
      for (const bucket of index.buckets) {
        const inlineDefaults = known(
          () => inline(bucket.props, "encryption").flatMap((b) => encryptionDefaults(b.value, b.path)),
          UNKNOWN,
        );
        const configs = (split.get(bucket.urn) ?? []).map((c: PolicyResource) => splitDefaults.get(c.urn));
        if (inlineDefaults === UNKNOWN || configs.includes(UNKNOWN)) continue;
        const count = inlineDefaults.length + configs.reduce((n, d) => n + (d as unknown[]).length, 0);
        if (count === 0) {
          findings.push({
            urn: bucket.urn,
            message: `bucket ${bucket.name} has no default-encryption configuration, so S3 uses SSE-S3 with an AWS-owned key`,
            path: "serverSideEncryptionConfiguration",
            value: undefined,
          });
          continue;
        }
        for (const d of inlineDefaults) {
          const f = judge(d, bucket.name, bucket.urn, exempt(logTargets.has(bucket.urn)));
          if (f) findings.push(f);
        }
      }
      return findings;
    },
  });
