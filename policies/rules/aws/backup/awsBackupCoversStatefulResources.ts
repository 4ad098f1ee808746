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

/** A glob of `*` wildcards as an anchored regular expression, compiled once per selection. */
function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
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

type Selects = (r: PolicyResource, tags: Record<string, string>) => boolean | typeof UNKNOWN;

/**
 * A selection compiled once: its selected and excluded URNs as sets, its wildcard services, its tag
 * pairs and its conditions with their patterns compiled, so judging a resource costs no scan of the
 * selection's lists (a selection may list thousands of resources). A selection whose settings are
 * unknown until deploy selects UNKNOWN.
 */
function compileSelection(selection: PolicyResource): Selects {
  const compiled = known(() => {
    const p = selection.props;
    const byDependency = new Set((selection.propertyDependencies.resources ?? []).map((d) => d.urn));
    const excluded = new Set((selection.propertyDependencies.notResources ?? []).map((d) => d.urn));
    const arns = asList(p.resources as string[] | undefined);
    const everything = arns.includes("*");
    const services = new Set(arns.filter((arn) => arn.endsWith("*")).map((arn) => arn.split(":")[2]));
    const tagPairs = asList(p.selectionTags as Props[] | undefined)
      .filter((t) => String(t.type ?? "STRINGEQUALS").toUpperCase() === "STRINGEQUALS")
      .map((t) => [String(t.key), t.value] as const);
    const conditions = asList(p.condition as Props | Props[] | undefined);
    const entries = (kind: string) =>
      conditions
        .flatMap((c) => asList(c[kind] as Props[] | undefined))
        .map((e) => ({ key: String(e.key).replace(/^aws:ResourceTag\//, ""), value: String(e.value) }));
    const equals = entries("stringEquals");
    const like = entries("stringLike").map((e) => ({ key: e.key, re: globRegExp(e.value) }));
    const notEquals = entries("stringNotEquals");
    const notLike = entries("stringNotLike").map((e) => ({ key: e.key, re: globRegExp(e.value) }));
    const byConditionsAlone = (equals.length > 0 || like.length > 0) && arns.length === 0;
    return (r: PolicyResource, tags: Record<string, string>): boolean => {
      if (excluded.has(r.urn)) return false;
      const conditionsHold =
        equals.every((e) => tags[e.key] === e.value) &&
        like.every((e) => tags[e.key] !== undefined && e.re.test(tags[e.key])) &&
        notEquals.every((e) => tags[e.key] !== e.value) &&
        notLike.every((e) => tags[e.key] === undefined || !e.re.test(tags[e.key]));
      if (!conditionsHold) return false;
      const service = serviceOf(r.type);
      return (
        byDependency.has(r.urn) ||
        everything ||
        (service !== undefined && services.has(service)) ||
        tagPairs.some(([key, value]) => tags[key] === value) ||
        byConditionsAlone
      );
    };
  }, UNKNOWN);
  return compiled === UNKNOWN ? () => UNKNOWN : compiled;
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
      const selections = resources.filter((r) => matchesType(SELECTION, r.type)).map(compileSelection);
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
        const verdicts = selections.map((selects) => selects(r, tags));
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
