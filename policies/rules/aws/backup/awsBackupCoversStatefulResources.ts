import { PolicyResource } from "@pulumi/policy";
import { accessLogTargets, asList, providerDefaultTags, replicationDestinations } from "../../../lib/aws";
import { inCluster, isReadReplica, RDS } from "../../../lib/rds";
import { known, matchesType, Props, stackRule, StackFinding, UNKNOWN } from "../../../lib/rule";

interface Config {
  exemptReplicaAndLogBuckets: boolean;
}

/** The stateful resources AWS Backup can protect, with the ARN service name a wildcard selection uses. */
const STATEFUL: [token: string, service: string][] = [
  ["aws:s3/bucket:Bucket", "s3"],
  ["aws:s3/bucketV2:BucketV2", "s3"],
  [RDS.instance, "rds"],
  [RDS.cluster, "rds"],
  ["aws:dynamodb/table:Table", "dynamodb"],
  ["aws:ebs/volume:Volume", "ec2"],
  ["aws:efs/fileSystem:FileSystem", "elasticfilesystem"],
];
const SELECTION = "aws:backup/selection:Selection";

function serviceOf(type: string): string | undefined {
  return STATEFUL.find(([token]) => matchesType(token, type))?.[1];
}

function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return re.test(value);
}

/** The resource's tags, the provider's defaultTags under them. */
function tagsOf(r: PolicyResource): Record<string, string> | typeof UNKNOWN {
  return known(
    () => ({
      ...providerDefaultTags(r.provider?.props),
      ...(r.props.tags as Props | undefined),
    }),
    UNKNOWN,
  );
}

function selects(
  selection: PolicyResource,
  r: PolicyResource,
  tags: Record<string, string>,
): boolean | typeof UNKNOWN {
  return known(() => {
    const p = selection.props;
    const byDependency = (selection.propertyDependencies.resources ?? []).some((d) => d.urn === r.urn);
    const service = serviceOf(r.type);
    const byWildcard = asList(p.resources as string[] | undefined).some(
      (arn) => arn === "*" || (service !== undefined && arn.endsWith("*") && arn.split(":")[2] === service),
    );
    const byTag = asList(p.selectionTags as Props[] | undefined).some(
      (t) => String(t.type ?? "STRINGEQUALS").toUpperCase() === "STRINGEQUALS" && tags[t.key] === t.value,
    );
    const conditions = asList(p.condition as Props | Props[] | undefined);
    const condition = (kind: string, test: (want: string, have: string | undefined) => boolean) =>
      conditions
        .flatMap((c) => asList(c[kind] as Props[] | undefined))
        .every((e) => {
          const key = String(e.key).replace(/^aws:ResourceTag\//, "");
          return test(String(e.value), tags[key]);
        });
    const conditionsHold =
      condition("stringEquals", (w, h) => h === w) &&
      condition("stringLike", (w, h) => h !== undefined && glob(w, h)) &&
      condition("stringNotEquals", (w, h) => h !== w) &&
      condition("stringNotLike", (w, h) => h === undefined || !glob(w, h));
    const hasConditions = conditions.some((c) =>
      ["stringEquals", "stringLike"].some((k) => asList(c[k]).length > 0),
    );
    const excluded = (selection.propertyDependencies.notResources ?? []).some((d) => d.urn === r.urn);
    return (
      !excluded &&
      conditionsHold &&
      (byDependency || byWildcard || byTag || (hasConditions && asList(p.resources).length === 0))
    );
  }, UNKNOWN);
}

/** Every stateful AWS resource is selected by an AWS Backup plan. */
export const awsBackupCoversStatefulResources = () =>
  stackRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [...STATEFUL.map(([t]) => t), SELECTION],
    summary:
      "A stateful AWS resource is not selected by any AWS Backup plan, so there is no independent, restorable copy.",
    description:
      "A stateful resource (S3 bucket, RDS instance or cluster, DynamoDB table, EBS volume, EFS file system) " +
      "is not selected by any aws.backup.Selection, by resource, wildcard or tag. Versioning and replication " +
      "copy deletes and corruption too; only a backup with its own retention, in a vault you control, lets " +
      "you restore to a point before the damage. S3 replicas and access-log buckets are exempt by default.",
    remediation:
      "Add an aws.backup.Plan and an aws.backup.Selection that selects the resource: list its ARN in " +
      "`resources` or tag it and select by tag (selectionTags or condition.stringEquals).",
    enforcementLevel: "mandatory",
    severity: "high",
    config: {
      exemptReplicaAndLogBuckets: {
        type: "boolean",
        default: true,
        description: "Do not require backups of S3 replication destinations and server-access-log buckets.",
      },
    },
    check: (resources, config) => {
      const selections = resources.filter((r) => matchesType(SELECTION, r.type));
      const exempt = config.exemptReplicaAndLogBuckets
        ? new Set([...replicationDestinations(resources), ...accessLogTargets(resources)])
        : new Set<string>();
      const findings: StackFinding[] = [];
      for (const r of resources) {
        if (serviceOf(r.type) === undefined || exempt.has(r.urn)) continue;
        if (matchesType(RDS.instance, r.type)) {
          const member = known(() => inCluster(r.props) || isReadReplica(r.props), UNKNOWN);
          if (member !== false) continue;
        }
        const tags = tagsOf(r);
        if (tags === UNKNOWN) continue;
        const verdicts = selections.map((s) => selects(s, r, tags));
        if (verdicts.includes(true) || verdicts.includes(UNKNOWN)) continue;
        findings.push({
          urn: r.urn,
          message: `${r.type.split(":").pop()} ${r.name} is not selected by any AWS Backup selection`,
          // What a tag-based selection would match: the tags, the provider's defaultTags under them.
          path: "tags",
          value: tags,
        });
      }
      return findings;
    },
  });
