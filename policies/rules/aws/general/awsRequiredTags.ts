import { providerDefaultTags } from "../../../lib/aws";
import { Props, resourceRule } from "../../../lib/rule";

interface Config {
  requiredTags: string[];
}

/** Stateful and security-relevant AWS resources that take tags, which owners and backups rely on. */
const TAGGED = [
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:kms/key:Key",
  "aws:msk/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:ebs/volume:Volume",
  "aws:efs/fileSystem:FileSystem",
  "aws:backup/vault:Vault",
  "aws:sns/topic:Topic",
  "aws:sqs/queue:Queue",
  "aws:cloudwatch/logGroup:LogGroup",
];

/** `tags.owner`, or `tags["seawall:owner"]` for a key that is not an identifier. */
const tagPath = (key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `tags.${key}` : `tags[${JSON.stringify(key)}]`;

export const awsRequiredTags = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: TAGGED,
    summary:
      "A stateful AWS resource lacks a required tag, so its owner, data classification or backup selection is unknown.",
    description:
      "A stateful AWS resource does not carry every configured required tag (its own tags merged over the " +
      "provider's defaultTags). Untagged data stores have no accountable owner, escape tag-based backup " +
      "selections and cost reports, and cannot be classified. Not applicable until requiredTags is configured.",
    remediation:
      "Add the missing tags to the resource, or to the provider's defaultTags so every resource gets them.",
    enforcementLevel: "mandatory",
    severity: "low",
    config: {
      requiredTags: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: 'Tag keys every stateful resource must carry, e.g. ["owner", "data-classification"].',
      },
    },
    check: (props, { config, args }) => {
      if (config.requiredTags.length === 0) args.notApplicable("no requiredTags configured");
      const tags: Props = {
        ...providerDefaultTags(args.provider?.props),
        ...(props.tags as Props | undefined),
      };
      const missing = config.requiredTags.filter((key) => typeof tags[key] !== "string" || tags[key] === "");
      return missing.length > 0
        ? {
            message: `missing tag(s): ${missing.join(", ")}`,
            path: tagPath(missing[0]),
            value: tags[missing[0]],
          }
        : undefined;
    },
  });
